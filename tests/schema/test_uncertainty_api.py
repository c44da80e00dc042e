"""ScenarioInput.uncertainty: the file's `uncertainty:` section, its checks on the field, the
resolved settings, and every result's jobs range (and the price of robustness) over GraphQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from schema.auth import DEV_API_KEY
from schema.lever_inputs import ObjectiveMode, UncertaintyInput
from schema.scenarios import ScenarioInput, input_field
from simulation.levers import DRAWS, Uncertainty
from simulation.scenario import Scenario
from tests.schema.helpers import gql

RANGE = "mean p10 p50 p90 draws seed realisationRate targetJobs targetProbability"
SETTING = "{ value origin setIn }"
OUTCOME = f"""fragment Outcome on SimulationOutcome {{ __typename
  ... on SimulationResult {{ jobs projectsFunded jobsRange {{ {RANGE} }}
    robustness {{ budget expectedJobsGivenUp p10Gained worstCaseJobs expected {{ {RANGE} }} }}
    inputs {{ uncertainty {{ realisationRate {SETTING} targetJobs {SETTING} draws {SETTING}
      seed {SETTING} objective {SETTING} robustBudget {SETTING} }} }} }}
  ... on InvalidScenario {{ message problems {{ path field message }} }} }}"""
SIMULATE = (
    OUTCOME
    + """
query($s: ScenarioInput!) { simulate(scenario: $s) { ...Outcome } }"""
)
RUN = (
    OUTCOME
    + """
query($n: String!) { runScenario(name: $n) { ...Outcome } }"""
)
SAVE = """mutation($s: ScenarioInput!) { saveScenario(scenario: $s) { __typename
  ... on InvalidScenario { problems { path message } } } }"""
KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}
# The small database's base spends its budget on a few projects of 3 to 6 jobs each, every one
# with a 10th percentile of at least 1 job: every draw creates some jobs, none a million.
OPEN = {"base": None, "budgetEur": 1_000_000}


def test_the_input_becomes_the_files_uncertainty_section() -> None:
    given = UncertaintyInput(
        realisation_rate=0.8, target_jobs=25_000, draws=500, seed=7,
        objective=ObjectiveMode.ROBUST, robust_budget=None,
    )  # fmt: skip
    data = ScenarioInput(name="u", uncertainty=given).to_data()
    assert data["version"] == 2
    section = {
        "realisation_rate": 0.8,
        "target_jobs": 25_000,
        "draws": 500,
        "seed": 7,
        "robust_budget": None,  # null: back to the default, as in a file
        "objective": "robust",
    }
    assert data["uncertainty"] == section
    assert Scenario.from_dict({**data, "base": None}).uncertainty == Uncertainty(
        realisation_rate=0.8, target_jobs=25_000, draws=500, seed=7, objective="robust"
    )
    # Left out: nothing written (the base's stay); null: the whole section back to the default.
    assert "uncertainty" not in ScenarioInput(name="u").to_data()
    assert ScenarioInput(name="u", uncertainty=UncertaintyInput()).to_data()["uncertainty"] == {}
    assert ScenarioInput(name="u", uncertainty=None).to_data()["uncertainty"] is None


def test_its_paths_name_the_uncertainty_field() -> None:
    assert input_field("uncertainty.realisation_rate") == "uncertainty"
    assert input_field("uncertainty") == "uncertainty"


async def simulate(client: httpx.AsyncClient, **scenario: Any) -> dict[str, Any]:
    body = await gql(client, SIMULATE, s={**OPEN, **scenario})
    assert "errors" not in body, body
    outcome: dict[str, Any] = body["data"]["simulate"]
    return outcome


async def test_every_result_has_a_jobs_range(client: httpx.AsyncClient) -> None:
    outcome = await simulate(client)
    assert outcome["__typename"] == "SimulationResult", outcome
    jobs = outcome["jobsRange"]
    assert jobs["draws"] == DRAWS and jobs["seed"] == 0
    assert jobs["realisationRate"] is None and jobs["targetProbability"] is None
    assert 0 < jobs["p10"] <= jobs["p50"] <= jobs["p90"]
    assert jobs["p10"] <= jobs["mean"] <= jobs["p90"]
    assert outcome["robustness"] is None  # the expected objective has no price to report
    settings = outcome["inputs"]["uncertainty"]
    assert settings["draws"] == {"value": DRAWS, "origin": "DEFAULT", "setIn": None}
    assert settings["objective"]["value"] == "EXPECTED"


async def test_the_range_follows_the_input(client: httpx.AsyncClient) -> None:
    given = {"realisationRate": 0.8, "targetJobs": 1, "draws": 500, "seed": 3}
    outcome = await simulate(client, name="a", uncertainty=given)
    jobs = outcome["jobsRange"]
    assert (jobs["draws"], jobs["seed"], jobs["realisationRate"]) == (500, 3, 0.8)
    assert jobs["targetJobs"] == 1
    assert jobs["targetProbability"] == 1.0  # every draw creates at least one job
    assert jobs["p10"] <= jobs["p50"] <= jobs["p90"]
    settings = outcome["inputs"]["uncertainty"]
    assert settings["realisationRate"] == {"value": 0.8, "origin": "SCENARIO", "setIn": "a"}
    assert settings["seed"]["value"] == 3
    # The same seed gives the same figures (another name: not the response cache's answer).
    again = await simulate(client, name="b", uncertainty=given)
    assert again["jobsRange"] == jobs
    other = await simulate(client, name="c", uncertainty={**given, "seed": 4})
    assert other["jobsRange"] != jobs
    far = await simulate(client, uncertainty={**given, "targetJobs": 1_000_000})
    assert far["jobsRange"]["targetProbability"] == 0.0


async def test_one_draw_has_every_percentile_at_its_total(client: httpx.AsyncClient) -> None:
    jobs = (await simulate(client, uncertainty={"draws": 1, "seed": 5}))["jobsRange"]
    assert jobs["mean"] == pytest.approx(jobs["p10"])
    assert jobs["p10"] == pytest.approx(jobs["p50"]) == pytest.approx(jobs["p90"])


async def test_a_lower_realisation_rate_lowers_the_range(client: httpx.AsyncClient) -> None:
    # The allocation maximises the declared jobs whatever the rate; the same seed draws the same
    # normals, and each declared project's median is its figure times the rate.
    full = (await simulate(client, uncertainty={"realisationRate": 1.0}))["jobsRange"]
    half = (await simulate(client, uncertainty={"realisationRate": 0.5}))["jobsRange"]
    assert half["p50"] < full["p50"]
    assert half["mean"] < full["mean"]


@pytest.mark.parametrize(
    ("given", "path", "message"),
    [
        ({"realisationRate": 1.5}, "uncertainty.realisation_rate", "at most 1, got 1.5"),
        ({"realisationRate": 0}, "uncertainty.realisation_rate", "above 0"),
        ({"draws": 0}, "uncertainty.draws", "got 0"),
        ({"draws": 100_001}, "uncertainty.draws", "at most"),
        ({"seed": -1}, "uncertainty.seed", "got -1"),
        ({"targetJobs": 0}, "uncertainty.target_jobs", "got 0"),
        ({"robustBudget": 0}, "uncertainty.robust_budget", "above 0"),
    ],
)
async def test_bad_input_is_refused_on_its_field(
    client: httpx.AsyncClient, given: dict[str, Any], path: str, message: str
) -> None:
    outcome = await simulate(client, uncertainty=given)
    assert outcome["__typename"] == "InvalidScenario", outcome
    (problem,) = outcome["problems"]
    assert (problem["path"], problem["field"]) == (path, "uncertainty")
    assert message in problem["message"]


async def test_an_unknown_objective_is_a_coded_error_on_its_field(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, SIMULATE, s={**OPEN, "uncertainty": {"objective": "WORST"}})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "invalid value at .uncertainty.objective:" in error["message"]
    assert "Value 'WORST' does not exist in 'ObjectiveMode' enum" in error["message"]


def check_price(outcome: dict[str, Any], budget: float) -> None:
    """The price of robustness against the expected-jobs allocation, drawn with the same seed."""
    assert outcome["__typename"] == "SimulationResult", outcome
    jobs, price = outcome["jobsRange"], outcome["robustness"]
    assert price is not None, "the robust objective reports its price"
    assert price["budget"] == pytest.approx(budget)
    expected = price["expected"]
    assert (expected["draws"], expected["seed"]) == (jobs["draws"], jobs["seed"])
    assert price["expectedJobsGivenUp"] == pytest.approx(expected["mean"] - jobs["mean"])
    assert price["p10Gained"] == pytest.approx(jobs["p10"] - expected["p10"])
    # The worst case of the budget is a low figure: never above the declared jobs.
    assert price["worstCaseJobs"] <= outcome["jobs"] + 1e-6


async def test_the_robust_objective_reports_its_price(client: httpx.AsyncClient) -> None:
    outcome = await simulate(client, uncertainty={"objective": "ROBUST", "robustBudget": 2})
    check_price(outcome, 2.0)
    assert outcome["inputs"]["uncertainty"]["objective"]["value"] == "ROBUST"


async def test_run_scenario_of_a_saved_robust_scenario(client: httpx.AsyncClient) -> None:
    scenario = {**OPEN, "name": "robust-u", "uncertainty": {"objective": "ROBUST",
                "robustBudget": 1.5, "seed": 2, "draws": 300}}  # fmt: skip
    saved = await client.post("/graphql", headers=KEY, json={"query": SAVE, "variables": {
        "s": scenario}})  # fmt: skip
    assert saved.json()["data"]["saveScenario"]["__typename"] == "Scenario", saved.text
    body = await gql(client, RUN, n="robust-u")
    assert "errors" not in body, body
    outcome = body["data"]["runScenario"]
    check_price(outcome, 1.5)
    assert outcome["jobsRange"]["draws"] == 300
    assert outcome["inputs"]["uncertainty"]["robustBudget"] == {
        "value": 1.5, "origin": "SCENARIO", "setIn": "robust-u",
    }  # fmt: skip


async def test_no_price_of_robustness_when_the_time_limit_is_spent(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The robust solve "takes" an hour by the solve's clock: no time is left for the
    # expected-jobs comparison, robustness is null and the message says why.
    import time
    from types import SimpleNamespace

    import simulation.solve as solve_module

    real_solve, real_clock, offset = solve_module.decide, time.perf_counter, [0.0]

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = real_solve(*args, **kwargs)
        offset[0] += 3600.0
        return result

    monkeypatch.setattr(solve_module, "decide", slow)
    monkeypatch.setattr(solve_module, "time", SimpleNamespace(perf_counter=lambda: real_clock()
                        + offset[0]))  # fmt: skip
    query = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
      ... on SimulationResult { message jobsRange { mean } robustness { budget } } } }"""
    u = {"objective": "ROBUST", "robustBudget": 2, "seed": 11}
    body = await gql(client, query, s={**OPEN, "uncertainty": u})
    assert "errors" not in body, body
    outcome = body["data"]["simulate"]
    assert outcome["__typename"] == "SimulationResult"
    assert outcome["robustness"] is None and outcome["jobsRange"] is not None
    assert "price of robustness was not computed within the time limit" in outcome["message"]


async def test_the_range_fields_say_what_they_are(client: httpx.AsyncClient) -> None:
    from schema.ranges import JobsRange, Robustness

    query = '{ __type(name: "SimulationResult") { fields { name description type { name } } } }'
    body = await gql(client, query)
    fields = {f["name"]: f for f in body["data"]["__type"]["fields"]}
    assert fields["jobsRange"]["type"]["name"] == "JobsRange"
    assert "estimated by Monte Carlo" in fields["jobsRange"]["description"]
    assert fields["robustness"]["type"]["name"] == "Robustness"
    assert "not computed within the time limit" in fields["robustness"]["description"]
    assert JobsRange.__module__ == Robustness.__module__ == "schema.ranges"
