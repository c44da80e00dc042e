"""The export URLs over the small hand-made database: the files, their figures against the
GraphQL answer of the same scenario, and the refusals coded as /graphql codes them."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from exports.tables import LABELS, SHEETS
from schema.runner import SolverBusy, SolverTimeout
from server import create_app
from settings import Settings
from tests.exports.conftest import french_number, sections, sheets
from tests.schema.helpers import gql

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUN = """
query($name: String!) {
  runScenario(name: $name) {
    __typename
    ... on SimulationResult {
      status jobs spentEur budgetEur unspentEur fragileShare decarbonisationShare projectsFunded
      regions { code allocatedEur jobs projectsFunded }
      bindingConstraints { name shadowPrice }
      fundedProjects(first: 100) {
        nodes { allocatedEur whyFunded project { name origin } }
      }
    }
  }
}
"""
ORIGINS = {"LAUREATE": "lauréat", "GENERATED": "généré (données simulées)"}


def rows_of(table: list[list[Any]]) -> list[dict[str, Any]]:
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


async def test_a_shipped_scenario_as_a_workbook_says_what_graphql_says(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/exports/scenarios/france-relance-2020.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    disposition = 'attachment; filename="territoires-france-relance-2020.xlsx"'
    assert response.headers["content-disposition"] == disposition
    book = sheets(response.content)
    fr = SHEETS["fr"]
    assert list(book) == [
        fr[k] for k in ("summary", "constraints", "regions", "territories", "projects")
    ]
    answer = (await gql(client, RUN, name="france-relance-2020"))["data"]["runScenario"]
    assert answer["__typename"] == "SimulationResult"
    labels = LABELS["fr"]
    summary = {row[0]: row[1] for row in book["Synthèse"][1:]}
    assert summary[labels["status"]] == "optimal"
    assert summary[labels["jobs"]] == pytest.approx(answer["jobs"], abs=1e-9)
    assert summary[labels["spent_eur"]] == answer["spentEur"]
    assert summary[labels["budget_eur"]] == answer["budgetEur"]
    assert summary[labels["unspent_eur"]] == answer["unspentEur"]
    assert summary[labels["fragile_share"]] == pytest.approx(answer["fragileShare"], abs=1e-12)
    assert summary[labels["projects_funded"]] == answer["projectsFunded"]
    regions = {row[labels["code"]]: row for row in rows_of(book["Régions"])}
    for region in answer["regions"]:
        row = regions[region["code"]]
        assert row[labels["allocated_eur"]] == region["allocatedEur"]
        assert row[labels["jobs"]] == pytest.approx(region["jobs"], abs=1e-9)
    prices = {
        row[labels["name"]]: row[labels["shadow_price"]] for row in rows_of(book["Contraintes"])
    }
    assert prices == {
        b["name"]: pytest.approx(b["shadowPrice"]) for b in answer["bindingConstraints"]
    }
    funded = rows_of(book["Projets financés"])
    nodes = answer["fundedProjects"]["nodes"]
    assert len(funded) == len(nodes) == answer["projectsFunded"] > 0
    for row, node in zip(funded, nodes, strict=True):  # in the same order
        assert row[labels["allocated_eur"]] == node["allocatedEur"]
        assert row[labels["why_funded"]] == node["whyFunded"]
        assert row[labels["project"]] == node["project"]["name"]
        assert row[labels["origin"]] == ORIGINS[node["project"]["origin"]]
        assert row[labels["jobs_nature"]] in ("déclaré", "estimé")


async def test_the_csv_of_a_what_if_in_french_and_in_english(client: httpx.AsyncClient) -> None:
    what_if = json.dumps({"fragileShareMin": 0.75, "name": "essai"})
    response = await client.get("/exports/simulate.csv", params={"scenario": what_if})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="territoires-simulation.csv"' in response.headers["content-disposition"]
    found = sections(response.content)
    summary = {row[0]: row[1] for row in found["Synthèse"][1:]}
    simulate = """query($s: ScenarioInput!) {
      simulate(scenario: $s) { ... on SimulationResult { jobs fragileShare spentEur } } }"""
    answer = (await gql(client, simulate, s={"fragileShareMin": 0.75}))["data"]["simulate"]
    assert french_number(summary["Emplois créés"]) == pytest.approx(answer["jobs"], rel=1e-11)
    assert french_number(summary["Part des euros en territoire fragile"]) == pytest.approx(
        answer["fragileShare"], rel=1e-11
    )
    assert int(summary["Aide publique engagée (€)"]) == answer["spentEur"]
    assert summary["Scénario"] == "essai"
    english = await client.get("/exports/simulate.csv", params={"scenario": what_if, "lang": "en"})
    found = sections(english.content)
    assert list(found)[:2] == ["Summary", "Constraints"]
    summary = {row[0]: row[1] for row in found["Summary"][1:]}
    assert float(summary["Jobs created"]) == pytest.approx(answer["jobs"], rel=1e-11)


async def test_an_invalid_what_if_is_a_file_that_names_the_field(client: httpx.AsyncClient) -> None:
    what_if = json.dumps({"fragileShareMin": 1.5})
    response = await client.get("/exports/simulate.xlsx", params={"scenario": what_if})
    assert response.status_code == 200, response.text
    book = sheets(response.content)
    assert list(book) == ["Synthèse", "Problèmes"]
    summary = {row[0]: row[1] for row in book["Synthèse"][1:]}
    assert summary["Statut"] == "scénario invalide : rien n'a été calculé"
    (problem,) = rows_of(book["Problèmes"])
    assert problem["Chemin dans le fichier"] == "constraints.fragile_share_min"
    assert problem["Champ"] == "fragileShareMin"


async def test_a_comparison_of_two_names(client: httpx.AsyncClient) -> None:
    names = ["france-relance-2020", "fragile-first"]
    response = await client.get("/exports/comparison.xlsx", params={"names": names})
    assert response.status_code == 200, response.text
    assert 'filename="territoires-comparaison.xlsx"' in response.headers["content-disposition"]
    book = sheets(response.content)
    assert list(book) == ["Indicateurs", "Entrées", "Régions", "Projets"]
    assert book["Indicateurs"][0][2:4] == names
    compared = """query($n: [String!]!) { compareScenarios(names: $n) { ... on Comparison {
      outcomes { name values deltas } } } }"""
    answer = (await gql(client, compared, n=names))["data"]["compareScenarios"]
    jobs = next(o for o in answer["outcomes"] if o["name"] == "jobs")
    row = next(r for r in book["Indicateurs"] if r[0] == "Emplois créés")
    assert row[2:] == pytest.approx([*jobs["values"], jobs["deltas"][1]])
    english = await client.get("/exports/comparison.csv", params={"names": names, "lang": "en"})
    assert list(sections(english.content)) == ["Outcomes", "Inputs", "Regions", "Projects"]


def error_of(response: httpx.Response) -> dict[str, Any]:
    (error,) = response.json()["errors"]
    assert isinstance(error["message"], str)
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("url", "params", "status", "code", "argument"),
    [
        ("/exports/scenarios/nope.xlsx", {}, 404, "NOT_FOUND", "name"),
        ("/exports/scenarios/france-relance-2020.pdf", {}, 404, "NOT_FOUND", None),
        (
            "/exports/scenarios/france-relance-2020.csv",
            {"lang": "de"},
            400,
            "BAD_USER_INPUT",
            "lang",
        ),
        ("/exports/simulate.csv", {}, 400, "BAD_USER_INPUT", "scenario"),
        ("/exports/simulate.csv", {"scenario": "{fragile"}, 400, "BAD_USER_INPUT", "scenario"),
        ("/exports/comparison.csv", {}, 400, "BAD_USER_INPUT", "names"),
        (
            "/exports/comparison.csv",
            {"names": ["france-relance-2020"] * 7},
            400,
            "BAD_USER_INPUT",
            "names",
        ),
        (
            "/exports/comparison.csv",
            {"names": ["france-relance-2020", "nope"]},
            404,
            "NOT_FOUND",
            "names",
        ),
    ],
)
async def test_refusals_carry_the_graphql_codes(
    client: httpx.AsyncClient,
    url: str,
    params: dict[str, Any],
    status: int,
    code: str,
    argument: str | None,
) -> None:
    response = await client.get(url, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = error_of(response)
    assert error["extensions"]["code"] == code
    assert error["extensions"].get("argument") == argument


async def test_a_what_if_that_does_not_coerce_names_each_path(client: httpx.AsyncClient) -> None:
    what_if = {
        "fragileShareMin": "beaucoup",
        "regionEnvelopes": [{"regionCode": "84", "minEur": 1.5}],
    }
    response = await client.get("/exports/simulate.xlsx", params={"scenario": json.dumps(what_if)})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["extensions"]["path"] for e in errors] == [
        ["fragileShareMin"],
        ["regionEnvelopes", 0, "minEur"],
    ]
    assert errors[0]["message"].startswith("scenario.fragileShareMin: ")
    assert errors[1]["message"].startswith("scenario.regionEnvelopes[0].minEur: ")
    assert {e["extensions"]["code"] for e in errors} == {"BAD_USER_INPUT"}


async def test_a_query_string_over_the_body_limit_is_refused(small_db: str) -> None:
    app = create_app(Settings(database_url=small_db, max_body_bytes=200))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        what_if = json.dumps({"name": "x" * 300})
        response = await http.get("/exports/simulate.csv", params={"scenario": what_if})
        small = await http.get("/exports/scenarios/france-relance-2020.csv")
    await app.state.engine.dispose()
    assert response.status_code == 413
    assert error_of(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert small.status_code == 200


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(SolverBusy(10), 503, "SERVICE_BUSY"), (SolverTimeout(30), 504, "SOLVER_TIMEOUT")],
)
async def test_the_runner_limits_answer_as_graphql_does(
    app: Starlette,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
    code: str,
) -> None:
    async def refuse(*args: object) -> None:
        raise error

    monkeypatch.setattr(app.state.runner, "solve", refuse)
    response = await client.get("/exports/scenarios/france-relance-2020.xlsx")
    assert response.status_code == status
    assert error_of(response)["extensions"]["code"] == code
    if status == 503:
        assert response.headers["retry-after"] == "5"


async def test_an_unreachable_database_is_a_503_without_a_trace(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "territoires.db"
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{missing}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/exports/scenarios/france-relance-2020.csv")
    await app.state.engine.dispose()
    assert response.status_code == 503
    error = error_of(response)
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
    assert response.headers["retry-after"] == "5"


def readme_urls() -> list[tuple[str, dict[str, str]]]:
    """The export URLs of the README's curl lines, with their --data-urlencode parameters."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    found = []
    for line in readme.splitlines():
        if line.startswith("curl ") and "/exports/" in line:
            words = shlex.split(line.split(" #")[0])
            url = next(w for w in words if w.startswith("http"))
            data = [words[i + 1] for i, w in enumerate(words) if w == "--data-urlencode"]
            found.append((url, dict(d.split("=", 1) for d in data)))
    return found


async def test_the_readme_urls_answer_files(client: httpx.AsyncClient) -> None:
    urls = readme_urls()
    assert len(urls) == 3
    for url, params in urls:
        path = url.removeprefix("http://127.0.0.1:8000")
        response = await client.get(path, params=params) if params else await client.get(path)
        assert response.status_code == 200, (url, response.text)
        suffix = url.split("?")[0].rsplit(".", 1)[1]
        assert response.headers["content-disposition"].endswith(f'.{suffix}"')
