"""Migrate the schema (Alembic, migrations/) and seed it: reference geography, the candidate
pool (real laureates and generated candidates, ``data.pool``), the fund, awards.

Idempotent: rows are upserted on their natural keys. A second run with the same reference
files, seed and project count does nothing ("database up to date"). A newer reference folder
updates regions, departments, communes and territories in place and keeps the saved
scenarios. Projects and awards are rebuilt when what they depend on changes
(``data.pool.fingerprint``): the seed, the project count, the generator, the estimation model,
and with laureates their file and the geography that locates them; generated candidates alone
survive a newer geography.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, delete, func, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import models  # noqa: F401  (registers every table on Base.metadata)
from data.generator import GENERATOR_VERSION
from data.geography import Department as DepartmentData
from data.geography import Geography
from data.geography import Region as RegionData
from data.pool import Pool, build_pool
from data.pool import fingerprint as pool_fingerprint
from data.reference import fingerprint, load_geography
from models.base import Base
from models.dataset import Dataset
from models.db import make_engine, make_sessionmaker
from models.fund import Award, Fund
from models.geography import Commune, Department, Region, Territory, TerritoryMember
from models.project import Project
from settings import ROOT, Settings

log = logging.getLogger(__name__)

FUND = {
    "id": "fonds-acceleration",
    "name": "Fonds d'accélération des investissements industriels dans les territoires",
    "budget_eur": 400_000_000,
    "start_year": 2020,
    "end_year": 2022,
}
DATASET = "default"
CHUNK = 5000


MIGRATIONS = ROOT / "migrations"
FIRST_REVISION = "0001"  # the schema create_all built before migrations existed
# Any fixed number: every process setting up the same PostgreSQL database takes this lock.
SETUP_LOCK_KEY = 742_020_400


async def setup_database(settings: Settings) -> str:
    """Migrate to the newest schema and seed; one process at a time (the others wait, then
    find the database up to date)."""
    _make_sqlite_folder(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        async with setup_lock(engine):
            await migrate(engine)
            async with make_sessionmaker(engine)() as session:
                report = await seed(session, settings)
            await _advance_sequences(engine)
            return report
    finally:
        await engine.dispose()


async def _advance_sequences(engine: AsyncEngine) -> None:
    # The seed writes its own ids; on PostgreSQL the id sequences must move past them, or the
    # next row inserted without an id would reuse id 1.
    if engine.dialect.name != "postgresql":
        return
    async with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            column = table.autoincrement_column
            if column is not None:
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"coalesce(max({column.name}), 0) + 1, false) FROM {table.name}"
                    )
                )


@contextlib.asynccontextmanager
async def setup_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold the database's setup lock: a PostgreSQL advisory lock, or on SQLite an exclusive
    lock on a file beside the database (SQLite is on this machine, so a file lock reaches every
    process that opens it)."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            # Held by this connection's transaction: released on rollback, or when a killed
            # worker's connection closes.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK_KEY}
            )
            try:
                yield
            finally:
                await connection.rollback()
        return
    database = engine.url.database
    if database in (None, "", ":memory:"):  # private to this process
        yield
        return
    with open(f"{database}.setup-lock", "a") as lock_file:
        await asyncio.to_thread(fcntl.flock, lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """``alembic upgrade head`` (or to ``revision``) in one transaction, from any folder."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


def migration_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the migrations beside the code; with ``connection``, the
    migrations run on it (in its transaction) rather than on a new one to DATABASE_URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = migration_config(connection)
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables and "dataset" in tables:
        # A database made by create_all before migrations existed: it has the first
        # revision's schema, so record that instead of creating the tables again.
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, revision)


async def seed(session: AsyncSession, settings: Settings) -> str:
    """Seed through ``session`` and commit; returns a report: one line of counts, then, when
    the laureates were read, one line of their counts and one per problem row."""
    data_dir = settings.data_dir
    stamp = fingerprint(data_dir) if data_dir.is_dir() else "synthetic-v1"
    projects_stamp = pool_fingerprint(data_dir, stamp, settings.project_count, settings.seed)
    dataset = await session.get(Dataset, DATASET)
    same_projects = dataset is not None and dataset.projects_fingerprint == projects_stamp
    if dataset is not None and same_projects and dataset.reference_fingerprint == stamp:
        return f"database up to date ({await _counts(session)}, seed {dataset.seed})"

    geography = await asyncio.to_thread(load_geography, data_dir)
    await _upsert_geography(session, geography)
    details: list[str] = []
    if not same_projects:
        pool = await asyncio.to_thread(
            build_pool, geography, data_dir, settings.project_count, settings.seed
        )
        await _replace_projects(session, pool)
        details = [pool.summary, *(p.message for p in pool.problems)]
    await _delete_stale(session, geography)
    if same_projects:
        report = f"updated the geography from {geography.source}; kept {await _counts(session)}"
    else:
        report = f"seeded {await _counts(session)} from {geography.source}"
    await _upsert(
        session,
        Dataset,
        [
            {
                "name": DATASET,
                "source": geography.source,
                "synthetic": geography.synthetic,
                "reference_fingerprint": geography.fingerprint,
                "seed": settings.seed,
                "project_count": settings.project_count,
                "generator_version": GENERATOR_VERSION,
                "projects_fingerprint": projects_stamp,
                "seeded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            }
        ],
        ("name",),
    )
    await session.commit()
    return "\n".join([report, *details])


async def _upsert_geography(session: AsyncSession, geography: Geography) -> None:
    await _upsert(session, Region, [_region(r) for r in geography.regions], ("code",))
    departments = [_department(d) for d in geography.departments]
    await _upsert(session, Department, departments, ("code",))
    communes = [
        {
            "code": c.code,
            "name": c.name,
            "department_code": c.department_code,
            "region_code": c.region_code,
            "epci_siren": c.epci_siren,
            "population": c.population,
            "action_coeur_de_ville": c.action_coeur_de_ville,
            "qpv": c.qpv,
            "density_level": c.density_level,
        }
        for c in geography.communes
    ]
    await _upsert(session, Commune, communes, ("code",))
    territories = [
        {
            "id": t.id,
            "code": t.code,
            "phase": t.phase,
            "name": t.name,
            "region_code": t.region_code,
            "departments": "|".join(t.departments),
            "population": t.population,
        }
        for t in geography.territories
    ]
    await _upsert(session, Territory, territories, ("id",))
    members = [
        {"territory_id": t.id, "siren": m.siren, "name": m.name}
        for t in geography.territories
        for m in t.members
    ]
    await _upsert(session, TerritoryMember, members, ("territory_id", "siren"))


def _region(region: RegionData) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "zone": region.zone}


def _department(department: DepartmentData) -> dict[str, Any]:
    return {"code": department.code, "name": department.name, "region_code": department.region_code}


async def _delete_stale(session: AsyncSession, geography: Geography) -> None:
    """Drop members and territories the reference data no longer has; a territory that still
    holds projects is kept (its awards must not be lost) and logged."""
    current = {t.id for t in geography.territories}
    members = {(t.id, m.siren) for t in geography.territories for m in t.members}
    rows = await session.execute(select(TerritoryMember.territory_id, TerritoryMember.siren))
    for territory_id, siren in rows.all():
        if (territory_id, siren) not in members and territory_id in current:
            await session.execute(
                delete(TerritoryMember).where(
                    TerritoryMember.territory_id == territory_id, TerritoryMember.siren == siren
                )
            )
    stale = set(await session.scalars(select(Territory.id))) - current
    if not stale:
        return
    used: set[str] = set()
    for column in (Project.territory_id, Project.phase2_territory_id):
        used.update(
            tid for tid in await session.scalars(select(column).where(column.in_(stale))) if tid
        )
    if used:
        log.warning(
            "territories %s are gone from the reference data but keep projects", sorted(used)
        )
    removable = stale - used
    await session.execute(
        delete(TerritoryMember).where(TerritoryMember.territory_id.in_(removable))
    )
    await session.execute(delete(Territory).where(Territory.id.in_(removable)))


async def _replace_projects(session: AsyncSession, pool: Pool) -> None:
    await _upsert(session, Region, [_region(r) for r in pool.regions], ("code",))
    await _upsert(session, Department, [_department(d) for d in pool.departments], ("code",))
    await session.execute(delete(Award))
    await session.execute(delete(Project))
    await _upsert(session, Fund, [FUND], ("id",))
    await _insert(session, Project, pool.projects)
    await _insert(session, Award, [{**award, "fund_id": FUND["id"]} for award in pool.awards])


async def _counts(session: AsyncSession) -> str:
    phase = dict(
        (
            await session.execute(select(Territory.phase, func.count()).group_by(Territory.phase))
        ).all()
    )
    projects = await session.scalar(select(func.count()).select_from(Project))
    awards = await session.scalar(select(func.count()).select_from(Award))
    return (
        f"{phase.get(1, 0)}+{phase.get(2, 0)} territories, "
        f"{projects or 0:,} projects, {awards or 0:,} awards"
    )


async def _insert(session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    table = Base.metadata.tables[model.__tablename__]
    for start in range(0, len(rows), CHUNK):
        await session.execute(table.insert(), rows[start : start + CHUNK])


async def _upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    keys: tuple[str, ...],
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, in chunks (SQLite and PostgreSQL)."""
    if not rows:
        return
    dialect = (await session.connection()).dialect.name
    table = Base.metadata.tables[model.__tablename__]
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    changes = {c: statement.excluded[c] for c in rows[0] if c not in keys}
    statement = (
        statement.on_conflict_do_update(index_elements=keys, set_=changes)
        if changes
        else statement.on_conflict_do_nothing(index_elements=keys)
    )
    for start in range(0, len(rows), CHUNK):
        await session.execute(statement, rows[start : start + CHUNK])


def _make_sqlite_folder(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
