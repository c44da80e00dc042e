from __future__ import annotations

import httpx
import pytest

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
