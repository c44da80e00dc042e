"""Faults: saves killed mid-way, the database going away and coming back, solver time limits."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy.engine import make_url

from models import Base
from models.db import backend, make_engine, make_sessionmaker
from models.scenario import get_scenario, save_scenario
from models.scenario_files import load_file, write_atomic
from server import create_app
from settings import Settings
from simulation.result import Status
from simulation.scenario import Constraints, Mode, Scenario
from simulation.solve import solve
from tests.robustness.conftest import answer, codes
from tests.simulation.conftest import projects_of

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30
OLD = "version: 1\nname: plan\ntitle: old\nbudget_eur: 100_000_000\n"
NEW = "version: 1\nname: plan\ntitle: new\nbudget_eur: 200_000_000\n" + "# padding\n" * 5_000


def run_until_killed(script: str, rng: random.Random, started: Path) -> None:
    """Start ``script``; once it says it is writing, SIGKILL it after a random moment."""
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert process.poll() is None, "the writer died on its own"
            assert time.monotonic() < deadline
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    started.unlink()


def test_a_killed_file_save_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    path, started = tmp_path / "plan.yaml", tmp_path / "started"
    path.write_text(OLD)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from models.scenario_files import write_atomic
        path = Path({str(path)!r})
        Path({str(started)!r}).touch()
        while True:
            write_atomic(path, {NEW!r})
            write_atomic(path, {OLD!r})
    """)
    rng = random.Random(8)
    seen = set()
    for _ in range(KILLS):
        run_until_killed(script, rng, started)
        text = path.read_text()
        assert text in (OLD, NEW)
        seen.add(load_file(path).title)
    assert seen <= {"old", "new"}
    # leftovers of killed writes are hidden files that no scenario listing picks up
    assert all(p.name.startswith(".plan.yaml.") for p in tmp_path.iterdir() if p != path)


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(OLD)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, NEW)
    assert path.read_text() == OLD
    assert list(tmp_path.iterdir()) == [path]


def body(version: int) -> str:
    return f"version: 1\nname: plan\ntitle: v{version}\nbudget_eur: {version * 1_000_000}\n"


SAVER = f"""
import asyncio
from pathlib import Path
from models.db import backend, make_engine, make_sessionmaker
from models.scenario import get_scenario, save_scenario

{inspect.getsource(body)}

async def main():
    sessions = make_sessionmaker(make_engine(URL))
    while True:
        async with sessions() as session, session.begin():
            row = await get_scenario(session, "plan")
            await save_scenario(session, body(row.version + 1), row.version)
        Path(STARTED).touch()  # saves are under way: the killer may strike

asyncio.run(main())
"""


async def make_scenario_db(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with make_sessionmaker(engine)() as session, session.begin():
        await save_scenario(session, body(1), None)
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def save_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'saves.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


async def test_a_killed_database_save_leaves_the_old_or_the_new_row(
    save_db: str, tmp_path: Path
) -> None:
    await make_scenario_db(save_db)
    started = tmp_path / "started"
    script = SAVER.replace("URL", repr(save_db)).replace("STARTED", repr(str(started)))
    rng = random.Random(9)
    versions = []
    for _ in range(8):  # each kill costs a fresh interpreter importing SQLAlchemy
        run_until_killed(script, rng, started)
        engine = make_engine(save_db)
        async with make_sessionmaker(engine)() as session:
            row = await get_scenario(session, "plan")
        await engine.dispose()
        assert row is not None
        assert row.body == body(row.version)  # version and text were saved together
        assert row.title == f"v{row.version}"
        versions.append(row.version)
    assert versions == sorted(versions) and versions[-1] > 1


async def get_regions(http: httpx.AsyncClient) -> httpx.Response:
    return await http.post("/graphql", json={"query": "{ regions { code } }"})


async def assert_unavailable(http: httpx.AsyncClient) -> None:
    response = await get_regions(http)
    assert response.status_code in (200, 503)
    assert codes(answer(response)) == ["SERVICE_UNAVAILABLE"]
    assert "retry" in response.json()["errors"][0]["message"]
    health = await http.get("/health")
    assert health.status_code == 503


@contextlib.asynccontextmanager
async def serve(url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=url, production=True))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http
    finally:
        await app.state.engine.dispose()


async def test_sqlite_file_gone_then_back(robust_db: str, tmp_path: Path) -> None:
    if backend(robust_db) != "sqlite":
        pytest.skip("a SQLite file test; PostgreSQL is cut in test_postgresql_cut_then_back")
    file = Path(make_url(robust_db).database or "")
    aside = tmp_path / "aside"
    async with serve(robust_db) as http:
        moved = [p for p in file.parent.iterdir() if p.name.startswith(file.name)]
        aside.mkdir()
        for path in moved:
            path.rename(aside / path.name)
        file.mkdir()  # a folder where the file was: SQLite cannot open it
        await assert_unavailable(http)
        await assert_unavailable(http)
        file.rmdir()
        for path in moved:
            (aside / path.name).rename(path)
        recovered = answer(await get_regions(http))
        assert "errors" not in recovered and recovered["data"]["regions"]
        assert (await http.get("/health")).status_code == 200


class Proxy:
    """A TCP relay to PostgreSQL that can drop every connection and refuse new ones, like a
    server restart or a network cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await source.read(65_536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


SAVED = '{ scenario(name: "plan") { version } }'


@pytest.mark.postgres
async def test_postgresql_cut_then_back(postgres_url: str) -> None:
    await make_scenario_db(postgres_url)
    url = make_url(postgres_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    async with serve(through) as http:
        first = answer(await http.post("/graphql", json={"query": SAVED}))
        assert first["data"]["scenario"] == {"version": 1}
        await proxy.cut()  # pooled connections die, new ones are refused
        await assert_unavailable(http)
        await proxy.start()  # same port: the server is back
        again = answer(await http.post("/graphql", json={"query": SAVED}))
        assert again["data"]["scenario"] == {"version": 1}  # pre_ping replaced dead connections
        assert (await http.get("/health")).status_code == 200
    await proxy.cut()


@pytest.mark.parametrize("mode", [Mode.CONTINUOUS, Mode.ALL_OR_NOTHING])
def test_a_solve_at_its_time_limit_is_a_result_with_a_status(mode: Mode) -> None:
    rng = np.random.default_rng(3)
    rows = [
        (
            float(rng.integers(1, 300)) / 100,
            int(rng.integers(0, 60)),
            str(rng.choice(["11", "84", "93", "32"])),
            bool(rng.integers(0, 2)),
            bool(rng.integers(0, 2)),
        )
        for _ in range(3_000)
    ]
    constraints = Constraints(fragile_share_min=0.69, decarbonisation_share_min=0.3)
    scenario = Scenario(budget_eur=400_000_000, mode=mode, constraints=constraints)
    result = solve(scenario, projects_of(rows), time_limit_s=0.001)
    assert result.status in (Status.TIME_LIMIT, Status.FEASIBLE)
    assert "time limit" in result.message
    assert 0 <= result.spent_eur <= scenario.budget_eur
    assert np.all(result.allocation_eur >= 0)


SIMULATE = "{ simulate(scenario: {}) { __typename ... on SimulationResult { status message } } }"


async def test_the_api_reports_a_solve_cut_by_its_time_limit(robust_db: str) -> None:
    app = create_app(Settings(database_url=robust_db, solver_time_limit_s=1e-9))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        body = answer(await http.post("/graphql", json={"query": SIMULATE}))
    await app.state.engine.dispose()
    outcome = body["data"]["simulate"]
    assert outcome["status"] in ("TIME_LIMIT", "FEASIBLE", "OPTIMAL"), outcome
    if outcome["status"] != "OPTIMAL":
        assert "time limit" in outcome["message"]
