from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from models.base import Base
from models.db import make_engine, make_sessionmaker
from models.scenario import (
    SavedScenario,
    ScenarioExistsError,
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
