"""Long work stored as jobs: a sweep or a Monte Carlo, its spec, progress and result rows.

A job is queued, then running (its runner touches ``heartbeat_at`` every ``heartbeat_s`` seconds,
the interval of the server running it), then done or failed. A running job silent for
STALE_HEARTBEATS intervals has lost its runner: it counts as interrupted everywhere (a server
marks it so every interval) and may be resumed. A queued or running job may be cancelled by
the key that started it: it has ended (its result rows stay; it is never resumed). Each
claim of a job by a runner is a new ``attempt``; a runner writes only while the job is running
under its own attempt, so two runners never write to one job (the other gets Stopped). Each
finished batch of work is stored with the job's progress in one transaction, so a resumed job
redoes only the batches it never stored.

Rows at positions 0, 1, ... are the job's results (``data``: one JSON object each); rows at
negative positions hold a batch's intermediate data (a Monte Carlo's draws, as raw float64 bytes
in ``draws``), are never listed and are deleted when the job finishes. The functions never
commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

KINDS = ("sweep", "monte_carlo")
STATUSES = ("queued", "running", "done", "failed", "interrupted", "cancelled")
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
    heartbeat_s: Mapped[float] = mapped_column(Float)  # its runner's interval between beats
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # claims by a runner so far


class JobRow(Base):
    __tablename__ = "job_rows"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    draws: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


HEARTBEAT_S = 5.0  # a job's interval between beats when its creator does not say


class JobStateError(ValueError):
    """The job is not in a state that allows what was asked (resuming a done job, ...)."""


class NotYourJobError(PermissionError):
    """The job was started with another API key."""


class Stopped(Exception):
    """The job is no longer running under this runner's attempt (interrupted, resumed by
    another runner, or ended): the runner stops without writing."""


class TooManyJobsError(ValueError):
    def __init__(self, active: int, most: int) -> None:
        super().__init__(f"{active} queued or running jobs for this key, the most it may have")
        self.active = active
        self.most = most


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def is_stale(job: Job, at: dt.datetime) -> bool:
    """A running job silent for STALE_HEARTBEATS of its own intervals, or a queued job that no
    runner claimed for as long (a server starts a job as soon as it queues it)."""
    cutoff = at - dt.timedelta(seconds=STALE_HEARTBEATS * job.heartbeat_s)
    if job.status == "running":
        return job.heartbeat_at is None or job.heartbeat_at < cutoff
    return job.status == "queued" and job.updated_at < cutoff


async def _lock_key(session: AsyncSession, key_hash: str) -> None:
    """Serialise the transactions that count a key's jobs: PostgreSQL locks the key until the
    transaction ends; on SQLite the caller writes first, so a writer waits for the other."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key_hash))))


async def create_job(
    session: AsyncSession,
    kind: str,
    key_hash: str,
    spec: Mapping[str, Any],
    total: int,
    *,
    heartbeat_s: float = HEARTBEAT_S,
    max_active: int | None = None,
    kept: int | None = None,
) -> Job:
    """A queued job; with ``max_active``, TooManyJobsError when the key already has that many
    queued or running (the caller's transaction then rolls back); with ``kept``, the key's
    ended jobs beyond the newest ``kept`` are deleted with their rows."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    await _lock_key(session, key_hash)
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
        heartbeat_s=heartbeat_s,
        attempt=0,
    )
    session.add(job)
    await session.flush()  # on SQLite: written before counting (see _lock_key)
    if max_active is not None:
        others = await active_jobs(session, key_hash, besides=job.id)
        if others >= max_active:
            raise TooManyJobsError(others, max_active)
    if kept is not None:
        await prune(session, key_hash, kept)
    return job


async def get_job(session: AsyncSession, job_id: str) -> Job | None:
    statement = select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
    return await session.scalar(statement)


async def active_jobs(session: AsyncSession, key_hash: str, besides: str | None = None) -> int:
    """Queued or running jobs started with this key, but for stale ones (their runner is gone)
    and ``besides``."""
    found = await session.scalars(
        select(Job)
        .where(Job.key_hash == key_hash, Job.status.in_(ACTIVE))
        .execution_options(populate_existing=True)
    )
    moment = now()
    return sum(1 for job in found if job.id != besides and not is_stale(job, moment))


async def prune(session: AsyncSession, key_hash: str, kept: int) -> None:
    """Delete the key's ended jobs (done, failed, interrupted, cancelled) but the newest
    ``kept``."""
    ended = (Job.key_hash == key_hash) & Job.status.not_in(ACTIVE)
    old = list(
        await session.scalars(
            select(Job.id).where(ended).order_by(Job.created_at.desc(), Job.id).offset(kept)
        )
    )
    if old:  # rows first: SQLite enforces no foreign key, so no cascade either
        await session.execute(delete(JobRow).where(JobRow.job_id.in_(old)))
        await session.execute(delete(Job).where(Job.id.in_(old)))


async def mark_running(
    session: AsyncSession, job_id: str, heartbeat_s: float = HEARTBEAT_S
) -> int | None:
    """Claim a queued job for this runner: its new attempt number, or None when it is not
    queued (another runner has it)."""
    moment = now()
    claimed = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(
            status="running",
            attempt=Job.attempt + 1,
            heartbeat_at=moment,
            heartbeat_s=heartbeat_s,
            updated_at=moment,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await session.scalar(select(Job.attempt).where(Job.id == job_id))


async def requeue(
    session: AsyncSession,
    job_id: str,
    key_hash: str | None = None,
    *,
    heartbeat_s: float = HEARTBEAT_S,
    max_active: int | None = None,
) -> Job:
    """An interrupted or failed job (or a running one whose runner is gone) queued again, its
    stored batches kept. LookupError for an unknown id, NotYourJobError when ``key_hash`` is
    not the key that started it, JobStateError naming its status otherwise (or when another
    request resumed it at the same time), TooManyJobsError past ``max_active``."""
    await _touch(session, job_id)  # a concurrent resume of the job waits for this one
    job = await get_job(session, job_id)
    if job is None:
        raise LookupError(f"no job {job_id!r}")
    if key_hash is not None and job.key_hash != key_hash:
        raise NotYourJobError(f"job {job_id} was started with another API key")
    if job.status not in RESUMABLE and not is_stale(job, now()):
        raise JobStateError(
            f"job {job_id} is {job.status}: only an interrupted or failed job can be resumed"
        )
    if max_active is not None:
        await _lock_key(session, job.key_hash)
        others = await active_jobs(session, job.key_hash, besides=job_id)
        if others >= max_active:
            raise TooManyJobsError(others, max_active)
    requeued = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == job.status, Job.attempt == job.attempt)
        .values(status="queued", error=None, updated_at=now(), heartbeat_s=heartbeat_s)
        .execution_options(synchronize_session=False)
    )
    if requeued.rowcount != 1:  # type: ignore[attr-defined]
        raise JobStateError(f"job {job_id} was resumed by another request at the same time")
    job = await get_job(session, job_id)
    assert job is not None
    return job


async def cancel(session: AsyncSession, job_id: str, key_hash: str | None = None) -> Job:
    """A queued or running job marked cancelled: its runner stops at its next batch or heartbeat
    (Stopped), the rows it stored stay, its hidden rows are deleted (a cancelled job is never
    resumed). LookupError for an unknown id, NotYourJobError when ``key_hash`` is not the key
    that started it, JobStateError naming its status when it has ended."""
    await _touch(session, job_id)  # a concurrent cancel or resume waits for this one
    job = await get_job(session, job_id)
    if job is None:
        raise LookupError(f"no job {job_id!r}")
    if key_hash is not None and job.key_hash != key_hash:
        raise NotYourJobError(f"job {job_id} was started with another API key")
    cancelled = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(ACTIVE))
        .values(status="cancelled", updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if cancelled.rowcount != 1:  # type: ignore[attr-defined]
        raise JobStateError(
            f"job {job_id} is {job.status}: only a queued or running job can be cancelled"
        )
    await session.execute(delete(JobRow).where(JobRow.job_id == job_id, JobRow.position < 0))
    job = await get_job(session, job_id)
    assert job is not None
    return job


async def _touch(session: AsyncSession, job_id: str) -> None:
    """Write the job's row unchanged: the transaction holds it until it ends."""
    await session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(updated_at=Job.updated_at)
        .execution_options(synchronize_session=False)
    )


async def _own(session: AsyncSession, job_id: str, attempt: int, **values: Any) -> None:
    """Update the job while it runs under ``attempt``; Stopped when it no longer does."""
    owned = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running", Job.attempt == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if owned.rowcount != 1:  # type: ignore[attr-defined]
        raise Stopped(f"job {job_id} is no longer running as attempt {attempt}")


async def heartbeat(session: AsyncSession, job_id: str, attempt: int) -> None:
    await _own(session, job_id, attempt, heartbeat_at=now())


async def store_batch(
    session: AsyncSession,
    job_id: str,
    attempt: int,
    rows: Mapping[int, Mapping[str, Any]],
    done: int,
    spec: Mapping[str, Any] | None = None,
    draws: Mapping[int, bytes] | None = None,
) -> None:
    """A finished batch's rows (by position; ``draws``: the raw draws of some of them) and the
    job's progress, written together: call it in one transaction so a batch is stored whole or
    not at all. A row already stored at a position is replaced. ``spec``: the job's spec when
    the batch changed it (a Monte Carlo stores its allocation before its first draws)."""
    moment = now()
    values: dict[str, Any] = {"done": done, "updated_at": moment, "heartbeat_at": moment}
    if spec is not None:
        values["spec"] = dict(spec)
    await _own(session, job_id, attempt, **values)
    if rows:
        await session.execute(
            delete(JobRow).where(JobRow.job_id == job_id, JobRow.position.in_(list(rows)))
        )
        session.add_all(
            JobRow(job_id=job_id, position=p, data=dict(data), draws=(draws or {}).get(p))
            for p, data in rows.items()
        )
    await session.flush()


async def finish(
    session: AsyncSession, job_id: str, attempt: int, error: str | None = None
) -> None:
    """Mark the job done (its hidden rows deleted: they served their batches), or failed with
    ``error`` (they stay, for a resume)."""
    await _own(session, job_id, attempt, status="failed" if error else "done", error=error,
               updated_at=now())  # fmt: skip
    if error is None:
        await session.execute(delete(JobRow).where(JobRow.job_id == job_id, JobRow.position < 0))


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


async def interrupt_stale(session: AsyncSession) -> list[str]:
    """Mark interrupted every stale job (is_stale, by each job's own interval); their ids."""
    active = await session.scalars(
        select(Job).where(Job.status.in_(ACTIVE)).execution_options(populate_existing=True)
    )
    moment = now()
    ids = sorted(job.id for job in active if is_stale(job, moment))
    await interrupt(session, ids)
    return ids


async def stored_positions(session: AsyncSession, job_id: str) -> set[int]:
    found = await session.scalars(select(JobRow.position).where(JobRow.job_id == job_id))
    return set(found)


async def hidden_rows(
    session: AsyncSession, job_id: str
) -> dict[int, tuple[dict[str, Any], bytes]]:
    """The batches' intermediate rows (negative positions) by position: data and raw draws."""
    found = await session.execute(
        select(JobRow.position, JobRow.data, JobRow.draws).where(
            JobRow.job_id == job_id, JobRow.position < 0
        )
    )
    return {position: (data, draws or b"") for position, data, draws in found.all()}


async def row_page(
    session: AsyncSession, job_id: str, after: int | None, first: int
) -> tuple[list[tuple[int, dict[str, Any]]], int, bool]:
    """Up to ``first`` result rows (position, data) after position ``after``, in position order;
    how many the job has; whether more follow. Keyed by position, not offset: a row stored
    meanwhile before ``after`` never shifts the next page."""
    listed = (JobRow.job_id == job_id) & (JobRow.position >= 0)
    total = int(await session.scalar(select(func.count()).select_from(JobRow).where(listed)) or 0)
    if after is not None:
        listed &= JobRow.position > after
    found = await session.execute(
        select(JobRow.position, JobRow.data)
        .where(listed)
        .order_by(JobRow.position)
        .limit(first + 1)
    )
    rows = [(position, data) for position, data in found.all()]
    return rows[:first], total, len(rows) > first
