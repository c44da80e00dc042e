"""The Dask cluster a study runs on: a local one started here, or a running scheduler."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from studies.errors import StudyError

if TYPE_CHECKING:
    from distributed import Client

SCHEDULER_SETTING = "TERRITOIRES_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 10.0


@contextmanager
def client(
    address: str | None = None,
    *,
    workers: int | None = None,
    timeout_s: float = CONNECT_TIMEOUT_S,
) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (e.g. tcp://host:8786), or with None of a
    local cluster of ``workers`` processes (default: this machine's cores), one thread each
    (the engine's solves hold the GIL), closed on leaving."""
    from distributed import Client, LocalCluster

    if address is None:
        count = workers or os.cpu_count() or 1
        if count < 1:
            raise StudyError("workers", f"must be at least 1, got {count}")
        with (
            LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as local,
        ):
            yield local
        return
    try:
        remote = Client(address, timeout=timeout_s)
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StudyError(
            SCHEDULER_SETTING, f"cannot reach the Dask scheduler at {address}: {reason}"
        ) from None
    with remote:
        yield remote
