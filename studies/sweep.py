"""Sweeps: a scenario solved at every point of a grid, in batches on a Dask cluster.

A batch is a list of points solved one after the other by ``solve_batch`` in one task, so that
the task's overhead (scheduling, moving the rows back) stays small against its solves. The
projects go to every worker once (``Client.scatter(..., broadcast=True)``), not with each task.
A task that fails is retried (studies.cluster.RETRIES); a batch that still fails is named in a
StudyError once the others are done, and nothing is dropped: ``run`` writes each finished batch
as a part, and the final table only when every batch is in it (docs/studies.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.scenario_files import write_atomic
from simulation import uncertainty
from simulation.errors import EngineError
from simulation.levers import MAX_DRAWS
from simulation.projects import COLUMNS, OPTIONAL, ProjectColumns
from simulation.result import Status
from simulation.scenario import Scenario
from simulation.solve import solve
from studies import tables
from studies.cluster import map_batches
from studies.errors import StudyError
from studies.grid import Axis, check_values, points, scenario_at

if TYPE_CHECKING:
    import pyarrow as pa
    from distributed import Client

RANGE_COLUMNS = ("jobs_mean", "jobs_p10", "jobs_p50", "jobs_p90", "target_probability")
# A row's columns: the index of its point, the value of each axis (row_columns), then these.
ROW_COLUMNS: tuple[str, ...] = ("index", *tables.OUTCOME_COLUMNS)
# Batches: at most MAX_BATCH solves (a solve at 1,600 projects takes 30-60 ms, a task's
# overhead a few ms), and at least MIN_BATCHES of them when there are enough points, so that
# every worker gets several and none waits long for the last one.
MAX_BATCH = 25
MIN_BATCHES = 32
DECIDED = (Status.OPTIMAL, Status.FEASIBLE)


def row_columns(axis_names: Sequence[str]) -> tuple[str, ...]:
    """The columns of a sweep's table over these axes, in order."""
    return ("index", *axis_names, *tables.OUTCOME_COLUMNS)


def default_batch_size(points: int) -> int:
    return max(1, min(MAX_BATCH, points // MIN_BATCHES))


@dataclass(frozen=True)
class Sweep:
    """The scenario, its grid and the Monte Carlo draws of each solve (None: no range)."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    draws: int | None = None  # 0 is read as None too: a stored job's spec writes 0 for none
    batch_size: int | None = None  # None: default_batch_size
    time_limit_s: float = field(default=30.0, compare=False)

    def __post_init__(self) -> None:
        if not self.axes:
            raise StudyError("grid", "give at least one axis, e.g. fragile_share_min=0.5:0.9:0.1")
        if self.draws is not None:
            check_draws(self.draws)
        if self.batch_size is not None and self.batch_size < 1:
            raise StudyError("batch_size", f"must be at least 1, got {self.batch_size}")
        check_values(self.scenario, self.axes)
        self.points()  # refuses an axis given twice and too many points

    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(axis.name for axis in self.axes)

    def points(self) -> list[dict[str, float]]:
        return points(self.axes)

    @cached_property
    def size(self) -> int:
        """Solves per batch."""
        count = math.prod(len(axis.values) for axis in self.axes)
        return self.batch_size or default_batch_size(count)

    def batches(self) -> list[list[int]]:
        """The points' indexes, batch by batch, in order."""
        count = math.prod(len(axis.values) for axis in self.axes)
        return [list(range(i, min(i + self.size, count))) for i in range(0, count, self.size)]

    def fingerprint(self) -> str:
        """What the sweep computes: the scenario, the grid, the draws, the batches and the time
        limit of each solve."""
        data = {
            "scenario": self.scenario.to_dict(),
            "axes": [[axis.name, list(axis.values)] for axis in self.axes],
            "draws": self.draws or None,
            "batch_size": self.size,
            "time_limit_s": self.time_limit_s,  # a time limit reached is a row's status
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def check_draws(draws: object) -> None:
    """A count of draws: a whole number from 1 to MAX_DRAWS (0, kept for stored specs, is none)."""
    if isinstance(draws, bool) or not isinstance(draws, int):
        raise StudyError("draws", f"must be a whole number, got {draws!r}")
    if not 0 <= draws <= MAX_DRAWS:
        raise StudyError("draws", f"must be between 1 and {MAX_DRAWS:,}, got {draws}")


def projects_fingerprint(projects: ProjectColumns) -> str:
    digest = hashlib.sha256()
    for name in ("ids", *COLUMNS, *OPTIONAL):
        column = np.ascontiguousarray(getattr(projects, name))
        digest.update(f"{name}:{column.dtype.str}:{len(column)};".encode())
        digest.update(column.tobytes())
    return digest.hexdigest()


# ---- the work of one task ---------------------------------------------------------------------


def solve_batch(
    scenario_data: dict[str, Any],
    projects: ProjectColumns,
    axes_names: Sequence[str],
    batch: list[tuple[int, dict[str, float]]],
    draws: int | None,
    *,
    time_limit_s: float = 30.0,
) -> list[dict[str, object]]:
    """The rows of ``batch``'s points (index, point), each solved on its own. Pure: the same
    arguments give the same rows, in one process or on any worker."""
    scenario = Scenario.from_dict(scenario_data, source=None)
    return [
        solve_point(scenario, projects, axes_names, index, point, draws, time_limit_s)
        for index, point in batch
    ]


def solve_point(
    scenario: Scenario,
    projects: ProjectColumns,
    axes_names: Sequence[str],
    index: int,
    point: Mapping[str, float],
    draws: int | None,
    time_limit_s: float,
) -> dict[str, object]:
    """One row. A point the engine cannot solve (infeasible, refused) is a row with its status
    and message, never an exception: only a fault of the machinery fails the task."""
    row: dict[str, object] = {"index": index} | {name: float(point[name]) for name in axes_names}
    nothing: dict[str, object] = {name: None for name in tables.OUTCOME_COLUMNS}
    try:
        at = scenario_at(scenario, point)
        if draws:
            at = replace(at, uncertainty=replace(at.uncertainty, draws=draws))
        result = solve(at, projects, time_limit_s=time_limit_s)
    except (StudyError, EngineError) as error:
        return row | nothing | {"status": "error", "error": str(error)}
    if result.status not in DECIDED:
        return row | nothing | {"status": str(result.status), "error": result.message}
    row |= {
        "status": str(result.status),
        "jobs": float(result.jobs),
        "spent_eur": int(result.spent_eur),
        "fragile_share": float(result.fragile_share),
        "decarbonisation_share": float(result.decarbonisation_share),
        "projects_funded": int(result.projects_funded),
    }
    row |= dict.fromkeys(RANGE_COLUMNS, math.nan)
    if draws:
        found = result.jobs_range
        if found is None or found.draws != draws:
            found = uncertainty.monte_carlo(projects, result.allocation_eur, at.uncertainty)
        row |= {
            "jobs_mean": found.mean,
            "jobs_p10": found.p10,
            "jobs_p50": found.p50,
            "jobs_p90": found.p90,
            "target_probability": (
                math.nan if found.target_probability is None else found.target_probability
            ),
        }
    return row | {"error": ""}


def sequential(sweep: Sweep, projects: ProjectColumns) -> list[dict[str, object]]:
    """The whole sweep in this process, batch after batch: what the cluster must reproduce."""
    data, names, all_points = sweep.scenario.to_dict(), sweep.axis_names, sweep.points()
    rows: list[dict[str, object]] = []
    for batch in sweep.batches():
        work = [(i, all_points[i]) for i in batch]
        rows += solve_batch(
            data, projects, names, work, sweep.draws, time_limit_s=sweep.time_limit_s
        )
    return rows


# ---- on the cluster ---------------------------------------------------------------------------


def execute(
    sweep: Sweep, projects: ProjectColumns, client: Client, pending: Sequence[int]
) -> Iterator[tuple[int, list[dict[str, object]]]]:
    """(batch number, its rows) for each batch of ``pending``, in the order they finish; a batch
    that fails after its retries raises StudyError("batch N", cause) once the others are done
    (studies.cluster.map_batches)."""
    all_points, batches = sweep.points(), sweep.batches()
    work = {b: [(i, all_points[i]) for i in batches[b]] for b in pending}
    data = sweep.scenario.to_dict()
    yield from map_batches(
        client,
        solve_batch,
        data,
        projects,
        sweep.axis_names,
        work,
        sweep.draws,
        time_limit_s=sweep.time_limit_s,
    )


@dataclass(frozen=True)
class SweepTable:
    """A finished sweep: where its table was written and what it holds."""

    table: pa.Table = field(repr=False)
    parquet: Path
    csv: Path
    solves: int
    infeasible: int
    not_solved: int  # other statuses: error, time_limit
    batches: int
    batch_size: int
    resumed: int  # batches found already written
    time_s: float


def run(
    sweep: Sweep,
    projects: ProjectColumns,
    client: Client,
    out: Path,
    *,
    resume: bool = False,
    progress: bool = True,
    on_batch: Callable[[int, int], None] | None = None,
) -> SweepTable:
    """The sweep on ``client``, written to ``out``'s .parquet and .csv (one row per solve,
    sorted by index) once every batch is done. Each finished batch is written first as a part
    under ``<out>.parts/``; ``resume`` skips the batches found there (of this same sweep).
    ``on_batch(done, total)`` is called after each part is written."""
    start = time.perf_counter()
    parquet, csv, folder = tables.outputs(out)
    batches = sweep.batches()
    parts = tables.Parts(folder)
    total, count = len(batches), sum(len(b) for b in batches)
    manifest = {
        "fingerprint": sweep.fingerprint(),
        "projects": projects_fingerprint(projects),
        "axes": list(sweep.axis_names),
        "points": count,
        "batches": total,
        "batch_size": sweep.size,
    }
    done = parts.open(manifest, resume=resume)
    # An earlier run's table is removed now, so that a run that fails leaves no table that
    # looks like its result.
    parquet.unlink(missing_ok=True)
    csv.unlink(missing_ok=True)
    pending = [b for b in range(len(batches)) if b not in done]
    with _bar(count, sum(len(batches[b]) for b in done), progress) as advance:
        for written, (b, rows) in enumerate(
            execute(sweep, projects, client, pending), len(done) + 1
        ):
            parts.write(b, tables.to_table(rows, sweep.axis_names))
            advance(len(rows))
            if on_batch is not None:
                on_batch(written, total)
    table = parts.read(total).sort_by("index")
    if table.column("index").to_pylist() != list(range(count)):
        raise StudyError("parts", f"{folder} does not hold every point once; remove it and rerun")
    write_atomic(parquet, tables.parquet_bytes(table))
    write_atomic(csv, tables.csv_bytes(table))
    parts.remove()
    statuses = table.column("status").to_pylist()
    solved = sum(status in DECIDED for status in statuses)
    infeasible = statuses.count(str(Status.INFEASIBLE))
    return SweepTable(
        table=table,
        parquet=parquet,
        csv=csv,
        solves=len(statuses),
        infeasible=infeasible,
        not_solved=len(statuses) - solved - infeasible,
        batches=total,
        batch_size=sweep.size,
        resumed=len(done),
        time_s=time.perf_counter() - start,
    )


@contextmanager
def _bar(total: int, completed: int, shown: bool) -> Iterator[Callable[[int], None]]:
    """A rich progress bar of solves on stderr; silent when stderr is no terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        "sweep",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not (shown and console.is_terminal),
        transient=True,
    ) as progress:
        task = progress.add_task("sweep", total=total, completed=completed)
        yield lambda solves: progress.advance(task, solves)
