from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from data.seed import FIRST_REVISION, MIGRATIONS, migrate, migration_config, setup_database
from models.base import Base
from models.db import make_engine
from models.fund import Award
from models.geography import Region
from models.project import Project
from settings import Settings


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _downgrade_to_base(connection: Connection) -> None:
    command.downgrade(migration_config(connection), "base")


async def test_migrations_build_the_schema_of_the_models(engine: AsyncEngine) -> None:
    await migrate(engine)

    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
        tables = await connection.run_sync(_tables)

    assert differences == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


async def test_every_migration_downgrades(engine: AsyncEngine) -> None:
    await migrate(engine)
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_to_base)
        assert await connection.run_sync(_tables) == {"alembic_version"}

    await migrate(engine)  # and back up, from an emptied database
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


def test_the_migrations_have_one_head() -> None:
    script = ScriptDirectory.from_config(migration_config())
    assert script.dir == str(MIGRATIONS)
    assert len(script.get_heads()) == 1, "two migrations revise the same one: merge them"


async def test_a_database_made_before_migrations_is_adopted(engine: AsyncEngine) -> None:
    # What create_all built before migrations existed: the first revision's schema, unstamped.
    await migrate(engine, FIRST_REVISION)
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE alembic_version"))
        await connection.execute(insert(Region).values(code="84", name="ARA", zone="metro"))

    await migrate(engine)

    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        assert (await connection.execute(select(Region.code))).scalars().all() == ["84"]


async def test_ids_continue_after_the_seeded_rows(db_url: str, small_data_dir: Path) -> None:
    await setup_database(Settings(database_url=db_url, data_dir=small_data_dir, project_count=40))
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            seeded = await connection.scalar(select(func.max(Award.id)))
            unawarded = await connection.scalar(
                select(func.min(Project.id)).where(Project.id.not_in(select(Award.project_id)))
            )
            added = await connection.execute(
                insert(Award)
                .values(
                    fund_id="fonds-acceleration",
                    project_id=unawarded,
                    amount_eur=100_000,
                    awarded_on=dt.date(2021, 6, 1),
                    review="second-review",
                )
                .returning(Award.id)
            )
            new_id = added.scalar_one()
    finally:
        await engine.dispose()

    assert seeded is not None and new_id == seeded + 1
