"""Geographies shared by the data tests: the built-in synthetic one and the real one."""

from __future__ import annotations

import pytest

from data.geography import Geography
from data.reference import load_geography
from settings import Settings


@pytest.fixture(scope="module")
def synthetic() -> Geography:
    from data.synthetic import synthetic_geography

    return synthetic_geography()


@pytest.fixture(scope="module")
def real() -> Geography:
    data_dir = Settings().data_dir
    if not data_dir.is_dir():
        pytest.skip(f"reference data folder {data_dir} is absent")
    return load_geography(data_dir)
