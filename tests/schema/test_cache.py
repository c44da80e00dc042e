from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

import schema.runner
from data.seed import setup_database
from schema.auth import DEV_API_KEY
from schema.cache import Encoded, ResponseCache, cache_key, is_read_only
from schema.view import find_view
from server import create_app
from settings import Settings
from simulation.result import Status
from tests.conftest import copy_database
from tests.schema.helpers import gql

KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}
SAVE = """mutation($s: ScenarioInput!, $v: Int) { saveScenario(scenario: $s, expectedVersion: $v) {
  __typename ... on Scenario { name version } } }"""
DELETE = """mutation($n: String!, $v: Int!) { deleteScenario(name: $n, expectedVersion: $v) {
  __typename } }"""
SCENARIOS = "{ scenarios { name version } }"


@dataclasses.dataclass
class Worker:
    """One server process: its app, its HTTP client and its cache."""

    app: Starlette
    http: httpx.AsyncClient

    @property
    def cache(self) -> ResponseCache:
        return find_view(self.app).cache

    async def post(self, query: str, headers: dict[str, str] | None = None, **variables: object):
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def workers(small_db: str) -> AsyncIterator[tuple[Worker, Worker]]:
    """Two workers (separate apps, separate caches) sharing one database."""
    made = []
    for _ in range(2):
        app = create_app(Settings(database_url=small_db))
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        made.append(Worker(app, http))
    yield made[0], made[1]
    for worker in made:
        await worker.http.aclose()
        await worker.app.state.engine.dispose()


async def test_a_repeated_query_is_answered_from_the_cache(
    workers: tuple[Worker, Worker],
) -> None:
    worker, _ = workers
    query = "query($first: Int) { projects(first: $first) { totalCount nodes { id name } } }"
    first = await worker.post(query, first=3)
    second = await worker.post(query, first=3)
    assert first == second
    assert (worker.cache.misses, worker.cache.hits) == (1, 1)
    await worker.post(query, first=4)  # other variables, other entry
    assert (worker.cache.misses, worker.cache.hits, len(worker.cache)) == (2, 1, 2)


async def test_a_saved_scenario_is_visible_to_the_next_read_on_every_worker(
    workers: tuple[Worker, Worker],
) -> None:
    reader, writer = workers
    assert "mine" not in [s["name"] for s in (await reader.post(SCENARIOS))["data"]["scenarios"]]
    saved = await writer.post(SAVE, KEY, s={"name": "mine", "fragileShareMin": 0.7})
    assert saved["data"]["saveScenario"]["__typename"] == "Scenario"
    listed = (await reader.post(SCENARIOS))["data"]["scenarios"]
    assert {"name": "mine", "version": 1} in listed
    await writer.post(SAVE, KEY, s={"name": "mine", "fragileShareMin": 0.6}, v=1)
    listed = (await reader.post(SCENARIOS))["data"]["scenarios"]
    assert {"name": "mine", "version": 2} in listed
    await writer.post(DELETE, KEY, n="mine", v=2)
    assert "mine" not in [s["name"] for s in (await reader.post(SCENARIOS))["data"]["scenarios"]]
    assert reader.cache.hits == 0


async def test_run_scenario_follows_the_saved_scenario(workers: tuple[Worker, Worker]) -> None:
    reader, writer = workers
    run = """query($n: String!) { runScenario(name: $n) { __typename
        ... on SimulationResult { scenarioName spentEur } } }"""
    await writer.post(SAVE, KEY, s={"name": "mine", "budgetEur": 1_000_000})
    small = (await reader.post(run, n="mine"))["data"]["runScenario"]
    await writer.post(SAVE, KEY, s={"name": "mine", "budgetEur": 2_000_000}, v=1)
    large = (await reader.post(run, n="mine"))["data"]["runScenario"]
    assert small["__typename"] == large["__typename"] == "SimulationResult", (small, large)
    assert small["spentEur"] <= 1_000_000 < large["spentEur"] <= 2_000_000


async def test_a_seed_update_is_visible_to_the_next_read(
    seeded_db_url: str, tmp_path: Path
) -> None:
    url = copy_database(seeded_db_url, tmp_path / "copy.db")
    app = create_app(Settings(database_url=url))
    query = "{ projects(first: 1) { totalCount } }"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        before = (await gql(http, query))["data"]["projects"]["totalCount"]
        assert (await gql(http, query))["data"]["projects"]["totalCount"] == before
        # Fewer generated candidates (the pool never drops below the laureates).
        await setup_database(Settings(database_url=url, project_count=before - 100))
        after = (await gql(http, query))["data"]["projects"]["totalCount"]
    await app.state.engine.dispose()
    assert after == before - 100


async def test_mutations_and_errors_are_not_cached(workers: tuple[Worker, Worker]) -> None:
    worker, _ = workers
    for _ in range(2):
        await worker.post(SAVE, KEY, s={"name": "mine"})
        assert "errors" in await worker.post("{ projects(first: 101) { totalCount } }")
    assert (worker.cache.hits, len(worker.cache)) == (0, 0)


@pytest.mark.parametrize(
    ("query", "operation", "expected"),
    [
        pytest.param("{ regions { code } }", None, True, id="anonymous-query"),
        pytest.param("query A { regions { code } }", "A", True, id="named-query"),
        pytest.param("mutation { deleteScenario(name: 1) }", None, False, id="mutation"),
        pytest.param("query A { a } mutation B { b }", "B", False, id="chosen-mutation"),
        pytest.param("query A { a } mutation B { b }", None, False, id="ambiguous"),
        pytest.param("{ regions { ", None, False, id="syntax-error"),
    ],
)
def test_only_queries_are_read_only(query: str, operation: str | None, expected: bool) -> None:
    assert is_read_only(query, operation) is expected


def test_variables_in_another_order_share_a_key() -> None:
    assert cache_key("q", {"a": 1, "b": 2}, None, 1) == cache_key("q", {"b": 2, "a": 1}, None, 1)
    assert cache_key("q", {"a": 1}, None, 1) != cache_key("q", {"a": 1}, None, 2)


def encoded(size: int) -> Encoded:
    response = Encoded(data=None)
    response.body = b"x" * size
    return response


def test_the_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = ResponseCache(max_entries=3, max_bytes=100)
    for key in "abcd":
        cache.put(key, encoded(10))
    assert (len(cache), cache.get("a")) == (3, None)
    assert cache.get("b") is not None  # now the most recent: "c" goes first
    cache.put("big", encoded(80))
    assert cache.get("c") is None and cache.get("b") is not None
    assert cache.size <= 100
    cache.put("huge", encoded(101))
    assert cache.get("huge") is None


def test_a_new_data_version_drops_older_entries() -> None:
    cache = ResponseCache()
    cache.seen(1)
    cache.put("a", encoded(1))
    cache.seen(1)
    assert cache.get("a") is not None
    cache.seen(2)
    assert (len(cache), cache.size) == (0, 0)


def counting(real: Any, change: Any = None) -> Any:
    """`real`, counting its calls and changing its answer with `change`."""

    def call(*args: Any, **kwargs: Any) -> Any:
        call.count += 1  # type: ignore[attr-defined]
        answer = real(*args, **kwargs)
        return change(answer) if change else answer

    call.count = 0  # type: ignore[attr-defined]
    return call


# No `status` asked for: whether an answer is final must not depend on the selection.
JOBS = "query($s: ScenarioInput!) { simulate(scenario: $s) { __typename } }"


@pytest.mark.parametrize(
    ("status", "solves"),
    [
        pytest.param(Status.OPTIMAL, 1, id="optimal-cached"),
        pytest.param(Status.INFEASIBLE, 1, id="infeasible-cached"),
        pytest.param(Status.TIME_LIMIT, 2, id="time-limit-not-cached"),
        pytest.param(Status.FEASIBLE, 2, id="feasible-not-cached"),
    ],
)
async def test_only_final_simulation_answers_are_cached(
    workers: tuple[Worker, Worker], monkeypatch: pytest.MonkeyPatch, status: Status, solves: int
) -> None:
    solve = counting(schema.runner.solve, lambda r: dataclasses.replace(r, status=status))
    monkeypatch.setattr(schema.runner, "solve", solve)
    worker, _ = workers
    for _ in range(2):
        body = await worker.post(JOBS, s={"fragileShareMin": 0.6})
        assert "errors" not in body, body
    assert solve.count == solves


async def test_a_curve_with_an_unfinished_point_is_not_cached(
    workers: tuple[Worker, Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    def last_point_timed_out(curve: Any) -> Any:
        *done, last = curve.points
        return dataclasses.replace(
            curve, points=(*done, dataclasses.replace(last, status="time_limit"))
        )

    curve = counting(schema.runner.trade_off_curve, last_point_timed_out)
    monkeypatch.setattr(schema.runner, "trade_off_curve", curve)
    query = """{ tradeOffCurve(scenario: {}, parameter: FRAGILE_SHARE_MIN, values: [0.5, 0.6]) {
        __typename ... on TradeOffCurve { points { jobs } } } }"""
    worker, _ = workers
    for _ in range(2):
        body = await worker.post(query)
        assert body["data"]["tradeOffCurve"]["__typename"] == "TradeOffCurve", body
    assert curve.count == 2


async def test_identical_requests_on_a_cold_cache_compute_once(
    workers: tuple[Worker, Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = schema.runner.solve

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # long enough for every request to arrive while the first one solves
        return real(*args, **kwargs)

    solve = counting(slow)
    monkeypatch.setattr(schema.runner, "solve", solve)
    worker, _ = workers
    query = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
        ... on SimulationResult { jobs } } }"""
    bodies = await asyncio.gather(
        *(worker.post(query, s={"fragileShareMin": 0.6}) for _ in range(20))
    )
    assert solve.count == 1
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["data"]["simulate"]["__typename"] == "SimulationResult"


async def test_a_request_waiting_on_a_cancelled_one_computes_its_own_answer(
    workers: tuple[Worker, Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = schema.runner.solve
    release = threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=30)
        return real(*args, **kwargs)

    solve = counting(held)
    monkeypatch.setattr(schema.runner, "solve", solve)
    worker, _ = workers
    view = find_view(worker.app)
    query = "{ simulate(scenario: {fragileShareMin: 0.6}) { __typename } }"
    leader = asyncio.create_task(worker.post(query))
    while solve.count == 0:
        await asyncio.sleep(0.01)
    follower = asyncio.create_task(worker.post(query))
    while not view.flights or follower.done():
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # the follower is now waiting on the leader's flight
    leader.cancel()
    release.set()
    body = await asyncio.wait_for(follower, timeout=30)
    assert body["data"]["simulate"]["__typename"] == "SimulationResult"
    assert solve.count == 2 and not view.flights
