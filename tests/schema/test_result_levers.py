"""A result's criteria, funding split, next projects in line and review rounds over HTTP."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import numpy as np
import pytest
from strawberry import relay

from schema import make_schema, runner
from simulation.levers import CRITERIA, CRITERION_LABELS
from simulation.result import (
    Funding,
    RegionFunding,
    RegionHindsight,
    Result,
    RoundOutcome,
    Rounds,
)
from tests.schema.helpers import gql

LEVERS = """query($s: ScenarioInput!) { simulate(scenario: $s) {
  __typename
  ... on SimulationResult {
    jobs
    criteria { name label value unit weight }
    nextInLine { projectId score threshold jobsNeeded aidCutEur text project { id } }
    funding { stateEur regionalEur investmentEur leverage rule rate
      regions { code name stateEur regionalEur contributionEur investmentEur leverage } }
    rounds { jobs hindsightJobs jobsLost withoutReserveJobs reserveRecovers
      rounds { index date releasedEur availableEur reserveEur spentEur projectsKnown
        projectsFunded jobs cumulativeJobs hindsightJobs jobsLost budgetShadowPrice status
        message }
      regions { code name jobs hindsightJobs jobsLost } }
    fundedProjects(first: 100) { nodes { allocatedEur regionalEur project { id } } }
  }
  ... on InvalidScenario { message }
} }"""
# Six phase-1 projects' worth of aid in the small database (24 projects asking 6 M EUR in all):
# most projects stay unfunded, so the next in line are there to list.
SMALL_BUDGET = {"budgetEur": 1_000_000}


async def levers(client: httpx.AsyncClient, scenario: dict[str, Any]) -> dict[str, Any]:
    body = await gql(client, LEVERS, s=scenario)
    assert "errors" not in body, body
    outcome: dict[str, Any] = body["data"]["simulate"]
    assert outcome["__typename"] == "SimulationResult", outcome
    return outcome


def database_id(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


async def test_every_criterion_is_reported_with_jobs_only_weights(
    client: httpx.AsyncClient,
) -> None:
    outcome = await levers(client, SMALL_BUDGET)
    criteria = {c["name"]: c for c in outcome["criteria"]}
    assert [c["name"] for c in outcome["criteria"]] == list(CRITERIA)
    assert {name: c["label"] for name, c in criteria.items()} == dict(CRITERION_LABELS)
    # A version-1 scenario weighs jobs created only, and that criterion is the result's jobs.
    assert {name: c["weight"] for name, c in criteria.items()} == {
        "jobs_created": 1.0,
        "jobs_kept": 0.0,
        "co2_avoided_t": 0.0,
        "leverage": 0.0,
    }
    assert criteria["jobs_created"]["value"] == pytest.approx(outcome["jobs"])
    # Every project keeps 10 jobs and invests ten times its aid request (tests/schema/conftest):
    # whatever is funded, jobs are kept and the leverage (investment per euro of aid) is 10
    # or more where the aid cap trims the aid.
    assert criteria["jobs_kept"]["value"] > 0
    assert criteria["leverage"]["value"] >= 10 - 1e-6
    assert all(c["unit"] for c in outcome["criteria"])


async def test_the_next_in_line_are_unfunded_closest_first_with_their_project(
    client: httpx.AsyncClient,
) -> None:
    outcome = await levers(client, SMALL_BUDGET)
    funded = {database_id(n["project"]["id"]) for n in outcome["fundedProjects"]["nodes"]}
    listed = outcome["nextInLine"]
    assert 1 <= len(listed) <= 10
    assert [database_id(n["project"]["id"]) for n in listed] == [n["projectId"] for n in listed]
    assert not funded & {n["projectId"] for n in listed}
    gaps = [n["score"] - n["threshold"] for n in listed]
    assert gaps == sorted(gaps, reverse=True)
    assert all(n["text"] for n in listed)


async def test_a_state_only_result_has_no_rounds_and_no_regional_euros(
    client: httpx.AsyncClient,
) -> None:
    outcome = await levers(client, SMALL_BUDGET)
    assert outcome["rounds"] is None
    assert outcome["fundedProjects"]["nodes"]
    assert all(n["regionalEur"] is None for n in outcome["fundedProjects"]["nodes"])


# Region 84 puts 2 M EUR beside the State's money; one funded project in four gets a quarter of
# its aid from the region. Two rounds lose 30 jobs to deciding early, 20 of them in region 84.
FUNDING = Funding(
    state_eur=750_000,
    regional_eur=250_000,
    investment_eur=10_000_000,
    leverage=10.0,
    rule="requires",
    rate=1.0,
    regions=(RegionFunding("84", 300_000, 250_000, 2_000_000, 5_500_000, 10.0),),
)
ROUNDS = Rounds(
    rounds=tuple(
        RoundOutcome(
            index=k,
            date=date,
            released_eur=500_000,
            available_eur=500_000 + 100_000 * (k - 1),
            reserve_eur=100_000 * (2 - k),
            spent_eur=400_000 + 200_000 * (k - 1),
            projects_known=10 * k,
            projects_funded=3,
            jobs=50.0,
            cumulative_jobs=50.0 * k,
            hindsight_jobs=60.0 * k + 10.0 * (k - 1),
            jobs_lost=10.0 * k + 10.0 * (k - 1),
            budget_shadow_price=25.0 / k,
            status="optimal",
            message="",
        )
        for k, date in ((1, "2021-04-01"), (2, "2021-07-01"))
    ),
    jobs=100.0,
    hindsight_jobs=130.0,
    jobs_lost=30.0,
    regions=(RegionHindsight("84", 40.0, 60.0, 20.0), RegionHindsight("32", 60.0, 70.0, 10.0)),
    without_reserve_jobs=95.0,
    reserve_recovers=5.0,
)


def with_levers(result: Result) -> Result:
    """The result as a co-funded scenario decided in rounds reports it."""
    funded = np.flatnonzero(result.allocation_eur > 0)
    regional = np.zeros_like(result.allocation_eur)
    regional[funded[::4]] = result.allocation_eur[funded[::4]] // 4
    return dataclasses.replace(result, funding=FUNDING, rounds=ROUNDS, regional_eur=regional)


async def test_funding_rounds_and_each_project_regional_euros_reach_the_api(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve = runner.solve
    expected: dict[int, tuple[int, int]] = {}  # project id -> (aid, regional euros)

    def solve_with_levers(*args: Any, **kwargs: Any) -> Result:
        result = with_levers(solve(*args, **kwargs))
        assert result.regional_eur is not None
        for i in np.flatnonzero(result.allocation_eur > 0):
            aid, regional = result.allocation_eur[i], result.regional_eur[i]
            expected[int(result.project_ids[i])] = (int(aid), int(regional))
        return result

    monkeypatch.setattr(runner, "solve", solve_with_levers)
    outcome = await levers(client, SMALL_BUDGET)

    assert outcome["funding"] == {
        "stateEur": 750_000,
        "regionalEur": 250_000,
        "investmentEur": 10_000_000,
        "leverage": 10.0,
        "rule": "requires",
        "rate": 1.0,
        "regions": [
            {
                "code": "84",
                "name": "Auvergne-Rhône-Alpes",
                "stateEur": 300_000,
                "regionalEur": 250_000,
                "contributionEur": 2_000_000,
                "investmentEur": 5_500_000,
                "leverage": 10.0,
            }
        ],
    }
    rounds = outcome["rounds"]
    assert (rounds["jobs"], rounds["hindsightJobs"], rounds["jobsLost"]) == (100.0, 130.0, 30.0)
    assert (rounds["withoutReserveJobs"], rounds["reserveRecovers"]) == (95.0, 5.0)
    assert rounds["rounds"][1] == {
        "index": 2,
        "date": "2021-07-01",
        "releasedEur": 500_000,
        "availableEur": 600_000,
        "reserveEur": 0,
        "spentEur": 600_000,
        "projectsKnown": 20,
        "projectsFunded": 3,
        "jobs": 50.0,
        "cumulativeJobs": 100.0,
        "hindsightJobs": 130.0,
        "jobsLost": 30.0,
        "budgetShadowPrice": 12.5,
        "status": "OPTIMAL",
        "message": "",
    }
    assert rounds["regions"][1] == {
        "code": "32",
        "name": "Hauts-de-France",
        "jobs": 60.0,
        "hindsightJobs": 70.0,
        "jobsLost": 10.0,
    }
    nodes = outcome["fundedProjects"]["nodes"]
    shown = {database_id(n["project"]["id"]): (n["allocatedEur"], n["regionalEur"]) for n in nodes}
    assert shown == expected
    assert any(regional > 0 for _, regional in shown.values())


def test_the_lever_types_and_fields_are_described() -> None:
    schema = make_schema()
    for name in ("Criterion", "Funding", "RegionFunding", "NextInLine", "RoundOutcome", "Rounds"):
        described = schema.get_type_by_name(name)
        assert described is not None and described.description, name
    sdl = schema.as_str()
    assert "The regional euros in its aid (the rest is the State's)" in sdl
    assert "regionalEur: Euros\n" in sdl
    assert "What one extra M EUR for this round would gain" in sdl


def _description(type_name: str, field: str) -> str:
    graphql_type = make_schema()._schema.get_type(type_name)
    assert graphql_type is not None
    return str(graphql_type.fields[field].description)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("type_name", "field", "phrases"),
    [
        # The sign: what one more unit gains or costs; floors per point of raising them.
        ("BindingConstraint", "shadowPrice", ("gains (positive)", "costs (negative)",
                                              "per percentage point of raising",
                                              "jobs-equivalents")),
        ("RoundOutcome", "budgetShadowPrice", ("jobs created", "jobs-equivalents")),
        ("Rounds", "hindsightJobs", ("the money the rounds release",)),
        ("SimulationResult", "spentEur", ("Public aid", "State", "regions")),
        ("SimulationResult", "unspentEur", ("The State's budget",)),
        ("SimulationResult", "budgetEur", ("The State's budget",)),
        ("Funding", "rule", ('"" (the empty string) when no region contributes',)),
    ],
)  # fmt: skip
def test_money_and_prices_say_whose_euros_and_which_sign(
    type_name: str, field: str, phrases: tuple[str, ...]
) -> None:
    description = _description(type_name, field)
    for phrase in phrases:
        assert phrase in description, (type_name, field, description)
