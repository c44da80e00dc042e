from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from strawberry import relay

from server import create_app
from settings import Settings
from tests.schema.helpers import gql

RESULT = """
fragment Outcome on SimulationOutcome {
  __typename
  ... on SimulationResult {
    status jobs spentEur budgetEur fragileShare fragileProjectShare decarbonisationShare
    regions { code allocatedEur jobs }
    bindingConstraints { name shadowPrice unit text }
    baselines { name jobs feasible violations jobsGainedByOptimum }
    fundedProjects(first: 3) { totalCount nodes { allocatedEur funded whyFunded project { id } } }
    solver { name version method timeS }
  }
  ... on Infeasible {
    message conflicts conflictNames relaxations { name suggested text } diagnosisComplete
  }
  ... on InvalidScenario { message problems { path field message } }
}
"""
SIMULATE = RESULT + "query($s: ScenarioInput!) { simulate(scenario: $s) { ...Outcome } }"


@pytest.fixture
async def seeded(seeded_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=seeded_db_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=60
    ) as http:
        yield http
    await app.state.engine.dispose()


async def simulate(client: httpx.AsyncClient, **scenario: Any) -> dict[str, Any]:
    body = await gql(client, SIMULATE, s=scenario)
    assert "errors" not in body, body
    outcome: dict[str, Any] = body["data"]["simulate"]
    return outcome


async def test_announced_programme_is_solved_within_its_constraints(
    seeded: httpx.AsyncClient,
) -> None:
    result = await simulate(seeded)
    assert result["__typename"] == "SimulationResult"
    assert result["status"] == "OPTIMAL"
    assert result["budgetEur"] == 400_000_000
    assert 0 < result["spentEur"] <= 400_000_000
    assert result["fragileShare"] >= 0.69 - 1e-6
    assert sum(r["allocatedEur"] for r in result["regions"]) == result["spentEur"]
    names = {b["name"] for b in result["bindingConstraints"]}
    assert "fragile_share" in names
    feasible = [b for b in result["baselines"] if b["feasible"]]
    assert feasible and all(b["jobsGainedByOptimum"] >= -1e-6 for b in feasible)
    assert result["fundedProjects"]["totalCount"] > 0
    assert result["solver"]["name"] == "HiGHS"


async def test_raising_the_fragile_floor_costs_jobs_as_priced(seeded: httpx.AsyncClient) -> None:
    low = await simulate(seeded, fragileShareMin=0.69)
    high = await simulate(seeded, fragileShareMin=0.80)
    assert high["jobs"] < low["jobs"]
    (price,) = [b for b in low["bindingConstraints"] if b["name"] == "fragile_share"]
    assert price["shadowPrice"] < 0
    assert "point" in price["unit"]
    # the dual is a local slope: the loss over 11 points is at least 11 times the first point's
    assert low["jobs"] - high["jobs"] >= 0.9 * 11 * abs(price["shadowPrice"]) * 0.5


@pytest.mark.parametrize(
    ("scenario", "path", "field"),
    [
        pytest.param(
            {"fragileShareMin": 1.4},
            "constraints.fragile_share_min",
            "fragileShareMin",
            id="share-above-one",
        ),
        pytest.param({"budgetEur": -5}, "budget_eur", "budgetEur", id="negative-budget"),
        pytest.param(
            {"regionEnvelopes": [{"regionCode": "99", "minEur": 1}]},
            "constraints.regions.99",
            "regionEnvelopes",
            id="unknown-region",
        ),
        pytest.param({"base": "france-relance-202"}, "base", "base", id="missing-base"),
    ],
)
async def test_invalid_scenarios_name_the_field(
    seeded: httpx.AsyncClient, scenario: dict[str, Any], path: str, field: str
) -> None:
    outcome = await simulate(seeded, **scenario)
    assert outcome["__typename"] == "InvalidScenario"
    problem = outcome["problems"][0]
    assert problem["path"] == path
    assert problem["field"] == field


async def test_infeasible_scenario_names_conflicts_and_a_relaxation(
    seeded: httpx.AsyncClient,
) -> None:
    outcome = await simulate(
        seeded,
        minSpendShare=1.0,
        decarbonisationShareMin=0.95,
    )
    assert outcome["__typename"] == "Infeasible"
    assert outcome["conflicts"]
    assert outcome["relaxations"]
    assert all(r["text"] for r in outcome["relaxations"])
    assert outcome["diagnosisComplete"] is True


async def test_why_a_project_is_not_funded(seeded: httpx.AsyncClient) -> None:
    # A project the announced programme lets compete: one of a phase-1 territory (a laureate
    # outside every territory is not among its candidates).
    projects = await gql(
        seeded,
        "{ projects(first: 100, orderBy: JOBS_PER_AID_DESC, filter: {phase: 1}) { nodes { id } } }",
    )
    last = projects["data"]["projects"]["nodes"][-1]["id"]
    query = """query($id: ID!) { simulate(scenario: {}) { ... on SimulationResult {
        project(id: $id) { funded allocatedEur whyFunded jobsNeeded project { id } } } } }"""
    body = await gql(seeded, query, id=last)
    explained = body["data"]["simulate"]["project"]
    assert explained["project"]["id"] == last
    assert explained["whyFunded"]
    missing = await gql(seeded, query, id=str(relay.GlobalID("Project", "999999")))
    assert missing["data"]["simulate"]["project"] is None


async def test_run_and_compare_shipped_scenarios(seeded: httpx.AsyncClient) -> None:
    listed = await gql(seeded, "{ scenarios { name title source version } }")
    names = [s["name"] for s in listed["data"]["scenarios"]]
    assert "france-relance-2020" in names
    run = await gql(seeded, RESULT + '{ runScenario(name: "france-relance-2020") { ...Outcome } }')
    assert run["data"]["runScenario"]["status"] == "OPTIMAL"
    other = next(n for n in names if n != "france-relance-2020")
    query = """query($names: [String!]!) { compareScenarios(names: $names) {
        __typename ... on Comparison { names statuses inputs { path values }
          outcomes { name values deltas } regions { code allocatedEur allocatedDeltaEur }
          projectChanges(first: 5) { totalCount nodes { project { id } allocatedEur funded } }
    } } }"""
    body = await gql(seeded, query, names=["france-relance-2020", other])
    comparison = body["data"]["compareScenarios"]
    assert comparison["names"] == ["france-relance-2020", other]
    jobs = next(o for o in comparison["outcomes"] if o["name"] == "jobs")
    assert jobs["deltas"][0] == 0
    assert jobs["deltas"][1] == pytest.approx(jobs["values"][1] - jobs["values"][0])
    changes = comparison["projectChanges"]
    assert changes["totalCount"] > 0
    for change in changes["nodes"]:
        assert change["project"]["id"]
        assert change["funded"] == [amount > 0 for amount in change["allocatedEur"]]
        assert len(set(change["funded"])) == 2  # funded in one scenario, not in the other
    unknown = await gql(seeded, query, names=["nope"])
    assert unknown["data"]["compareScenarios"]["__typename"] == "InvalidScenario"


async def test_trade_off_curve_over_the_fragile_floor(seeded: httpx.AsyncClient) -> None:
    query = """query($v: [Float!]!) { tradeOffCurve(scenario: {}, parameter: FRAGILE_SHARE_MIN,
        values: $v) { __typename ... on TradeOffCurve { points { value status jobs } } } }"""
    body = await gql(seeded, query, v=[0.6, 0.7, 0.8, 0.9])
    points = body["data"]["tradeOffCurve"]["points"]
    assert [p["value"] for p in points] == [0.6, 0.7, 0.8, 0.9]
    jobs = [p["jobs"] for p in points]
    assert jobs == sorted(jobs, reverse=True)
    bad = await gql(seeded, query, v=[1.5])
    assert bad["data"]["tradeOffCurve"]["__typename"] == "InvalidScenario"
