"""Small hand-made databases for API tests (the seeded 1,600-project one is `seeded_db_url`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert

from models import Award, Base, Fund, Project, Region, Territory
from models.db import make_engine
from server import create_app
from settings import Settings
from tests.conftest import DATABASES

REGIONS = [("84", "Auvergne-Rhône-Alpes"), ("32", "Hauts-de-France"), ("53", "Bretagne")]


async def build_db(path: Path, territories: int, projects_per_territory: int) -> str:
    """A database with `territories` territories spread over three regions, phase 1 and 2
    (at `path` on SQLite, a fresh database when PostgreSQL is under test)."""
    url = DATABASES.create(path)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.execute(
            insert(Region), [{"code": c, "name": n, "zone": "metro"} for c, n in REGIONS]
        )
        rows, projects = [], []
        for t in range(territories):
            region = REGIONS[t % len(REGIONS)][0]
            phase = 1 if t % 4 else 2
            tid = f"p{phase}-ti-{region}{t:02d}"
            rows.append(
                {
                    "id": tid,
                    "code": f"ti-{region}{t:02d}",
                    "phase": phase,
                    "name": f"Territoire {t:03d}",
                    "region_code": region,
                    "departments": "01|02",
                    "population": 10_000 + t,
                }
            )
            for p in range(projects_per_territory):
                projects.append(
                    {
                        "id": len(projects) + 1,
                        "name": f"Projet {t}-{p}",
                        "territory_id": tid,
                        "region_code": region,
                        "commune_code": "01001",
                        "sector": "chimie" if p % 2 else "agroalimentaire",
                        "investment_eur": 1_000_000 * (p + 1),
                        "aid_requested_eur": 100_000 * (p + 1),
                        "jobs_created": 3 + p,
                        "jobs_kept": 10,
                        "decarbonisation": p % 3 == 0,
                        "co2_avoided_t": 100 * (p % 3 == 0),
                        "fragile": p % 2 == 0,
                        "qpv": False,
                        "zrr": p % 2 == 0,
                        "afr": False,
                        "action_coeur_de_ville": False,
                    }
                )
        await connection.execute(insert(Territory), rows)
        if projects:
            await connection.execute(insert(Project), projects)
        await connection.execute(
            insert(Fund),
            [
                {
                    "id": "fonds-acceleration",
                    "name": "Fonds d'accélération",
                    "budget_eur": 400_000_000,
                    "start_year": 2020,
                    "end_year": 2022,
                }
            ],
        )
        awards = [
            {
                "fund_id": "fonds-acceleration",
                "project_id": p["id"],
                "amount_eur": p["aid_requested_eur"],
                "awarded_on": dt.date(2020, 11, 5),
                "review": "first-review-2020-11",
            }
            for p in projects[::3]
        ]
        if awards:
            await connection.execute(insert(Award), awards)
    await engine.dispose()
    return url


Client = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def small_db(tmp_path: Path) -> str:
    return await build_db(tmp_path / "small.db", territories=6, projects_per_territory=4)


@pytest.fixture
async def client(small_db: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=small_db))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    await app.state.engine.dispose()
