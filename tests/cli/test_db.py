import asyncio
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from cli import main
from models.db import backend, make_engine
from tests.cli.helpers import ANNOUNCED, PUSH

READS = [
    pytest.param(["list"], id="list"),
    pytest.param(["export", "--all", "--dir", "out"], id="export"),
    pytest.param(["run", ANNOUNCED], id="run"),
    pytest.param(["compare", ANNOUNCED, PUSH], id="compare"),
    pytest.param(["curve", ANNOUNCED, "--parameter", "budget_eur", "--values", "1e8"], id="curve"),
    pytest.param(["validate", "--run", ANNOUNCED], id="validate-run"),
]


@pytest.mark.parametrize("args", READS)
def test_reads_never_create_tables(
    args: list[str],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if backend(db_url) == "sqlite":
        database = make_url(db_url).database
        assert database is not None
        Path(database).touch()  # an empty database file, as a DBA might hand over
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert "is not set up (no schema): run `territoires db setup` first" in capsys.readouterr().err
    assert asyncio.run(table_names(db_url)) == []


def test_reads_do_not_create_a_missing_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert f"no database file {missing}: run `territoires db setup` first" in err
    assert not missing.exists()


async def table_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
