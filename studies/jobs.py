"""Runs stored jobs (models.job): a sweep or a large Monte Carlo, batch by batch, on Dask.

A job runs as an asyncio task of the server process; its compute runs in a thread (the event
loop never waits on it) that hands batches to a Dask cluster (studies.cluster.client: the
scheduler of TERRITOIRES_DASK_SCHEDULER, else a local cluster). Each finished batch is stored
with the job's progress in one transaction, and a heartbeat is written every few seconds, so
that a server starting after a crash marks the job interrupted and a resume redoes only the
batches never stored.

A sweep stores each point's row (studies.sweep.ROW_COLUMNS) at the point's index. A Monte Carlo
solves the scenario once, stores the allocation in the job's spec (a resume draws for the same
allocation), then draws in batches of ``MONTE_CARLO_BATCH`` draws, batch ``b`` seeded with
``seed + b``; each batch's totals (all regions, and each region's funded projects drawn on
their own with the same seed) are stored whole in a hidden row, so a resume never redraws
them. When every batch is in, one result row per region and one "all" row give the mean,
10th/50th/90th percentiles and the probability of the target over all the draws. With one
batch (draws up to ``MONTE_CARLO_BATCH``) the "all" row is uncertainty.monte_carlo's range
exactly; with several, the draws come from several seeded streams instead of one. The stored
draws take about 11 bytes (8, in base64) per draw and per region with funded projects, plus as
much for "all": at the 1,000,000 draws a job may ask for, some 11 MB per region.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import job as stored
from models.queries import load_projects
from settings import Settings
from simulation import uncertainty
from simulation.levers import Uncertainty
from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Scenario
from simulation.solve import solve
from studies.errors import StudyError

log = logging.getLogger("territoires.jobs")

MONTE_CARLO_BATCH = 100_000  # draws per batch: a few seconds of work at 1,600 projects
ALL = "all"


class Stopped(Exception):
    """The server is stopping: the job ends as interrupted, resumable."""


def scenario_spec(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as JSON data; its uncertainty settings are kept beside it."""
    return {
        "scenario": scenario.to_dict(),
        "uncertainty": dataclasses.asdict(scenario.uncertainty),
    }


def sweep_spec(scenario: Scenario, axes: Sequence[Any], draws: int) -> dict[str, Any]:
    axes_data = [[axis.name, [float(v) for v in axis.values]] for axis in axes]
    return {**scenario_spec(scenario), "axes": axes_data, "draws": draws}


def monte_carlo_spec(scenario: Scenario, draws: int) -> dict[str, Any]:
    return {**scenario_spec(scenario), "draws": draws}


def scenario_of(spec: Mapping[str, Any]) -> Scenario:
    scenario = Scenario.from_dict(spec["scenario"], source="job")
    return dataclasses.replace(scenario, uncertainty=Uncertainty(**spec["uncertainty"]))


def batch_sizes(draws: int, batch: int = MONTE_CARLO_BATCH) -> list[int]:
    """Draws of each Monte Carlo batch: full batches, then the rest (7 by 3: [3, 3, 1])."""
    return [min(batch, draws - start) for start in range(0, draws, batch)]


def draw_batch(
    projects: ProjectColumns, allocation_eur: np.ndarray, rate: float | None, draws: int, seed: int
) -> dict[str, np.ndarray]:
    """One batch's totals: every funded project (as uncertainty.monte_carlo draws them), and
    each region's funded projects on their own. Runs on a Dask worker."""
    totals = {ALL: uncertainty.draw_totals(projects, allocation_eur, rate, draws, seed)}
    funded = np.asarray(allocation_eur) > 0
    for region in np.unique(projects.region[funded]):
        mask = funded & (projects.region == region)
        part = projects.take(mask)
        totals[str(region)] = uncertainty.draw_totals(
            part, np.asarray(allocation_eur)[mask], rate, draws, seed
        )
    return totals


def encode_draws(values: np.ndarray) -> str:
    return base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode()


def decode_draws(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


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


def range_rows(
    batches: Sequence[Mapping[str, Any]], u: Uncertainty, draws: int
) -> list[dict[str, Any]]:
    """The result rows over every batch's totals: "all" first, then the regions by code."""
    names = sorted({name for batch in batches for name in batch["totals"]} - {ALL})
    rows = []
    for name in [ALL, *names]:
        totals = np.concatenate(
            [
                decode_draws(batch["totals"][name])
                if name in batch["totals"]
                else np.zeros(batch["draws"])
                for batch in batches
            ]
        )
        found = uncertainty.jobs_range(
            totals, draws=draws, seed=u.seed, rate=u.realisation_rate, target_jobs=u.target_jobs
        )
        rows.append(
            {
                "region": name,
                "mean": found.mean,
                "p10": found.p10,
                "p50": found.p50,
                "p90": found.p90,
                "target_probability": found.target_probability,
                "draws": draws,
            }
        )
    return rows


class JobRunner:
    """Starts and tracks the jobs of this server process."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.stops: dict[str, threading.Event] = {}
        self.batch_draws = MONTE_CARLO_BATCH  # a new Monte Carlo's; a resumed one keeps its own

    def start(self, job_id: str) -> None:
        """Run the queued job in the background (a task of the running event loop)."""
        stop = self.stops[job_id] = threading.Event()
        task = asyncio.get_running_loop().create_task(self.run(job_id, stop))
        self.tasks[job_id] = task
        task.add_done_callback(lambda _: self._forget(job_id, task))

    def _forget(self, job_id: str, task: asyncio.Task[None]) -> None:
        if self.tasks.get(job_id) is task:
            del self.tasks[job_id]
            self.stops.pop(job_id, None)

    async def interrupt_stale(self) -> list[str]:
        """At start: running jobs whose heartbeat stopped are marked interrupted."""
        async with self.sessions() as session, session.begin():
            ids = await stored.interrupt_stale(session, self.settings.job_heartbeat_s)
        if ids:
            log.warning("jobs interrupted by a stop of the server: %s", ", ".join(ids))
        return ids

    async def close(self, wait_s: float = 10.0) -> None:
        """At shutdown: the running jobs stop after their current batch, marked interrupted."""
        ids = list(self.tasks)
        for stop in self.stops.values():
            stop.set()
        try:
            async with self.sessions() as session, session.begin():
                await stored.interrupt(session, ids)
        except Exception:  # the database is gone: the next start finds them stale instead
            log.warning("jobs not marked interrupted: %s", ", ".join(ids), exc_info=True)
        tasks = list(self.tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=wait_s)

    async def run(self, job_id: str, stop: threading.Event) -> None:
        async with self.sessions() as session, session.begin():
            if not await stored.mark_running(session, job_id):
                return  # not queued: another runner has it, or it was resumed twice
            job = await stored.get_job(session, job_id)
        assert job is not None
        beating = asyncio.get_running_loop().create_task(self._heartbeat(job_id))
        error: str | None = None
        try:
            if job.kind == "sweep":
                await self._sweep(job, stop)
            else:
                await self._monte_carlo(job, stop)
        except Stopped:
            return  # marked interrupted by close()
        except (StudyError, ValueError) as failure:
            error = str(failure)
        except Exception as failure:  # a job must end failed, never stay running
            log.exception("job %s failed", job_id)  # the details stay in the server's log
            error = f"unexpected error ({type(failure).__name__}): see the server log"
        finally:
            beating.cancel()
        if stop.is_set():
            return
        async with self.sessions() as session, session.begin():
            await stored.finish(session, job_id, error)

    async def _heartbeat(self, job_id: str) -> None:
        while True:
            await asyncio.sleep(self.settings.job_heartbeat_s)
            try:
                async with self.sessions() as session, session.begin():
                    await stored.heartbeat(session, job_id)
            except Exception:  # a missed beat is not the job's failure; the next one may pass
                log.warning("job %s: heartbeat not written", job_id, exc_info=True)

    async def _store(
        self,
        job_id: str,
        rows: Mapping[int, Mapping[str, Any]],
        done: int,
        spec: Mapping[str, Any] | None = None,
    ) -> None:
        async with self.sessions() as session, session.begin():
            await stored.store_batch(session, job_id, rows, done, spec)

    def _storer(
        self, job_id: str, stop: threading.Event
    ) -> Callable[[Mapping[int, Mapping[str, Any]], int], None]:
        """A function for the compute thread: stores a batch through the event loop and waits
        until it is committed."""
        loop = asyncio.get_running_loop()

        def store(rows: Mapping[int, Mapping[str, Any]], done: int) -> None:
            if stop.is_set():
                raise Stopped
            clean = {position: plain_row(row) for position, row in rows.items()}
            asyncio.run_coroutine_threadsafe(self._store(job_id, clean, done), loop).result()

        return store

    async def _projects(self, scenario: Scenario) -> ProjectColumns:
        async with self.sessions() as session:
            return await load_projects(session, scenario.projects)

    def _client(self) -> Any:
        from studies import cluster

        return cluster.client(self.settings.dask_scheduler, workers=self.settings.job_workers)

    async def _sweep(self, job: stored.Job, stop: threading.Event) -> None:
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
        store = self._storer(job.id, stop)

        def compute() -> None:
            done = len(positions)
            if not pending:  # every batch was stored before a stop: no cluster to start
                return
            with self._client() as client:
                for _, rows in sweep.execute(plan, projects, client, pending):
                    done += len(rows)
                    store({int(str(row["index"])): row for row in rows}, done)
                    if stop.is_set():
                        raise Stopped

        await asyncio.to_thread(compute)

    async def _monte_carlo(self, job: stored.Job, stop: threading.Event) -> None:
        spec = dict(job.spec)
        scenario = scenario_of(spec)
        u, draws = scenario.uncertainty, int(spec["draws"])
        projects = await self._projects(scenario)
        if "allocation" not in spec:
            spec["allocation"] = await self._allocate(scenario, projects)
            spec["batch_draws"] = self.batch_draws
            await self._store(job.id, {}, 0, spec)
        allocation = _aligned(spec["allocation"], projects)
        async with self.sessions() as session:
            hidden = await stored.hidden_rows(session, job.id)
        sizes = batch_sizes(draws, int(spec["batch_draws"]))
        pending = [b for b in range(len(sizes)) if -(b + 1) not in hidden]
        store = self._storer(job.id, stop)

        def compute() -> None:
            from distributed import as_completed

            done = sum(int(row["draws"]) for row in hidden.values())
            if not pending:
                return
            with self._client() as client:
                shared = client.scatter(projects, broadcast=True)
                futures = {
                    client.submit(
                        draw_batch,
                        shared,
                        allocation,
                        u.realisation_rate,
                        sizes[b],
                        u.seed + b,
                        pure=False,
                        retries=2,
                    ): b
                    for b in pending
                }
                for future in as_completed(futures):
                    b = futures[future]
                    totals = future.result()
                    done += sizes[b]
                    row: dict[str, Any] = {"batch": b, "draws": sizes[b], "seed": u.seed + b}
                    row["totals"] = {name: encode_draws(values) for name, values in totals.items()}
                    store({-(b + 1): row}, done)
                    if stop.is_set():
                        raise Stopped

        await asyncio.to_thread(compute)
        async with self.sessions() as session:
            hidden = await stored.hidden_rows(session, job.id)
        batches = [hidden[-(b + 1)] for b in range(len(sizes))]
        rows = await asyncio.to_thread(range_rows, batches, u, draws)  # sorts every draw
        await self._store(job.id, {i: plain_row(row) for i, row in enumerate(rows)}, draws)

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


def _aligned(allocation: Mapping[str, Sequence[int]], projects: ProjectColumns) -> np.ndarray:
    """The stored allocation (funded project ids and euros) in the order of ``projects``."""
    where = {int(pid): i for i, pid in enumerate(projects.ids)}
    aligned = np.zeros(len(projects.ids), dtype=np.int64)
    for pid, eur in zip(allocation["ids"], allocation["eur"], strict=True):
        if pid not in where:
            raise StudyError("allocation", f"project {pid} is no longer in the database")
        aligned[where[pid]] = eur
    return aligned
