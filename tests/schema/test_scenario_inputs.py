"""A scenario's inputs as typed fields: each value after its base chain, and where it was set."""

from __future__ import annotations

from typing import Any

import httpx

from schema.auth import DEV_API_KEY
from tests.schema.helpers import gql

INPUTS = """
  name base
  budgetEur { value origin setIn }
  mode { value origin setIn }
  fragileShareMin { value origin setIn }
  decarbonisationShareMin { value origin setIn }
  minSpendShare { value origin setIn }
  maxAidIntensity { value origin setIn }
  regionEnvelopes { regionCode regionName minEur { value origin setIn } maxEur { value setIn } }
  projects { phase { value origin setIn } regions { value origin } sectors { value origin } }
"""
SCENARIO = f"query($n: String!) {{ scenario(name: $n) {{ inputs {{ {INPUTS} }} }} }}"
SAVE = """mutation($s: ScenarioInput!) { saveScenario(scenario: $s) { __typename } }"""
KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}


async def inputs_of(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    body = await gql(client, SCENARIO, n=name)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["scenario"]["inputs"]
    return found


async def test_a_shipped_scenario_says_what_it_sets_and_what_it_inherits(
    client: httpx.AsyncClient,
) -> None:
    inputs = await inputs_of(client, "march-2021-top-up")
    assert inputs["name"] == "march-2021-top-up"
    assert inputs["base"] == "france-relance-2020"
    assert inputs["budgetEur"] == {
        "value": 557_000_000,
        "origin": "SCENARIO",
        "setIn": "march-2021-top-up",
    }
    assert inputs["fragileShareMin"] == {
        "value": 0.69,
        "origin": "BASE",
        "setIn": "france-relance-2020",
    }
    assert inputs["mode"] == {
        "value": "CONTINUOUS",
        "origin": "BASE",
        "setIn": "france-relance-2020",
    }
    # `phase: null` in the file sets the base's phase 1 back to the default (both phases).
    assert inputs["projects"]["phase"] == {
        "value": None,
        "origin": "SCENARIO",
        "setIn": "march-2021-top-up",
    }
    assert inputs["maxAidIntensity"] == {"value": None, "origin": "DEFAULT", "setIn": None}
    assert inputs["decarbonisationShareMin"] == {"value": 0.0, "origin": "DEFAULT", "setIn": None}
    assert inputs["projects"]["sectors"] == {"value": [], "origin": "DEFAULT"}
    assert inputs["regionEnvelopes"] == []


async def test_envelopes_come_bound_by_bound(client: httpx.AsyncClient) -> None:
    inputs = await inputs_of(client, "infeasible-corsica-floor")
    (corsica,) = inputs["regionEnvelopes"]
    assert corsica["regionCode"] == "94"
    assert corsica["regionName"] == "Corse"
    assert corsica["minEur"] == {
        "value": 10_000_000,
        "origin": "SCENARIO",
        "setIn": "infeasible-corsica-floor",
    }
    assert corsica["maxEur"] is None


async def test_a_saved_chain_names_each_writer(client: httpx.AsyncClient) -> None:
    first = {
        "name": "cap",
        "maxAidIntensity": 0.2,
        "regionEnvelopes": [{"regionCode": "84", "minEur": 1_000_000}],
    }
    second = {
        "name": "cap-up",
        "base": "cap",
        "budgetEur": 500_000_000,
        "regionEnvelopes": [{"regionCode": "84", "maxEur": 9_000_000}],
    }
    for scenario in (first, second):
        body = await client.post(
            "/graphql", json={"query": SAVE, "variables": {"s": scenario}}, headers=KEY
        )
        assert body.json()["data"]["saveScenario"]["__typename"] == "Scenario", body.text
    inputs = await inputs_of(client, "cap-up")
    assert inputs["budgetEur"]["setIn"] == "cap-up"
    assert inputs["maxAidIntensity"] == {"value": 0.2, "origin": "BASE", "setIn": "cap"}
    assert inputs["fragileShareMin"]["setIn"] == "france-relance-2020"
    (envelope,) = inputs["regionEnvelopes"]
    assert envelope["minEur"]["setIn"] == "cap"
    assert envelope["maxEur"] == {"value": 9_000_000, "setIn": "cap-up"}


async def test_a_result_carries_the_inputs_that_produced_it(client: httpx.AsyncClient) -> None:
    query = f"""query($s: ScenarioInput!) {{ simulate(scenario: $s) {{ __typename
        ... on SimulationResult {{ scenarioName inputs {{ {INPUTS} }} }} }} }}"""
    body = await gql(client, query, s={"name": "probe", "fragileShareMin": 0.5})
    assert "errors" not in body, body
    result = body["data"]["simulate"]
    assert result["__typename"] == "SimulationResult", result
    inputs = result["inputs"]
    assert inputs["name"] == result["scenarioName"] == "probe"
    assert inputs["fragileShareMin"] == {"value": 0.5, "origin": "SCENARIO", "setIn": "probe"}
    assert inputs["budgetEur"]["setIn"] == "france-relance-2020"
    assert inputs["budgetEur"]["origin"] == "BASE"


async def test_a_scenario_run_as_is_reports_its_own_chain(client: httpx.AsyncClient) -> None:
    query = """query { runScenario(name: "march-2021-top-up") { __typename
        ... on SimulationResult { inputs { budgetEur { origin } fragileShareMin { setIn } } } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    inputs = body["data"]["runScenario"]["inputs"]
    assert inputs == {
        "budgetEur": {"origin": "SCENARIO"},
        "fragileShareMin": {"setIn": "france-relance-2020"},
    }


async def test_each_compared_run_carries_its_own_inputs(client: httpx.AsyncClient) -> None:
    query = """{ compareScenarios(names: ["france-relance-2020", "march-2021-top-up"]) {
        ... on Comparison { runs { ... on SimulationResult {
          inputs { name budgetEur { value origin setIn } } } } } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    runs = [run["inputs"] for run in body["data"]["compareScenarios"]["runs"]]
    assert runs == [
        {
            "name": "france-relance-2020",
            "budgetEur": {
                "value": 400_000_000,
                "origin": "SCENARIO",
                "setIn": "france-relance-2020",
            },
        },
        {
            "name": "march-2021-top-up",
            "budgetEur": {"value": 557_000_000, "origin": "SCENARIO", "setIn": "march-2021-top-up"},
        },
    ]
