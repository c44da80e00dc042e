"""`territoires db setup`, and the database as the other commands open it."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.errors import CliError
from settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from simulation.projects import ProjectColumns
    from simulation.scenario import Scenario

NOT_SET_UP = "run `territoires db setup` first"


def add_db(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="create, migrate and seed the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    setup = db_commands.add_parser(
        "setup", help="create or migrate the schema and seed it (idempotent)"
    )
    setup.set_defaults(handler=_setup)


def _setup(args: argparse.Namespace, settings: Settings) -> int:
    from data.seed import setup_database

    report = asyncio.run(setup_database(settings))
    print(report)
    return 0


async def set_up_engine(settings: Settings) -> AsyncEngine:
    """An engine on a database that `db setup` has migrated; CliError otherwise.

    Commands that only read never migrate or seed: an analyst's database role may have no
    right to create tables, and a wrong DATABASE_URL must not leave an empty database behind.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url

    from data.seed import migration_config
    from models.db import async_url, backend, make_engine

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


async def in_session(
    settings: Settings, work: Callable[[Any], Any], *, writes: bool = False
) -> Any:
    """``work(session)`` in one transaction; a command that ``writes`` sets the database up
    first (migrations and seed), one that only reads refuses a database not set up."""
    from data.seed import setup_database
    from models.db import make_engine, make_sessionmaker

    if writes:
        await setup_database(settings)
        engine = make_engine(settings.database_url)
    else:
        engine = await set_up_engine(settings)
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


async def projects_of(settings: Settings, scenarios: Sequence[Scenario]) -> list[ProjectColumns]:
    """The projects each scenario lets compete, from the database (read only)."""
    from models.db import make_sessionmaker
    from models.queries import load_projects

    engine = await set_up_engine(settings)
    cache: dict[Any, ProjectColumns] = {}
    try:
        async with make_sessionmaker(engine)() as session:
            for scenario in scenarios:
                if scenario.projects not in cache:
                    cache[scenario.projects] = await load_projects(session, scenario.projects)
    finally:
        await engine.dispose()
    return [cache[scenario.projects] for scenario in scenarios]
