"""Stored jobs: claiming, batches stored with their progress in one transaction, stale heartbeats,
resuming, and a page of rows (on the backend under test, and on PostgreSQL when marked)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from data.seed import migrate
from models import job as stored
from models.db import make_engine, make_sessionmaker
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
        attempt = await stored.mark_running(session, job_id)
        assert attempt == 1
        assert await stored.mark_running(session, job_id) is None  # claimed once only
        await stored.store_batch(session, job_id, attempt, {0: {"jobs": 1.5}, 1: {"jobs": 2.5}}, 2)
        await stored.store_batch(session, job_id, attempt, {-1: {"batch": 0}}, 2, draws={-1: b"x"})
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await stored.store_batch(session, job_id, attempt, {2: {"jobs": 9.0}}, 3)
            raise RuntimeError("the batch's transaction fails after its rows are written")
    job = await _job(sessions, job_id)
    assert (job.status, job.done, job.total) == ("running", 2, 6)  # the failed batch left nothing
    async with sessions() as session:
        assert await stored.stored_positions(session, job_id) == {-1, 0, 1}
        assert await stored.hidden_rows(session, job_id) == {-1: ({"batch": 0}, b"x")}
        rows, total, more = await stored.row_page(session, job_id, 0, 5)
    assert (rows, total, more) == ([(1, {"jobs": 2.5})], 2, False)  # hidden rows never listed

    async with sessions() as session, session.begin():
        with pytest.raises(stored.JobStateError, match="is running"):
            await stored.requeue(session, job_id)
        await stored.finish(session, job_id, attempt, "batch 2: failed")
        assert await stored.active_jobs(session, KEY) == 0
    async with sessions() as session, session.begin():
        job = await stored.requeue(session, job_id)
    assert (job.status, job.error, job.done) == ("queued", None, 2)  # its batches kept
    async with sessions() as session:
        assert await stored.stored_positions(session, job_id) == {-1, 0, 1}  # the draws too
    async with sessions() as session, session.begin():
        attempt = await stored.mark_running(session, job_id)
        assert attempt == 2
        # A row stored again (a resume redoing the last batch) replaces the stored one.
        await stored.store_batch(session, job_id, attempt, {1: {"jobs": 3.5}}, 2)
        await stored.finish(session, job_id, attempt)
    async with sessions() as session, session.begin():
        assert (await _job(sessions, job_id)).status == "done"
        assert await stored.stored_positions(session, job_id) == {0, 1}  # draws deleted at the end
        assert (await stored.row_page(session, job_id, None, 5))[0][1] == (1, {"jobs": 3.5})
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


async def _silent_for(
    sessions: async_sessionmaker[AsyncSession], job_ids: list[str], seconds: float
) -> None:
    long_ago = stored.now() - dt.timedelta(seconds=seconds)
    async with sessions() as session, session.begin():
        await session.execute(
            update(stored.Job).where(stored.Job.id.in_(job_ids)).values(heartbeat_at=long_ago)
        )


async def test_only_running_jobs_with_a_stale_heartbeat_are_interrupted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    stale, fresh, done, slow = [await _new(sessions) for _ in range(4)]
    async with sessions() as session, session.begin():
        for job_id in (stale, fresh, done):
            await stored.mark_running(session, job_id, heartbeat_s=5.0)
        await stored.mark_running(session, slow, heartbeat_s=60.0)  # a server beating slowly
        await stored.finish(session, done, 1)
    # 20 s silent: 4 beats of 5 s missed (> 3), a third of one of 60 s.
    await _silent_for(sessions, [stale, done, slow], 20.0)
    async with sessions() as session, session.begin():
        assert await stored.active_jobs(session, KEY) == 2  # the stale one no longer counts
        assert await stored.interrupt_stale(session) == [stale]
    statuses = [(await _job(sessions, j)).status for j in (stale, fresh, done, slow)]
    assert statuses == ["interrupted", "running", "done", "running"]


async def test_a_running_job_whose_runner_went_silent_is_resumed_and_its_runner_stopped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    job_id = await _new(sessions)
    async with sessions() as session, session.begin():
        first = await stored.mark_running(session, job_id, heartbeat_s=5.0)
    assert first == 1
    await _silent_for(sessions, [job_id], 20.0)  # no server marked it interrupted yet
    async with sessions() as session, session.begin():
        assert (await stored.requeue(session, job_id)).status == "queued"
        second = await stored.mark_running(session, job_id)
    assert second == 2
    # The first runner comes back: every write of its attempt is refused, none lands.
    for write in (
        lambda s: stored.heartbeat(s, job_id, first),
        lambda s: stored.store_batch(s, job_id, first, {0: {"jobs": 1.0}}, 1),
        lambda s: stored.finish(s, job_id, first),
    ):
        with pytest.raises(stored.Stopped):
            async with sessions() as session, session.begin():
                await write(session)
    job = await _job(sessions, job_id)
    assert (job.status, job.attempt, job.done) == ("running", 2, 0)
    async with sessions() as session, session.begin():
        assert await stored.stored_positions(session, job_id) == set()
        await stored.store_batch(session, job_id, second, {0: {"jobs": 1.0}}, 1)  # its own


async def _two_resumes_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    job_id = await _new(sessions)
    async with sessions() as session, session.begin():
        await stored.interrupt(session, [job_id])

    async def resume() -> str:
        try:
            async with sessions() as session, session.begin():
                return (await stored.requeue(session, job_id, KEY)).status
        except stored.JobStateError as error:
            return str(error)

    outcomes = sorted(await asyncio.gather(resume(), resume()))
    assert outcomes[1] == "queued", outcomes  # one wins
    assert outcomes[0].startswith(f"job {job_id} ") and "queued" in outcomes[0], outcomes


async def test_of_two_resumes_at_once_one_wins(sessions: async_sessionmaker[AsyncSession]) -> None:
    for _ in range(5):  # the two transactions interleave differently from round to round
        await _two_resumes_at_once(sessions)


@pytest.mark.postgres
async def test_of_two_resumes_at_once_one_wins_on_postgresql(
    pg_sessions: async_sessionmaker[AsyncSession],
) -> None:
    for _ in range(5):
        await _two_resumes_at_once(pg_sessions)


async def test_a_resume_is_refused_to_another_key_and_past_the_keys_limit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    job_id, busy = await _new(sessions), await _new(sessions)
    async with sessions() as session, session.begin():
        await stored.interrupt(session, [job_id])
    async with sessions() as session, session.begin():
        with pytest.raises(stored.NotYourJobError, match="another API key"):
            await stored.requeue(session, job_id, "b" * 64)
        with pytest.raises(stored.TooManyJobsError) as caught:
            await stored.requeue(session, job_id, KEY, max_active=1)  # `busy` is queued
    assert (caught.value.active, caught.value.most) == (1, 1)
    assert (await _job(sessions, job_id)).status == "interrupted"
    async with sessions() as session, session.begin():
        await stored.interrupt(session, [busy])
        assert (await stored.requeue(session, job_id, KEY, max_active=1)).status == "queued"


async def test_a_new_job_deletes_the_oldest_ended_ones_of_its_key_beyond_those_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ended = [await _new(sessions) for _ in range(3)]
    async with sessions() as session, session.begin():
        for job_id in ended:
            attempt = await stored.mark_running(session, job_id)
            assert attempt is not None
            await stored.store_batch(session, job_id, attempt, {0: {"i": 0}}, 1)
            await stored.finish(session, job_id, attempt)
        other = await stored.create_job(session, "sweep", "b" * 64, SPEC, 1)
        await stored.interrupt(session, [other.id])
    running = await _new(sessions)
    async with sessions() as session, session.begin():
        newest = await stored.create_job(session, "sweep", KEY, SPEC, 1, kept=2)
    async with sessions() as session:
        left = set(await session.scalars(select(stored.Job.id)))
        orphans = await session.scalar(
            select(func.count()).select_from(stored.JobRow).where(stored.JobRow.job_id == ended[0])
        )
    # 2 ended jobs of the key kept (the newest two), its active ones and the other key's kept.
    assert left == {ended[1], ended[2], running, newest.id, other.id}
    assert orphans == 0  # the deleted job's rows went with it


async def test_rows_page_by_position(sessions: async_sessionmaker[AsyncSession]) -> None:
    job_id = await _new(sessions)
    async with sessions() as session, session.begin():
        attempt = await stored.mark_running(session, job_id)
        assert attempt is not None
        # Batches finish in any order; the rows are listed by position.
        await stored.store_batch(session, job_id, attempt, {4: {"i": 4}, 5: {"i": 5}}, 2)
        await stored.store_batch(session, job_id, attempt, {0: {"i": 0}, 1: {"i": 1}}, 4)
    async with sessions() as session:
        first, total, more = await stored.row_page(session, job_id, None, 3)
    assert ([p for p, _ in first], total, more) == ([0, 1, 4], 4, True)
    async with sessions() as session, session.begin():  # rows 2 and 3 arrive after page 1
        await stored.store_batch(session, job_id, attempt, {2: {"i": 2}, 3: {"i": 3}}, 6)
    async with sessions() as session:
        second, total, more = await stored.row_page(session, job_id, 4, 3)
    assert ([p for p, _ in second], total, more) == ([5], 6, False)  # after 4: never 4 again


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
        ("TERRITOIRES_JOBS_KEPT_PER_KEY", "-1", "must be at least 0, got -1"),
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
            "TERRITOIRES_JOBS_KEPT_PER_KEY": "5",
        }
    )
    assert settings.jobs_kept_per_key == 5 and Settings.from_env({}).jobs_kept_per_key == 20
    assert settings.dask_scheduler == "tcp://10.0.0.5:8786"
    assert (settings.job_max_solves, settings.jobs_per_key, settings.job_workers) == (50, 3, 2)
    defaults = Settings.from_env({})
    assert defaults.dask_scheduler is None and defaults.job_workers is None
    assert (defaults.job_max_solves, defaults.job_max_draws, defaults.jobs_per_key) == (
        2_000,
        1_000_000,
        2,
    )


async def _cancelled(sessions: async_sessionmaker[AsyncSession]) -> None:
    queued, running, done = [await _new(sessions) for _ in range(3)]
    async with sessions() as session, session.begin():
        attempt = await stored.mark_running(session, running, heartbeat_s=5.0)
        assert attempt is not None
        await stored.store_batch(session, running, attempt, {0: {"i": 0}, 1: {"i": 1}}, 2)
        await stored.store_batch(session, running, attempt, {-1: {"batch": 0}}, 2, draws={-1: b"x"})
        finished = await stored.mark_running(session, done)
        assert finished is not None
        await stored.finish(session, done, finished)
    async with sessions() as session, session.begin():
        with pytest.raises(stored.NotYourJobError, match="another API key"):
            await stored.cancel(session, running, "b" * 64)
        with pytest.raises(LookupError):
            await stored.cancel(session, "no-such-job", KEY)
        assert (await stored.cancel(session, queued, KEY)).status == "cancelled"
        job = await stored.cancel(session, running, KEY)
    assert (job.status, job.done) == ("cancelled", 2)
    # The runner's next writes are refused: no batch lands after the cancel, no end either.
    for write in (
        lambda s: stored.heartbeat(s, running, attempt),
        lambda s: stored.store_batch(s, running, attempt, {2: {"i": 2}}, 3),
        lambda s: stored.finish(s, running, attempt),
    ):
        with pytest.raises(stored.Stopped):
            async with sessions() as session, session.begin():
                await write(session)
    async with sessions() as session:
        # The rows stored before stay readable; the hidden ones go (never resumed).
        assert await stored.stored_positions(session, running) == {0, 1}
        assert await stored.row_page(session, running, None, 5) == (
            [(0, {"i": 0}), (1, {"i": 1})],
            2,
            False,
        )
        assert await stored.active_jobs(session, KEY) == 0  # ended: not counted
    # Silent for long, a server stopping, a second cancel, a resume: it stays cancelled.
    await _silent_for(sessions, [queued, running], 3600.0)
    async with sessions() as session, session.begin():
        assert await stored.interrupt_stale(session) == []
        await stored.interrupt(session, [queued, running])
    for job_id, status in ((running, "cancelled"), (done, "done")):
        async with sessions() as session, session.begin():
            with pytest.raises(stored.JobStateError, match=f"job {job_id} is {status}: only a"):
                await stored.cancel(session, job_id, KEY)
    async with sessions() as session, session.begin():
        with pytest.raises(stored.JobStateError, match="is cancelled"):
            await stored.requeue(session, queued, KEY)
    statuses = [(await _job(sessions, j)).status for j in (queued, running, done)]
    assert statuses == ["cancelled", "cancelled", "done"]
    async with sessions() as session, session.begin():  # an ended job: pruned like the others
        await stored.create_job(session, "sweep", KEY, SPEC, 1, kept=0)
        left = set(await session.scalars(select(stored.Job.id)))
    assert not left & {queued, running, done}


async def test_a_cancelled_job_keeps_its_rows_and_stops_its_runner(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _cancelled(sessions)


@pytest.mark.postgres
async def test_a_cancelled_job_keeps_its_rows_and_stops_its_runner_on_postgresql(
    pg_sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _cancelled(pg_sessions)
