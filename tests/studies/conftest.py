"""A real Dask cluster (two worker processes) for the studies' tests, and generated projects."""

from collections.abc import Iterator

import pytest
from distributed import Client

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
