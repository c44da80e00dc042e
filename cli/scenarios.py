"""Scenario files on the command line: `validate`, `run`, `compare` and `schema`."""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import exports, render
from cli.db import projects_of
from cli.errors import CliError
from settings import Settings

if TYPE_CHECKING:
    from simulation.compare import Comparison
    from simulation.errors import EngineError
    from simulation.projects import ProjectColumns
    from simulation.result import Result
    from simulation.scenario import RegionEnvelope, Scenario

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


# ---- shared by the commands that solve -------------------------------------------------------


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {raw!r}") from None
    if not (value > 0 and math.isfinite(value)):  # nan, inf and 0 would disable the limit
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {raw!r}")
    return value


def add_time_limit(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--time-limit",
        type=_seconds,
        metavar="SECONDS",
        help="solver time limit per solve (default: TERRITOIRES_SOLVER_TIME_LIMIT or 30)",
    )


def load_files(paths: Sequence[str]) -> list[Scenario]:
    from models.scenario_files import load_file
    from simulation.scenario import ScenarioError

    scenarios, problems = [], []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            problems.append(f"{raw}: no such file")
            continue
        try:
            scenarios.append(load_file(path))
        except ScenarioError as error:
            problems.append(str(error))
    if problems:
        raise CliError("\n".join(problems))
    return scenarios


def refused_by_engine(path: str, error: EngineError) -> CliError:
    """What the engine refuses in a file (an id or a name no competing project has), told like
    the format errors: the file, the field, what is wrong."""
    return CliError(f"{path}: {error.field}: {error.message}")


def _solve_all(
    settings: Settings,
    scenarios: Sequence[Scenario],
    paths: Sequence[str],
    time_limit: float | None,
    *,
    keep_going: bool = False,
) -> list[tuple[ProjectColumns, Result | CliError]]:
    """Each scenario solved on its projects. The engine's refusal of a file raises a CliError
    naming the file, or with ``keep_going`` takes that file's place and the others are solved."""
    from simulation.errors import EngineError
    from simulation.solve import solve

    all_projects = asyncio.run(projects_of(settings, scenarios))
    limit = settings.solver_time_limit_s if time_limit is None else time_limit
    runs: list[tuple[ProjectColumns, Result | CliError]] = []
    with render.progress(len(scenarios), "solving") as advance:
        for path, scenario, projects in zip(paths, scenarios, all_projects, strict=True):
            try:
                runs.append((projects, solve(scenario, projects, time_limit_s=limit)))
            except EngineError as error:
                if not keep_going:
                    raise refused_by_engine(path, error) from None
                runs.append((projects, refused_by_engine(path, error)))
            advance(scenario.name)
    return runs


def _solved(
    settings: Settings,
    scenarios: Sequence[Scenario],
    paths: Sequence[str],
    time_limit: float | None,
) -> list[tuple[ProjectColumns, Result]]:
    """Each scenario solved; the first file the engine refuses stops the command."""
    runs = _solve_all(settings, scenarios, paths, time_limit)
    return [(projects, result) for projects, result in runs if not isinstance(result, CliError)]


def _failures(scenario: Scenario, result: Result) -> tuple[str, ...]:
    return scenario.expect.failures(result) if scenario.expect is not None else ()


# ---- validate --------------------------------------------------------------------------------


def add_validate(commands: Commands) -> None:
    validate = commands.add_parser(
        "validate",
        help="check scenario files (and with --run, their expect: blocks)",
        description="Check scenario files: format, fields, bases. With --run, also solve each "
        "one and check its expect: block.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--run", action="store_true", help="solve and check expectations")
    add_time_limit(validate)
    validate.set_defaults(handler=_validate)


# What each `projects.origin` lets compete, as the validate line says it.
COMPETING = {
    "laureates": "laureates only",
    "generated": "generated candidates only",
    "both": "laureates and generated candidates",
}


# Without --run only the format is checked: ids, departments, territories and sectors are
# checked against the projects when the engine solves the file.
FORMAT_ONLY = "ok (format; --run also checks it against the projects)"


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    scenarios = load_files(args.files)
    if args.run:
        return _check_runs(settings, scenarios, args.files, args.time_limit)
    for path, scenario in zip(args.files, scenarios, strict=True):
        _print_valid(FORMAT_ONLY, path, scenario)
    return 0


def _print_valid(verdict: str, path: str, scenario: Scenario, solved: str = "") -> None:
    based = f" (over {scenario.base})" if scenario.base else ""
    competing = COMPETING[scenario.projects.origin]
    print(f"{verdict}  {path}: {scenario.name}{based}; competing: {competing}{solved}")
    for line in lever_lines(scenario):
        print(f"    {line}")


def lever_lines(scenario: Scenario) -> list[str]:
    """One line per lever of format version 2 the scenario pulls (none: the version-1 problem)."""
    from cli import lever_tables
    from simulation.levers import CRITERION_LABELS, Controls, Objective, Uncertainty

    def share(value: float) -> str:
        return f"{value:.0%}" if round(value * 100, 6).is_integer() else f"{value:.2%}"

    def bounds(envelopes: Mapping[str, RegionEnvelope]) -> str:
        parts = []
        for code, envelope in envelopes.items():
            limits = [
                f"{word} {render.meur(eur)} M EUR"
                for word, eur in (("at least", envelope.min_eur), ("at most", envelope.max_eur))
                if eur is not None
            ]
            parts.append(f"{code} {' and '.join(limits)}")
        return "; ".join(parts)

    lines = []
    if scenario.objective != Objective():
        weights = scenario.objective.weights
        named = ", ".join(f"{CRITERION_LABELS[k]} {weights[k]:g}" for k in weights)
        lines.append(f"objective weights: {named}")
    c = scenario.constraints
    if c.fragile_project_share_min:
        lines.append(
            f"fragile projects: at least {share(c.fragile_project_share_min)} of those funded"
        )
    if c.departments:
        lines.append(f"departments: {bounds(c.departments)}")
    if c.territories:
        lines.append(f"territories: {bounds(c.territories)}")
    if c.sectors:
        floors = ", ".join(f"{name} {share(v)}" for name, v in c.sectors.items())
        lines.append(f"sector floors (share of euros spent): {floors}")
    funding = scenario.co_funding
    if funding.contributions:
        given = ", ".join(f"{k} {render.meur(v)} M EUR" for k, v in funding.contributions.items())
        lines.append(f"co-funding: {given}; {funding.matching.words()}")
    if scenario.rounds:
        budget = scenario.budget_eur
        steps = [
            f"{r.date} releases {render.meur(r.released(budget))} M EUR"
            + (f" (keeps {share(r.reserve_share)} in reserve)" if r.reserve_share else "")
            for r in scenario.rounds
        ]
        lines.append(f"rounds: {'; '.join(steps)}")
    controls = scenario.controls
    if controls != Controls():
        done = []
        if controls.lock_awards:
            until = f" recorded by {controls.awards_until}" if controls.awards_until else ""
            done.append(f"awards{until} locked")
        for word, ids in (("in", controls.force_in), ("out", controls.force_out)):
            if ids:
                done.append(f"forced {word}: {', '.join(map(str, ids))}")
        if controls.next_in_line != Controls().next_in_line:
            done.append(f"next in line listed: {controls.next_in_line}")
        lines.append(f"controls: {'; '.join(done)}")
    if scenario.uncertainty != Uncertainty():
        lines.append(f"uncertainty: {lever_tables.uncertainty_words(scenario.uncertainty)}")
    return lines


def _check_runs(
    settings: Settings, scenarios: list[Scenario], paths: Sequence[str], limit: float | None
) -> int:
    """Solves every file; "ok" only for a file the engine solved and whose expect: block holds.
    Exit 2 when the engine refused a file (bad input), else 1 when an expectation failed."""
    failed = refused = 0
    runs = _solve_all(settings, scenarios, paths, limit, keep_going=True)
    for path, scenario, (_, result) in zip(paths, scenarios, runs, strict=True):
        if isinstance(result, CliError):
            refused += 1
            print(result, file=sys.stderr)
            continue
        problems = _failures(scenario, result)
        solved = f"; {result.status}, {result.jobs:,.0f} jobs"
        if scenario.expect is None:
            _print_valid("--", path, scenario, f"{solved}, no expect: block to check")
        elif problems:
            failed += 1
            for problem in problems:
                print(f"{path}: expect.{problem}", file=sys.stderr)
        else:
            _print_valid("ok", path, scenario, f"{solved}, expectations hold")
    return 2 if refused else 1 if failed else 0


# ---- run -------------------------------------------------------------------------------------


def add_run(commands: Commands) -> None:
    run = commands.add_parser(
        "run",
        help="solve one scenario file",
        description="Solve a scenario on the projects of the database. csv gives one row per "
        "funded project; json the whole result.",
    )
    run.add_argument("file", metavar="FILE")
    run.add_argument("--format", choices=("table", "json", "csv"), default="table")
    run.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    run.add_argument("--check", action="store_true", help="exit 1 if the expect: block fails")
    exports.add_export(run, "the result")
    add_time_limit(run)
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    (scenario,) = load_files([args.file])
    ((projects, result),) = _solved(settings, [scenario], [args.file], args.time_limit)
    problems = _failures(scenario, result)
    if args.format == "json":
        payload = {
            "scenario": scenario.to_dict(),
            "result": result.to_dict(),
            "expectations": None if scenario.expect is None else list(problems),
        }
        render.emit(render.json_text(payload), args.output)
    elif args.format == "csv":
        render.emit(render.csv_text(_allocation_rows(projects, result)), args.output)
    else:
        draw = partial(render.draw_run, scenario=scenario, result=result, problems=problems)
        render.render(draw, args.output)
    exports.export_run(args, settings, scenario, projects, result)
    if args.check and problems:
        for problem in problems:
            print(f"{args.file}: expect.{problem}", file=sys.stderr)
        return 1
    return 0


def _allocation_rows(projects: ProjectColumns, result: Result) -> list[list[Any]]:
    """One row per funded project; with regional contributions, its aid split into the State's
    euros and its region's (state_eur + regional_eur = allocated_eur)."""
    regional = result.regional_eur
    split = ["state_eur", "regional_eur"] if regional is not None else []
    rows: list[list[Any]] = [
        ["project_id", "region", "territory", "aid_requested_eur", "allocated_eur", *split, "jobs"]
    ]
    for i in range(len(projects)):
        allocated = int(result.allocation_eur[i])
        if allocated > 0:
            share = allocated / int(projects.aid_requested_eur[i])
            parts = [] if regional is None else [allocated - int(regional[i]), int(regional[i])]
            rows.append(
                [
                    int(projects.ids[i]),
                    str(projects.region[i]),
                    str(projects.territory[i]),
                    int(projects.aid_requested_eur[i]),
                    allocated,
                    *parts,
                    round(share * int(projects.jobs_created[i]), 2),
                ]
            )
    return rows


# ---- compare ---------------------------------------------------------------------------------


def add_compare(commands: Commands) -> None:
    compare = commands.add_parser(
        "compare",
        help="solve several scenarios and compare them side by side",
        description="Inputs that differ, outcomes and per-region allocation and jobs, with "
        "deltas against the first scenario.",
    )
    compare.add_argument("files", nargs="+", metavar="FILE")
    compare.add_argument("--format", choices=("table", "csv"), default="table")
    compare.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    compare.add_argument("--plot", metavar="PATH.png", help="draw per-region bars to a PNG")
    exports.add_export(compare, "the comparison")
    add_time_limit(compare)
    compare.set_defaults(handler=_compare)


def _compare(args: argparse.Namespace, settings: Settings) -> int:
    from simulation.compare import compare

    scenarios = load_files(args.files)
    if args.plot is not None and not args.plot.endswith(".png"):
        raise CliError(f"--plot {args.plot}: give a .png file name")
    runs = _solved(settings, scenarios, args.files, args.time_limit)
    comparison = compare([(s, result) for s, (_, result) in zip(scenarios, runs, strict=True)])
    if args.format == "csv":
        render.emit(render.csv_text(comparison.rows()), args.output)
    else:
        render.render(lambda console: render.draw_comparison(console, comparison), args.output)
    exports.export_comparison(args, settings, comparison)
    if args.plot is not None:
        _plot_regions(comparison, args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0


def _plot_regions(comparison: Comparison, plot: str) -> None:
    from cli import charts

    path = Path(plot)
    if not path.parent.is_dir():
        raise CliError(f"--plot {plot}: folder {path.parent} does not exist")
    labels = [
        name if status == "optimal" else f"{name} ({status})"
        for name, status in zip(comparison.names, comparison.statuses, strict=True)
    ]
    regions = comparison.regions
    charts.region_bars(
        {label: {r.code: r.allocated_eur[i] for r in regions} for i, label in enumerate(labels)},
        {label: {r.code: r.jobs[i] for r in regions} for i, label in enumerate(labels)},
        path,
        title=f"Allocation and jobs by region, {len(labels)} scenarios",
    )


# ---- schema ----------------------------------------------------------------------------------


def add_schema(commands: Commands) -> None:
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="The JSON Schema of the scenario format, for editors "
        "(committed as docs/scenario.schema.json).",
    )
    schema.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    schema.set_defaults(handler=_schema)


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from simulation.files import json_schema_text

    render.emit(json_schema_text(), args.output)
    return 0
