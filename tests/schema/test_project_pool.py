"""ScenarioInput.projects.origin: laureates, generated candidates or both compete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.schema.helpers import gql

SIMULATE = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
    ... on SimulationResult { projectsFunded spentEur
      inputs { projects { origin { value origin setIn } } } }
    ... on InvalidScenario { problems { path field message } } } }"""
# Everything asked for is funded: 100 M EUR, no fragile floor; the base keeps phase 1.
OPEN = {"name": "probe", "budgetEur": 100_000_000, "fragileShareMin": 0}


async def simulate(client: httpx.AsyncClient, **projects: Any) -> dict[str, Any]:
    body = await gql(client, SIMULATE, s={**OPEN, "projects": projects})
    assert "errors" not in body, body
    outcome: dict[str, Any] = body["data"]["simulate"]
    assert outcome["__typename"] == "SimulationResult", outcome
    return outcome


@pytest.mark.parametrize(
    ("pool", "funded"),
    [
        pytest.param("LAUREATES", 8, id="laureates"),
        pytest.param("GENERATED", 8, id="generated"),
        pytest.param("BOTH", 16, id="both"),
    ],
)
async def test_the_pool_decides_which_projects_compete(
    client: httpx.AsyncClient, pool: str, funded: int
) -> None:
    # small_db: 16 projects in phase-1 territories, odd ids laureates, even ids generated.
    outcome = await simulate(client, origin=pool)
    assert outcome["projectsFunded"] == funded
    assert outcome["inputs"]["projects"]["origin"] == {
        "value": pool,
        "origin": "SCENARIO",
        "setIn": "probe",
    }


async def test_left_out_or_null_the_pool_is_both(client: httpx.AsyncClient) -> None:
    for projects in ({}, {"origin": None}):
        outcome = await simulate(client, **projects)
        assert outcome["projectsFunded"] == 16
        assert outcome["inputs"]["projects"]["origin"]["value"] == "BOTH"
    # left out, it comes from the base, the announced programme, which says `origin: both`
    assert (await simulate(client))["inputs"]["projects"]["origin"] == {
        "value": "BOTH",
        "origin": "BASE",
        "setIn": "france-relance-2020",
    }


async def test_an_unknown_pool_is_refused_on_its_field(client: httpx.AsyncClient) -> None:
    body = await gql(client, SIMULATE, s={**OPEN, "projects": {"origin": "LAUREATE"}})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "invalid value at .projects.origin:" in error["message"]
    assert "Value 'LAUREATE' does not exist in 'ProjectPool' enum" in error["message"]
    assert "Did you mean the enum value 'LAUREATES'?" in error["message"]


async def test_each_pool_is_its_own_project_set_in_the_runner_cache(
    client: httpx.AsyncClient,
) -> None:
    # One app: the runner keeps loaded project sets by selection, the origin included.
    funded = [
        (await simulate(client, origin=pool))["projectsFunded"]
        for pool in ("LAUREATES", "BOTH", "GENERATED", "LAUREATES")
    ]
    assert funded == [8, 16, 8, 8]
