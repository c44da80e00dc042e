"""`territoires pareto`: the efficient trade-offs between two criteria of a scenario."""

from __future__ import annotations

import argparse
import asyncio
import sys
from functools import partial
from typing import TYPE_CHECKING, Any

from cli import render
from cli.db import projects_of
from cli.errors import CliError
from cli.scenarios import add_time_limit, load_files, refused_by_engine
from settings import Settings
from simulation.errors import EngineError
from simulation.levers import CRITERIA
from simulation.pareto import LABELS, MAX_POINTS, MIN_POINTS, UNITS, Front, check_front, label

if TYPE_CHECKING:
    from rich.console import Console

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

COLUMNS = ("epsilon", "efficient", "status", "spent_eur")


def add_pareto(commands: Commands) -> None:
    pareto = commands.add_parser(
        "pareto",
        help="Pareto front: the efficient trade-offs between two criteria",
        description="Maximise criterion x with criterion y held at evenly spaced floors, from "
        "y at the optimum of x up to y's own maximum; each point is proven efficient (no "
        "allocation has more of both) or marked otherwise. Warm-started. On a front, leverage "
        "is the investment mobilised in EUR (a sum the method can hold at a floor), not the "
        "results' ratio of investment to aid. Review rounds are not played: the front allocates "
        "the money they release at once.",
    )
    pareto.add_argument("file", metavar="SCENARIO", help="a scenario file")
    pareto.add_argument("--x", choices=CRITERIA, default="jobs_created")
    pareto.add_argument("--y", choices=CRITERIA, default="co2_avoided_t")
    pareto.add_argument(
        "--points", type=int, default=50, help=f"{MIN_POINTS} to {MAX_POINTS} (default 50)"
    )
    # The names `run` takes; `text` is the table under its former name.
    pareto.add_argument("--format", choices=("table", "json", "csv", "text"), default="table")
    pareto.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    add_time_limit(pareto)
    pareto.set_defaults(handler=_pareto)


def _pareto(args: argparse.Namespace, settings: Settings) -> int:
    try:
        check_front(args.x, args.y, args.points)  # before reading the files and the database
    except EngineError as error:
        raise CliError(f"--{error.field}: {error.message}") from None
    (scenario,) = load_files([args.file])
    (projects,) = asyncio.run(projects_of(settings, [scenario]))
    limit = settings.solver_time_limit_s if args.time_limit is None else args.time_limit
    from simulation.pareto import front

    try:
        result = front(scenario, projects, args.x, args.y, points=args.points, time_limit_s=limit)
    except EngineError as error:
        raise refused_by_engine(args.file, error) from None
    if not result.points:
        raise CliError(f"no front: the scenario's solve ended {result.status}", code=1)
    rows: list[list[Any]] = [
        [p.x_value, p.y_value, p.epsilon, p.efficient, p.status, p.spent_eur] for p in result.points
    ]
    if args.format == "csv":
        render.emit(render.csv_text([[args.x, args.y, *COLUMNS], *rows]), args.output)
    elif args.format == "json":
        data: dict[str, Any] = {
            "scenario": scenario.name,
            "x": args.x,
            "y": args.y,
            "units": {args.x: UNITS[args.x], args.y: UNITS[args.y]},
            "labels": {args.x: label(args.x), args.y: label(args.y)},
            "status": result.status,
            "solves": result.solves,
            "relaxation": result.relaxation,
            "method": result.method,
            "note": result.note,
        }
        data["points"] = [dict(zip((args.x, args.y, *COLUMNS), row, strict=True)) for row in rows]
        render.emit(render.json_text(data), args.output)
    else:
        title = f"{scenario.name}: {LABELS[args.x]} against {LABELS[args.y]}"
        render.render(partial(_draw, title=title, front=result), args.output)
    if result.note and args.format == "csv":  # json carries it; the table prints it
        print(f"territoires: {result.note}", file=sys.stderr)
    short = sum(p.status not in ("efficient", "duplicate") for p in result.points)
    if result.status != "optimal":
        print(f"territoires: the front stopped early ({result.status})", file=sys.stderr)
    elif short:
        print(
            f"territoires: {short} of {len(result.points)} points not proven efficient "
            "(see each point's status)",
            file=sys.stderr,
        )
    return 0


def _draw(console: Console, title: str, front: Front) -> None:
    """One row per point. The floor on y each point was solved at is left out: a proven point
    has y at or above it, and the CSV and JSON give it (epsilon)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for heading in (label(front.x), label(front.y), "M EUR spent", "status"):
        table.add_column(heading, justify="right")

    def value(criterion: str, amount: float) -> str:  # whole euros, else one decimal
        return f"{amount:,.0f}" if UNITS[criterion] == "EUR" else f"{amount:,.1f}"

    for p in front.points:
        x, y = value(front.x, p.x_value), value(front.y, p.y_value)
        table.add_row(x, y, render.meur(p.spent_eur), p.status)
    console.print(table)
    proven = sum(p.efficient for p in front.points)
    console.print(
        f"{proven} of {len(front.points)} points proven efficient; {front.solves} solves "
        f"in {front.time_s:.2f} s"
        + (" (the LP relaxation of an all-or-nothing scenario)" if front.relaxation else "")
    )
    if front.note:
        console.print(f"Note: {front.note}")
