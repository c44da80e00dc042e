from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server import create_app
from settings import Settings
from tests.schema.conftest import build_db
from tests.schema.helpers import gql

NESTED = """
query Nested($first: Int!) {
  regions { code name territories { id name projects(first: $first) {
    totalCount edges { node {
      id name aidRequestedEur jobsCreated fragile awards { amountEur fund { name } }
    } }
  } } }
}
"""


async def test_regions_nest_territories_and_projects(client: httpx.AsyncClient) -> None:
    body = await gql(client, NESTED, first=2)
    assert "errors" not in body
    regions = body["data"]["regions"]
    assert [r["code"] for r in regions] == ["32", "53", "84"]
    territories = [t for r in regions for t in r["territories"]]
    assert len(territories) == 6
    first = territories[0]["projects"]
    assert first["totalCount"] == 4
    assert len(first["edges"]) == 2


async def count_statements(url: str, query: str, **variables: object) -> int:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    app = create_app(Settings(database_url=url))
    event.listen(Engine, "before_cursor_execute", count)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            body = await gql(http, query, **variables)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
        await app.state.engine.dispose()
    assert "errors" not in body, body
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


async def test_nested_query_issues_a_fixed_number_of_statements(tmp_path: Path) -> None:
    small = await build_db(tmp_path / "a.db", territories=3, projects_per_territory=2)
    large = await build_db(tmp_path / "b.db", territories=60, projects_per_territory=30)
    assert await count_statements(small, NESTED, first=100) == await count_statements(
        large, NESTED, first=100
    )
    # regions, territories, project counts, project pages, awards, funds
    assert await count_statements(large, NESTED, first=100) <= 6


async def test_territories_paginate_with_opaque_cursors(client: httpx.AsyncClient) -> None:
    query = """query($after: String) { territories(first: 2, after: $after, filter: {phase: 1}) {
        totalCount edges { cursor node { id phase } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = (await gql(client, query, after=after))["data"]["territories"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert all(edge["node"]["phase"] == 1 for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == 4


async def test_node_resolves_every_type(client: httpx.AsyncClient) -> None:
    ids = await gql(
        client,
        """{ regions { id } territories(first: 1) { nodes { id } }
             projects(first: 1) { nodes { id awards { id } } } funds { id } }""",
    )
    data = ids["data"]
    every = [
        data["regions"][0]["id"],
        data["territories"]["nodes"][0]["id"],
        data["projects"]["nodes"][0]["id"],
        data["projects"]["nodes"][0]["awards"][0]["id"],
        data["funds"][0]["id"],
    ]
    for global_id in every:
        body = await gql(
            client, "query($id: ID!) { node(id: $id) { id __typename } }", id=global_id
        )
        assert body["data"]["node"]["id"] == global_id


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param("query($id: ID!) { territory(id: $id) { id } }", {}, id="territory"),
        pytest.param("query($id: ID!) { project(id: $id) { id } }", {}, id="project"),
        pytest.param("query($id: ID!) { node(id: $id) { id } }", {}, id="node"),
    ],
)
async def test_unknown_ids_return_null(
    client: httpx.AsyncClient, query: str, variables: dict[str, str]
) -> None:
    from strawberry import relay

    for missing in (relay.GlobalID("Territory", "p1-ti-9999"), relay.GlobalID("Project", "99999")):
        body = await gql(client, query, id=str(missing))
        assert "errors" not in body, body
        assert next(iter(body["data"].values())) is None


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        pytest.param("{ territories(first: 101) { totalCount } }", "first", id="first-over-cap"),
        pytest.param("{ projects(first: -1) { totalCount } }", "first", id="first-negative"),
        pytest.param('{ projects(after: "bm9wZQ==") { totalCount } }', "after", id="bad-cursor"),
    ],
)
async def test_bad_arguments_are_coded_user_errors(
    client: httpx.AsyncClient, query: str, argument: str
) -> None:
    body = await gql(client, query)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(f"{argument}:")
    assert "Traceback" not in str(body)


async def test_malformed_global_id_is_a_user_error(client: httpx.AsyncClient) -> None:
    body = await gql(client, "query($id: ID!) { territory(id: $id) { id } }", id="not-an-id")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_validation_errors_carry_a_code(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ regions { nope } }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    body = await gql(client, "{ regions { ")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_project_filters_and_ordering(client: httpx.AsyncClient) -> None:
    query = """query($filter: ProjectFilter) {
        projects(filter: $filter, orderBy: AID_REQUESTED_DESC) { totalCount nodes {
          aidRequestedEur fragile sector regionCode } } }"""
    all_projects = (await gql(client, query))["data"]["projects"]
    assert all_projects["totalCount"] == 24
    aids = [p["aidRequestedEur"] for p in all_projects["nodes"]]
    assert aids == sorted(aids, reverse=True)
    fragile = (await gql(client, query, filter={"fragile": True, "regionCode": "84"}))["data"]
    nodes = fragile["projects"]["nodes"]
    assert nodes and all(p["fragile"] and p["regionCode"] == "84" for p in nodes)
    funded = (await gql(client, query, filter={"funded": True}))["data"]["projects"]
    assert funded["totalCount"] == 8


async def test_funds_report_budget_and_awards(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ funds { name budgetEur awardedEur awardCount } }")
    (fund,) = body["data"]["funds"]
    assert fund["budgetEur"] == 400_000_000
    assert fund["awardCount"] == 8
