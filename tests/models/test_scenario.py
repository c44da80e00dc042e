import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from data.seed import migrate
from models.base import Base
from models.db import make_engine, make_sessionmaker
from models.scenario import (
    SavedScenario,
    ScenarioExistsError,
    ScenarioInUseError,
    ScenarioNotFoundError,
    StaleScenarioError,
    delete_scenario,
    get_scenario,
    list_scenarios,
    load_saved,
    save_scenario,
)
from simulation.scenario import Scenario, ScenarioError

BODY = """\
version: 1
name: announced
title: As announced
# a comment the planner wrote, kept as written
budget_eur: 400_000_000
constraints: {fragile_share_min: 0.69}
"""


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'scenarios.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all, tables=[SavedScenario.__table__])
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with make_sessionmaker(engine)() as session:
        yield session
        await session.rollback()


async def test_create_keeps_the_text_as_written(session: AsyncSession) -> None:
    row = await save_scenario(session, BODY, None)
    assert (row.name, row.title, row.version, row.body) == ("announced", "As announced", 1, BODY)
    assert [r.name for r in await list_scenarios(session)] == ["announced"]


async def test_create_refuses_an_existing_name(session: AsyncSession) -> None:
    await save_scenario(session, BODY, None)
    with pytest.raises(ScenarioExistsError, match="already exists \\(version 1\\)"):
        await save_scenario(session, BODY, None)


async def test_save_with_the_version_read_bumps_it(session: AsyncSession) -> None:
    await save_scenario(session, BODY, None)
    changed = BODY.replace("0.69", "0.75")
    row = await save_scenario(session, changed, 1)
    assert (row.version, row.body) == (2, changed)
    assert (await load_saved(session, "announced")).constraints.fragile_share_min == 0.75


async def test_save_over_a_newer_version_is_refused(session: AsyncSession) -> None:
    await save_scenario(session, BODY, None)
    await save_scenario(session, BODY.replace("0.69", "0.7"), 1)
    with pytest.raises(StaleScenarioError) as caught:
        await save_scenario(session, BODY.replace("0.69", "0.8"), 1)
    assert str(caught.value) == (
        "scenario 'announced' is at version 2, you read version 1: reload and re-apply your change"
    )
    row = await get_scenario(session, "announced")
    assert row is not None and "0.7}" in row.body


async def test_two_planners_saving_at_once_never_overwrite(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as setup:
        await save_scenario(setup, BODY, None)
        await setup.commit()
    async with sessions() as alice, sessions() as bob:
        read_by_alice = await get_scenario(alice, "announced")
        read_by_bob = await get_scenario(bob, "announced")
        assert read_by_alice is not None and read_by_bob is not None
        alice_read, bob_read = read_by_alice.version, read_by_bob.version
        await alice.rollback()  # end the read transactions, as a web request would
        await bob.rollback()
        await save_scenario(alice, BODY.replace("0.69", "0.7"), alice_read)
        await alice.commit()
        with pytest.raises(StaleScenarioError, match="is at version 2, you read version 1"):
            await save_scenario(bob, BODY.replace("0.69", "0.8"), bob_read)
        await bob.rollback()
    async with sessions() as check:
        row = await get_scenario(check, "announced")
        assert row is not None and (row.version, "0.7}" in row.body) == (2, True)


async def test_save_of_a_missing_scenario_says_so(session: AsyncSession) -> None:
    with pytest.raises(ScenarioNotFoundError, match="no saved scenario named 'announced'"):
        await save_scenario(session, BODY, 3)


async def test_invalid_text_is_not_saved(session: AsyncSession) -> None:
    with pytest.raises(ScenarioError, match=r"constraints\.fragile_share_min: must be between"):
        await save_scenario(session, BODY.replace("0.69", "1.4"), None, source="form")
    assert await list_scenarios(session) == []


async def test_base_resolves_among_saved_scenarios(session: AsyncSession) -> None:
    await save_scenario(session, BODY, None)
    child = Scenario(name="top-up", base="announced", budget_eur=700_000_000)
    row = await save_scenario(session, child, None)
    assert row.version == 1
    with pytest.raises(ScenarioError, match="no scenario named 'missing'"):
        await save_scenario(session, Scenario(name="orphan", base="missing"), None)


async def test_delete_needs_the_current_version(session: AsyncSession) -> None:
    await save_scenario(session, BODY, None)
    await save_scenario(session, BODY, 1)
    with pytest.raises(StaleScenarioError, match="is at version 2, you read version 1"):
        await delete_scenario(session, "announced", 1)
    await delete_scenario(session, "announced", 2)
    assert await get_scenario(session, "announced") is None
    with pytest.raises(ScenarioNotFoundError):
        await delete_scenario(session, "announced", 2)


async def test_shipped_names_are_refused_with_the_source_and_the_name(
    session: AsyncSession,
) -> None:
    text = "version: 1\nname: france-relance-2020\nbudget_eur: 500_000_000\n"
    with pytest.raises(ScenarioError) as caught:
        await save_scenario(session, text, None, source="saved/france-relance-2020.yaml")
    assert str(caught.value) == (
        "saved/france-relance-2020.yaml: name: 'france-relance-2020' is a shipped scenario: "
        "pick another name"
    )
    assert await list_scenarios(session) == []


async def test_bases_resolve_among_saved_and_shipped_scenarios(session: AsyncSession) -> None:
    child = "version: 1\nname: top-up\nbase: france-relance-2020\nbudget_eur: 700_000_000\n"
    await save_scenario(session, child, None)
    loaded = await load_saved(session, "top-up")
    assert (loaded.budget_eur, loaded.constraints.fragile_share_min) == (700_000_000, 0.69)


async def test_a_base_in_use_is_not_deleted(session: AsyncSession) -> None:
    await save_scenario(session, BODY, None)
    for name in ("top-up", "cut"):
        await save_scenario(session, Scenario(name=name, base="announced"), None)
    with pytest.raises(ScenarioInUseError) as caught:
        await delete_scenario(session, "announced", 1)
    assert caught.value.dependants == ("cut", "top-up")
    assert str(caught.value) == (
        "scenario 'announced' is the base of cut, top-up: delete or re-base them first"
    )
    assert await get_scenario(session, "announced") is not None
    await delete_scenario(session, "cut", 1)
    await delete_scenario(session, "top-up", 1)
    await delete_scenario(session, "announced", 1)
    assert await list_scenarios(session) == []


@pytest.fixture
async def announced_on_postgres(
    postgres_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated PostgreSQL database where BODY is saved ("announced", version 1)."""
    engine = make_engine(postgres_url)
    await migrate(engine)
    sessions = make_sessionmaker(engine)
    async with sessions() as setup:
        await save_scenario(setup, BODY, None)
        await setup.commit()
    yield sessions
    await engine.dispose()


async def settle(task: asyncio.Task[None]) -> None:
    # A bound on waiting, not a timing the outcome depends on: with the locks the task waits
    # for the other transaction whatever the delay; without them it has finished by now.
    await asyncio.wait({task}, timeout=2)


@pytest.mark.postgres
async def test_a_base_deleted_while_a_child_is_being_saved_is_refused(
    announced_on_postgres: async_sessionmaker[AsyncSession],
) -> None:
    sessions = announced_on_postgres
    async with sessions() as saver, sessions() as deleter:
        await save_scenario(saver, Scenario(name="top-up", base="announced"), None)
        deleting = asyncio.create_task(delete_scenario(deleter, "announced", 1))
        await settle(deleting)  # the child is not committed yet
        await saver.commit()
        with pytest.raises(ScenarioInUseError, match="is the base of top-up"):
            await deleting
        await deleter.rollback()
    async with sessions() as check:
        assert await get_scenario(check, "announced") is not None


@pytest.mark.postgres
async def test_a_child_saved_while_its_base_is_being_deleted_is_refused(
    announced_on_postgres: async_sessionmaker[AsyncSession],
) -> None:
    sessions = announced_on_postgres
    async with sessions() as saver, sessions() as deleter:
        await delete_scenario(deleter, "announced", 1)
        child = Scenario(name="top-up", base="announced")
        saving = asyncio.create_task(save_scenario(saver, child, None))
        await settle(saving)  # the delete is not committed yet
        await deleter.commit()
        with pytest.raises(ScenarioError, match="base: no scenario named 'announced'"):
            await saving
        await saver.rollback()
    async with sessions() as check:
        assert await get_scenario(check, "top-up") is None
