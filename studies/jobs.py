"""Runs stored jobs (models.job): a sweep or a large Monte Carlo, batch by batch, on Dask.

A job runs as an asyncio task of the server process; its compute runs in a thread (the event
loop never waits on it) that hands batches to a Dask cluster (studies.cluster.client: the
scheduler of TERRITOIRES_DASK_SCHEDULER, else a local cluster). One job computes at a time per
server (the others wait their turn, running and heartbeating), so a server starts at most one
cluster. Each finished batch is stored with the job's progress in one transaction, and a
heartbeat is written every interval; every interval too, the server marks interrupted the jobs
whose heartbeat stopped (their server went away), and a resume redoes only the batches never
stored. A job cancelled (models.job.cancel) stops after its running batch: at once on this
server (JobRunner.cancel), at its next heartbeat or store on another; the running batch's rows
are dropped, those stored before stay.

A sweep stores each point's row (studies.sweep.ROW_COLUMNS) at the point's index. A Monte Carlo
solves the scenario once, stores the allocation in the job's spec (a resume draws for the same
allocation), then draws in batches of ``MONTE_CARLO_BATCH`` draws, batch 0 seeded with the
scenario's seed and batch ``b`` with a seed drawn from ``numpy.random.SeedSequence([seed, b])``
(two jobs of nearby seeds share no stream); each batch's totals (all regions, and each region's
funded projects drawn on their own with the same seed) are stored whole in a hidden row, so a
resume never redraws them. When every batch is in, one result row per region and one "all"
row give the mean, 10th/50th/90th percentiles and the probability of the target over all the
draws, stored with the job's end in one transaction that deletes the hidden rows. With one
batch (draws up to ``MONTE_CARLO_BATCH``) the "all" row is uncertainty.monte_carlo's range
exactly. The hidden rows take 8 bytes per draw and per region with funded projects, plus as
much for "all", while the job runs: at the 1,000,000 draws a job may ask for, 8 MB per region.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import job as stored
from models.queries import load_projects
from settings import Settings
from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Scenario
from simulation.solve import solve
from studies.errors import StudyError
from studies.job_draws import (
    MONTE_CARLO_BATCH,
    batch_seed,
    batch_sizes,
    draw_batch,
    encode_totals,
    range_rows,
)

log = logging.getLogger("territoires.jobs")

Stopped = stored.Stopped  # the job is no longer this runner's: it stops without writing


def scenario_spec(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as JSON data (its uncertainty settings included)."""
    return {"scenario": scenario.to_dict()}


def sweep_spec(scenario: Scenario, axes: Sequence[Any], draws: int) -> dict[str, Any]:
    axes_data = [[axis.name, [float(v) for v in axis.values]] for axis in axes]
    return {**scenario_spec(scenario), "axes": axes_data, "draws": draws}


def monte_carlo_spec(scenario: Scenario, draws: int) -> dict[str, Any]:
    return {**scenario_spec(scenario), "draws": draws}


def scenario_of(spec: Mapping[str, Any]) -> Scenario:
    """The stored scenario, read as the scenario format reads a file: one the format no longer
    accepts fails the job with the format's own message (ScenarioError)."""
    return Scenario.from_dict(spec["scenario"], source="job")


def plain(value: object) -> object:
    """A value JSON stores on every backend: numpy scalars as Python numbers, NaN and
    infinities as null (PostgreSQL's JSON has no NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def plain_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): plain(value) for key, value in row.items()}


class JobRunner:
    """Starts and tracks the jobs of this server process."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.stops: dict[str, threading.Event] = {}
        self.computing = asyncio.Lock()  # one job computes (solve, cluster) at a time
        self.batch_draws = MONTE_CARLO_BATCH  # a new Monte Carlo's; a resumed one keeps its own

    def start(self, job_id: str) -> None:
        """Run the queued job in the background (a task of the running event loop); nothing
        when this server already runs it."""
        running = self.tasks.get(job_id)
        if running is not None and not running.done():
            return
        stop = self.stops[job_id] = threading.Event()
        task = asyncio.get_running_loop().create_task(self.run(job_id, stop))
        self.tasks[job_id] = task
        task.add_done_callback(lambda _: self._forget(job_id, task))

    def _forget(self, job_id: str, task: asyncio.Task[None]) -> None:
        if self.tasks.get(job_id) is task:
            del self.tasks[job_id]
            self.stops.pop(job_id, None)

    def cancel(self, job_id: str) -> None:
        """The job, cancelled in the database, stops here after its running batch (the compute
        thread looks at the flag between batches; the cluster's other tasks are cancelled)."""
        stop = self.stops.get(job_id)
        if stop is not None:
            stop.set()

    async def interrupt_stale(self) -> list[str]:
        """Running jobs whose heartbeat stopped (and queued ones nobody took) are marked
        interrupted."""
        async with self.sessions() as session, session.begin():
            ids = await stored.interrupt_stale(session)
        if ids:
            log.warning("jobs interrupted, their server silent: %s", ", ".join(ids))
        return ids

    async def watch(self) -> None:
        """For the server's life: interrupt_stale every heartbeat interval."""
        while True:
            await asyncio.sleep(self.settings.job_heartbeat_s)
            try:
                await self.interrupt_stale()
            except Exception:  # the database is away for now: the next round tries again
                log.warning("stale jobs not checked", exc_info=True)

    async def close(self, wait_s: float = 10.0) -> None:
        """At shutdown: the running jobs stop after their current batch, marked interrupted."""
        ids = list(self.tasks)
        for stop in self.stops.values():
            stop.set()
        try:
            async with self.sessions() as session, session.begin():
                await stored.interrupt(session, ids)
        except Exception:  # the database is gone: another server finds them stale instead
            log.warning("jobs not marked interrupted: %s", ", ".join(ids), exc_info=True)
        tasks = list(self.tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=wait_s)

    async def run(self, job_id: str, stop: threading.Event) -> None:
        async with self.sessions() as session, session.begin():
            attempt = await stored.mark_running(session, job_id, self.settings.job_heartbeat_s)
            job = await stored.get_job(session, job_id)
        if attempt is None or job is None:
            return  # not queued: another runner has it, or it was resumed twice
        beating = asyncio.get_running_loop().create_task(self._heartbeat(job_id, attempt, stop))
        error: str | None = None
        final: dict[int, dict[str, Any]] = {}
        try:
            async with self.computing:
                if stop.is_set():
                    raise Stopped
                work = self._sweep if job.kind == "sweep" else self._monte_carlo
                final = await work(job, attempt, stop)
        except Stopped:
            return  # interrupted (by close() or as stale), or resumed by another runner
        except (StudyError, ValueError) as failure:
            error = str(failure)
        except Exception as failure:  # a job must end failed, never stay running
            log.exception("job %s failed", job_id)  # the details stay in the server's log
            error = f"unexpected error ({type(failure).__name__}): see the server log"
        finally:
            beating.cancel()
        if stop.is_set():
            return
        try:  # the result rows and the end in one transaction: never one without the other
            async with self.sessions() as session, session.begin():
                if final:
                    await stored.store_batch(session, job_id, attempt, final, job.total)
                await stored.finish(session, job_id, attempt, error)
        except Stopped:
            return

    async def _heartbeat(self, job_id: str, attempt: int, stop: threading.Event) -> None:
        while True:
            await asyncio.sleep(self.settings.job_heartbeat_s)
            try:
                async with self.sessions() as session, session.begin():
                    await stored.heartbeat(session, job_id, attempt)
            except Stopped:  # no longer this runner's job: the compute stops at its next batch
                stop.set()
                return
            except Exception:  # a missed beat is not the job's failure; the next one may pass
                log.warning("job %s: heartbeat not written", job_id, exc_info=True)

    async def _store(
        self,
        job_id: str,
        attempt: int,
        rows: Mapping[int, Mapping[str, Any]],
        done: int,
        spec: Mapping[str, Any] | None = None,
        draws: Mapping[int, bytes] | None = None,
    ) -> None:
        async with self.sessions() as session, session.begin():
            await stored.store_batch(session, job_id, attempt, rows, done, spec, draws)

    def _storer(self, job_id: str, attempt: int, stop: threading.Event) -> Storer:
        """A function for the compute thread: stores a batch through the event loop and waits
        until it is committed, or until the job stops."""
        loop = asyncio.get_running_loop()

        def store(
            rows: Mapping[int, Mapping[str, Any]], done: int, draws: Mapping[int, bytes] | None
        ) -> None:
            if stop.is_set():
                raise Stopped
            clean = {position: plain_row(row) for position, row in rows.items()}
            coroutine = self._store(job_id, attempt, clean, done, draws=draws)
            _wait(
                asyncio.run_coroutine_threadsafe(coroutine, loop),
                stop,
                self.settings.job_heartbeat_s,
            )

        return store

    async def _projects(self, scenario: Scenario) -> ProjectColumns:
        async with self.sessions() as session:
            return await load_projects(session, scenario.projects)

    def _client(self, stop: threading.Event) -> Any:
        from studies import cluster

        if stop.is_set():  # stopping: no cluster to start
            raise Stopped
        return cluster.client(self.settings.dask_scheduler, workers=self.settings.job_workers)

    async def _sweep(
        self, job: stored.Job, attempt: int, stop: threading.Event
    ) -> dict[int, dict[str, Any]]:
        from studies import sweep
        from studies.grid import Axis

        spec = job.spec
        scenario = scenario_of(spec)
        axes = tuple(Axis(name, tuple(values)) for name, values in spec["axes"])
        limit = self.settings.solver_time_limit_s
        plan = sweep.Sweep(scenario, axes, draws=int(spec["draws"]), time_limit_s=limit)
        projects = await self._projects(scenario)
        async with self.sessions() as session:
            positions = await stored.stored_positions(session, job.id)
        batches = plan.batches()
        pending = [n for n, indices in enumerate(batches) if not set(indices) <= positions]
        store = self._storer(job.id, attempt, stop)

        def compute() -> None:
            done = len(positions)
            if not pending:  # every batch was stored before a stop: no cluster to start
                return
            with self._client(stop) as client:
                for _, rows in sweep.execute(plan, projects, client, pending):
                    done += len(rows)
                    store({int(str(row["index"])): row for row in rows}, done, None)
                    if stop.is_set():
                        raise Stopped

        await asyncio.to_thread(compute)
        return {}

    async def _monte_carlo(
        self, job: stored.Job, attempt: int, stop: threading.Event
    ) -> dict[int, dict[str, Any]]:
        """Draws the batches not stored yet; the result rows, for run() to store with the end."""
        spec = dict(job.spec)
        scenario = scenario_of(spec)
        u, draws = scenario.uncertainty, int(spec["draws"])
        projects = await self._projects(scenario)
        if "allocation" not in spec:
            spec["allocation"] = await self._allocate(scenario, projects)
            spec["batch_draws"] = self.batch_draws
            await self._store(job.id, attempt, {}, 0, spec)
        allocation = _aligned(spec["allocation"], projects)
        async with self.sessions() as session:  # positions only: the draws stay in the database
            positions = await stored.stored_positions(session, job.id)
        sizes = batch_sizes(draws, int(spec["batch_draws"]))
        pending = [b for b in range(len(sizes)) if -(b + 1) not in positions]
        store = self._storer(job.id, attempt, stop)

        def compute() -> None:
            from distributed import as_completed

            done = sum(size for b, size in enumerate(sizes) if b not in pending)
            if not pending:
                return
            with self._client(stop) as client:
                shared = client.scatter(projects, broadcast=True)
                futures = {
                    client.submit(
                        draw_batch,
                        shared,
                        allocation,
                        u.realisation_rate,
                        sizes[b],
                        batch_seed(u.seed, b),
                        pure=False,
                        retries=2,
                    ): b
                    for b in pending
                }
                for future in as_completed(futures):
                    b = futures[future]
                    names, raw = encode_totals(
                        future.result(timeout=self.settings.job_heartbeat_s)
                    )  # done already
                    done += sizes[b]
                    row = {"batch": b, "draws": sizes[b], "seed": batch_seed(u.seed, b)}
                    store({-(b + 1): {**row, "regions": names}}, done, {-(b + 1): raw})
                    if stop.is_set():
                        raise Stopped

        await asyncio.to_thread(compute)
        async with self.sessions() as session:
            hidden = await stored.hidden_rows(session, job.id)
        batches = [hidden[-(b + 1)] for b in range(len(sizes))]
        rows = await asyncio.to_thread(range_rows, batches, u, draws)  # decodes and sorts
        return {i: plain_row(row) for i, row in enumerate(rows)}

    async def _allocate(self, scenario: Scenario, projects: ProjectColumns) -> dict[str, Any]:
        limit = self.settings.solver_time_limit_s
        result = await asyncio.to_thread(solve, scenario, projects, time_limit_s=limit)
        if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
            raise StudyError(
                "scenario",
                f"the solve found no allocation to draw ({result.status}): {result.message}",
            )
        allocation = np.asarray(result.allocation_eur)
        funded = allocation > 0
        ids = np.asarray(result.project_ids)[funded]
        return {"ids": ids.tolist(), "eur": allocation[funded].tolist()}


Storer = Callable[[Mapping[int, Mapping[str, Any]], int, Mapping[int, bytes] | None], None]


def _wait(future: Future[None], stop: threading.Event, poll_s: float) -> None:
    """Wait for the event loop to store a batch, looking at the stop flag every ``poll_s``: a
    server stopping never leaves the compute thread waiting on a loop that is gone."""
    while True:
        try:
            return future.result(timeout=poll_s)
        except TimeoutError:
            if stop.is_set():
                future.cancel()
                raise Stopped from None


def _aligned(allocation: Mapping[str, Sequence[int]], projects: ProjectColumns) -> np.ndarray:
    """The stored allocation (funded project ids and euros) in the order of ``projects``."""
    where = {int(pid): i for i, pid in enumerate(projects.ids)}
    aligned = np.zeros(len(projects.ids), dtype=np.int64)
    for pid, eur in zip(allocation["ids"], allocation["eur"], strict=True):
        if pid not in where:
            raise StudyError("allocation", f"project {pid} is no longer in the database")
        aligned[where[pid]] = eur
    return aligned
