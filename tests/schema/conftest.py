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
DEPARTMENTS = {"84": "01", "32": "02", "53": "35"}
COMPANY_SIZES = ("TPE / PME", "ETI", "GE", "Association")
FIGURES = ("investment_eur", "aid_requested_eur", "jobs_created", "jobs_kept", "co2_avoided_t")


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
                projects.append(_project(len(projects) + 1, t, p, tid, region))
        _phase2_territories(rows, projects)
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


def _project(pid: int, t: int, p: int, territory_id: str, region: str) -> dict[str, object]:
    """Project `pid`, the `p`-th of territory `t`: odd ids are laureates, even ids generated
    candidates, so every filter on origin has both kinds to tell apart."""
    laureate = pid % 2 == 1
    row: dict[str, object] = {
        "id": pid,
        "origin": "laureate" if laureate else "generated",
        "laureate_id": f"L{pid:04d}" if laureate else None,
        "name": f"Projet {t}-{p}",
        "company_name": f"Entreprise {pid}" if laureate else None,
        "siren": f"{100_000_000 + pid}" if laureate else None,
        "company_size": COMPANY_SIZES[pid // 2 % len(COMPANY_SIZES)] if laureate else None,
        "record_date": dt.date(2021, 1 + pid % 12, 15) if laureate else None,
        "employees": 20 * pid if laureate else None,
        "territory_id": territory_id,
        "phase2_territory_id": None,
        "region_code": region,
        "department_code": DEPARTMENTS[region],
        "commune_code": "01001",
        "postal_code": "01000" if laureate else None,
        # Every other laureate has a GPS position, the others were placed by postal code.
        "latitude": 45.0 + pid / 1000 if pid % 4 == 1 else None,
        "longitude": 5.0 + pid / 1000 if pid % 4 == 1 else None,
        "location_precision": (
            ("gps" if pid % 4 == 1 else "postal_code") if laureate else "generated"
        ),
        "density_level": "Bourgs ruraux" if p % 2 == 0 else "Centres urbains intermédiaires",
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
    for i, figure in enumerate(FIGURES):
        value = row[figure]
        assert isinstance(value, int)
        # Laureates: figures alternately stated and estimated; estimates have a wider range.
        stated_or_estimated = "stated" if (pid + i) % 3 else "estimated"
        source = stated_or_estimated if laureate else "generated"
        spread = 0.5 if source == "estimated" else 0.2
        row[f"{figure}_source"] = source
        row[f"{figure}_low"] = int(value * (1 - spread))
        row[f"{figure}_high"] = int(value * (1 + spread)) + 1
    return row


def _phase2_territories(
    territories: list[dict[str, object]], projects: list[dict[str, object]]
) -> None:
    """Laureates of a phase-1 territory also lie in their region's first phase-2 territory."""
    phase2: dict[object, object] = {}
    for territory in territories:
        if territory["phase"] == 2:
            phase2.setdefault(territory["region_code"], territory["id"])
    for project in projects:
        if project["origin"] == "laureate" and str(project["territory_id"]).startswith("p1-"):
            project["phase2_territory_id"] = phase2.get(project["region_code"])


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
