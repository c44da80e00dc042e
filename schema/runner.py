"""Runs the engine off the event loop: a thread per solve, at most a few at once, time-limited.

A solve first waits for one of the slots, at most `queue_timeout_s` (then SERVICE_BUSY with a
retry hint), and only then does its own time limit start. The engine stops at that limit
itself; should a thread overrun it by more than `grace_s`, the request is answered with
SOLVER_TIMEOUT but the thread keeps its slot until it really ends, so no more than
`concurrent_solves` solver threads ever run at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence
from functools import partial
from typing import TypeVar

import anyio
import orjson
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession

from models.queries import load_projects
from simulation.curve import Curve, trade_off_curve
from simulation.pareto import Front, front
from simulation.projects import ProjectColumns
from simulation.result import Result, Status
from simulation.scenario import Scenario
from simulation.solve import solve

T = TypeVar("T")
GRACE_S = 5.0  # beyond the solver's own limit, before the API gives up on a solve
QUEUE_TIMEOUT_S = 10.0  # waiting for a free slot, before the API answers "busy"
RETRY_AFTER_S = 5
PROJECT_SETS = 8  # distinct project selections kept in memory
RESULTS = 16  # recent results kept: a comparison or an export after its runs solves nothing
# Answers that a retry would give again; a time limit (with or without an allocation) may not.
FINAL = frozenset({Status.OPTIMAL, Status.INFEASIBLE})


class SolverTimeout(GraphQLError):
    def __init__(self, limit_s: float) -> None:
        super().__init__(
            f"the solve did not finish within its {limit_s:g} s time limit: "
            "select fewer projects or retry later",
            extensions={"code": "SOLVER_TIMEOUT", "timeLimitS": limit_s},
        )


class SolverBusy(GraphQLError):
    def __init__(self, waited_s: float) -> None:
        super().__init__(
            f"the solver is busy: no solve slot came free within {waited_s:g} s; "
            f"retry in {RETRY_AFTER_S} s",
            extensions={"code": "SERVICE_BUSY", "retryAfterS": RETRY_AFTER_S},
        )


class Runner:
    def __init__(
        self,
        time_limit_s: float,
        concurrent_solves: int = 2,
        grace_s: float = GRACE_S,
        queue_timeout_s: float = QUEUE_TIMEOUT_S,
    ) -> None:
        self.time_limit_s = time_limit_s
        self.grace_s = grace_s
        self.queue_timeout_s = queue_timeout_s
        self.started = 0  # solver threads started (benchmarks compare it with requests)
        self.limiter = anyio.CapacityLimiter(concurrent_solves)
        self._projects: dict[Hashable, ProjectColumns] = {}
        self._results: dict[bytes, tuple[ProjectColumns, Result]] = {}

    async def projects(
        self, session: AsyncSession, scenario: Scenario, version: Hashable
    ) -> ProjectColumns:
        """The competing projects, reused while the data version (schema.cache.data_version) is
        unchanged (arrays are read-only, and the version is read from the database, so every
        worker agrees)."""
        key = (scenario.projects, version)
        columns = self._projects.get(key)
        if columns is None:
            columns = await load_projects(session, scenario.projects)
            for array in vars(columns).values():
                array.flags.writeable = False
            self._projects[key] = columns
            while len(self._projects) > PROJECT_SETS:
                self._projects.pop(next(iter(self._projects)))
        return columns

    async def solve(self, scenario: Scenario, projects: ProjectColumns) -> Result:
        """The engine's result, or the one it gave to the same scenario on the same projects
        (the engine is deterministic: seeded draws, one HiGHS thread), kept for the few most
        recent scenarios when final (FINAL). Projects count as the same when they are the same
        read-only arrays, which `projects` hands out while the data version is unchanged."""
        key = orjson.dumps(scenario.to_dict(), option=orjson.OPT_SORT_KEYS)
        kept = self._results.get(key)
        if kept is not None and kept[0] is projects:
            self._results[key] = self._results.pop(key)  # most recently used last
            return kept[1]
        job = partial(solve, scenario, projects, time_limit_s=self.time_limit_s)
        result = await self._run(job)
        if result.status in FINAL:  # a time limit or an error is solved again when asked again
            self._results[key] = (projects, result)
            while len(self._results) > RESULTS:
                self._results.pop(next(iter(self._results)))
        return result

    async def curve(
        self, scenario: Scenario, projects: ProjectColumns, parameter: str, values: Sequence[float]
    ) -> Curve:
        job = partial(
            trade_off_curve, scenario, projects, parameter, values, time_limit_s=self.time_limit_s
        )
        return await self._run(job)

    async def pareto(
        self, scenario: Scenario, projects: ProjectColumns, x: str, y: str, points: int
    ) -> Front:
        limit = self.time_limit_s
        job = partial(front, scenario, projects, x, y, points=points, time_limit_s=limit)
        return await self._run(job)

    async def _run(self, job: partial[T]) -> T:
        slot = object()  # the slot belongs to the thread, not to this (cancellable) task
        try:
            with anyio.fail_after(self.queue_timeout_s):
                await self.limiter.acquire_on_behalf_of(slot)
        except TimeoutError:
            raise SolverBusy(self.queue_timeout_s) from None
        try:
            thread = asyncio.get_running_loop().run_in_executor(None, job)
            self.started += 1
        except BaseException:
            self.limiter.release_on_behalf_of(slot)
            raise

        def finished(done: asyncio.Future[T]) -> None:
            self.limiter.release_on_behalf_of(slot)
            if not done.cancelled():
                done.exception()  # retrieved: a thread that failed after its timeout logs nothing

        thread.add_done_callback(finished)
        try:
            # shield: a timeout or a cancelled request stops waiting, never the thread
            return await asyncio.wait_for(
                asyncio.shield(thread), timeout=self.time_limit_s + self.grace_s
            )
        except TimeoutError:
            raise SolverTimeout(self.time_limit_s) from None
