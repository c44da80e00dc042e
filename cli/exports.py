"""`--export PATH.xlsx|PATH.csv` of `run` and `compare`: the result or the comparison as the
API's export URLs give it (exports/), in French or, with `--lang en`, in English; written to a
temporary file then renamed, so a failure leaves no half-written file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from sqlalchemy.ext.asyncio import AsyncSession

    from exports.cells import Names, Stamp
    from exports.tables import Table
    from simulation.compare import Comparison
    from simulation.projects import ProjectColumns
    from simulation.result import Result
    from simulation.scenario import Scenario

SUFFIXES = (".xlsx", ".csv")


def export_path(raw: str) -> Path:
    """The --export argument: a .xlsx or .csv file in a folder that exists (checked before any
    solve)."""
    path = Path(raw)
    if path.suffix.lower() not in SUFFIXES:
        raise argparse.ArgumentTypeError(f"give a .xlsx or .csv file name, got {raw!r}")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"{raw}: folder {path.parent} does not exist")
    return path


def add_export(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(
        "--export",
        type=export_path,
        metavar="PATH.xlsx|PATH.csv",
        help=f"also write {what} as an Excel workbook or a CSV file for Excel (by the suffix)",
    )
    command.add_argument(
        "--lang",
        choices=("fr", "en"),
        default="fr",
        help="words of the --export file: French (default) or English",
    )


def export_run(
    args: argparse.Namespace,
    settings: Settings,
    scenario: Scenario,
    projects: ProjectColumns,
    result: Result,
) -> None:
    """With --export, the result's tables (an infeasible one's conflicts and relaxations)."""
    if args.export is None:
        return
    from exports.names import result_names
    from exports.tables import result_tables

    lang = _lang(args.lang)

    async def read(session: AsyncSession) -> Names:
        return await result_names(session, result, projects)

    names, stamp = asyncio.run(_read(settings, read))
    _write(args.export, result_tables(scenario, result, projects, names, stamp, lang), lang)


def export_comparison(args: argparse.Namespace, settings: Settings, comparison: Comparison) -> None:
    """With --export, the comparison's tables."""
    if args.export is None:
        return
    from exports.names import comparison_names
    from exports.tables import comparison_tables

    lang = _lang(args.lang)

    async def read(session: AsyncSession) -> Names:
        return await comparison_names(session, comparison)

    names, _ = asyncio.run(_read(settings, read))
    _write(args.export, comparison_tables(comparison, names, lang), lang)


async def _read(
    settings: Settings, read: Callable[[AsyncSession], Awaitable[Names]]
) -> tuple[Names, Stamp]:
    """The names the tables show and the dataset's stamp, from the database (read only)."""
    from cli.db import set_up_engine
    from exports.names import stamp
    from models.db import make_sessionmaker

    engine = await set_up_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            return await read(session), await stamp(session)
    finally:
        await engine.dispose()


def _lang(raw: str) -> Literal["fr", "en"]:
    return "en" if raw == "en" else "fr"


def _write(path: Path, tables: list[Table], lang: Literal["fr", "en"]) -> None:
    from exports.csvfile import csv_bytes
    from exports.workbook import workbook_bytes
    from models.scenario_files import write_atomic

    body = csv_bytes(tables, lang) if path.suffix.lower() == ".csv" else workbook_bytes(tables)
    write_atomic(path, body)
    print(f"wrote {path}", file=sys.stderr)
