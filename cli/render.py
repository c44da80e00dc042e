"""What the commands print: tables for people, CSV and JSON for programs, progress on stderr."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.errors import CliError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from simulation.compare import Comparison
    from simulation.result import Result
    from simulation.scenario import Scenario


def make_console(stream: Any = None) -> Console:
    from rich.console import Console

    stream = sys.stdout if stream is None else stream
    terminal = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if terminal else 120, highlight=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


def emit(text: str, output: str | None) -> None:
    """Print, or write to ``output`` atomically."""
    if output is None:
        sys.stdout.write(text)
        return
    from models.scenario_files import write_atomic

    path = Path(output)
    if not path.parent.is_dir():
        raise CliError(f"{output}: folder {path.parent} does not exist")
    write_atomic(path, text)
    print(f"wrote {output}", file=sys.stderr)


def render(draw: Callable[[Console], None], output: str | None) -> None:
    if output is None:
        draw(make_console())
        return
    buffer = io.StringIO()
    draw(make_console(buffer))
    emit(buffer.getvalue(), output)


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def meur(euros: float) -> str:
    return f"{euros / 1e6:,.1f}"


def signed(value: float, digits: int = 1) -> str:
    rounded = round(value, digits) or 0.0  # no "-0"
    return f"{rounded:+,.{digits}f}"


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for long runs; silent when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    stderr = err_console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        disable=not stderr.is_terminal or total < 2,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)

        def advance(description: str) -> None:
            bar.update(task, advance=1, description=f"{label}: {description}")

        yield advance


def titled_table(title: str, headings: Sequence[str], *, left: str | None = None) -> Table:
    """A titled table whose columns are right-aligned, except ``left`` (a name)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for heading in headings:
        table.add_column(heading, justify="left" if heading == left else "right")
    return table


# ---- run -------------------------------------------------------------------------------------


def draw_run(
    console: Console, scenario: Scenario, result: Result, problems: tuple[str, ...]
) -> None:
    from cli import lever_tables

    console.print(f"[bold]{scenario.name}[/bold]  {scenario.title}")
    console.print(f"status: [bold]{result.status}[/bold]  {result.message}".rstrip())
    console.print(_summary(result))
    if result.robustness is not None:
        console.print(lever_tables.robustness(result.robustness))
    for reason in result.unspent_reasons:
        console.print(f"  unspent: {reason}")
    if result.regions and result.spent_eur > 0:
        console.print(_regions(result))
    if result.binding:
        console.print(_binding(result))
    if result.baselines:
        console.print(_baselines(result))
    if result.criteria:
        console.print(lever_tables.criteria(result))
    if result.funding is not None and result.funding.regions:
        console.print(lever_tables.funding_summary(result.funding))
        listed = [region.code for region in result.regions]
        console.print(lever_tables.funding(result.funding, listed))
    if result.next_in_line:
        console.print(lever_tables.next_in_line(result))
    if result.rounds is not None:
        lever_tables.draw_rounds(console, result.rounds)
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


def _summary(result: Result) -> Table:
    from rich.table import Table

    from cli import lever_tables

    summary = Table(show_header=False, box=None, padding=(0, 2))
    # Laureates' jobs are mostly estimates (docs/data.md): the total is not a published figure.
    summary.add_row(
        "jobs created", f"{result.jobs:,.0f} as declared (from stated and estimated figures)"
    )
    if result.jobs_range is not None:
        summary.add_row("jobs range", lever_tables.jobs_range(result.jobs_range))
    funding = result.funding
    if funding is not None and funding.rule:
        # Regional money comes on top of the State's budget: say whose euros were spent, and
        # left unspent (unspent_eur is the State's).
        offered = sum(region.contribution_eur for region in funding.regions)
        summary.add_row(
            "spent",
            f"{meur(result.spent_eur)} M EUR: {meur(funding.state_eur)} of the State's "
            f"{meur(result.budget_eur)}, {meur(funding.regional_eur)} of the "
            f"{meur(offered)} the regions offer",
        )
        summary.add_row(
            "unspent",
            f"{meur(result.unspent_eur)} M EUR of the State's budget; "
            f"{meur(offered - funding.regional_eur)} M EUR of the regions' offer unused",
        )
    else:
        summary.add_row("spent", f"{meur(result.spent_eur)} M EUR of {meur(result.budget_eur)}")
        summary.add_row("unspent", f"{meur(result.unspent_eur)} M EUR")
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
    return summary


def _regions(result: Result) -> Table:
    from simulation.scenario import REGION_NAMES

    regions = titled_table(
        "By region", ("code", "region", "M EUR", "jobs", "projects"), left="region"
    )
    for region in result.regions:
        regions.add_row(
            region.code,
            REGION_NAMES.get(region.code, region.code),
            meur(region.allocated_eur),
            f"{region.jobs:,.0f}",
            str(region.projects_funded),
        )
    return regions


def _binding(result: Result) -> Table:
    from rich.table import Table

    binding = Table(title="Binding constraints", title_justify="left")
    binding.add_column("constraint")
    binding.add_column("what it costs or buys")
    for constraint in result.binding:
        binding.add_row(constraint.label, constraint.text)
    return binding


def _baselines(result: Result) -> Table:
    headings = ("rule", "jobs", "M EUR", "fragile", "meets constraints", "optimum gains")
    baselines = titled_table("Against simple rules", headings, left="rule")
    for baseline in result.baselines:
        baselines.add_row(
            baseline.label or baseline.name,
            f"{baseline.jobs:,.0f}",
            meur(baseline.spent_eur),
            f"{baseline.fragile_share:.1%}",
            "yes" if baseline.feasible else "no: " + ", ".join(baseline.violations),
            f"{baseline.jobs_gained_by_optimum:+,.0f} jobs",
        )
    return baselines


# ---- compare ---------------------------------------------------------------------------------


def draw_comparison(console: Console, comparison: Comparison) -> None:
    names = comparison.names
    if comparison.inputs:
        inputs = _side_by_side("Inputs that differ", "field", names)
        for diff in comparison.inputs:
            inputs.add_row(diff.path, *(_show_input(v) for v in diff.values))
        console.print(inputs)
    else:
        console.print("Inputs: the scenarios ask the same question.")
    outcomes = _side_by_side(f"Outcomes (deltas against {names[0]})", "outcome", names)
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
    regions = _side_by_side("By region: M EUR allocated / jobs (deltas)", "region", names)
    for region in comparison.regions:
        cells = [f"{meur(region.allocated_eur[0])} / {region.jobs[0]:,.0f}"]
        for i in range(1, len(names)):
            cells.append(
                f"{meur(region.allocated_eur[i])} ({signed(region.allocated_delta_eur[i] / 1e6)})"
                f" / {region.jobs[i]:,.0f} ({signed(region.jobs_delta[i], 0)})"
            )
        regions.add_row(f"{region.code} {region.name}", *cells)
    console.print(regions)


def _side_by_side(title: str, first: str, names: Sequence[str]) -> Table:
    """One row per figure, one column per scenario."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(first, no_wrap=True)
    for name in names:
        table.add_column(name, justify="right", overflow="fold")
    return table


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
        return meur(value)
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}"


def _show_delta(unit: str, delta: float) -> str:
    if unit == "EUR":
        return signed(delta / 1e6)
    if unit == "share":
        return f"{delta * 100:+.1f} pt"
    return signed(delta, 0)


# ---- curve and saved scenarios ---------------------------------------------------------------


def draw_curve(console: Console, title: str, parameter: str, rows: Sequence[Sequence[Any]]) -> None:
    """``rows``: value, status, jobs, euros spent, fragile share, decarbonisation share."""
    headings = (parameter, "status", "jobs", "M EUR spent", "fragile", "decarb.")
    table = titled_table(title, headings)
    for value, status, jobs, spent, fragile, decarb in rows:
        table.add_row(
            f"{value:_.0f}" if parameter == "budget_eur" else f"{value:g}",
            status,
            f"{jobs:,.0f}",
            meur(spent),
            f"{fragile:.1%}",
            f"{decarb:.1%}",
        )
    console.print(table)


def draw_saved(console: Console, rows: Sequence[Any]) -> None:
    from rich.table import Table

    table = Table(title="Saved scenarios", title_justify="left")
    for heading in ("name", "version", "title", "updated (UTC)"):
        table.add_column(heading)
    for row in rows:
        table.add_row(row.name, str(row.version), row.title, f"{row.updated_at:%Y-%m-%d %H:%M}")
    console.print(table)
