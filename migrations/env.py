"""Alembic environment: the project's models and naming convention, DATABASE_URL's database.

`territoires db setup` passes its own connection (config.attributes["connection"]), so the
migrations run in its transaction, under its setup lock; the `alembic` command opens one itself.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

import models  # noqa: F401  (registers every table on Base.metadata)
from models.base import Base
from models.db import async_url, backend, make_engine
from settings import Settings

config = context.config


def _configure(dialect: str, **options: object) -> None:
    context.configure(
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite alters a table by copying it: batch mode does that for each ALTER.
        render_as_batch=dialect == "sqlite",
        **options,
    )


def run_on(connection: Connection) -> None:
    _configure(connection.dialect.name, connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_online(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


def url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


if config.config_file_name is not None:
    fileConfig(config.config_file_name)

if context.is_offline_mode():  # alembic upgrade head --sql: print the SQL for a DBA
    _configure(backend(url()), url=async_url(url()), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    run_on(connection)
else:
    asyncio.run(run_online(url()))
