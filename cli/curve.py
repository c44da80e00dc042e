"""`territoires curve`: jobs as one parameter of a scenario varies."""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import render
from cli.db import projects_of
from cli.errors import CliError
from cli.scenarios import add_time_limit, load_files, refused_by_engine
from settings import Settings
from simulation.curve import PARAMETERS, check_values
from simulation.errors import EngineError
from simulation.scenario import ScenarioError

if TYPE_CHECKING:
    from simulation.curve import CurvePoint
    from simulation.projects import ProjectColumns
    from simulation.scenario import Scenario

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

COLUMNS = ("value", "status", "jobs", "spent_eur", "fragile_share", "decarbonisation_share")
CHUNK = 10  # points solved together, warm-starting each other; the progress bar moves between


def add_curve(commands: Commands) -> None:
    curve = commands.add_parser(
        "curve",
        help="trade-off curve: jobs as one parameter varies",
        description="Solve the scenario for each value of one parameter (warm-started).",
    )
    curve.add_argument("file", metavar="FILE")
    curve.add_argument("--parameter", required=True, choices=PARAMETERS)
    curve.add_argument(
        "--values",
        required=True,
        nargs="+",
        metavar="V",
        help="numbers or START:STOP:STEP ranges, e.g. 0.5:0.9:0.05",
    )
    curve.add_argument("--format", choices=("table", "json", "csv"), default="table")
    curve.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    curve.add_argument("--plot", metavar="PATH.png", help="draw the curve to a PNG")
    add_time_limit(curve)
    curve.set_defaults(handler=_curve)


def _curve(args: argparse.Namespace, settings: Settings) -> int:
    (scenario,) = load_files([args.file])
    values = _parse_values(args.values)
    _check_values(args.parameter, values)
    (projects,) = asyncio.run(projects_of(settings, [scenario]))
    limit = settings.solver_time_limit_s if args.time_limit is None else args.time_limit
    try:
        points = _solve_points(scenario, projects, args.parameter, values, limit)
    except EngineError as error:
        raise refused_by_engine(args.file, error) from None
    rows: list[list[Any]] = [
        [str(p.status) if column == "status" else getattr(p, column) for column in COLUMNS]
        for p in points
    ]
    title = f"{scenario.name}: jobs as {args.parameter} varies"
    if args.format == "csv":
        render.emit(render.csv_text([[args.parameter, *COLUMNS[1:]], *rows]), args.output)
    elif args.format == "json":
        data: dict[str, Any] = {"scenario": scenario.name, "parameter": args.parameter}
        data["points"] = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        render.emit(render.json_text(data), args.output)
    else:
        draw = partial(render.draw_curve, title=title, parameter=args.parameter, rows=rows)
        render.render(draw, args.output)
    if args.plot is not None:
        from cli import charts

        values, jobs = [row[0] for row in rows], [row[2] for row in rows]
        charts.curve_line(values, jobs, Path(args.plot), parameter=args.parameter, title=title)
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0


def _parse_values(raw: Sequence[str]) -> list[float]:
    """Numbers, or START:STOP:STEP ranges (inclusive), e.g. 0.5:0.9:0.1."""
    values: list[float] = []
    for item in raw:
        try:
            if ":" in item:
                start, stop, step = (float(part) for part in item.split(":"))
                if not all(math.isfinite(v) for v in (start, stop, step)):
                    raise ValueError
                if step <= 0 or stop < start:
                    raise ValueError
                count = round((stop - start) / step) + 1
                if count > 1000:
                    raise CliError(f"--values {item}: more than 1000 points")
                values.extend(round(start + i * step, 10) for i in range(count))
            else:
                value = float(item)
                if not math.isfinite(value):  # "nan", "inf": no budget or share is that
                    raise ValueError
                values.append(value)
        except ValueError:
            raise CliError(
                f"--values {item}: not a number or a START:STOP:STEP range (e.g. 0.5:0.9:0.1)"
            ) from None
    return values


def _check_values(parameter: str, values: Sequence[float]) -> None:
    """The engine's own check, on every value at once (the solves then go in chunks)."""
    try:
        check_values(parameter, values)
    except EngineError as error:
        raise CliError(f"--values: {error.message}") from None
    except ScenarioError as error:  # budgets: one line per value, each named values[i]
        raise CliError(f"--values: {error}") from None


def _solve_points(
    scenario: Scenario, projects: ProjectColumns, parameter: str, values: list[float], limit: float
) -> list[CurvePoint]:
    from simulation.solve import trade_off_curve

    points: list[CurvePoint] = []
    with render.progress(len(values), f"curve over {parameter}") as advance:
        for start in range(0, len(values), CHUNK):
            part = values[start : start + CHUNK]
            curve = trade_off_curve(scenario, projects, parameter, part, time_limit_s=limit)
            points.extend(curve.points)
            for value in part:
                advance(f"{value:g}")
    return points
