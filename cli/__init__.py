"""The `territoires` command: database setup and scenario files.

Exit codes: 0 done, 1 a run failed its expectations or the engine failed, 2 bad input.
Tables and progress go to the terminal (progress on stderr); --format csv/json is for programs.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from settings import Settings, SettingsError

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.ext.asyncio import AsyncEngine

    from simulation.projects import Projects
    from simulation.result import Result
    from simulation.scenario import Scenario

CURVE_PARAMETERS = ("fragile_share_min", "decarbonisation_share_min", "budget_eur")


class CliError(Exception):
    """Bad input: printed to stderr without a traceback, exit code 2."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


# ---- helpers ---------------------------------------------------------------------------------


def _console(stream: Any = None) -> Console:
    from rich.console import Console

    stream = sys.stdout if stream is None else stream
    terminal = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if terminal else 120, highlight=False)


def _err_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


def _load_files(paths: Sequence[str]) -> list[Scenario]:
    from simulation.files import load_file
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


def _emit(text: str, output: str | None) -> None:
    """Print, or write to ``output`` atomically."""
    if output is None:
        sys.stdout.write(text)
        return
    from simulation.files import write_atomic

    path = Path(output)
    if not path.parent.is_dir():
        raise CliError(f"{output}: folder {path.parent} does not exist")
    write_atomic(path, text)
    print(f"wrote {output}", file=sys.stderr)


def _render(draw: Callable[[Console], None], output: str | None) -> None:
    if output is None:
        draw(_console())
        return
    buffer = io.StringIO()
    draw(_console(buffer))
    _emit(buffer.getvalue(), output)


def _csv(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _meur(euros: float) -> str:
    return f"{euros / 1e6:,.1f}"


def _signed(value: float, digits: int = 1) -> str:
    rounded = round(value, digits) or 0.0  # no "-0"
    return f"{rounded:+,.{digits}f}"


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for long runs; silent when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = _err_console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal or total < 2,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)

        def advance(description: str) -> None:
            progress.update(task, advance=1, description=f"{label}: {description}")

        yield advance


async def _with_projects(settings: Settings, scenarios: Sequence[Scenario]) -> list[Projects]:
    """The projects each scenario lets compete, from the database (read only)."""
    from models.db import make_sessionmaker
    from models.queries import load_projects

    engine = await _set_up_engine(settings)
    cache: dict[Any, Projects] = {}
    try:
        async with make_sessionmaker(engine)() as session:
            for scenario in scenarios:
                if scenario.projects not in cache:
                    cache[scenario.projects] = await load_projects(session, scenario.projects)
    finally:
        await engine.dispose()
    return [cache[scenario.projects] for scenario in scenarios]


NOT_SET_UP = "run `territoires db setup` first"


async def _set_up_engine(settings: Settings) -> AsyncEngine:
    """An engine on a database that `db setup` has migrated; CliError otherwise.

    Commands that only read never migrate or seed: an analyst's database role may have no
    right to create tables, and a wrong DATABASE_URL must not leave an empty database behind.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url

    from models.db import async_url, backend, make_engine
    from models.seed import migration_config

    url = settings.database_url
    if backend(url) == "sqlite":
        database = make_url(async_url(url)).database
        if database not in (None, "", ":memory:") and not Path(database).is_file():
            raise CliError(f"no database file {database}: {NOT_SET_UP}")
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    except BaseException:
        await engine.dispose()
        raise
    head = ScriptDirectory.from_config(migration_config()).get_current_head()
    if current != head:
        await engine.dispose()
        found = "no schema" if current is None else f"schema revision {current}, not {head}"
        where = make_url(url).render_as_string(hide_password=True)
        raise CliError(f"the database {where} is not set up ({found}): {NOT_SET_UP}")
    return engine


def _solve_all(
    settings: Settings, scenarios: Sequence[Scenario], time_limit: float | None
) -> list[tuple[Projects, Result]]:
    all_projects = asyncio.run(_with_projects(settings, scenarios))
    limit = settings.solver_time_limit_s if time_limit is None else time_limit
    runs = []
    with _progress(len(scenarios), "solving") as advance:
        from simulation.solve import solve

        for scenario, projects in zip(scenarios, all_projects, strict=True):
            runs.append((projects, solve(scenario, projects, time_limit_s=limit)))
            advance(scenario.name)
    return runs


def _failures(scenario: Scenario, result: Result) -> tuple[str, ...]:
    return scenario.expect.failures(result) if scenario.expect is not None else ()


# ---- commands --------------------------------------------------------------------------------


def _db_setup(args: argparse.Namespace, settings: Settings) -> int:
    from models.seed import setup_database

    report = asyncio.run(setup_database(settings))
    print(report)
    return 0


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    scenarios = _load_files(args.files)
    for path, scenario in zip(args.files, scenarios, strict=True):
        based = f" (over {scenario.base})" if scenario.base else ""
        print(f"ok  {path}: {scenario.name}{based}")
    if not args.run:
        return 0
    return _check_runs(settings, scenarios, args.files, args.time_limit)


def _check_runs(
    settings: Settings, scenarios: list[Scenario], paths: Sequence[str], limit: float | None
) -> int:
    failed = 0
    runs = _solve_all(settings, scenarios, limit)
    for path, scenario, (_, result) in zip(paths, scenarios, runs, strict=True):
        problems = _failures(scenario, result)
        if scenario.expect is None:
            print(f"--  {path}: {result.status}, no expect: block to check")
        elif problems:
            failed += 1
            for problem in problems:
                print(f"{path}: expect.{problem}", file=sys.stderr)
        else:
            print(f"ok  {path}: expectations hold ({result.status}, {result.jobs:,.0f} jobs)")
    return 1 if failed else 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    (scenario,) = _load_files([args.file])
    ((projects, result),) = _solve_all(settings, [scenario], args.time_limit)
    problems = _failures(scenario, result)
    if args.format == "json":
        payload = {
            "scenario": scenario.to_dict(),
            "result": result.to_dict(),
            "expectations": None if scenario.expect is None else list(problems),
        }
        _emit(_json(payload), args.output)
    elif args.format == "csv":
        _emit(_csv(_allocation_rows(projects, result)), args.output)
    else:
        _render(lambda console: _draw_run(console, scenario, result, problems), args.output)
    if args.check and problems:
        for problem in problems:
            print(f"{args.file}: expect.{problem}", file=sys.stderr)
        return 1
    return 0


def _allocation_rows(projects: Projects, result: Result) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["project_id", "region", "territory", "aid_requested_eur", "allocated_eur", "jobs"]
    ]
    for i in range(len(projects)):
        allocated = int(result.allocation_eur[i])
        if allocated > 0:
            share = allocated / int(projects.aid_requested_eur[i])
            rows.append(
                [
                    int(projects.ids[i]),
                    str(projects.region[i]),
                    str(projects.territory[i]),
                    int(projects.aid_requested_eur[i]),
                    allocated,
                    round(share * int(projects.jobs_created[i]), 2),
                ]
            )
    return rows


def _draw_run(
    console: Console, scenario: Scenario, result: Result, problems: tuple[str, ...]
) -> None:
    from rich.table import Table

    from simulation.scenario import REGION_NAMES

    console.print(f"[bold]{scenario.name}[/bold]  {scenario.title}")
    console.print(f"status: [bold]{result.status}[/bold]  {result.message}".rstrip())
    summary = Table(show_header=False, box=None, padding=(0, 2))
    summary.add_row("jobs created", f"{result.jobs:,.0f}")
    summary.add_row("spent", f"{_meur(result.spent_eur)} M EUR of {_meur(result.budget_eur)}")
    summary.add_row("unspent", f"{_meur(result.unspent_eur)} M EUR")
    summary.add_row("projects funded", f"{result.projects_funded:,}")
    summary.add_row(
        "fragile share",
        f"{result.fragile_share:.1%} of euros, {result.fragile_project_share:.1%} of projects",
    )
    summary.add_row(
        "decarbonisation share",
        f"{result.decarbonisation_share:.1%} of euros, "
        f"{result.decarbonisation_project_share:.1%} of projects",
    )
    solver = result.solver
    summary.add_row(
        "solver", f"{solver.name} {solver.version}, {solver.method}, {solver.time_s:.2f} s"
    )
    console.print(summary)
    for reason in getattr(result, "unspent_reasons", ()):
        console.print(f"  unspent: {reason}")
    if result.regions and result.spent_eur > 0:
        regions = Table(title="By region", title_justify="left")
        for heading in ("code", "region", "M EUR", "jobs", "projects"):
            regions.add_column(heading, justify="left" if heading == "region" else "right")
        for region in result.regions:
            regions.add_row(
                region.code,
                REGION_NAMES.get(region.code, region.code),
                _meur(region.allocated_eur),
                f"{region.jobs:,.0f}",
                str(region.projects_funded),
            )
        console.print(regions)
    if result.binding:
        binding = Table(title="Binding constraints", title_justify="left")
        binding.add_column("constraint")
        binding.add_column("what it costs or buys")
        for constraint in result.binding:
            binding.add_row(constraint.label, constraint.text)
        console.print(binding)
    if result.baselines:
        baselines = Table(title="Against simple rules", title_justify="left")
        for heading in ("rule", "jobs", "M EUR", "fragile", "meets constraints", "optimum gains"):
            baselines.add_column(heading, justify="left" if heading == "rule" else "right")
        for baseline in result.baselines:
            baselines.add_row(
                baseline.label or baseline.name,
                f"{baseline.jobs:,.0f}",
                _meur(baseline.spent_eur),
                f"{baseline.fragile_share:.1%}",
                "yes" if baseline.feasible else "no: " + ", ".join(baseline.violations),
                f"{baseline.jobs_gained_by_optimum:+,.0f} jobs",
            )
        console.print(baselines)
    if result.diagnosis is not None:
        console.print("[bold]Why it cannot hold[/bold]: " + "; ".join(result.diagnosis.conflicts))
        for relaxation in result.diagnosis.relaxations:
            console.print(f"  - {relaxation.text}")
    if scenario.expect is not None:
        if problems:
            console.print("[bold red]expectations fail[/bold red]")
            for problem in problems:
                console.print(f"  - expect.{problem}")
        else:
            console.print("expectations hold")


def _compare(args: argparse.Namespace, settings: Settings) -> int:
    from simulation.compare import compare

    scenarios = _load_files(args.files)
    if args.plot is not None and not args.plot.endswith(".png"):
        raise CliError(f"--plot {args.plot}: give a .png file name")
    runs = _solve_all(settings, scenarios, args.time_limit)
    comparison = compare([(s, result) for s, (_, result) in zip(scenarios, runs, strict=True)])
    if args.format == "csv":
        _emit(_csv(comparison.rows()), args.output)
    else:
        _render(lambda console: _draw_comparison(console, comparison), args.output)
    if args.plot is not None:
        import charts

        plot = Path(args.plot)
        if not plot.parent.is_dir():
            raise CliError(f"--plot {args.plot}: folder {plot.parent} does not exist")
        labels = [
            name if status == "optimal" else f"{name} ({status})"
            for name, status in zip(comparison.names, comparison.statuses, strict=True)
        ]
        regions = comparison.regions
        charts.region_bars(
            {
                label: {r.code: r.allocated_eur[i] for r in regions}
                for i, label in enumerate(labels)
            },
            {label: {r.code: r.jobs[i] for r in regions} for i, label in enumerate(labels)},
            plot,
            title=f"Allocation and jobs by region, {len(labels)} scenarios",
        )
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0


def _draw_comparison(console: Console, comparison: Any) -> None:
    from rich.table import Table

    names = comparison.names
    if comparison.inputs:
        inputs = Table(title="Inputs that differ", title_justify="left")
        inputs.add_column("field", no_wrap=True)
        for name in names:
            inputs.add_column(name, justify="right", overflow="fold")
        for diff in comparison.inputs:
            inputs.add_row(diff.path, *(_show_input(v) for v in diff.values))
        console.print(inputs)
    else:
        console.print("Inputs: the scenarios ask the same question.")
    outcomes = Table(title=f"Outcomes (deltas against {names[0]})", title_justify="left")
    outcomes.add_column("outcome", no_wrap=True)
    for name in names:
        outcomes.add_column(name, justify="right", overflow="fold")
    outcomes.add_row("status", *comparison.statuses)
    for outcome in comparison.outcomes:
        cells = [_show_outcome(outcome.unit, outcome.values[0])]
        for value, delta in zip(outcome.values[1:], outcome.deltas[1:], strict=True):
            cells.append(
                f"{_show_outcome(outcome.unit, value)} ({_show_delta(outcome.unit, delta)})"
            )
        label = outcome.label + (" (M EUR)" if outcome.unit == "EUR" else "")
        outcomes.add_row(label, *cells)
    console.print(outcomes)
    regions = Table(title="By region: M EUR allocated / jobs (deltas)", title_justify="left")
    regions.add_column("region", no_wrap=True)
    for name in names:
        regions.add_column(name, justify="right", overflow="fold")
    for region in comparison.regions:
        cells = [f"{_meur(region.allocated_eur[0])} / {region.jobs[0]:,.0f}"]
        for i in range(1, len(names)):
            cells.append(
                f"{_meur(region.allocated_eur[i])} ({_signed(region.allocated_delta_eur[i] / 1e6)})"
                f" / {region.jobs[i]:,.0f} ({_signed(region.jobs_delta[i], 0)})"
            )
        regions.add_row(f"{region.code} {region.name}", *cells)
    console.print(regions)


def _show_input(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 100_000:
        return f"{value:_}"
    return str(value)


def _show_outcome(unit: str, value: float) -> str:
    if unit == "EUR":
        return _meur(value)
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}"


def _show_delta(unit: str, delta: float) -> str:
    if unit == "EUR":
        return _signed(delta / 1e6)
    if unit == "share":
        return f"{delta * 100:+.1f} pt"
    return _signed(delta, 0)


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


def _curve(args: argparse.Namespace, settings: Settings) -> int:
    (scenario,) = _load_files([args.file])
    values = _parse_values(args.values)
    for value in values:
        if args.parameter == "budget_eur" and value <= 0:
            raise CliError(f"--values: budget_eur must be positive, got {value:g}")
        if args.parameter != "budget_eur" and not 0 <= value <= 1:
            raise CliError(f"--values: {args.parameter} must be between 0 and 1, got {value:g}")
    (projects,) = asyncio.run(_with_projects(settings, [scenario]))
    limit = settings.solver_time_limit_s if args.time_limit is None else args.time_limit
    points: list[Any] = []
    chunk = 10  # warm starts inside a chunk; the bar moves between chunks
    progress = _progress(len(values), f"curve over {args.parameter}")
    with progress as advance:
        from simulation.solve import trade_off_curve

        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            curve = trade_off_curve(scenario, projects, args.parameter, part, time_limit_s=limit)
            points.extend(curve.points)
            for value in part:
                advance(f"{value:g}")
    header = ["value", "status", "jobs", "spent_eur", "fragile_share", "decarbonisation_share"]
    rows: list[list[Any]] = [
        [str(p.status) if h == "status" else getattr(p, h) for h in header] for p in points
    ]
    if args.format == "csv":
        _emit(_csv([[args.parameter, *header[1:]], *rows]), args.output)
    elif args.format == "json":
        data: dict[str, Any] = {"scenario": scenario.name, "parameter": args.parameter}
        data["points"] = [dict(zip(header, row, strict=True)) for row in rows]
        _emit(_json(data), args.output)
    else:

        def draw(console: Console) -> None:
            from rich.table import Table

            table = Table(
                title=f"{scenario.name}: jobs as {args.parameter} varies", title_justify="left"
            )
            for heading in (args.parameter, "status", "jobs", "M EUR spent", "fragile", "decarb."):
                table.add_column(heading, justify="right")
            for value, status, jobs, spent, fragile, decarb in rows:
                table.add_row(
                    f"{value:_.0f}" if args.parameter == "budget_eur" else f"{value:g}",
                    status,
                    f"{jobs:,.0f}",
                    _meur(spent),
                    f"{fragile:.1%}",
                    f"{decarb:.1%}",
                )
            console.print(table)

        _render(draw, args.output)
    if args.plot is not None:
        import charts

        charts.curve_line(
            [row[0] for row in rows],
            [row[2] for row in rows],
            Path(args.plot),
            parameter=args.parameter,
            title=f"{scenario.name}: jobs as {args.parameter} varies",
        )
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0


async def _in_session(
    settings: Settings, work: Callable[[Any], Any], *, writes: bool = False
) -> Any:
    """``work(session)`` in one transaction; a command that ``writes`` sets the database up
    first (migrations and seed), one that only reads refuses a database not set up."""
    from models.db import make_engine, make_sessionmaker
    from models.seed import setup_database

    if writes:
        await setup_database(settings)
        engine = make_engine(settings.database_url)
    else:
        engine = await _set_up_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            try:
                value = await work(session)
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
            return value
    finally:
        await engine.dispose()


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from models.scenario import get_scenario, list_scenarios
    from simulation.files import write_atomic

    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"--dir {args.dir}: not a folder")
    if not args.names and not args.all:
        raise CliError("give scenario names or --all")

    async def read(session: Any) -> list[Any]:
        if args.all:
            return await list_scenarios(session)
        rows, missing = [], []
        for name in args.names:
            row = await get_scenario(session, name)
            if row is None:
                missing.append(name)
            else:
                rows.append(row)
        if missing:
            raise CliError(f"no saved scenario named {', '.join(missing)}")
        return rows

    rows = asyncio.run(_in_session(settings, read))
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        path = folder / f"{row.name}.yaml"
        if path.exists() and not args.force:
            raise CliError(f"{path}: exists; pass --force to replace it")
        write_atomic(path, row.body)
        print(f"exported {row.name} (version {row.version}) to {path}")
    if not rows:
        print("no saved scenarios")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from models.scenario import get_scenario, refuse_shipped_name, save_scenario
    from simulation.files import read_data
    from simulation.scenario import ScenarioError

    # Bases resolve when saving, among the saved and shipped scenarios and the files imported
    # with them (saved first), not among the files that happen to sit beside each file.
    texts: dict[str, tuple[str, str, str | None]] = {}
    problems = []
    for path in args.files:
        try:
            if not Path(path).is_file():
                raise CliError(f"{path}: no such file")
            data = read_data(Path(path))
            text = Path(path).read_text(encoding="utf-8")
            if not _declares_name(text):
                raise CliError(f"{path}: name: missing; saved scenarios need a `name:` line")
            name = str(data["name"])
            refuse_shipped_name(name, source=path)
            if name in texts:
                raise CliError(f"{path}: name: {name!r} is also the name in {texts[name][0]}")
        except (CliError, ScenarioError) as error:
            problems.append(str(error))
            continue
        base = data.get("base")
        texts[name] = (path, text, base if isinstance(base, str) else None)
    if problems:
        raise CliError("\n".join(problems))

    async def save(session: Any) -> list[str]:
        done = []
        for name in _bases_first(texts):
            path, text, _ = texts[name]
            current = await get_scenario(session, name)
            if current is not None and current.body == text:
                # Importing what was exported is a no-op, not a new version (nor a refusal).
                done.append(
                    f"unchanged {name} (version {current.version}): {path} is the saved text"
                )
                continue
            if current is not None and not args.replace:
                raise CliError(
                    f"{path}: scenario {name!r} is already saved (version {current.version}); "
                    "pass --replace to save over it"
                )
            row = await save_scenario(
                session, text, None if current is None else current.version, source=path
            )
            done.append(f"imported {path} as {name} (version {row.version})")
        return done

    for line in asyncio.run(_in_session(settings, save, writes=True)):
        print(line)
    return 0


def _declares_name(text: str) -> bool:
    from simulation.files import parse_text

    return "name" in parse_text(text, source="")


def _bases_first(texts: dict[str, tuple[str, str, str | None]]) -> list[str]:
    # Bases are saved before the scenarios that change them (cycles were refused on load).
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered or name not in texts:
            return
        base = texts[name][2]
        if base is not None:
            visit(base)
        ordered.append(name)

    for name in texts:
        visit(name)
    return ordered


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from models.scenario import list_scenarios

    rows = asyncio.run(_in_session(settings, list_scenarios))

    def draw(console: Console) -> None:
        from rich.table import Table

        table = Table(title="Saved scenarios", title_justify="left")
        for heading in ("name", "version", "title", "updated (UTC)"):
            table.add_column(heading)
        for row in rows:
            table.add_row(row.name, str(row.version), row.title, f"{row.updated_at:%Y-%m-%d %H:%M}")
        console.print(table)

    _render(draw, None)
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from simulation.files import json_schema_text

    _emit(json_schema_text(), args.output)
    return 0


def _api_key(args: argparse.Namespace, settings: Settings) -> int:
    from schema.auth import new_key

    key, digest = new_key()
    print(f"key:  {key}\nhash: {digest}")
    print(
        "Give the key to the client (Authorization: Bearer <key>) and add the hash to "
        "TERRITOIRES_API_KEY_HASHES (comma-separated); the key itself is never stored.",
        file=sys.stderr,
    )
    return 0


# ---- parser ----------------------------------------------------------------------------------


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {raw!r}") from None
    if not (value > 0 and math.isfinite(value)):  # nan, inf and 0 would disable the limit
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {raw!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="territoires",
        description="Territoires d'industrie fund simulator: database and scenario tools.",
        epilog="Exit codes: 0 done, 1 expectations failed or engine error, 2 bad input.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="create, migrate and seed the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    setup = db_commands.add_parser(
        "setup", help="create or migrate the schema and seed it (idempotent)"
    )
    setup.set_defaults(handler=_db_setup)

    def time_limit(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--time-limit",
            type=_seconds,
            metavar="SECONDS",
            help="solver time limit per solve (default: TERRITOIRES_SOLVER_TIME_LIMIT or 30)",
        )

    validate = commands.add_parser(
        "validate",
        help="check scenario files (and with --run, their expect: blocks)",
        description="Check scenario files: format, fields, bases. With --run, also solve each "
        "one and check its expect: block.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--run", action="store_true", help="solve and check expectations")
    time_limit(validate)
    validate.set_defaults(handler=_validate)

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
    time_limit(run)
    run.set_defaults(handler=_run)

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
    time_limit(compare)
    compare.set_defaults(handler=_compare)

    curve = commands.add_parser(
        "curve",
        help="trade-off curve: jobs as one parameter varies",
        description="Solve the scenario for each value of one parameter (warm-started).",
    )
    curve.add_argument("file", metavar="FILE")
    curve.add_argument("--parameter", required=True, choices=CURVE_PARAMETERS)
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
    time_limit(curve)
    curve.set_defaults(handler=_curve)

    export = commands.add_parser(
        "export",
        help="write saved scenarios from the database to files",
        description="Write saved scenarios as YAML files named NAME.yaml (text as saved).",
    )
    export.add_argument("names", nargs="*", metavar="NAME")
    export.add_argument("--all", action="store_true", help="every saved scenario")
    export.add_argument("--dir", required=True, metavar="DIR", help="folder to write into")
    export.add_argument("--force", action="store_true", help="replace existing files")
    export.set_defaults(handler=_export)

    import_ = commands.add_parser(
        "import",
        help="save scenario files into the database",
        description="Save scenario files (bases first) in one transaction: all or none.",
    )
    import_.add_argument("files", nargs="+", metavar="FILE")
    import_.add_argument(
        "--replace", action="store_true", help="save over scenarios already in the database"
    )
    import_.set_defaults(handler=_import)

    list_ = commands.add_parser("list", help="list saved scenarios")
    list_.set_defaults(handler=_list)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="The JSON Schema of the scenario format, for editors "
        "(committed as docs/scenario.schema.json).",
    )
    schema.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    schema.set_defaults(handler=_schema)

    api_key = commands.add_parser(
        "api-key",
        help="make a new API key for mutations and print its hash",
        description="Print a new random API key and the SHA-256 hash to configure on servers.",
    )
    api_key.set_defaults(handler=_api_key)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"territoires: setting {error}", file=sys.stderr)
        return 2
    from sqlalchemy.exc import SQLAlchemyError

    from models.scenario import ScenarioExistsError, ScenarioNotFoundError, StaleScenarioError
    from simulation.errors import EngineError
    from simulation.scenario import ScenarioError

    refused = (ScenarioExistsError, ScenarioNotFoundError, StaleScenarioError, EngineError)
    try:
        return int(args.handler(args, settings))
    except CliError as error:
        print(f"territoires: {error}" if "\n" not in str(error) else error, file=sys.stderr)
        return error.code
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    except refused as error:
        print(f"territoires: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"territoires: database error ({settings.database_url}): {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"territoires: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("territoires: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
