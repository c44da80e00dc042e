"""What a result tells a front end: which data and code produced it, typed values, enums."""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest
import scipy
from sqlalchemy import select
from starlette.applications import Starlette

from models.dataset import Dataset
from models.db import make_engine
from schema.view import find_view
from server import create_app
from settings import Settings
from simulation.highs import VERSION as HIGHS_VERSION
from simulation.solve import MIP_REL_GAP
from tests.schema.helpers import gql

PROVENANCE = """provenance {
  data { fingerprint synthetic generatorVersion seed projectCount }
  code { engine highs highspy scipy numpy }
  options { mode timeLimitS mipRelGap }
}"""
# Everything a simulation answers except the time it took (a measurement, not the answer).
ANSWER = f"""query($s: ScenarioInput!) {{ simulate(scenario: $s) {{
  __typename
  ... on SimulationResult {{
    scenarioName status message mode jobs spentEur unspentEur budgetEur fragileShare
    fragileProjectShare decarbonisationShare decarbonisationProjectShare projectsFunded
    unspentReasons
    regions {{ code name allocatedEur jobs projectsFunded minEur maxEur }}
    territories {{ regionCode allocatedEur jobs projectsFunded territory {{ id }} }}
    bindingConstraints {{ name label shadowPrice unit text }}
    baselines {{ name label jobs spentEur fragileShare feasible violations jobsGainedByOptimum }}
    solver {{ name version method options mipGap iterations }}
    fundedProjects(first: 100) {{
      totalCount nodes {{ project {{ id }} allocatedEur funded whyFunded jobsNeeded aidCutEur }}
    }}
    {PROVENANCE}
  }}
  ... on Infeasible {{
    scenarioName message conflicts conflictNames diagnosisComplete
    relaxations {{ name label current suggested unit text }}
    {PROVENANCE}
  }}
}} }}"""


@pytest.fixture
async def api(seeded_db_url: str) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(Settings(database_url=seeded_db_url, solver_time_limit_s=20.0))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=60
    ) as http:
        yield app, http
    await app.state.engine.dispose()


async def answer(client: httpx.AsyncClient, **scenario: Any) -> dict[str, Any]:
    body = await gql(client, ANSWER, s=scenario)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["simulate"]
    return found


async def seeded_dataset(url: str) -> Dataset:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(select(Dataset))).one()
    finally:
        await engine.dispose()
    return row  # type: ignore[no-any-return]


async def test_a_result_says_which_data_and_code_produced_it(
    api: tuple[Starlette, httpx.AsyncClient], seeded_db_url: str
) -> None:
    _, client = api
    result = await answer(client)
    dataset = await seeded_dataset(seeded_db_url)
    assert result["provenance"] == {
        "data": {
            "fingerprint": dataset.reference_fingerprint,
            "synthetic": dataset.synthetic,
            "generatorVersion": dataset.generator_version,
            "seed": dataset.seed,
            "projectCount": dataset.project_count,
        },
        "code": {
            "engine": importlib.metadata.version("territoires"),
            "highs": HIGHS_VERSION,
            "highspy": importlib.metadata.version("highspy"),
            "scipy": scipy.__version__,
            "numpy": np.__version__,
        },
        "options": {"mode": "CONTINUOUS", "timeLimitS": 20.0, "mipRelGap": None},
    }
    whole = await answer(client, mode="ALL_OR_NOTHING")
    assert whole["mode"] == "ALL_OR_NOTHING"
    assert whole["provenance"]["options"]["mipRelGap"] == MIP_REL_GAP
    assert whole["provenance"]["data"] == result["provenance"]["data"]


async def test_the_same_provenance_gives_the_same_answer(
    api: tuple[Starlette, httpx.AsyncClient],
) -> None:
    app, client = api
    view = find_view(app)
    bodies = []
    for _ in range(2):
        view.cache.clear()  # solved again, not served from the response cache
        computed = view.computed
        response = await client.post(
            "/graphql", json={"query": ANSWER, "variables": {"s": {"fragileShareMin": 0.75}}}
        )
        assert response.status_code == 200
        assert view.computed == computed + 1
        bodies.append(response.content)
    first = json.loads(bodies[0])["data"]["simulate"]
    assert first["__typename"] == "SimulationResult"
    assert first["fundedProjects"]["totalCount"] > 0
    assert bodies[0] == bodies[1]


async def test_infeasible_comparison_and_curve_say_what_produced_them(
    api: tuple[Starlette, httpx.AsyncClient],
) -> None:
    _, client = api
    infeasible = await answer(client, minSpendShare=1.0, decarbonisationShareMin=0.95)
    assert infeasible["__typename"] == "Infeasible"
    assert infeasible["provenance"]["data"]["fingerprint"]
    assert infeasible["provenance"]["options"]["mode"] == "CONTINUOUS"
    compared = await gql(
        client,
        f"""{{ compareScenarios(names: ["france-relance-2020", "march-2021-top-up"]) {{
          ... on Comparison {{ {PROVENANCE} runs {{ ... on SimulationResult {{ {PROVENANCE} }} }}
        }} }} }}""",
    )
    comparison = compared["data"]["compareScenarios"]
    assert comparison["provenance"]["data"] == infeasible["provenance"]["data"]
    assert comparison["provenance"]["options"]["timeLimitS"] == 20.0
    assert all(run["provenance"]["data"] for run in comparison["runs"])
    curve = await gql(
        client,
        f"""{{ tradeOffCurve(scenario: {{mode: ALL_OR_NOTHING}}, parameter: FRAGILE_SHARE_MIN,
          values: [0.7]) {{ ... on TradeOffCurve {{ relaxation {PROVENANCE} }} }} }}""",
    )
    traded = curve["data"]["tradeOffCurve"]
    assert traded["relaxation"] is True
    assert traded["provenance"]["options"] == {
        "mode": "ALL_OR_NOTHING",
        "timeLimitS": 20.0,
        "mipRelGap": None,  # the curve solves LPs only
    }


async def test_options_and_input_values_are_json_values_not_strings(
    api: tuple[Starlette, httpx.AsyncClient],
) -> None:
    _, client = api
    body = await gql(
        client,
        """{ simulate(scenario: {}) { ... on SimulationResult { solver { options optionsJson } } }
             compareScenarios(names: ["france-relance-2020", "march-2021-top-up"]) {
               ... on Comparison {
                 statuses inputs { path values valuesJson } outcomes { name unit measuredIn }
               } } }""",
    )
    solver = body["data"]["simulate"]["solver"]
    assert isinstance(solver["options"], dict) and solver["options"]
    assert json.loads(solver["optionsJson"]) == solver["options"]  # deprecated, still served
    comparison = body["data"]["compareScenarios"]
    assert comparison["statuses"] == ["OPTIMAL", "OPTIMAL"]
    budget = next(d for d in comparison["inputs"] if d["path"] == "budget_eur")
    assert budget["values"] == [400_000_000, 557_000_000]
    for difference in comparison["inputs"]:
        assert [json.loads(v) for v in difference["valuesJson"]] == difference["values"]
    units = {o["name"]: o["measuredIn"] for o in comparison["outcomes"]}
    assert units["jobs"] == "JOBS"
    assert units["spent_eur"] == "EUROS"
    assert units["projects_funded"] == "PROJECTS"
    assert units["fragile_share"] == "SHARE"
    assert {o["unit"] for o in comparison["outcomes"]} >= {"EUR", "share"}  # deprecated


async def test_a_relaxation_says_its_unit(api: tuple[Starlette, httpx.AsyncClient]) -> None:
    _, client = api
    outcome = await answer(client, minSpendShare=1.0, decarbonisationShareMin=0.95)
    assert outcome["__typename"] == "Infeasible"
    units = {r["name"]: r["unit"] for r in outcome["relaxations"]}
    assert units == {"min_spend": "EUROS", "decarbonisation_share": "SHARE"}
    for relaxation in outcome["relaxations"]:
        if relaxation["unit"] == "SHARE":
            assert 0 <= relaxation["suggested"] <= 1
        else:
            assert relaxation["suggested"] == round(relaxation["suggested"])  # whole euros
