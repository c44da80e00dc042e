"""Stored jobs: claiming, batches stored with their progress in one transaction, stale heartbeats,
resuming, and a page of rows (on the backend under test, and on PostgreSQL when marked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.seed import migrate
from models import job as stored
from models.db import make_engine, make_sessionmaker
from models.queries import Page
from settings import Settings, SettingsError

KEY = "a" * 64
SPEC = {"scenario": {"name": "x"}, "draws": 10}


async def _sessions(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(url)
    await migrate(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async for made in _sessions(db_url):
        yield made


@pytest.fixture
async def pg_sessions(postgres_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async for made in _sessions(postgres_url):
        yield made


async def _new(sessions: async_sessionmaker[AsyncSession], total: int = 6) -> str:
    async with sessions() as session, session.begin():
        job = await stored.create_job(session, "sweep", KEY, SPEC, total)
    return job.id


async def _job(sessions: async_sessionmaker[AsyncSession], job_id: str) -> stored.Job:
    async with sessions() as session:
        job = await stored.get_job(session, job_id)
    assert job is not None
    return job


async def _lifecycle(sessions: async_sessionmaker[AsyncSession]) -> None:
    job_id = await _new(sessions)
    async with sessions() as session, session.begin():
        assert await stored.active_jobs(session, KEY) == 1
        assert await stored.mark_running(session, job_id)
        assert not await stored.mark_running(session, job_id)  # claimed once only
        await stored.store_batch(session, job_id, {0: {"jobs": 1.5}, 1: {"jobs": 2.5}}, 2)
        await stored.store_batch(session, job_id, {-1: {"hidden": True}}, 2)
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await stored.store_batch(session, job_id, {2: {"jobs": 9.0}}, 3)
            raise RuntimeError("the batch's transaction fails after its rows are written")
    job = await _job(sessions, job_id)
    assert (job.status, job.done, job.total) == ("running", 2, 6)  # the failed batch left nothing
    async with sessions() as session:
        assert await stored.stored_positions(session, job_id) == {-1, 0, 1}
        assert await stored.hidden_rows(session, job_id) == {-1: {"hidden": True}}
        rows, total = await stored.row_page(session, job_id, Page(offset=1, limit=5))
    assert (rows, total) == ([{"jobs": 2.5}], 2)  # hidden rows are never listed

    async with sessions() as session, session.begin():
        with pytest.raises(stored.JobStateError, match="is running"):
            await stored.requeue(session, job_id)
        await stored.finish(session, job_id, "batch 2: failed")
        assert await stored.active_jobs(session, KEY) == 0
    async with sessions() as session, session.begin():
        job = await stored.requeue(session, job_id)
    assert (job.status, job.error, job.done) == ("queued", None, 2)  # its batches kept
    async with sessions() as session, session.begin():
        await stored.mark_running(session, job_id)
        await stored.finish(session, job_id)
    async with sessions() as session, session.begin():
        assert (await _job(sessions, job_id)).status == "done"
        with pytest.raises(stored.JobStateError, match="is done"):
            await stored.requeue(session, job_id)
        with pytest.raises(LookupError):
            await stored.requeue(session, "no-such-job")


async def test_a_job_stores_each_batch_with_its_progress_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _lifecycle(sessions)


@pytest.mark.postgres
async def test_a_job_stores_each_batch_with_its_progress_at_once_on_postgresql(
    pg_sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _lifecycle(pg_sessions)


async def test_only_running_jobs_with_a_stale_heartbeat_are_interrupted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    stale, fresh, done = [await _new(sessions) for _ in range(3)]
    heartbeat_s = 5.0
    long_ago = stored.now() - dt.timedelta(seconds=4 * heartbeat_s)  # 4 beats missed (> 3)
    async with sessions() as session, session.begin():
        for job_id in (stale, fresh, done):
            await stored.mark_running(session, job_id)
        await session.execute(
            update(stored.Job).where(stored.Job.id.in_([stale, done])).values(heartbeat_at=long_ago)
        )
        await stored.finish(session, done)
        assert await stored.interrupt_stale(session, heartbeat_s) == [stale]
    statuses = [(await _job(sessions, j)).status for j in (stale, fresh, done)]
    assert statuses == ["interrupted", "running", "done"]


async def test_rows_page_in_position_order(sessions: async_sessionmaker[AsyncSession]) -> None:
    job_id = await _new(sessions)
    async with sessions() as session, session.begin():
        # Batches finish in any order; the rows are listed by position.
        await stored.store_batch(session, job_id, {4: {"i": 4}, 5: {"i": 5}}, 2)
        await stored.store_batch(session, job_id, {0: {"i": 0}, 1: {"i": 1}}, 4)
        await stored.store_batch(session, job_id, {2: {"i": 2}, 3: {"i": 3}}, 6)
    async with sessions() as session:
        first, total = await stored.row_page(session, job_id, Page(offset=0, limit=4))
        last, _ = await stored.row_page(session, job_id, Page(offset=0, limit=2, from_end=True))
    assert [row["i"] for row in first] == [0, 1, 2, 3] and total == 6
    assert [row["i"] for row in last] == [4, 5]


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("TERRITOIRES_DASK_SCHEDULER", "localhost:8786", "such as tcp://host:8786"),
        ("TERRITOIRES_DASK_SCHEDULER", "tcp://host", "such as tcp://host:8786"),
        ("TERRITOIRES_DASK_SCHEDULER", "tcp://host:99999", "such as tcp://host:8786"),
        ("TERRITOIRES_JOB_MAX_SOLVES", "0", "must be at least 1, got 0"),
        ("TERRITOIRES_JOB_MAX_DRAWS", "many", "must be an integer"),
        ("TERRITOIRES_JOBS_PER_KEY", "0", "must be at least 1, got 0"),
        ("TERRITOIRES_JOB_WORKERS", "0", "must be at least 1, got 0"),
        ("TERRITOIRES_JOB_HEARTBEAT", "0", "must be a positive number"),
    ],
)
def test_bad_job_settings_name_the_variable(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError, match=words) as caught:
        Settings.from_env({name: value})
    assert caught.value.name == name


def test_job_settings_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "TERRITOIRES_DASK_SCHEDULER": "tcp://10.0.0.5:8786",
            "TERRITOIRES_JOB_MAX_SOLVES": "50",
            "TERRITOIRES_JOBS_PER_KEY": "3",
            "TERRITOIRES_JOB_WORKERS": "2",
        }
    )
    assert settings.dask_scheduler == "tcp://10.0.0.5:8786"
    assert (settings.job_max_solves, settings.jobs_per_key, settings.job_workers) == (50, 3, 2)
    defaults = Settings.from_env({})
    assert defaults.dask_scheduler is None and defaults.job_workers is None
    assert (defaults.job_max_solves, defaults.job_max_draws, defaults.jobs_per_key) == (
        2_000,
        1_000_000,
        2,
    )
