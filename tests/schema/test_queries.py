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


TERRITORY_PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
    territories(first: $first, after: $after, last: $last, before: $before) {
      totalCount edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
PROJECT_PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
    projects(first: $first, after: $after, last: $last, before: $before,
             orderBy: AID_REQUESTED_DESC) {
      totalCount edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def walk(client: httpx.AsyncClient, query: str, field: str, backwards: bool) -> list[str]:
    """Every node id, page by page (3 at a time), in the connection's order."""
    seen: list[str] = []
    cursor = None
    while True:
        if backwards:
            body = await gql(client, query, last=3, before=cursor)
        else:
            body = await gql(client, query, first=3, after=cursor)
        assert "errors" not in body, body
        page = body["data"][field]
        ids = [edge["node"]["id"] for edge in page["edges"]]
        info = page["pageInfo"]
        assert len(ids) <= 3
        if backwards:
            seen = ids + seen
            if not info["hasPreviousPage"]:
                return seen
            cursor = info["startCursor"]
        else:
            seen += ids
            if not info["hasNextPage"]:
                return seen
            cursor = info["endCursor"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param(TERRITORY_PAGE, "territories", id="territories"),
        pytest.param(PROJECT_PAGE, "projects", id="projects"),
    ],
)
async def test_paging_backwards_gives_the_same_nodes_as_forwards(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    forwards = await walk(client, query, field, backwards=False)
    backwards = await walk(client, query, field, backwards=True)
    total = (await gql(client, query, first=0))["data"][field]["totalCount"]
    assert len(forwards) == len(set(forwards)) == total > 3
    assert backwards == forwards


async def test_last_and_before_cut_the_same_window_as_first_and_after(
    client: httpx.AsyncClient,
) -> None:
    everything = (await gql(client, TERRITORY_PAGE, first=100))["data"]["territories"]
    cursors = [edge["cursor"] for edge in everything["edges"]]
    window = await gql(client, TERRITORY_PAGE, after=cursors[0], before=cursors[5], last=2)
    page = window["data"]["territories"]
    assert [edge["cursor"] for edge in page["edges"]] == cursors[3:5]
    assert page["pageInfo"]["hasPreviousPage"] and page["pageInfo"]["hasNextPage"]
    tail = (await gql(client, TERRITORY_PAGE, last=2))["data"]["territories"]
    assert [edge["cursor"] for edge in tail["edges"]] == cursors[-2:]
    assert not tail["pageInfo"]["hasNextPage"]
    between = (await gql(client, TERRITORY_PAGE, after=cursors[0], before=cursors[3]))["data"]
    assert [edge["cursor"] for edge in between["territories"]["edges"]] == cursors[1:3]


async def test_nested_pages_go_backwards_per_territory(client: httpx.AsyncClient) -> None:
    query = """query($last: Int, $first: Int) { regions { territories {
        projects(last: $last, first: $first) { totalCount nodes { id } } } } }"""
    tails = (await gql(client, query, last=2))["data"]["regions"]
    wholes = (await gql(client, query, first=100))["data"]["regions"]
    pairs = [
        (tail["projects"], whole["projects"])
        for region, full in zip(tails, wholes, strict=True)
        for tail, whole in zip(region["territories"], full["territories"], strict=True)
    ]
    assert pairs
    for tail, whole in pairs:
        assert tail["nodes"] == whole["nodes"][-2:]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        pytest.param(
            {"first": 2, "last": 2},
            "last: give first (paging forwards) or last (paging backwards), not both",
            id="first-and-last",
        ),
        pytest.param({"last": 101}, "last: must be between 0 and 100", id="last-over-cap"),
        pytest.param({"last": -1}, "last: must be between 0 and 100", id="last-negative"),
        pytest.param(
            {"last": 1, "before": "bm9wZQ=="},
            "before: is not a cursor returned by this API",
            id="bad-before-cursor",
        ),
    ],
)
async def test_bad_backward_arguments_are_coded_user_errors(
    client: httpx.AsyncClient, variables: dict[str, object], message: str
) -> None:
    body = await gql(client, TERRITORY_PAGE, **variables)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(message)


async def test_a_backward_page_costs_what_a_forward_page_of_its_size_costs(
    client: httpx.AsyncClient,
) -> None:
    query = "{ territories(%s: 2) { nodes { projects(%s: 3) { nodes { id } } } } }"
    forwards = await gql(client, query % ("first", "first"))
    backwards = await gql(client, query % ("last", "last"))
    estimate = forwards["extensions"]["cost"]["estimated"]
    assert backwards["extensions"]["cost"]["estimated"] == estimate < 100
