"""Runs the engine off the event loop: a thread per solve, at most a few at once, time-limited."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence
from functools import partial
from typing import TypeVar

import anyio
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession

from models.queries import load_projects
from schema.cache import data_version
from simulation.curve import Curve, trade_off_curve
from simulation.projects import Projects
from simulation.result import Result
from simulation.scenario import Scenario
from simulation.solve import solve

T = TypeVar("T")
GRACE_S = 5.0  # beyond the solver's own limit, before the API gives up on a solve
PROJECT_SETS = 8  # distinct project selections kept in memory


class SolverTimeout(GraphQLError):
    def __init__(self, limit_s: float) -> None:
        super().__init__(
            f"the solve did not finish within its {limit_s:g} s time limit: "
            "select fewer projects or retry later",
            extensions={"code": "SOLVER_TIMEOUT", "timeLimitS": limit_s},
        )


class Runner:
    def __init__(
        self, time_limit_s: float, concurrent_solves: int = 2, grace_s: float = GRACE_S
    ) -> None:
        self.time_limit_s = time_limit_s
        self.grace_s = grace_s
        self.limiter = anyio.CapacityLimiter(concurrent_solves)
        self._projects: dict[Hashable, Projects] = {}

    async def projects(
        self, session: AsyncSession, scenario: Scenario, version: Hashable | None = None
    ) -> Projects:
        """The competing projects, reused while the data version is unchanged (arrays are
        read-only, and the version is read from the database, so every worker agrees)."""
        key = (scenario.projects, version or await data_version(session))
        found = self._projects.get(key)
        if found is None:
            found = await load_projects(session, scenario.projects)
            for array in vars(found).values():
                array.flags.writeable = False
            self._projects[key] = found
            while len(self._projects) > PROJECT_SETS:
                self._projects.pop(next(iter(self._projects)))
        return found

    async def solve(self, scenario: Scenario, projects: Projects) -> Result:
        job = partial(solve, scenario, projects, time_limit_s=self.time_limit_s)
        return await self._run(job)

    async def curve(
        self, scenario: Scenario, projects: Projects, parameter: str, values: Sequence[float]
    ) -> Curve:
        job = partial(
            trade_off_curve, scenario, projects, parameter, values, time_limit_s=self.time_limit_s
        )
        return await self._run(job)

    async def _run(self, job: partial[T]) -> T:
        try:
            return await asyncio.wait_for(
                anyio.to_thread.run_sync(job, limiter=self.limiter, abandon_on_cancel=True),
                timeout=self.time_limit_s + self.grace_s,
            )
        except TimeoutError:
            raise SolverTimeout(self.time_limit_s) from None
