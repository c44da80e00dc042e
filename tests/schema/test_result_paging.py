"""Connections inside results page backwards too, and agree with paging forwards."""

from __future__ import annotations

from typing import Any

import httpx

from tests.schema.helpers import gql

FUNDED = """query($first: Int, $after: String, $last: Int, $before: String) {
  simulate(scenario: {fragileShareMin: 0.5}) { ... on SimulationResult {
    fundedProjects(first: $first, after: $after, last: $last, before: $before) {
      totalCount nodes { project { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""
CHANGES = """query($first: Int, $after: String, $last: Int, $before: String) {
  compareScenarios(names: ["france-relance-2020", "decarbonisation-push"]) { ... on Comparison {
    projectChanges(first: $first, after: $after, last: $last, before: $before) {
      totalCount nodes { project { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""


async def connection(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await gql(client, query, **variables)
    assert "errors" not in body, body
    outer = next(iter(body["data"].values()))
    found: dict[str, Any] = next(iter(outer.values()))
    return found


async def both_ways(client: httpx.AsyncClient, query: str) -> tuple[list[str], list[str], int]:
    forwards: list[str] = []
    cursor = None
    while True:
        page = await connection(client, query, first=2, after=cursor)
        forwards += [n["project"]["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    backwards: list[str] = []
    cursor = None
    while True:
        page = await connection(client, query, last=2, before=cursor)
        backwards = [n["project"]["id"] for n in page["nodes"]] + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        cursor = page["pageInfo"]["startCursor"]
    return forwards, backwards, page["totalCount"]


async def test_funded_projects_page_both_ways(client: httpx.AsyncClient) -> None:
    forwards, backwards, total = await both_ways(client, FUNDED)
    assert total > 2
    assert backwards == forwards
    assert len(forwards) == len(set(forwards)) == total


async def test_project_changes_page_both_ways(client: httpx.AsyncClient) -> None:
    forwards, backwards, total = await both_ways(client, CHANGES)
    assert total > 2
    assert backwards == forwards
    assert len(forwards) == total


async def test_first_with_last_is_refused_in_results_too(client: httpx.AsyncClient) -> None:
    body = await gql(client, FUNDED, first=1, last=1)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
