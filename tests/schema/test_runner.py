"""Solves run in threads: the event loop keeps answering, and a stuck solve is cut off."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

import schema.runner
from schema.runner import Runner
from server import create_app
from settings import Settings
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
