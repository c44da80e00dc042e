"""Security: API keys on mutations, no code execution, no leaks in production answers."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

import hmac
import logging
from pathlib import Path

import httpx
import pytest

import models.queries
import schema.auth
from apikeys import hash_key
from schema.auth import DEV_API_KEY, is_valid_key
from server import create_app
from settings import Settings
from simulation.files import parse_text
from simulation.scenario import ScenarioError
from tests.robustness.conftest import answer, codes

SAVE = """mutation($s: ScenarioInput!) { saveScenario(scenario: $s) {
  __typename ... on Scenario { name version } ... on InvalidScenario { message }
} }"""
KEY = "s3cret-key-for-tests"


async def save(http: httpx.AsyncClient, authorization: str | None, name: str = "mine") -> dict:  # type: ignore[type-arg]
    headers = {} if authorization is None else {"authorization": authorization}
    response = await http.post(
        "/graphql", json={"query": SAVE, "variables": {"s": {"name": name}}}, headers=headers
    )
    return answer(response)


@pytest.fixture
async def keyed(robust_db: str) -> httpx.AsyncClient:  # type: ignore[misc]
    settings = Settings(database_url=robust_db, production=True, api_key_hashes=(hash_key(KEY),))
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http
    await app.state.engine.dispose()


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-header"),
        pytest.param(f"Bearer {KEY}x", id="wrong-key"),
        pytest.param("Bearer ", id="empty-key"),
        pytest.param(f"Basic {KEY}", id="wrong-scheme"),
        pytest.param(KEY, id="no-scheme"),
        pytest.param(f"Bearer {DEV_API_KEY}", id="dev-key-in-production"),
        pytest.param(f"Bearer {hash_key(KEY)}", id="the-hash-itself"),
    ],
)
async def test_mutations_need_a_valid_key(
    keyed: httpx.AsyncClient, authorization: str | None
) -> None:
    body = await save(keyed, authorization)
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


async def test_a_valid_key_saves(keyed: httpx.AsyncClient) -> None:
    body = await save(keyed, f"Bearer {KEY}")
    assert body["data"]["saveScenario"] == {"__typename": "Scenario", "name": "mine", "version": 1}


async def test_keys_are_never_logged(
    keyed: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await save(keyed, f"Bearer {KEY}x")
        await save(keyed, f"Bearer {KEY}", name="a-b")
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert KEY not in logged


def test_every_configured_hash_is_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[str] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(schema.auth.hmac, "compare_digest", spy)
    hashes = (hash_key("first"), hash_key("second"), hash_key("third"))
    settings = Settings(api_key_hashes=hashes)
    assert is_valid_key(settings, "Bearer first")
    assert compared == list(hashes)  # no early exit on a match: timing does not tell which


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("version: 1\nname: !!python/object/apply:os.system ['touch {out}']\n", id="os-system"),
        pytest.param("version: 1\nname: !!python/name:os.system\n", id="python-name"),
        pytest.param("!!python/object/new:subprocess.Popen [['touch', '{out}']]\n", id="popen"),
    ],
)  # fmt: skip
def test_yaml_cannot_run_code(tmp_path: Path, text: str) -> None:
    out = tmp_path / "pwned"
    with pytest.raises(ScenarioError):
        parse_text(text.format(out=out), source="evil.yaml")
    assert not out.exists()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x' OR '1'='1", id="or-true"),
        pytest.param("x'; DROP TABLE project; --", id="drop-table"),
        pytest.param('x" UNION SELECT name FROM saved_scenario --', id="union"),
    ],
)
async def test_sql_text_in_arguments_is_data(api: httpx.AsyncClient, value: str) -> None:
    query = """query($v: String!) {
      projects(first: 5, filter: {sector: $v}) { totalCount }
      region(code: $v) { code }
      scenario(name: $v) { name }
    }"""
    body = answer(await api.post("/graphql", json={"query": query, "variables": {"v": value}}))
    assert body["data"] == {"projects": {"totalCount": 0}, "region": None, "scenario": None}
    check = answer(
        await api.post("/graphql", json={"query": "{ projects(first: 1) { totalCount } }"})
    )
    assert check["data"]["projects"]["totalCount"] == 24  # the table is still there, whole


SECRET = 'SELECT secret FROM project WHERE id = 1 in "/srv/app/models/queries.py"'


async def broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError(SECRET)


async def test_production_masks_an_internal_error(
    prod_api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models.queries, "regions", broken)
    body = answer(await prod_api.post("/graphql", json={"query": "{ regions { code } }"}))
    assert codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["message"].startswith("Unexpected error (reference ")


async def test_development_shows_the_message_with_a_reference(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models.queries, "regions", broken)
    body = answer(await api.post("/graphql", json={"query": "{ regions { code } }"}), leaks=True)
    assert body["errors"][0]["message"] == SECRET  # developers see it; production does not
    assert body["errors"][0]["extensions"]["reference"]
