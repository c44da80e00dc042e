from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse

import schema.runner
from schema import make_schema
from schema.limits import MAX_SOLVES, CostModel
from tests.schema.helpers import gql

FRONT = """query($x: CriterionName!, $y: CriterionName!, $points: Int!) {
  paretoFront(scenario: {}, x: $x, y: $y, points: $points) {
    __typename
    ... on ParetoFront {
      x y status xUnit yUnit solves relaxation
      points { xValue yValue efficient status epsilon spentEur }
      provenance { options { mode timeLimitS } }
    }
    ... on InvalidScenario { message problems { path field message } }
  }
}"""
JOBS = "{ simulate(scenario: {}) { ... on SimulationResult { jobs } } }"


def counting(real: Any, change: Any = None) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        call.count += 1  # type: ignore[attr-defined]
        answer = real(*args, **kwargs)
        return change(answer) if change else answer

    call.count = 0  # type: ignore[attr-defined]
    return call


async def test_front_starts_at_the_simulated_optimum(client: httpx.AsyncClient) -> None:
    body = await gql(client, FRONT, x="JOBS_CREATED", y="CO2_AVOIDED_T", points=4)
    assert "errors" not in body, body
    front = body["data"]["paretoFront"]
    assert front["__typename"] == "ParetoFront"
    assert (front["x"], front["y"], front["status"]) == ("JOBS_CREATED", "CO2_AVOIDED_T", "OPTIMAL")
    assert (front["xUnit"], front["yUnit"]) == ("jobs", "tCO2e/year")
    points = front["points"]
    assert len(points) == 4
    simulated = await gql(client, JOBS)
    assert points[0]["xValue"] == pytest.approx(simulated["data"]["simulate"]["jobs"], rel=1e-6)
    assert points[0]["status"] == "EFFICIENT" and points[0]["efficient"]
    proven = [p for p in points if p["efficient"]]
    assert [p["xValue"] for p in proven] == sorted((p["xValue"] for p in proven), reverse=True)
    assert [p["yValue"] for p in proven] == sorted(p["yValue"] for p in proven)
    for p in points:
        assert p["yValue"] >= p["epsilon"] * (1 - 1e-9)
    assert front["provenance"]["options"]["mode"] == "CONTINUOUS"


@pytest.mark.parametrize(
    ("x", "y", "points", "path", "message"),
    [
        pytest.param("JOBS_KEPT", "JOBS_KEPT", 50, "y", "must differ from x", id="same"),
        pytest.param("JOBS_CREATED", "LEVERAGE", 1, "points", "give 2 to 200", id="one"),
        pytest.param("JOBS_CREATED", "LEVERAGE", 201, "points", "got 201", id="many"),
    ],
)
async def test_bad_arguments_are_an_invalid_scenario_before_any_solve(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    x: str,
    y: str,
    points: int,
    path: str,
    message: str,
) -> None:
    front = counting(schema.runner.front)
    monkeypatch.setattr(schema.runner, "front", front)
    body = await gql(client, FRONT, x=x, y=y, points=points)
    outcome = body["data"]["paretoFront"]
    assert outcome["__typename"] == "InvalidScenario"
    (problem,) = outcome["problems"]
    assert problem["path"] == path and message in problem["message"]
    assert front.count == 0


async def test_an_unknown_criterion_is_a_validation_error(client: httpx.AsyncClient) -> None:
    body = await gql(client, FRONT, x="JOBS", y="CO2_AVOIDED_T", points=3)
    assert body.get("data") is None
    (error,) = body["errors"]
    assert "JOBS" in error["message"] and "CriterionName" in error["message"]


def solves_of(query: str, variables: dict[str, object]) -> int:
    document = parse(query)
    model = CostModel(make_schema()._schema, {}, variables)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return model.solves(model.schema.query_type, operation.selection_set)


@pytest.mark.parametrize(
    ("arguments", "variables", "solves"),
    [
        pytest.param("", {}, 2, id="default-50-points"),
        pytest.param(", points: 25", {}, 1, id="25"),
        pytest.param(", points: 26", {}, 2, id="26"),
        pytest.param(", points: $p", {"p": 200}, MAX_SOLVES, id="200-as-a-variable"),
        pytest.param(", points: $p", {"p": 100_000}, MAX_SOLVES, id="past-the-limit"),
    ],
)
def test_a_front_counts_one_solve_per_started_25_points(
    arguments: str, variables: dict[str, object], solves: int
) -> None:
    query = (
        "query($p: Int!) { paretoFront(scenario: {}, x: JOBS_CREATED, y: LEVERAGE"
        + arguments
        + ") { __typename } }"
    )
    assert solves_of(query, variables) == solves


async def test_a_long_front_and_a_simulate_are_over_the_solve_limit(
    client: httpx.AsyncClient,
) -> None:
    query = """{ paretoFront(scenario: {}, x: JOBS_CREATED, y: LEVERAGE, points: 200) {
        __typename } simulate(scenario: {}) { __typename } }"""
    body = await gql(client, query)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SOLVE_LIMIT_EXCEEDED"
    assert "paretoFront one per 25 points" in error["message"]


QUICK = """{ paretoFront(scenario: {}, x: JOBS_CREATED, y: CO2_AVOIDED_T, points: 3) {
    __typename ... on ParetoFront { points { xValue } } } }"""


async def test_a_complete_front_is_cached(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    front = counting(schema.runner.front)
    monkeypatch.setattr(schema.runner, "front", front)
    for _ in range(2):
        body = await gql(client, QUICK)
        assert body["data"]["paretoFront"]["__typename"] == "ParetoFront", body
    assert front.count == 1


async def test_a_front_with_an_unproven_point_is_not_cached(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def last_point_unproven(result: Any) -> Any:
        *done, last = result.points
        unproven = dataclasses.replace(last, status="unproven", efficient=False)
        return dataclasses.replace(result, points=(*done, unproven))

    front = counting(schema.runner.front, last_point_unproven)
    monkeypatch.setattr(schema.runner, "front", front)
    for _ in range(2):
        body = await gql(client, QUICK)
        assert body["data"]["paretoFront"]["__typename"] == "ParetoFront", body
    assert front.count == 2


ROUNDS_FRONT = """query {
  paretoFront(
    scenario: {rounds: [{date: "2021-04-01", releaseShare: 0.25},
                        {date: "2021-10-01", releaseShare: 0.25}]}
    x: JOBS_CREATED, y: LEVERAGE, points: 2
  ) {
    ... on ParetoFront { note xUnit yUnit points { spentEur } }
  }
}"""


async def test_front_says_review_rounds_are_not_played(client: httpx.AsyncClient) -> None:
    body = await gql(client, ROUNDS_FRONT)
    assert "errors" not in body, body
    front = body["data"]["paretoFront"]
    # Half of the 400 M EUR budget is released; the front allocates it at once.
    assert front["note"] == (
        "review rounds are not played: the front allocates the released budget at once "
        "(200.0 M EUR)"
    )
    assert max(p["spentEur"] for p in front["points"]) <= 200_000_000
    # Leverage on a front is the investment mobilised, in euros.
    assert (front["xUnit"], front["yUnit"]) == ("jobs", "EUR")
    plain = await gql(client, FRONT, x="JOBS_CREATED", y="CO2_AVOIDED_T", points=2)
    assert "note" not in plain["data"]["paretoFront"]  # not asked
    noted = await gql(client, FRONT.replace("relaxation", "relaxation note"), x="JOBS_CREATED",
                      y="CO2_AVOIDED_T", points=2)  # fmt: skip
    assert noted["data"]["paretoFront"]["note"] == ""
