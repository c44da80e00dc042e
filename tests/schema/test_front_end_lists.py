"""Lists a front end builds its forms from: sectors and the scenario parameters with bounds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from simulation.scenario import MAX_EUR, REGION_NAMES
from tests.schema.helpers import gql

PARAMETERS = """{ scenarioParameters { name label inputName fileKey kind unit min minExclusive
    max default description choices } }"""
SIMULATE = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
    ... on InvalidScenario { problems { field message } } } }"""


async def parameters(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    body = await gql(client, PARAMETERS)
    assert "errors" not in body, body
    return {p["inputName"]: p for p in body["data"]["scenarioParameters"]}


async def test_sectors_are_the_distinct_sectors_of_the_projects(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ sectors { name projectCount } }")
    assert body["data"]["sectors"] == [
        {"name": "agroalimentaire", "projectCount": 12},
        {"name": "chimie", "projectCount": 12},
    ]


async def test_every_scenario_input_is_listed_once(client: httpx.AsyncClient) -> None:
    found = await parameters(client)
    assert list(found) == [
        "budgetEur",
        "mode",
        "fragileShareMin",
        "decarbonisationShareMin",
        "maxAidIntensity",
        "minSpendShare",
        "regionEnvelopes",
        "projects.phase",
        "projects.regions",
        "projects.sectors",
        "projects.origin",
    ]
    assert all(p["label"] and p["description"] for p in found.values())
    assert [p["name"] for p in found.values()] == [
        "budget_eur",
        "mode",
        "fragile_share_min",
        "decarbonisation_share_min",
        "max_aid_intensity",
        "min_spend_share",
        "region_envelopes",
        "projects_phase",
        "projects_regions",
        "projects_sectors",
        "projects_origin",
    ]


async def test_bounds_and_defaults_are_the_formats(client: httpx.AsyncClient) -> None:
    found = await parameters(client)
    budget = found["budgetEur"]
    assert (budget["fileKey"], budget["kind"], budget["unit"]) == ("budget_eur", "EUROS", "EUR")
    assert (budget["min"], budget["max"], budget["default"]) == (1, MAX_EUR, 400_000_000)
    fragile = found["fragileShareMin"]
    assert fragile["fileKey"] == "constraints.fragile_share_min"
    assert (fragile["kind"], fragile["min"], fragile["max"], fragile["default"]) == (
        "SHARE",
        0,
        1,
        0,
    )
    cap = found["maxAidIntensity"]
    assert (cap["min"], cap["minExclusive"], cap["max"], cap["default"]) == (0, True, 1, None)
    assert found["mode"]["choices"] == ["CONTINUOUS", "ALL_OR_NOTHING"]
    assert found["mode"]["default"] == "CONTINUOUS"
    envelopes = found["regionEnvelopes"]
    assert (envelopes["min"], envelopes["max"], envelopes["unit"]) == (0, MAX_EUR, "EUR")
    assert envelopes["default"] == []
    assert envelopes["choices"] == list(REGION_NAMES) == found["projects.regions"]["choices"]
    assert found["projects.phase"]["choices"] == ["1", "2"]
    assert found["projects.sectors"]["default"] == []
    origin = found["projects.origin"]
    assert (origin["fileKey"], origin["kind"]) == ("projects.origin", "PROJECT_POOL")
    assert origin["choices"] == ["LAUREATES", "GENERATED", "BOTH"]
    assert origin["default"] == "BOTH"


@pytest.mark.parametrize(
    "name", ["budgetEur", "fragileShareMin", "decarbonisationShareMin", "minSpendShare"]
)
async def test_a_value_past_a_bound_is_refused_on_that_field(
    client: httpx.AsyncClient, name: str
) -> None:
    parameter = (await parameters(client))[name]
    for value in (parameter["min"] - 0.5, parameter["max"] + 1):
        given = round(value) if parameter["kind"] == "EUROS" else value
        body = await gql(client, SIMULATE, s={name: given})
        outcome = body["data"]["simulate"] if body.get("data") else body
        if parameter["kind"] == "EUROS" and given > MAX_EUR:
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # the scalar's
            continue
        assert outcome["__typename"] == "InvalidScenario", (name, value, body)
        assert [p["field"] for p in outcome["problems"]] == [name]
