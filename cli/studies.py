"""`territoires sweep` and `territoires sensitivity`: many solves of one scenario on Dask.

Both run on a local cluster of this machine's cores that the command starts itself, or on the
cluster whose scheduler TERRITOIRES_DASK_SCHEDULER names (docs/studies.md).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import render
from cli.db import projects_of
from cli.errors import CliError
from cli.scenarios import add_time_limit, load_files
from settings import Settings
from studies.errors import StudyError
from studies.grid import PARAMETERS

if TYPE_CHECKING:
    from rich.console import Console

    from studies.sensitivity import SobolIndices

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

# A study's errors that are not bad input but work that failed (exit 1).
FAILED_FIELDS = ("batch", "parts")


def _count(minimum: int) -> Any:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _whole(raw: str) -> int:
    """Any whole number: the study names the field when it refuses one (draws -1)."""
    try:
        return int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None


def _add_workers(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--workers",
        type=_count(1),
        metavar="W",
        help="worker processes of the local cluster (default: this machine's cores); "
        "ignored when TERRITOIRES_DASK_SCHEDULER names a cluster",
    )


def add_sweep(commands: Commands) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="solve a scenario at every point of a grid (on Dask), to Parquet and CSV",
        description="Solve the scenario at every combination of the grid's values, in batches "
        "on a Dask cluster, and write one row per solve to PATH.parquet and PATH.csv. "
        f"Parameters: {', '.join(PARAMETERS)}.",
    )
    sweep.add_argument("file", metavar="SCENARIO")
    sweep.add_argument(
        "--grid",
        required=True,
        action="append",
        metavar="NAME=SPEC",
        help="an axis: NAME=START:STOP:STEP (STOP included) or NAME=V1,V2,...; repeat for more",
    )
    sweep.add_argument(
        "--draws",
        type=_whole,
        metavar="N",
        help="Monte Carlo draws of each solve's jobs range (default: no range)",
    )
    sweep.add_argument(
        "--out", metavar="PATH", help="table path without suffix (default: NAME-sweep)"
    )
    sweep.add_argument("--batch-size", type=_count(1), metavar="K", help="solves per task")
    _add_workers(sweep)
    sweep.add_argument(
        "--resume", action="store_true", help="continue from the batches PATH.parts/ holds"
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    add_time_limit(sweep)
    sweep.set_defaults(handler=_sweep)


def add_sensitivity(commands: Commands) -> None:
    sensitivity = commands.add_parser(
        "sensitivity",
        help="Sobol indices of expected jobs to a scenario's parameters (SALib, on Dask)",
        description="Sobol first-order and total indices of the expected jobs created to each "
        "parameter over its range (uniform), with 95 %% confidence intervals. "
        f"Parameters: {', '.join(PARAMETERS)}.",
    )
    sensitivity.add_argument("file", metavar="SCENARIO")
    sensitivity.add_argument(
        "--parameters", required=True, nargs="+", metavar="NAME=LOW:HIGH", help="the ranges"
    )
    sensitivity.add_argument(
        "--samples",
        type=_whole,
        default=64,
        metavar="N",
        help="base samples, a power of 2 (solves: N x (parameters + 2); default 64)",
    )
    sensitivity.add_argument("--seed", type=_count(0), default=0, metavar="S")
    sensitivity.add_argument("--chart", metavar="PATH.png", help="draw the indices to a PNG")
    _add_workers(sensitivity)
    sensitivity.set_defaults(handler=_sensitivity)


@contextmanager
def _refusals() -> Iterator[None]:
    """A study's error told in one line: bad input exits 2, failed work 1."""
    try:
        yield
    except StudyError as error:
        failed = error.field.split(" ")[0] in FAILED_FIELDS
        raise CliError(str(error), code=1 if failed else 2) from None


@contextmanager
def _cluster(settings: Settings, workers: int | None) -> Iterator[Any]:
    from studies.cluster import client

    # A worker lost or a run interrupted is told by the command in one line, not by Dask's log.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    address = settings.dask_scheduler
    if address is not None and workers is not None:
        print(
            f"territoires: --workers ignored: the cluster at {address} has its own", file=sys.stderr
        )
    with client(address, workers=workers) as found:
        yield found


def _writable(option: str, path: Path) -> None:
    """``path`` can be written: it names a file, in a folder that exists and is writable."""
    if path.name in ("", ".", ".."):
        raise CliError(f"{option} {path}: give a file name, not a folder")
    folder = path.parent
    if not folder.is_dir():
        raise CliError(f"{option} {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(f"{option} {path}: folder {folder} is not writable")


def _sweep(args: argparse.Namespace, settings: Settings) -> int:
    from studies.grid import parse_axis
    from studies.sweep import Sweep, run
    from studies.tables import Parts, outputs

    out = Path(args.out) if args.out else None
    if out is not None:  # checked before any work: a bad path found after the solves is lost
        _writable("--out", out)
    if args.draws is not None and args.draws < 1:
        raise CliError(
            f"draws: must be at least 1, got {args.draws}; leave --draws out for no range"
        )
    (scenario,) = load_files([args.file])
    limit = settings.solver_time_limit_s if args.time_limit is None else args.time_limit
    with _refusals():
        axes = tuple(parse_axis(text) for text in args.grid)
        sweep = Sweep(scenario, axes, args.draws, args.batch_size, time_limit_s=limit)
    if out is None:
        out = Path(f"{scenario.name}-sweep")
        _writable("--out", out)
    (projects,) = asyncio.run(projects_of(settings, [scenario]))
    try:
        with _refusals(), _cluster(settings, args.workers) as client:
            table = run(sweep, projects, client, out, resume=args.resume, progress=not args.quiet)
    except KeyboardInterrupt:
        folder = outputs(out)[2]
        kept = len(Parts(folder).written()) if folder.is_dir() else 0
        if not kept:
            raise CliError(
                "interrupted before any batch was finished: nothing kept", code=130
            ) from None
        raise CliError(
            f"interrupted: {kept} finished batches are kept in {folder}; run the same command "
            "with --resume to continue",
            code=130,
        ) from None
    resumed = f", {table.resumed} found already written" if table.resumed else ""
    print(f"wrote {table.parquet} and {table.csv}")
    print(
        f"{table.solves:,} solves: {table.solves - table.infeasible - table.not_solved:,} "
        f"solved, {table.infeasible:,} infeasible, {table.not_solved:,} not solved "
        f"({table.batches} batches of up to {table.batch_size}{resumed}; {table.time_s:.1f} s)"
    )
    return 0


def _sensitivity(args: argparse.Namespace, settings: Settings) -> int:
    from studies.sensitivity import chart, check, parse_range, sobol

    if args.chart is not None:
        _writable("--chart", Path(args.chart))
    (scenario,) = load_files([args.file])
    with _refusals():
        ranges = dict(parse_range(text) for text in args.parameters)
        if len(ranges) != len(args.parameters):
            raise StudyError("parameters", "a parameter is given twice")
        check(scenario, ranges, args.samples)
    (projects,) = asyncio.run(projects_of(settings, [scenario]))
    with _refusals(), _cluster(settings, args.workers) as client:
        indices = sobol(
            scenario, projects, ranges, samples=args.samples, seed=args.seed, client=client
        )
    render.render(lambda console: _draw_indices(console, scenario.name, indices), None)
    if args.chart is not None:
        chart(indices, Path(args.chart))
        print(f"wrote {args.chart}", file=sys.stderr)
    return 0


def _draw_indices(console: Console, name: str, indices: SobolIndices) -> None:
    title = f"{name}: Sobol indices of expected jobs"
    headings = ["parameter", "range", "S1", "±", "ST", "±"]
    table = render.titled_table(title, headings, left="parameter")
    for i, parameter in enumerate(indices.names):
        low, high = indices.ranges[i]
        table.add_row(
            parameter,
            f"{low:g} to {high:g}",
            f"{indices.s1[i]:.3f}",
            f"{indices.s1_conf[i]:.3f}",
            f"{indices.st[i]:.3f}",
            f"{indices.st_conf[i]:.3f}",
        )
    console.print(table)
    console.print(
        f"{indices.evaluations:,} solves (N = {indices.samples}, seed {indices.seed}); "
        f"expected jobs over them: mean {indices.jobs_mean:,.1f}, standard deviation "
        f"{indices.jobs_std:,.1f}; ± is the 95 % confidence half-width"
    )
