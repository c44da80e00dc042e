"""Long work stored as jobs: a sweep or a Monte Carlo, its spec, progress and result rows.

A job is queued, then running (its runner touches ``heartbeat_at`` every few seconds), then done
or failed; a running job whose heartbeat stopped (the server went away) is marked interrupted
when a server starts, and may be resumed. Each finished batch of work is stored with the job's
progress in one transaction, so a resumed job redoes only the batches it never stored.

Rows at positions 0, 1, ... are the job's results (``data``: one JSON object each); rows at
negative positions hold a batch's intermediate data (a Monte Carlo's draws) and are never listed.
The functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.queries import Page

KINDS = ("sweep", "monte_carlo")
STATUSES = ("queued", "running", "done", "failed", "interrupted")
ACTIVE = ("queued", "running")
RESUMABLE = ("failed", "interrupted")
STALE_HEARTBEATS = 3  # a running job silent for this many heartbeats has lost its runner


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class JobRow(Base):
    __tablename__ = "job_rows"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class JobStateError(ValueError):
    """The job is not in a state that allows what was asked (resuming a done job, ...)."""


class TooManyJobsError(ValueError):
    def __init__(self, active: int, most: int) -> None:
        super().__init__(f"{active} queued or running jobs for this key, the most it may have")
        self.active = active
        self.most = most


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


async def create_job(
    session: AsyncSession,
    kind: str,
    key_hash: str,
    spec: Mapping[str, Any],
    total: int,
    *,
    max_active: int | None = None,
) -> Job:
    """A queued job; with ``max_active``, TooManyJobsError when the key already has that many
    queued or running (the caller's transaction then rolls back). Two requests of one key at
    once cannot both pass: PostgreSQL locks the key for the transaction; on SQLite the insert
    comes first, and a writer waits for the other to commit before counting."""
    if max_active is not None and session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key_hash))))
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    moment = now()
    job = Job(
        id=str(uuid.uuid4()),
        kind=kind,
        key_hash=key_hash,
        status="queued",
        spec=dict(spec),
        done=0,
        total=total,
        error=None,
        created_at=moment,
        updated_at=moment,
        heartbeat_at=None,
    )
    session.add(job)
    await session.flush()
    if max_active is not None:
        others = await active_jobs(session, key_hash) - 1
        if others >= max_active:
            raise TooManyJobsError(others, max_active)
    return job


async def get_job(session: AsyncSession, job_id: str) -> Job | None:
    statement = select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
    return await session.scalar(statement)


async def active_jobs(session: AsyncSession, key_hash: str) -> int:
    """Queued or running jobs started with this key."""
    count = await session.scalar(
        select(func.count())
        .select_from(Job)
        .where(Job.key_hash == key_hash, Job.status.in_(ACTIVE))
    )
    return int(count or 0)


async def mark_running(session: AsyncSession, job_id: str) -> bool:
    """Claim a queued job for this runner; False when it is not queued (another runner has it)."""
    moment = now()
    claimed = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", heartbeat_at=moment, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def requeue(session: AsyncSession, job_id: str) -> Job:
    """An interrupted or failed job queued again, its stored batches kept (JobStateError
    otherwise, naming its status)."""
    job = await get_job(session, job_id)
    if job is None:
        raise LookupError(f"no job {job_id!r}")
    if job.status not in RESUMABLE:
        raise JobStateError(
            f"job {job_id} is {job.status}: only an interrupted or failed job can be resumed"
        )
    moment = now()
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(RESUMABLE))
        .values(status="queued", error=None, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    job = await get_job(session, job_id)
    assert job is not None
    return job


async def heartbeat(session: AsyncSession, job_id: str) -> None:
    moment = now()
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(heartbeat_at=moment)
        .execution_options(synchronize_session=False)
    )


async def store_batch(
    session: AsyncSession,
    job_id: str,
    rows: Mapping[int, Mapping[str, Any]],
    done: int,
    spec: Mapping[str, Any] | None = None,
) -> None:
    """A finished batch's rows (by position) and the job's progress, written together: call it
    in one transaction so a batch is stored whole or not at all. ``spec``: the job's spec when
    the batch changed it (a Monte Carlo stores its allocation before its first draws)."""
    if rows:
        session.add_all(
            JobRow(job_id=job_id, position=position, data=dict(data))
            for position, data in rows.items()
        )
    moment = now()
    values: dict[str, Any] = {"done": done, "updated_at": moment, "heartbeat_at": moment}
    if spec is not None:
        values["spec"] = dict(spec)
    await session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await session.flush()


async def finish(session: AsyncSession, job_id: str, error: str | None = None) -> None:
    """Mark the job done, or failed with ``error``."""
    await session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status="failed" if error else "done", error=error, updated_at=now())
        .execution_options(synchronize_session=False)
    )


async def interrupt(session: AsyncSession, job_ids: Sequence[str]) -> None:
    """Mark these running (or queued) jobs interrupted: their runner stops."""
    if not job_ids:
        return
    await session.execute(
        update(Job)
        .where(Job.id.in_(job_ids), Job.status.in_(ACTIVE))
        .values(status="interrupted", updated_at=now())
        .execution_options(synchronize_session=False)
    )


async def interrupt_stale(session: AsyncSession, heartbeat_s: float) -> list[str]:
    """Mark interrupted every running job whose heartbeat is older than STALE_HEARTBEATS
    intervals, and every queued job older than that (nobody runs them: a server queues a job and
    starts it at once); their ids."""
    cutoff = now() - dt.timedelta(seconds=STALE_HEARTBEATS * heartbeat_s)
    stale = (
        (Job.status == "running") & ((Job.heartbeat_at < cutoff) | Job.heartbeat_at.is_(None))
    ) | ((Job.status == "queued") & (Job.updated_at < cutoff))
    ids = list(await session.scalars(select(Job.id).where(stale)))
    await interrupt(session, ids)
    return ids


async def stored_positions(session: AsyncSession, job_id: str) -> set[int]:
    found = await session.scalars(select(JobRow.position).where(JobRow.job_id == job_id))
    return set(found)


async def hidden_rows(session: AsyncSession, job_id: str) -> dict[int, dict[str, Any]]:
    """The batches' intermediate rows (negative positions), by position."""
    found = await session.execute(
        select(JobRow.position, JobRow.data).where(JobRow.job_id == job_id, JobRow.position < 0)
    )
    return {position: data for position, data in found.all()}


async def row_page(
    session: AsyncSession, job_id: str, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A page of the job's result rows in position order, and how many it has."""
    listed = (JobRow.job_id == job_id) & (JobRow.position >= 0)
    total = int(await session.scalar(select(func.count()).select_from(JobRow).where(listed)) or 0)
    page = page.within(total)
    found = await session.scalars(
        select(JobRow.data)
        .where(listed)
        .order_by(JobRow.position)
        .offset(page.offset)
        .limit(page.limit)
    )
    return list(found), total
