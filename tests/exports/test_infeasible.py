"""The shipped infeasible scenario on the seeded database: its export says so, in both formats,
as the API's Infeasible does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from server import create_app
from settings import Settings
from tests.exports.conftest import sections, sheets
from tests.schema.helpers import gql

NAME = "infeasible-corsica-floor"


@pytest.fixture
async def seeded(seeded_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=seeded_db_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=120) as http:
        yield http
    await app.state.engine.dispose()


async def test_the_infeasible_corsica_floor_exports_its_conflicts(
    seeded: httpx.AsyncClient,
) -> None:
    query = """query($n: String!) { runScenario(name: $n) { __typename
      ... on Infeasible { message conflictNames relaxations { name suggested } } } }"""
    answer = (await gql(seeded, query, n=NAME))["data"]["runScenario"]
    assert answer["__typename"] == "Infeasible"

    response = await seeded.get(f"/exports/scenarios/{NAME}.xlsx")
    assert response.status_code == 200, response.text
    assert f'filename="territoires-{NAME}.xlsx"' in response.headers["content-disposition"]
    book = sheets(response.content)
    assert list(book) == ["Synthèse", "Conflits", "Relâchements"]
    summary = {row[0]: row[1] for row in book["Synthèse"][1:]}
    assert str(summary["Statut"]).startswith("infaisable")
    assert summary["Message du moteur (en anglais)"] == answer["message"]
    assert [row[0] for row in book["Conflits"][1:]] == answer["conflictNames"]
    assert "region_94_min" in answer["conflictNames"]
    relaxed = {row[0]: row[3] for row in book["Relâchements"][1:]}
    assert relaxed == {r["name"]: pytest.approx(r["suggested"]) for r in answer["relaxations"]}

    english = await seeded.get(f"/exports/scenarios/{NAME}.csv", params={"lang": "en"})
    found = sections(english.content)
    assert list(found) == ["Summary", "Conflicts", "Relaxations"]
    summary_en = {row[0]: row[1] for row in found["Summary"][1:]}
    assert summary_en["Status"] == "infeasible: no allocation meets every constraint"
    assert summary_en["Public aid allocated (EUR)"] == "0"
