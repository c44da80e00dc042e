from __future__ import annotations

import httpx
import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

import schema.runner
from schema import make_schema
from schema.limits import MAX_SOLVES, SOLVE_COST, CostModel
from tests.schema.helpers import gql


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        pytest.param("{ regions { code } }", 18, id="list-estimate"),
        pytest.param("{ projects(first: 10) { nodes { id } } }", 10, id="connection-first"),
        pytest.param(
            "{ territories(first: 5) { nodes { projects(first: 4) { nodes { id } } } } }",
            5 + 5 * 4,
            id="nested-product",
        ),
        pytest.param(
            "{ projects(first: 3) { ...P } } fragment P on ProjectConnection { nodes { id } }",
            3,
            id="fragment",
        ),
    ],
)
async def test_cost_is_reported_in_extensions(
    client: httpx.AsyncClient, query: str, cost: int
) -> None:
    body = await gql(client, query)
    assert "errors" not in body, body
    assert body["extensions"]["cost"]["estimated"] == cost


async def test_query_over_budget_is_refused_before_running(client: httpx.AsyncClient) -> None:
    query = """{ territories(first: 100) { nodes { projects(first: 100) { nodes {
        territory { projects(first: 100) { nodes { id } } } } } } } }"""
    body = await gql(client, query)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert "first:" in error["message"]


async def test_variables_count_toward_the_cost(client: httpx.AsyncClient) -> None:
    query = "query($n: Int!) { projects(first: $n) { nodes { id } } }"
    body = await gql(client, query, n=7)
    assert body["extensions"]["cost"]["estimated"] == 7


async def test_alias_limit_is_enforced(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{i}: funds {{ id }}" for i in range(20)) + " }"
    body = await gql(client, query)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in body["errors"][0]["message"]


async def test_token_limit_is_enforced(client: httpx.AsyncClient) -> None:
    query = "{ regions { " + "code " * 2_100 + "} }"
    body = await gql(client, query)
    assert body["errors"][0]["extensions"]["code"] in {
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
    }
    assert "token" in body["errors"][0]["message"].lower()


def simulate_fields(count: int) -> str:
    return " ".join(f"s{i}: simulate(scenario: {{}}) {{ __typename }}" for i in range(count))


def simulates(count: int) -> str:
    return "{ " + simulate_fields(count) + " }"


CURVE_FIELD = """tradeOffCurve(scenario: {}, parameter: FRAGILE_SHARE_MIN, values: $v) {
    __typename ... on TradeOffCurve { points { jobs } } }"""
CURVE = "query($v: [Float!]!) { " + CURVE_FIELD + " }"


@pytest.mark.parametrize(
    ("query", "variables", "solves"),
    [
        pytest.param(simulates(1), {}, 1, id="simulate"),
        pytest.param(
            '{ runScenario(name: "france-relance-2020") { __typename } }', {}, 1, id="run"
        ),
        pytest.param(
            '{ compareScenarios(names: ["a", "b", "c"]) { __typename } }', {}, 3, id="compare"
        ),
        pytest.param(CURVE, {"v": [0.5] * 30}, 2, id="curve-30-points"),
        pytest.param(
            "{ ...S } fragment S on Query { " + simulate_fields(2) + " }", {}, 2, id="fragment"
        ),
    ],
)
def test_solves_are_counted_and_cost_their_share(
    query: str, variables: dict[str, object], solves: int
) -> None:
    document = parse(query)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    model = CostModel(make_schema()._schema, fragments, variables)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    root = model.schema.query_type
    assert model.solves(root, operation.selection_set) == solves
    assert model.cost(root, operation.selection_set) >= solves * SOLVE_COST


async def test_more_solves_than_allowed_are_refused_before_any_runs(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(schema.runner, "solve", lambda *args, **kwargs: started.append(args))
    body = await gql(client, simulates(MAX_SOLVES + 1))
    assert body["data"] is None and started == []
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SOLVE_LIMIT_EXCEEDED"
    assert error["extensions"]["solves"] == MAX_SOLVES + 1
    assert f"at most {MAX_SOLVES} solves per request" in error["message"]


async def test_a_long_curve_counts_as_several_solves(client: httpx.AsyncClient) -> None:
    query = "query($v: [Float!]!) { " + CURVE_FIELD + simulate_fields(MAX_SOLVES - 1) + " }"
    body = await gql(client, query, v=[0.5 + i / 1000 for i in range(30)])
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SOLVE_LIMIT_EXCEEDED"
    assert error["extensions"]["solves"] == MAX_SOLVES + 1


async def test_the_largest_single_solve_fields_still_run(client: httpx.AsyncClient) -> None:
    body = await gql(client, CURVE, v=[0.5 + i / 1000 for i in range(200)])
    assert body["data"]["tradeOffCurve"]["__typename"] == "TradeOffCurve", body
    assert body["extensions"]["cost"]["solves"] == MAX_SOLVES
