"""A real Dask cluster (two worker processes) for the studies' tests, and generated projects."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributed import Client

import studies.sweep
from data.generator import generate_projects
from data.synthetic import synthetic_geography
from simulation.projects import ProjectColumns
from studies.cluster import client


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    with client(workers=2) as started:
        yield started


@pytest.fixture(scope="module")
def projects() -> ProjectColumns:
    return generate_projects(synthetic_geography(), 300, 2020).engine_columns()


# ---- faults, run inside the workers: solve_point replaced there for one test -----------------


def fail_at(index: int, marker: str | None) -> None:
    """Make the point ``index`` raise: once (the first attempt writes ``marker``) or always."""
    original = studies.sweep.__dict__.setdefault("_original_solve_point", studies.sweep.solve_point)

    def failing(*args: object) -> dict[str, object]:
        if args[3] == index and (marker is None or not os.path.exists(marker)):
            if marker is not None:
                Path(marker).touch()
            raise RuntimeError(f"fault at point {index}")
        return original(*args)  # type: ignore[no-any-return]

    studies.sweep.solve_point = failing  # type: ignore[assignment]


def exit_at(index: int, marker: str) -> None:
    """Make the worker solving point ``index`` exit at once, the first time only (the
    ``marker`` file says it happened): a worker process lost mid-task."""
    original = studies.sweep.__dict__.setdefault("_original_solve_point", studies.sweep.solve_point)

    def exiting(*args: object) -> dict[str, object]:
        if args[3] == index and not os.path.exists(marker):
            Path(marker).touch()
            os._exit(1)
        return original(*args)  # type: ignore[no-any-return]

    studies.sweep.solve_point = exiting  # type: ignore[assignment]


def restore() -> None:
    if "_original_solve_point" in studies.sweep.__dict__:
        studies.sweep.solve_point = studies.sweep.__dict__.pop("_original_solve_point")


@pytest.fixture
def faults(dask_client: Client) -> Iterator[Callable[..., object]]:
    """``faults(index)``: point ``index`` fails on every worker until the test ends;
    ``faults(index, marker)``: it fails once."""
    yield lambda index, marker=None: dask_client.run(fail_at, index, marker)
    dask_client.run(restore)
