"""Saved scenarios: `import` files into the database, `export` them back, `list` them."""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import render
from cli.db import in_session
from cli.errors import CliError
from settings import Settings

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

# A file to import: its path, its text and the name of its base (None: no base).
Imported = tuple[str, str, str | None]


# ---- export ----------------------------------------------------------------------------------


def add_export(commands: Commands) -> None:
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


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from models.scenario_files import write_atomic

    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"--dir {args.dir}: not a folder")
    if not args.names and not args.all:
        raise CliError("give scenario names or --all")
    names = None if args.all else args.names
    rows = asyncio.run(in_session(settings, partial(_saved, names=names)))
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


async def _saved(session: Any, names: list[str] | None) -> list[Any]:
    """The saved scenarios called ``names`` (None: all of them); CliError names the missing."""
    from models.scenario import get_scenario, list_scenarios

    if names is None:
        return await list_scenarios(session)
    rows, missing = [], []
    for name in names:
        row = await get_scenario(session, name)
        if row is None:
            missing.append(name)
        else:
            rows.append(row)
    if missing:
        raise CliError(f"no saved scenario named {', '.join(missing)}")
    return rows


# ---- import ----------------------------------------------------------------------------------


def add_import(commands: Commands) -> None:
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


def _import(args: argparse.Namespace, settings: Settings) -> int:
    texts = _read_imports(args.files)
    save = partial(_save_imports, texts=texts, replace=args.replace)
    for line in asyncio.run(in_session(settings, save, writes=True)):
        print(line)
    return 0


def _read_imports(paths: list[str]) -> dict[str, Imported]:
    """The files to import by scenario name; CliError lists every file that cannot be."""
    from models.scenario import SHIPPED, refuse_shipped_name
    from models.scenario_files import Bases, read_data
    from simulation.scenario import ScenarioError

    # Bases resolve when saving, among the saved and shipped scenarios and the files imported
    # with them (saved first), not among the files that happen to sit beside each file.
    texts: dict[str, Imported] = {}
    problems = []
    shipped = Bases(SHIPPED)  # the shipped folder indexed once for every file
    for path in paths:
        try:
            if not Path(path).is_file():
                raise CliError(f"{path}: no such file")
            data = read_data(Path(path))
            text = Path(path).read_text(encoding="utf-8")
            if not _declares_name(text):
                raise CliError(f"{path}: name: missing; saved scenarios need a `name:` line")
            name = str(data["name"])
            refuse_shipped_name(name, source=path, shipped=shipped)
            if name in texts:
                raise CliError(f"{path}: name: {name!r} is also the name in {texts[name][0]}")
        except (CliError, ScenarioError) as error:
            problems.append(str(error))
            continue
        base = data.get("base")
        texts[name] = (path, text, base if isinstance(base, str) else None)
    if problems:
        raise CliError("\n".join(problems))
    return texts


def _declares_name(text: str) -> bool:
    from simulation.files import parse_text

    return "name" in parse_text(text, source="")


async def _save_imports(session: Any, texts: dict[str, Imported], replace: bool) -> list[str]:
    from models.scenario import get_scenario, save_scenario

    done = []
    for name in _bases_first(texts):
        path, text, _ = texts[name]
        current = await get_scenario(session, name)
        if current is not None and current.body == text:
            # Importing what was exported is a no-op, not a new version (nor a refusal).
            done.append(f"unchanged {name} (version {current.version}): {path} is the saved text")
            continue
        if current is not None and not replace:
            raise CliError(
                f"{path}: scenario {name!r} is already saved (version {current.version}); "
                "pass --replace to save over it"
            )
        row = await save_scenario(
            session, text, None if current is None else current.version, source=path
        )
        done.append(f"imported {path} as {name} (version {row.version})")
    return done


def _bases_first(texts: dict[str, Imported]) -> list[str]:
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


# ---- list ------------------------------------------------------------------------------------


def add_list(commands: Commands) -> None:
    list_ = commands.add_parser("list", help="list saved scenarios")
    list_.set_defaults(handler=_list)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from models.scenario import list_scenarios

    rows = asyncio.run(in_session(settings, list_scenarios))
    render.render(partial(render.draw_saved, rows=rows), None)
    return 0
