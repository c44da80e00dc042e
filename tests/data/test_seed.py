from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from data.seed import FUND, setup_database
from models.base import Base
from models.dataset import Dataset
from models.db import make_engine, make_sessionmaker
from models.fund import Award, Fund
from models.geography import Territory, TerritoryMember
from models.project import Project
from models.scenario import SavedScenario
from settings import Settings
from tests.conftest import REAL_DATA, needs_real_data


def _settings(tmp_path: Path, data_dir: Path, **changes: Any) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'test.db'}"
    return dataclasses.replace(
        Settings(database_url=url, data_dir=data_dir, project_count=120), **changes
    )


async def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in await connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
                if table.name != "dataset"
            }
    finally:
        await engine.dispose()


async def _run(url: str, statement: Any) -> None:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(statement)
            await session.commit()
    finally:
        await engine.dispose()


async def test_seed_twice_leaves_the_same_rows(tmp_path: Path, small_data_dir: Path) -> None:
    settings = _settings(tmp_path, small_data_dir)

    first = await setup_database(settings)
    before = await _snapshot(settings.database_url)
    second = await setup_database(settings)
    # Forget what was seeded: the full upsert path runs again and must change nothing.
    await _run(settings.database_url, delete(Dataset))
    third = await setup_database(settings)

    assert first == "seeded 2+2 territories, 120 projects, 19 awards from " + str(small_data_dir)
    assert second.startswith("database up to date (2+2 territories, 120 projects, 19 awards")
    assert third.startswith("seeded 2+2 territories, 120 projects, 19 awards")
    assert await _snapshot(settings.database_url) == before
    assert (tmp_path / "var" / "test.db").is_file()  # the folder is created on first start


def _copy_with_renamed_territory(source: Path, target: Path, old: str, new: str) -> Path:
    shutil.copytree(source, target)
    path = target / "territoires_industrie_phase1.csv"
    path.chmod(0o644)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("source", "old", "new"),
    [
        pytest.param("small", "ti-8401,Ain industriel,", "ti-8401,Ain renommé,", id="small-folder"),
        pytest.param(
            "real",
            "ti-2806,Nord Cotentin,",
            "ti-2806,Cotentin industriel,",
            id="real-folder",
            marks=[needs_real_data, pytest.mark.slow],
        ),
    ],
)
async def test_newer_reference_folder_updates_in_place(
    tmp_path: Path, small_data_dir: Path, source: str, old: str, new: str
) -> None:
    origin = small_data_dir if source == "small" else REAL_DATA
    settings = _settings(tmp_path, origin)
    await setup_database(settings)
    saved = SavedScenario(name="keep-me", body="version: 1\n", updated_at=dt.datetime(2024, 1, 1))
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        session.add(saved)
        await session.commit()
    await engine.dispose()
    before = await _snapshot(settings.database_url)

    newer = _copy_with_renamed_territory(origin, tmp_path / "newer", old, new)
    report = await setup_database(dataclasses.replace(settings, data_dir=newer))
    after = await _snapshot(settings.database_url)

    territory_id = "p1-" + old.split(",")[0]
    renamed = [row for row in after["territory"] if row[0] == territory_id]
    assert renamed[0][3] == new.split(",")[1]
    assert report.startswith("updated the geography from")
    for table in ("award", "project", "saved_scenario", "territory_member", "fund", "commune"):
        assert after[table] == before[table], table
    assert len(after["territory"]) == len(before["territory"])


async def test_new_seed_regenerates_projects_and_keeps_scenarios(
    tmp_path: Path, small_data_dir: Path
) -> None:
    settings = _settings(tmp_path, small_data_dir)
    await setup_database(settings)
    await _run(
        settings.database_url,
        SavedScenario.__table__.insert().values(
            name="keep-me", body="version: 1\n", updated_at=dt.datetime(2024, 1, 1)
        ),
    )
    before = await _snapshot(settings.database_url)

    report = await setup_database(dataclasses.replace(settings, seed=99, project_count=160))
    after = await _snapshot(settings.database_url)

    assert report.startswith("seeded 2+2 territories, 160 projects, 25 awards")
    assert after["saved_scenario"] == before["saved_scenario"]
    assert after["project"] != before["project"]


async def test_without_reference_folder_seeds_synthetic_geography(tmp_path: Path) -> None:
    settings = _settings(tmp_path, tmp_path / "missing")

    report = await setup_database(settings)

    assert report.startswith("seeded 149+183 territories, 120 projects, 19 awards from built-in")


async def test_seeded_database_holds_the_first_review(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            phases = dict(
                (
                    await session.execute(
                        select(Territory.phase, func.count()).group_by(Territory.phase)
                    )
                ).all()
            )
            fund = await session.get(Fund, FUND["id"])
            awards = (
                await session.execute(
                    select(func.count(), func.sum(Award.amount_eur), func.sum(Project.jobs_created))
                    .join(Project, Award.project_id == Project.id)
                    .where(Award.review == "first-review-2020-11")
                )
            ).one()
            projects = await session.scalar(select(func.count()).select_from(Project))
            members = await session.scalar(select(func.count()).select_from(TerritoryMember))
    finally:
        await engine.dispose()

    assert phases == {1: 149, 2: 183}
    assert fund is not None and fund.budget_eur == 400_000_000
    assert (fund.start_year, fund.end_year) == (2020, 2022)
    assert projects == 1600
    count, aid, jobs = awards
    assert count == 253
    assert aid == pytest.approx(143_000_000, rel=0.03)
    assert 5000 < jobs < 5000 * 1.03
    assert members is not None and members >= 149 + 183
