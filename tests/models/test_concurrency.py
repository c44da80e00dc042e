"""Many clients at once: scenario saves from separate connections, database setups racing."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.seed import migrate, setup_database, setup_lock
from models.db import make_engine, make_sessionmaker
from models.project import Project
from models.scenario import (
    SavedScenario,
    ScenarioExistsError,
    StaleScenarioError,
    get_scenario,
    save_scenario,
)
from settings import Settings

WRITERS = 20
NAMES = ("alpha", "beta", "gamma")
ROUNDS = 3

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    postgres_url: str = request.getfixturevalue("postgres_url")
    return postgres_url


@pytest.fixture
async def sessions(url: str) -> AsyncIterator[Sessions]:
    # One connection per writer, as if each were a separate worker process.
    engine = make_engine(url, pool_size=WRITERS, max_overflow=0)
    await migrate(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


def scenario(name: str, notes: str = "") -> str:
    return f"version: 1\nname: {name}\ntitle: Scenario {name}\nbudget_eur: 400_000_000\n{notes}"


async def create(sessions: Sessions, *names: str) -> None:
    # Plain rows: creation through save_scenario is tested on its own below.
    now = dt.datetime(2024, 1, 1)
    async with sessions() as session:
        session.add_all(SavedScenario(name=n, body=scenario(n), updated_at=now) for n in names)
        await session.commit()


async def read(sessions: Sessions, name: str) -> tuple[int, str]:
    async with sessions() as session:
        row = await get_scenario(session, name)
        assert row is not None
        return row.version, row.body


async def test_concurrent_saves_land_or_are_refused_and_none_vanishes(sessions: Sessions) -> None:
    await create(sessions, *NAMES)
    landed: dict[str, dict[int, str]] = defaultdict(dict)  # name -> version -> body saved
    refused: list[tuple[int, int]] = []
    # Every writer reads, then all save at once: the read versions are the same for everyone
    # on a name, so each round exactly one save per name can land.
    everyone_read, everyone_saved = asyncio.Barrier(WRITERS), asyncio.Barrier(WRITERS)

    async def writer(number: int) -> None:
        for round_ in range(ROUNDS):
            name = NAMES[(number + round_) % len(NAMES)]
            version, body = await read(sessions, name)
            await everyone_read.wait()
            mine = body + f"# writer {number:02d}, round {round_}\n"
            async with sessions() as session:
                try:
                    row = await save_scenario(session, mine, version)
                    await session.commit()
                except StaleScenarioError as error:
                    await session.rollback()
                    refused.append((error.expected, error.current))
                else:
                    assert row.version == version + 1 and row.body == mine
                    assert row.version not in landed[name], "two saves got the same version"
                    landed[name][row.version] = mine
            await everyone_saved.wait()

    await asyncio.gather(*(writer(number) for number in range(WRITERS)))

    assert sum(map(len, landed.values())) + len(refused) == WRITERS * ROUNDS
    assert all(current > expected for expected, current in refused)
    for name in NAMES:
        final_version, final_body = await read(sessions, name)
        assert sorted(landed[name]) == list(range(2, ROUNDS + 2)), name  # one per round, no gap
        assert final_version == ROUNDS + 1
        assert final_body == landed[name][final_version]
        # Each landed save was made over the one before it: the history is in the body.
        assert all(landed[name][v - 1] in landed[name][v] for v in range(3, final_version + 1))


async def test_writers_that_reload_after_a_refusal_lose_no_change(sessions: Sessions) -> None:
    await create(sessions, "shared")
    first_reads = asyncio.Barrier(WRITERS)

    async def writer(number: int) -> int:
        for attempt in range(1, WRITERS + 1):
            version, body = await read(sessions, "shared")
            if attempt == 1:
                await first_reads.wait()
            async with sessions() as session:
                try:
                    await save_scenario(session, body + f"# writer {number:02d}\n", version)
                    await session.commit()
                    return attempt
                except StaleScenarioError:
                    await session.rollback()
        raise AssertionError(f"writer {number} never landed")

    attempts = await asyncio.gather(*(writer(number) for number in range(WRITERS)))

    version, body = await read(sessions, "shared")
    assert version == WRITERS + 1
    assert sorted(line for line in body.splitlines() if line.startswith("# writer")) == [
        f"# writer {number:02d}" for number in range(WRITERS)
    ]
    assert sum(attempts) >= WRITERS + WRITERS - 1  # all but one refused at least once


async def test_concurrent_creations_of_one_name_make_one_row(sessions: Sessions) -> None:
    ready = asyncio.Barrier(WRITERS)

    async def writer(number: int) -> str:
        async with sessions() as session:
            await ready.wait()
            try:
                await save_scenario(session, scenario("same", f"# by {number}\n"), None)
                await session.commit()
                return "created"
            except ScenarioExistsError:
                await session.rollback()
                return "exists"

    outcomes = await asyncio.gather(*(writer(number) for number in range(WRITERS)))

    assert sorted(outcomes) == ["created"] + ["exists"] * (WRITERS - 1)
    assert (await read(sessions, "same"))[0] == 1


@pytest.fixture
def settings(db_url: str, small_data_dir: Path) -> Settings:
    return Settings(database_url=db_url, data_dir=small_data_dir, project_count=60)


async def test_setups_racing_seed_once(settings: Settings) -> None:
    reports = await asyncio.gather(*(setup_database(settings) for _ in range(3)))

    assert sorted(report.split(" ")[0] for report in reports) == ["database", "database", "seeded"]
    assert await count_projects(settings.database_url) == 60


async def test_setup_waits_for_the_setup_lock(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        async with setup_lock(engine):
            setup = asyncio.create_task(setup_database(settings))
            await asyncio.sleep(0.5)
            assert not setup.done()
        report = await setup
    finally:
        await engine.dispose()

    assert report.startswith("seeded")
    assert await count_projects(settings.database_url) == 60


async def count_projects(url: str) -> int:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(Project)) or 0)
    finally:
        await engine.dispose()
