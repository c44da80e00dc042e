"""The levers in ScenarioInput: the same plain data as a file, the same checks, the field named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from strawberry import relay

from schema.auth import DEV_API_KEY
from schema.lever_inputs import (
    CoFundingInput,
    ControlsInput,
    DepartmentEnvelopeInput,
    MatchingInput,
    MatchingRule,
    ObjectiveWeightsInput,
    RegionContributionInput,
    RoundInput,
    SectorFloorInput,
    TerritoryEnvelopeInput,
)
from schema.scenarios import ScenarioInput, input_field
from simulation.files import parse_text
from simulation.levers import Controls, Round
from simulation.scenario import Scenario, ScenarioError, merge
from tests.schema.helpers import gql

OUTCOME = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
  ... on SimulationResult { status spentEur criteria { name } }
  ... on InvalidScenario { message problems { path field message } } } }"""
SAVE = """mutation($s: ScenarioInput!) { saveScenario(scenario: $s) { __typename
  ... on Scenario { yaml } ... on InvalidScenario { problems { path field message } } } }"""
KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}


def project(pid: int) -> relay.GlobalID:
    return relay.GlobalID("Project", str(pid))


def every_lever() -> ScenarioInput:
    return ScenarioInput(
        name="levers",
        fragile_project_share_min=0.5,
        department_envelopes=[DepartmentEnvelopeInput(department_code="59", max_eur=20_000_000)],
        territory_envelopes=[
            TerritoryEnvelopeInput(
                territory_id=relay.GlobalID("Territory", "p1-ti-0101"), min_eur=1_000_000
            )
        ],
        sector_floors=[SectorFloorInput(sector="Chimie", share_min=0.1)],
        objective_weights=ObjectiveWeightsInput(jobs_created=1.0, co2_avoided_t=0.5),
        co_funding=CoFundingInput(
            contributions=[RegionContributionInput(region_code="84", amount_eur=25_000_000)],
            matching=MatchingInput(rule=MatchingRule.FOLLOWS, rate=1.0),
        ),
        rounds=[
            RoundInput(date="2021-04-01", release_share=0.4),
            RoundInput(date="2021-07-01", release_eur=100_000_000, reserve_share=0.2),
        ],
        controls=ControlsInput(
            lock_awards=True,
            awards_until="2021-06-30",
            force_in=[project(12)],
            force_out=[project(3)],
            next_in_line=5,
        ),
    )


def test_every_lever_becomes_the_data_of_a_file() -> None:
    data = every_lever().to_data()
    assert data == {
        "version": 2,
        "name": "levers",
        "base": "france-relance-2020",
        "constraints": {
            "fragile_project_share_min": 0.5,
            "departments": {"59": {"max_eur": 20_000_000}},
            "territories": {"p1-ti-0101": {"min_eur": 1_000_000}},
            "sectors": {"Chimie": 0.1},
        },
        "objective": {"weights": {"jobs_created": 1.0, "co2_avoided_t": 0.5}},
        "co_funding": {
            "contributions": {"84": 25_000_000},
            "matching": {"rule": "follows", "rate": 1.0},
        },
        "rounds": [
            {"date": "2021-04-01", "release_share": 0.4},
            {"date": "2021-07-01", "release_eur": 100_000_000, "reserve_share": 0.2},
        ],
        "controls": {
            "lock_awards": True,
            "awards_until": "2021-06-30",
            "next_in_line": 5,
            "force_in": [12],
            "force_out": [3],
        },
    }
    scenario = Scenario.from_dict({**data, "base": None})
    assert scenario.rounds[1] == Round(dt.date(2021, 7, 1), None, 100_000_000, 0.2)
    assert scenario.controls == Controls(True, dt.date(2021, 6, 30), (12,), (3,), 5)


def test_without_lever_inputs_the_data_stays_version_1() -> None:
    assert ScenarioInput(name="plain", fragile_share_min=0.5).to_data()["version"] == 1
    assert ScenarioInput(name="w", controls=None).to_data() == {
        "version": 2,
        "name": "w",
        "base": "france-relance-2020",
        "controls": None,
    }


def test_null_and_left_out_weights_merge_as_a_file_child_does() -> None:
    base = {"version": 1, "name": "base"}
    weights = ObjectiveWeightsInput(jobs_kept=2.0, leverage=None)
    data = ScenarioInput(name="w", base="base", objective_weights=weights).to_data()
    assert data["objective"] == {"weights": {"jobs_kept": 2.0, "leverage": None}}
    scenario = Scenario.from_dict(merge(base, data))
    assert scenario.objective.weights == {"jobs_kept": 2.0}


@pytest.mark.parametrize(
    ("scenario", "path", "message"),
    [
        pytest.param(
            ScenarioInput(
                department_envelopes=[
                    DepartmentEnvelopeInput(department_code="59", max_eur=1),
                    DepartmentEnvelopeInput(department_code="59", min_eur=1),
                ]
            ),
            "constraints.departments.59",
            "appears twice in departmentEnvelopes: give it once",
            id="department-twice",
        ),
        pytest.param(
            ScenarioInput(
                sector_floors=[
                    SectorFloorInput(sector="Chimie", share_min=0.1),
                    SectorFloorInput(sector="Chimie", share_min=0.2),
                ]
            ),
            "constraints.sectors.Chimie",
            "appears twice in sectorFloors: give it once",
            id="sector-twice",
        ),
        pytest.param(
            ScenarioInput(
                co_funding=CoFundingInput(
                    contributions=[
                        RegionContributionInput(region_code="84", amount_eur=1),
                        RegionContributionInput(region_code="84", amount_eur=2),
                    ]
                )
            ),
            "co_funding.contributions.84",
            "appears twice in contributions: give it once",
            id="contribution-twice",
        ),
        pytest.param(
            ScenarioInput(controls=ControlsInput(force_in=[relay.GlobalID("Region", "84")])),
            "controls.force_in[0]",
            "must be the id of a Project, got a Region's",
            id="force-in-region",
        ),
        pytest.param(
            ScenarioInput(
                controls=ControlsInput(force_out=[project(1), relay.GlobalID("Project", "x")])
            ),
            "controls.force_out[1]",
            "not a project id: 'x'",
            id="force-out-not-a-number",
        ),
        pytest.param(
            ScenarioInput(
                territory_envelopes=[
                    TerritoryEnvelopeInput(territory_id=project(1), max_eur=1),
                ]
            ),
            "constraints.territories",
            "must be the id of a Territory, got a Project's",
            id="territory-project",
        ),
    ],
)
def test_what_a_dictionary_cannot_hold_is_refused_with_its_path(
    scenario: ScenarioInput, path: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario.to_data()
    assert (caught.value.path, caught.value.message) == (path, message)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("constraints.fragile_project_share_min", "fragileProjectShareMin"),
        ("constraints.departments.59", "departmentEnvelopes"),
        ("constraints.territories.p1-ti-0101.min_eur", "territoryEnvelopes"),
        ("constraints.sectors", "sectorFloors"),
        ("objective.weights.co2", "objectiveWeights"),
        ("co_funding.matching.rate", "coFunding"),
        ("rounds[1].date", "rounds"),
        ("rounds", "rounds"),
        ("controls.force_in[0]", "controls"),
        ("constraints.regions.84", "regionEnvelopes"),  # as before
    ],
)
def test_each_file_path_names_its_input_field(path: str, field: str) -> None:
    assert input_field(path) == field


async def simulate(client: httpx.AsyncClient, **scenario: Any) -> dict[str, Any]:
    body = await gql(client, OUTCOME, s=scenario)
    assert "errors" not in body, body
    outcome: dict[str, Any] = body["data"]["simulate"]
    return outcome


@pytest.mark.parametrize(
    ("scenario", "problem"),
    [
        pytest.param(
            {"objectiveWeights": {"jobsCreated": 0, "leverage": 0}},
            {
                "path": "objective.weights",
                "field": "objectiveWeights",
                "message": "give at least one weight above 0",
            },
            id="weights-all-zero",
        ),
        pytest.param(
            {"objectiveWeights": {"jobsKept": -1}},
            {
                "path": "objective.weights.jobs_kept",
                "field": "objectiveWeights",
                "message": "must be at least 0, got -1",
            },
            id="weight-negative",
        ),
        pytest.param(
            {"coFunding": {"matching": {"rate": 1.5}}},
            {
                "path": "co_funding.matching.rate",
                "field": "coFunding",
                "message": "must be between 0 and 1, got 1.5",
            },
            id="rate",
        ),
        pytest.param(
            {"coFunding": {"contributions": [{"regionCode": "99", "amountEur": 1}]}},
            {
                "path": "co_funding.contributions.99",
                "field": "coFunding",
                "message": "not an INSEE region code: '99' (allowed: 01, 02, 03, 04, 06, 11, "
                "24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94, 987, 988)",
            },
            id="contribution-region",
        ),
        pytest.param(
            {
                "rounds": [
                    {"date": "2021-04-01", "releaseShare": 0.5},
                    {"date": "2021-03-01", "releaseShare": 0.5},
                ]
            },
            {
                "path": "rounds[1].date",
                "field": "rounds",
                "message": "2021-03-01 is not after rounds[0].date 2021-04-01",
            },
            id="rounds-out-of-order",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-13-01", "releaseShare": 0.5}]},
            {
                "path": "rounds[0].date",
                "field": "rounds",
                "message": "not a date: '2021-13-01' (month must be in 1..12)",
            },
            id="round-date",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01", "releaseEur": 500_000_000}]},
            {
                "path": "rounds",
                "field": "rounds",
                "message": "release 500,000,000 EUR in all, above the budget 400,000,000",
            },
            id="releases-above-budget",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01"}]},
            {
                "path": "rounds[0]",
                "field": "rounds",
                "message": "give release_share (of the budget) or release_eur",
            },
            id="round-without-release",
        ),
        pytest.param(
            {"departmentEnvelopes": [{"departmentCode": "599", "maxEur": 1}]},
            {
                "path": "constraints.departments.599",
                "field": "departmentEnvelopes",
                "message": "not an INSEE department code: '599' (two digits, 2A or 2B for "
                "Corsica, three for overseas: '59', '2A', '974')",
            },
            id="department",
        ),
        pytest.param(
            {"sectorFloors": [{"sector": "A", "shareMin": 0.6}, {"sector": "B", "shareMin": 0.6}]},
            {
                "path": "constraints.sectors",
                "field": "sectorFloors",
                "message": "the sector floors add up to 1.2, above 1",
            },
            id="sectors",
        ),
        pytest.param(
            {"controls": {"forceIn": [str(relay.GlobalID("Region", "84"))]}},
            {
                "path": "controls.force_in[0]",
                "field": "controls",
                "message": "must be the id of a Project, got a Region's",
            },
            id="force-in-region",
        ),
        pytest.param(
            {"controls": {"nextInLine": 1000}},
            {
                "path": "controls.next_in_line",
                "field": "controls",
                "message": "must be from 0 to 100, got 1000",
            },
            id="next-in-line",
        ),
    ],
)
async def test_bad_levers_are_an_invalid_scenario_naming_the_field(
    client: httpx.AsyncClient, scenario: dict[str, Any], problem: dict[str, str]
) -> None:
    outcome = await simulate(client, name="bad", **scenario)
    assert outcome["__typename"] == "InvalidScenario", outcome
    assert outcome["problems"] == [problem]


async def test_a_scenario_pulling_levers_is_solved(client: httpx.AsyncClient) -> None:
    outcome = await simulate(
        client,
        name="weighted",
        objectiveWeights={"jobsCreated": 1, "jobsKept": 1},
        controls={"forceOut": [str(project(5))], "nextInLine": 3},
    )
    assert outcome["__typename"] == "SimulationResult", outcome
    assert [c["name"] for c in outcome["criteria"]][:2] == ["jobs_created", "jobs_kept"]


async def test_a_project_that_does_not_compete_is_named_by_the_engine(
    client: httpx.AsyncClient,
) -> None:
    # Project 2 is in a phase-2 territory: the announced programme's phase-1 pool leaves it out.
    outcome = await simulate(client, name="forced", controls={"forceIn": [str(project(2))]})
    assert outcome["__typename"] == "InvalidScenario", outcome
    assert outcome["problems"] == [
        {
            "path": "controls.force_in[0]",
            "field": "controls",
            "message": "no competing project has id 2",
        }
    ]


async def test_a_saved_scenario_writes_its_levers_as_a_version_2_file(
    client: httpx.AsyncClient,
) -> None:
    scenario = {
        "name": "saved-levers",
        "coFunding": {
            "contributions": [{"regionCode": "84", "amountEur": 5_000_000}],
            "matching": {"rule": "REQUIRES", "rate": 1},
        },
        "rounds": [{"date": "2021-04-01", "releaseShare": 1}],
    }
    response = await client.post(
        "/graphql", json={"query": SAVE, "variables": {"s": scenario}}, headers=KEY
    )
    saved = response.json()["data"]["saveScenario"]
    assert saved["__typename"] == "Scenario", saved
    data = parse_text(saved["yaml"], source="saved")
    assert data["version"] == 2
    assert data["rounds"] == [{"date": "2021-04-01", "release_share": 1}]
    assert data["co_funding"]["contributions"] == {"84": 5_000_000}
    scenario_alone = Scenario.from_dict({**data, "base": None})
    assert scenario_alone.rounds == (Round(dt.date(2021, 4, 1), release_share=1.0),)


def test_a_contribution_without_an_amount_removes_the_base_one() -> None:
    base = {"version": 2, "name": "base", "co_funding": {"contributions": {"84": 1, "32": 2}}}
    funding = CoFundingInput(contributions=[RegionContributionInput(region_code="84")])
    data = ScenarioInput(name="child", base="base", co_funding=funding).to_data()
    assert Scenario.from_dict(merge(base, data)).co_funding.contributions == {"32": 2}


async def test_compared_scenarios_show_differing_dates_as_iso_text(
    client: httpx.AsyncClient,
) -> None:
    for name, until in (("until-2020", "2020-12-31"), ("until-2021", "2021-06-30")):
        scenario = {"name": name, "controls": {"lockAwards": True, "awardsUntil": until}}
        response = await client.post(
            "/graphql", json={"query": SAVE, "variables": {"s": scenario}}, headers=KEY
        )
        assert response.json()["data"]["saveScenario"]["__typename"] == "Scenario", response.text
    query = """{ compareScenarios(names: ["until-2020", "until-2021"]) { __typename
        ... on Comparison { inputs { path values valuesJson } } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    (until,) = [
        row
        for row in body["data"]["compareScenarios"]["inputs"]
        if row["path"] == "controls.awards_until"
    ]
    assert until["values"] == ["2020-12-31", "2021-06-30"]
    assert until["valuesJson"] == ['"2020-12-31"', '"2021-06-30"']
