"""Long work as jobs: startSweep, startMonteCarlo, resumeJob and cancelJob (API key), job(id).

A mutation stores the job and returns it at once, queued; the server runs it in the background
(studies.jobs) and `job(id)` reports its progress, status and, as batches finish, its rows.
Refusals are coded errors: BAD_USER_INPUT naming the argument (a grid too large or malformed, a
draws count out of bounds, an unknown job id, a job that cannot be resumed or cancelled),
TOO_MANY_JOBS when the key already has its share of queued or running jobs (a start or a resume),
FORBIDDEN when resuming or cancelling a job that another key started.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.scalars import JSON

from apikeys import hash_key
from models import job as stored
from schema.auth import HasApiKey
from schema.errors import FORBIDDEN, AuthError, UserInputError
from schema.pagination import Connection, Edge, decode_cursor, encode_cursor, page_from
from schema.scenarios import Catalogue, ScenarioInput
from schema.types import Info
from simulation.levers import MAX_DRAWS
from simulation.scenario import Scenario, ScenarioError
from studies import jobs as runner
from studies.errors import StudyError
from studies.grid import Axis, check_values, parse_axis

TOO_MANY_JOBS = "TOO_MANY_JOBS"


@strawberry.enum
class JobKind(Enum):
    SWEEP = "sweep"
    MONTE_CARLO = "monte_carlo"


@strawberry.enum
class JobStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"


@strawberry.input(description="One axis of a sweep: a parameter and its values.")
class GridAxisInput:
    parameter: str = strawberry.field(
        description="A sweepable parameter (fragile_share_min, budget_eur, realisation_rate, ...)."
    )
    values: list[float] | None = strawberry.field(
        default=None, description="The values, in order. Give values or range."
    )
    range: str | None = strawberry.field(
        default=None, description='"start:stop:step", stop included ("0.5:0.9:0.05").'
    )


@strawberry.type(description="One result row of a job: a JSON object.")
class JobRow:
    position: int
    data: JSON = strawberry.field(
        description="A sweep: one solve, keyed as the sweep table's columns (index, the axes' "
        "values, status, jobs, spent_eur, ..., error). A Monte Carlo: a region (or 'all') "
        "with mean, p10, p50, p90 and target_probability of its jobs created."
    )


@strawberry.type(description="Long work stored in the database: a sweep or a Monte Carlo.")
class Job:
    id: strawberry.ID
    kind: JobKind
    status: JobStatus
    done: int = strawberry.field(description="Solves (a sweep) or draws (a Monte Carlo) done.")
    total: int
    error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @strawberry.field(description="done / total, from 0 to 1.")
    def progress(self) -> float:
        return self.done / self.total if self.total else 0.0

    @strawberry.field(
        description="The result rows so far, in position order (a sweep's by index); `after` "
        "is a row's cursor (its position), so rows stored meanwhile never shift a page."
    )
    async def rows(
        self, info: Info, first: int | None = 100, after: str | None = None
    ) -> Connection[JobRow]:
        size = page_from(first, None).limit  # checks first
        start = None if after is None else decode_cursor(after)
        async with info.context.sessions() as session:
            rows, total, more = await stored.row_page(session, str(self.id), start, size)
        edges = [
            Edge(
                cursor=encode_cursor(position),
                node=JobRow(position=position, data=cast(JSON, data)),
            )
            for position, data in rows
        ]
        return Connection(
            total_count=total,
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=more,
                has_previous_page=start is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @classmethod
    def of(cls, job: stored.Job) -> Job:
        return cls(
            id=strawberry.ID(job.id),
            kind=JobKind(job.kind),
            status=JobStatus(job.status),
            done=job.done,
            total=job.total,
            error=job.error,
            created_at=job.created_at,
            updated_at=job.updated_at,
        )


def _key_hash(info: Info) -> str:
    """The hash of the caller's API key (HasApiKey has checked it)."""
    header = info.context.request.headers.get("authorization", "")
    return hash_key(header.partition(" ")[2].strip())


async def _scenario(info: Info, scenario: ScenarioInput | None, name: str | None) -> Scenario:
    if (scenario is None) == (name is None):
        raise UserInputError("scenario", "give a scenario or the name of one, not both")
    try:
        async with info.context.sessions() as session:
            catalogue = Catalogue(session)
            if name is not None:
                return await catalogue.load(name)
            assert scenario is not None
            return await catalogue.resolve(scenario.to_data())
    except ScenarioError as error:
        argument = "name" if name is not None else "scenario"
        refused = UserInputError(argument, str(error))
        problems = [{"path": e.path, "message": e.message} for e in error.errors]
        refused.extensions = {**(refused.extensions or {}), "problems": problems}
        raise refused from None


def _axes(grid: list[GridAxisInput], max_solves: int) -> list[Axis]:
    if not grid:
        raise UserInputError("grid", "give at least one axis")
    axes = []
    for axis in grid:
        argument = f"grid.{axis.parameter}"
        if (axis.values is None) == (axis.range is None):
            raise UserInputError(argument, "give values or range, not both")
        if axis.values is not None:
            if not all(math.isfinite(v) for v in axis.values):
                raise UserInputError(argument, "every value must be a finite number")
            text = ",".join(repr(v) for v in axis.values)
        else:
            text = str(axis.range)
        try:
            axes.append(parse_axis(f"{axis.parameter}={text}"))
        except StudyError as error:
            raise UserInputError(error.field, error.message) from None
    names = [axis.name for axis in axes]
    for name in names:
        if names.count(name) > 1:
            raise UserInputError(f"grid.{name}", "given twice; give each parameter one axis")
    points = math.prod(len(axis.values) for axis in axes)
    if points > max_solves:
        raise UserInputError(
            "grid", f"{points} points (one solve each): a job may ask for at most {max_solves}"
        )
    return axes


def _too_many(error: stored.TooManyJobsError) -> GraphQLError:
    return GraphQLError(
        f"this API key has {error.active} queued or running jobs, the most it may have "
        f"(TERRITOIRES_JOBS_PER_KEY): wait for one to end",
        extensions={
            "code": TOO_MANY_JOBS,
            "activeJobs": error.active,
            "maxActiveJobs": error.most,
        },
    )


@contextmanager
def _job_refusals(id: strawberry.ID) -> Iterator[None]:
    """What resuming or cancelling a stored job refuses, as coded errors: an unknown id or a job
    in the wrong state (BAD_USER_INPUT naming id), another key's job (FORBIDDEN), the key's share
    of active jobs taken (TOO_MANY_JOBS, a resume)."""
    try:
        yield
    except LookupError:
        raise UserInputError("id", f"no job {id}") from None
    except stored.NotYourJobError as error:
        raise AuthError(str(error), FORBIDDEN) from None
    except stored.JobStateError as error:
        raise UserInputError("id", str(error)) from None
    except stored.TooManyJobsError as error:
        raise _too_many(error) from None


async def _start(info: Info, kind: str, spec: dict[str, Any], total: int) -> stored.Job:
    settings = info.context.settings
    try:
        async with info.context.sessions() as session, session.begin():
            job = await stored.create_job(
                session,
                kind,
                _key_hash(info),
                spec,
                total,
                heartbeat_s=settings.job_heartbeat_s,
                max_active=settings.jobs_per_key,
                kept=settings.jobs_kept_per_key,
            )
    except stored.TooManyJobsError as error:
        raise _too_many(error) from None
    info.context.jobs.start(job.id)
    return job


@strawberry.type
class JobMutation:
    @strawberry.mutation(
        permission_classes=[HasApiKey],
        description=(
            "Start a sweep: one solve per point of the grid (the product of its axes, first "
            "axis slowest), with `draws` Monte Carlo draws per point (left out: no range). "
            "Returns the job at once; poll job(id)."
        ),
    )
    async def start_sweep(
        self,
        info: Info,
        grid: list[GridAxisInput],
        scenario: ScenarioInput | None = None,
        name: str | None = None,
        draws: int | None = None,
    ) -> Job:
        settings = info.context.settings
        axes = _axes(grid, settings.job_max_solves)
        points = math.prod(len(axis.values) for axis in axes)
        if draws is not None and not 1 <= draws <= MAX_DRAWS:
            raise UserInputError(
                "draws",
                f"must be between 1 and {MAX_DRAWS}, got {draws}; leave draws out for no range",
            )
        draws = draws or 0  # stored as 0: no range
        if points * draws > settings.job_max_draws:
            raise UserInputError(
                "draws",
                f"{points} points x {draws} draws = {points * draws} draws: a job may ask for "
                f"at most {settings.job_max_draws}",
            )
        spec_scenario = await _scenario(info, scenario, name)
        try:  # each value set alone on the scenario must pass the format's checks
            check_values(spec_scenario, axes)
        except StudyError as error:
            raise UserInputError(error.field, error.message) from None
        spec = runner.sweep_spec(spec_scenario, axes, draws)
        return Job.of(await _start(info, "sweep", spec, points))

    @strawberry.mutation(
        permission_classes=[HasApiKey],
        description=(
            "Start a Monte Carlo of the scenario's allocation: solved once, then `draws` draws "
            "of its jobs created (the scenario's realisation rate, seed and target). Returns the "
            "job at once; its rows are 'all' and each region when done."
        ),
    )
    async def start_monte_carlo(
        self,
        info: Info,
        draws: int,
        scenario: ScenarioInput | None = None,
        name: str | None = None,
    ) -> Job:
        most = info.context.settings.job_max_draws
        if not 1 <= draws <= most:
            raise UserInputError("draws", f"must be between 1 and {most}, got {draws}")
        spec = runner.monte_carlo_spec(await _scenario(info, scenario, name), draws)
        return Job.of(await _start(info, "monte_carlo", spec, draws))

    @strawberry.mutation(
        permission_classes=[HasApiKey],
        description=(
            "Resume an interrupted or failed job (or a running one whose server went silent) "
            "from the batches it stored; only with the key that started it, and counted among "
            "its queued or running jobs."
        ),
    )
    async def resume_job(self, info: Info, id: strawberry.ID) -> Job:
        settings = info.context.settings
        with _job_refusals(id):
            async with info.context.sessions() as session, session.begin():
                job = await stored.requeue(
                    session,
                    str(id),
                    _key_hash(info),
                    heartbeat_s=settings.job_heartbeat_s,
                    max_active=settings.jobs_per_key,
                )
        info.context.jobs.start(job.id)
        return Job.of(job)

    @strawberry.mutation(
        permission_classes=[HasApiKey],
        description=(
            "Cancel a queued or running job; only with the key that started it. A queued job "
            "never runs; a running one stops after its running batch. Its status is CANCELLED "
            "at once, the rows it stored stay readable, and it cannot be resumed."
        ),
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> Job:
        with _job_refusals(id):
            async with info.context.sessions() as session, session.begin():
                job = await stored.cancel(session, str(id), _key_hash(info))
        info.context.jobs.cancel(job.id)
        return Job.of(job)


@strawberry.type
class JobQuery:
    @strawberry.field(description="A job by id (null when there is none).")
    async def job(self, info: Info, id: strawberry.ID) -> Job | None:
        info.context.final = False  # a job changes under the same data version: never cached
        async with info.context.sessions() as session:
            found = await stored.get_job(session, str(id))
        return None if found is None else Job.of(found)
