"""Shared fixtures: a seeded database for the whole session, and a tiny reference folder.

The database backend is SQLite files unless ``--database-url`` or TEST_DATABASE_URL names a
PostgreSQL server (``postgresql://user@host:port/db``, the role may create databases): then
every database a fixture makes is a fresh throwaway one on that server, dropped at the end.
Tests marked ``postgres`` use that server, or TEST_POSTGRES_URL when SQLite is under test; they
are skipped, with the reason, when neither is set, and fail instead under CI=true.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from models.db import backend
from settings import Settings

REAL_DATA = Settings().data_dir
needs_real_data = pytest.mark.skipif(
    not REAL_DATA.is_dir(), reason=f"reference data folder {REAL_DATA} is absent"
)

# A few lines in the format of each reference file (invented rows, not copies of the real files).
SMALL_FILES = {
    "regions.csv": [
        "code_region,nom_region,chef_lieu_insee,zone",
        "84,Auvergne-Rhône-Alpes,69123,metro",
        "94,Corse,2A004,metro",
        "989,Île de Clipperton,98901,com",
    ],
    "departements.csv": [
        "code_departement,nom_departement,code_region,nom_region,chef_lieu_insee,zone",
        "01,Ain,84,Auvergne-Rhône-Alpes,01053,metro",
        "2A,Corse-du-Sud,94,Corse,2A004,metro",
    ],
    "communes.csv": [
        "code_insee,nom,code_departement,code_region,siren_epci,population",
        "01001,Alpha,01,84,200000001,900",
        "01002,Bravo,01,84,200000001,12000",
        "01003,Charlie,01,84,200000002,4000",
        "2A004,Delta,2A,94,200000003,70000",
        "98901,Île de Clipperton,989,989,,",
    ],
    "epci.csv": [
        "siren_epci,nom_epci,type,population_municipale,nb_communes,departements,regions",
        "200000001,CC Alpha Bravo,CC,12900,2,01,84",
        "200000002,CC Charlie,CC,4000,1,01,84",
        "200000003,CA Delta,CA,70000,1,2A,94",
    ],
    "territoires_industrie_phase1.csv": [
        "id_ti,lib_ti,code_region_from_id,nom_region,regions_from_epci,departements_from_epci,"
        "nb_groupements,sirens_groupements_raw,libs_groupements_raw",
        'ti-8401,Ain industriel,84,Auvergne-Rhône-Alpes,84,01,2,"200000001, 200000002",'
        '"CC Alpha, Bravo, CC Charlie"',
        "ti-9401,Delta,94,Corse,94,2A,1,212000046,Delta",
    ],
    "territoires_industrie_phase2.csv": [
        "id_ti,lib_ti,code_region_from_id,nom_region,regions_from_epci,departements_from_epci,"
        "nb_groupements,sirens_groupements,liste_groupements_raw,nb_communes_cog2026,"
        "population_municipale_cog2026,sirens_not_in_cog2026",
        "ti-8401,Ain,84,Auvergne-Rhône-Alpes,84,01,1,200000001,CC Alpha Bravo (200000001),2,12900,",
        "ti-9401,Delta,94,Corse,94,2A,1,200000003,CA Delta (200000003),1,70000,",
    ],
    "action_coeur_de_ville_communes.csv": [
        "id_acv,lib_acv,code_insee,nom_commune,code_departement_cog2026,code_region_cog2026,"
        "in_acv2_file",
        "acv-001,Delta,2A004,Delta,2A,94,no",
    ],
    "qpv_2024_communes.csv": [
        "code_qp,lib_qp,insee_reg,lib_reg,insee_dep,lib_dep,insee_com,lib_com,siren_epci,lib_epci",
        "QN00101M,Centre,84,ARA,01,Ain,01002,Bravo,200000001,CC Alpha Bravo",
        "QN98701M,Loin,NA,COM,987,Polynésie,NA,Loin,NA,NA",
    ],
}


def write_small_data(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in SMALL_FILES.items():
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


@pytest.fixture
def small_data_dir(tmp_path: Path) -> Path:
    return write_small_data(tmp_path / "data")


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database seeded once per test session (real data when present, else synthetic).

    Read-only for tests: open your own session and roll back what you write, or work on
    ``copy_database(seeded_db_url, tmp_path / "copy.db")``.
    """
    from data.seed import setup_database

    url = DATABASES.create(tmp_path_factory.mktemp("db") / "territoires.db")
    asyncio.run(setup_database(Settings(database_url=url)))
    return url


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh empty database on the backend under test."""
    return DATABASES.create(tmp_path / "test.db")


@pytest.fixture
def postgres_url() -> str:
    """A fresh empty PostgreSQL database (mark the test ``postgres``)."""
    _require_postgres()
    return POSTGRES.create()


class Databases:
    """Throwaway databases: SQLite files, or on a PostgreSQL ``server`` fresh ones, dropped
    when the test session ends."""

    def __init__(self, server: str | None = None) -> None:
        self.server = server
        self.created: list[str] = []

    def create(self, path: Path | None = None, template: str | None = None) -> str:
        if self.server is None:
            assert path is not None, "a SQLite database needs a file path"
            return f"sqlite+aiosqlite:///{path}"
        name = f"territoires_test_{uuid.uuid4().hex[:12]}"
        with _admin(self.server) as connection:
            if template is None:
                connection.execute(f'CREATE DATABASE "{name}"')
            else:
                # A template must have no other session: end the client sessions the tests
                # left open. Autovacuum workers run as a superuser, which this role may not
                # end; CREATE DATABASE tells them to leave itself.
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'",
                    (template,),
                )
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return _with_database(self.server, name)

    def drop_all(self) -> None:
        if self.server is None or not self.created:
            return
        with _admin(self.server) as connection:
            for name in self.created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


def copy_database(url: str, path: Path) -> str:
    """A private copy of the database at ``url``, for tests that commit (SQLite: ``path``)."""
    if backend(url) == "sqlite":
        source = make_url(url).database
        assert source is not None
        path.write_bytes(Path(source).read_bytes())
        return f"sqlite+aiosqlite:///{path}"
    return DATABASES.create(path, template=make_url(url).database)


def _admin(server: str) -> psycopg.Connection[tuple[object, ...]]:
    url = make_url(server).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def _with_database(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _require_postgres() -> None:
    if POSTGRES.server is not None:
        return
    reason = (
        "needs PostgreSQL: set TEST_DATABASE_URL (or TEST_POSTGRES_URL) to "
        "postgresql://user@host:port/db, see README"
    )
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)", pytrace=False)
    pytest.skip(reason)


DATABASES = Databases()  # the backend under test
POSTGRES = Databases()  # for tests marked postgres


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-url",
        default=None,
        help="test against this database server (default: TEST_DATABASE_URL, else SQLite files)",
    )


def pytest_configure(config: pytest.Config) -> None:
    url = config.getoption("database_url") or os.environ.get("TEST_DATABASE_URL") or None
    if url is not None and backend(url) == "postgresql":
        DATABASES.server = url
    elif url is not None and backend(url) != "sqlite":
        raise pytest.UsageError(f"TEST_DATABASE_URL: not SQLite or PostgreSQL: {url}")
    POSTGRES.server = DATABASES.server or os.environ.get("TEST_POSTGRES_URL") or None


def pytest_report_header(config: pytest.Config) -> str:
    if DATABASES.server is None:
        return "database backend: sqlite (files in the test folders)"
    shown = make_url(DATABASES.server).render_as_string(hide_password=True)
    return f"database backend: postgresql, throwaway databases on {shown}"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None:
        _require_postgres()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    DATABASES.drop_all()
    POSTGRES.drop_all()
