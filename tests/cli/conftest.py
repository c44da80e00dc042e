from pathlib import Path

import pytest

from tests.conftest import copy_database


@pytest.fixture
def database(seeded_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the seeded database: these commands commit."""
    url = copy_database(seeded_db_url, tmp_path / "cli.db")
    monkeypatch.setenv("DATABASE_URL", url)
    return url
