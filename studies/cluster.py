"""The Dask cluster a study runs on: a local one started here, or a running scheduler."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from studies.errors import StudyError

if TYPE_CHECKING:
    from distributed import Client

    from simulation.projects import ProjectColumns

T = TypeVar("T")
SCHEDULER_SETTING = "TERRITOIRES_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 10.0
RETRIES = 2  # a failed task is run again this many times before its batch is said to fail


@contextmanager
def client(
    address: str | None = None,
    *,
    workers: int | None = None,
    timeout_s: float | None = None,
) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (e.g. tcp://host:8786), or with None of a
    local cluster of ``workers`` processes (default: this machine's cores), one thread each
    (the engine's solves hold the GIL), closed on leaving. A scheduler that does not answer
    within ``timeout_s`` (default CONNECT_TIMEOUT_S) is a StudyError naming the setting."""
    from distributed import Client, LocalCluster

    if address is None:
        count = (os.cpu_count() or 1) if workers is None else workers
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise StudyError("workers", f"must be at least 1, got {count!r}")
        with _sigint_ignored():  # the worker processes start, and keep, SIGINT ignored:
            cluster = LocalCluster(  # Ctrl-C stops this process, not each worker loudly
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # No dashboard; the scheduler's small HTTP server (health checks) on a free port
                # rather than 8787, which another cluster on this machine may hold.
                scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
            )
        with cluster, Client(cluster) as local:
            yield local
        return
    try:
        remote = Client(address, timeout=CONNECT_TIMEOUT_S if timeout_s is None else timeout_s)
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StudyError(
            SCHEDULER_SETTING, f"cannot reach the Dask scheduler at {address}: {reason}"
        ) from None
    with remote:
        yield remote


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored inside, then the handler before restored (only the main thread may)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        if before is not None:  # None: a handler not set from Python, left as it was
            signal.signal(signal.SIGINT, before)


def map_batches(
    client: Client,
    task: Callable[..., T],
    scenario_data: dict[str, Any],
    projects: ProjectColumns,
    names: Sequence[str],
    batches: Mapping[int, Sequence[Any]],
    *extra: object,
    **options: object,
) -> Iterator[tuple[int, T]]:
    """``task(scenario_data, projects, names, batch, *extra, **options)`` for each batch, as
    (batch number, its result) in the order they finish.

    The projects are sent to every worker once, not with each task. Each task is retried
    RETRIES times (a lost worker's tasks are rescheduled by Dask itself, up to
    distributed.scheduler.allowed-failures times); a batch that still
    fails is reported once every other batch is done: StudyError("batch N", cause). Leaving the
    loop early cancels the tasks not yet done."""
    from distributed import as_completed

    if not batches:
        return
    try:
        [scattered] = client.scatter([projects], broadcast=True, hash=False)
    except TimeoutError as error:  # the scheduler waits for a worker, then gives up
        raise StudyError(
            SCHEDULER_SETTING, f"the Dask cluster has no worker to run on: {error}"
        ) from None
    futures = {
        client.submit(
            task,
            scenario_data,
            scattered,
            names,
            batch,
            *extra,
            retries=RETRIES,
            pure=False,
            **options,
        ): b
        for b, batch in batches.items()
    }
    failed: list[tuple[int, str]] = []
    try:
        for future in as_completed(futures):
            b = futures[future]
            if future.status == "error":
                failed.append((b, failure(future.exception())))
            elif future.status != "finished":
                failed.append((b, failure(future.status)))
            else:
                yield b, future.result()
    finally:
        client.cancel([*futures, scattered])
    if failed:
        b, reason = min(failed)
        others = f" ({len(failed) - 1} other batches failed too)" if len(failed) > 1 else ""
        raise StudyError(f"batch {b}", f"{reason}{others}")


def failure(cause: BaseException | str) -> str:
    """Why a batch failed: its task's error after RETRIES retries, its workers lost (Dask
    counts each against distributed.scheduler.allowed-failures, not the retries), or the
    task's final state when it ended without an error (e.g. "cancelled": the cluster lost it)."""
    from distributed import KilledWorker

    if isinstance(cause, str):
        return f"the task was {cause} before it finished (its scheduler or workers were lost)"
    if isinstance(cause, KilledWorker):
        allowed = getattr(cause, "allowed_failures", None)
        times = "" if allowed is None else f" {allowed + 1} times"
        return (
            f"the worker running it died{times} (distributed.scheduler.allowed-failures); "
            "see the workers' logs"
        )
    return f"failed after {RETRIES} retries: {type(cause).__name__}: {cause}"
