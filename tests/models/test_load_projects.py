"""The engine's projects for a selection: by origin, and with laureates in no territory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, select

from models import Project
from models.db import make_engine, make_sessionmaker
from models.queries import load_projects
from simulation.projects import ProjectColumns
from simulation.scenario import ProjectSelection, Scenario
from simulation.solve import solve
from tests.schema.conftest import build_db

# build_db: odd ids are laureates, even ids generated; 6 territories (0 and 4 in phase 2).
OUTSIDE = (101, 102)  # two laureates added in no territory (copies of projects 1 and 3)


@pytest.fixture
async def db(tmp_path: Path) -> str:
    url = await build_db(tmp_path / "pool.db", territories=6, projects_per_territory=4)
    engine = make_engine(url)
    async with engine.begin() as connection:
        rows = await connection.execute(select(Project.__table__).where(Project.id.in_((1, 3))))
        copies = [
            {**row._asdict(), "id": new, "territory_id": None, "phase2_territory_id": None}
            for new, row in zip(OUTSIDE, rows, strict=True)
        ]
        await connection.execute(insert(Project), copies)
    await engine.dispose()
    return url


async def load(url: str, **selection: object) -> ProjectColumns:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await load_projects(session, ProjectSelection(**selection))  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def test_origin_selects_laureates_generated_or_both(db: str) -> None:
    laureates = (await load(db, origin="laureates")).ids.tolist()
    generated = (await load(db, origin="generated")).ids.tolist()
    both = (await load(db, origin="both")).ids.tolist()
    assert laureates == [*range(1, 25, 2), *OUTSIDE]
    assert generated == list(range(2, 25, 2))
    assert both == sorted(laureates + generated)


async def test_projects_in_no_territory_compete_without_a_phase(db: str) -> None:
    everything = await load(db)
    outside = np.isin(everything.ids, OUTSIDE)
    assert everything.territory[outside].tolist() == ["", ""]  # not "None"
    assert "" in everything.territory_names.tolist()
    phase1 = await load(db, phase=1)
    assert not np.isin(phase1.ids, OUTSIDE).any()
    assert "" not in phase1.territory.tolist()


async def test_origin_combines_with_the_other_filters(db: str) -> None:
    # Region 32's phase-1 territory holds projects 5-8: laureates 5 and 7 (agroalimentaire),
    # generated 6 and 8 (chimie); its phase-2 territory's 17-20 are left out by the phase.
    picked = {"phase": 1, "regions": ("32",)}
    assert (await load(db, **picked, origin="laureates")).ids.tolist() == [5, 7]
    assert (await load(db, **picked, origin="generated")).ids.tolist() == [6, 8]
    assert (await load(db, **picked, sectors=("chimie",), origin="laureates")).ids.tolist() == []


async def test_both_is_a_filter_only_the_result_is_the_unfiltered_one(db: str) -> None:
    everything, both = await load(db), await load(db, origin="both")
    scenario = Scenario(budget_eur=3_000_000)
    unfiltered, filtered = solve(scenario, everything), solve(scenario, both)
    assert filtered.allocation_eur.tolist() == unfiltered.allocation_eur.tolist()
    assert (filtered.jobs, filtered.regions, filtered.territories) == (
        unfiltered.jobs,
        unfiltered.regions,
        unfiltered.territories,
    )
    # funded (they are copies of the best projects), they are no territory of their own
    assert (filtered.allocation_eur[np.isin(both.ids, OUTSIDE)] > 0).all()
    assert all(t.id for t in filtered.territories)


async def test_phase_two_keeps_the_projects_of_a_phase_two_territory_grouped_by_it(
    db: str,
) -> None:
    # build_db: the laureates of region 32's and 84's phase-1 territories (5, 7 and 13, 15) also
    # lie in their region's phase-2 territory; region 53 has none.
    phase2 = await load(db, phase=2)
    assert phase2.ids.tolist() == [5, 7, 13, 15]
    assert phase2.territory.tolist() == ["p2-ti-3204"] * 2 + ["p2-ti-8400"] * 2
