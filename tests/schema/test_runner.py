"""Solves run in threads: the event loop keeps answering, and a stuck solve is cut off."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import schema.runner
from schema.runner import RESULTS, Runner, SolverBusy, SolverTimeout
from server import create_app
from settings import Settings
from simulation.result import Status
from simulation.scenario import Scenario
from tests.schema.helpers import gql

SIMULATE = "{ simulate(scenario: {}) { __typename } }"


def blocking_solve(release: threading.Event, started: threading.Event) -> Any:
    real = schema.runner.solve

    def solve(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(timeout=30)
        return real(*args, **kwargs)

    return solve


async def test_reads_answer_while_a_solve_runs(
    small_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, started = threading.Event(), threading.Event()
    monkeypatch.setattr(schema.runner, "solve", blocking_solve(release, started))
    app = create_app(Settings(database_url=small_db))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        solving = asyncio.create_task(gql(http, SIMULATE))
        while not started.is_set():
            await asyncio.sleep(0.01)
        read = await gql(http, "{ funds { name } regions { code } }")
        assert "errors" not in read
        assert not solving.done(), "the read waited for the solve"
        release.set()
        solved = await solving
    await app.state.engine.dispose()
    assert solved["data"]["simulate"]["__typename"] == "SimulationResult"


async def test_a_solve_past_its_time_limit_is_a_clear_error(
    small_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, started = threading.Event(), threading.Event()
    monkeypatch.setattr(schema.runner, "solve", blocking_solve(release, started))
    app = create_app(Settings(database_url=small_db, solver_time_limit_s=0.05))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        runner: Runner = app.state.runner
        runner.grace_s = 0.0
        body = await gql(http, SIMULATE)
        release.set()
    await app.state.engine.dispose()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SOLVER_TIMEOUT"
    assert "time limit" in error["message"]


class Gate:
    """A stand-in for the engine's solve: counts solves running at once, waits to be released."""

    def __init__(self, status: Status = Status.OPTIMAL) -> None:
        self.answer = SimpleNamespace(status=status)
        self.lock = threading.Lock()
        self.running = self.most = self.started = 0
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> SimpleNamespace:
        with self.lock:
            self.started += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self.release.wait(timeout=30)
        finally:
            with self.lock:
                self.running -= 1
        return self.answer


async def wait_for(condition: Any) -> None:
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_a_timed_out_solve_keeps_its_slot_until_its_thread_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate()
    monkeypatch.setattr(schema.runner, "solve", gate)
    runner = Runner(time_limit_s=0.05, concurrent_solves=1, grace_s=0.0, queue_timeout_s=30)
    first = asyncio.create_task(runner.solve(Scenario(), None))  # type: ignore[arg-type]
    with pytest.raises(SolverTimeout):
        await first
    second = asyncio.create_task(runner.solve(Scenario(), None))  # type: ignore[arg-type]
    await asyncio.sleep(0.2)
    assert gate.started == 1, "a second solve started while the timed-out one still ran"
    gate.release.set()
    assert await second is gate.answer
    assert gate.most == 1


async def test_time_in_the_queue_is_not_solve_time(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate()
    monkeypatch.setattr(schema.runner, "solve", gate)
    runner = Runner(time_limit_s=0.3, concurrent_solves=1, grace_s=0.0, queue_timeout_s=30)
    first = asyncio.create_task(runner.solve(Scenario(), None))  # type: ignore[arg-type]
    await wait_for(lambda: gate.started == 1)
    second = asyncio.create_task(runner.solve(Scenario(), None))  # type: ignore[arg-type]
    with pytest.raises(SolverTimeout):
        await first  # the first one overruns its limit while the second waits in line
    await asyncio.sleep(0.5)  # and its thread goes on past the second one's own limit
    gate.release.set()
    assert await second is gate.answer


async def test_a_full_queue_is_a_busy_error_with_a_retry_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate()
    monkeypatch.setattr(schema.runner, "solve", gate)
    runner = Runner(time_limit_s=30, concurrent_solves=1, queue_timeout_s=0.05)
    first = asyncio.create_task(runner.solve(Scenario(), None))  # type: ignore[arg-type]
    await wait_for(lambda: gate.started == 1)
    with pytest.raises(SolverBusy) as raised:
        await runner.solve(Scenario(), None)  # type: ignore[arg-type]
    gate.release.set()
    assert await first is gate.answer
    extensions = raised.value.extensions or {}
    assert extensions["code"] == "SERVICE_BUSY"
    assert extensions["retryAfterS"] > 0
    assert "busy" in raised.value.message and gate.started == 1


async def test_the_same_scenario_on_the_same_projects_is_solved_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate()
    gate.release.set()
    monkeypatch.setattr(schema.runner, "solve", gate)
    runner = Runner(time_limit_s=30)
    projects, reloaded = object(), object()
    assert await runner.solve(Scenario(), projects) is gate.answer  # type: ignore[arg-type]
    assert await runner.solve(Scenario(), projects) is gate.answer  # type: ignore[arg-type]
    assert gate.started == 1
    await runner.solve(Scenario(budget_eur=1), projects)  # type: ignore[arg-type]
    await runner.solve(Scenario(), reloaded)  # type: ignore[arg-type]  # new data: solved again
    assert gate.started == 3
    for budget in range(2, 2 + RESULTS):  # the oldest results make way for newer ones
        await runner.solve(Scenario(budget_eur=budget), projects)  # type: ignore[arg-type]
    await runner.solve(Scenario(), reloaded)  # type: ignore[arg-type]
    assert gate.started == 4 + RESULTS


async def test_a_time_limit_is_solved_again_when_asked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate(Status.TIME_LIMIT)
    gate.release.set()
    monkeypatch.setattr(schema.runner, "solve", gate)
    runner = Runner(time_limit_s=30)
    projects = object()
    for _ in range(2):
        await runner.solve(Scenario(), projects)  # type: ignore[arg-type]
    assert gate.started == 2
