from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import shutil
from collections import Counter
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

    assert first == (
        f"seeded 2+2 territories, 120 projects, 19 awards from {small_data_dir}\n"
        "no laureates file: 120 generated candidates"
    )
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
    # Laureates are located on the geography, so a newer folder rebuilds them (the same rows
    # here: the renamed territory moved no one); generated candidates alone are kept.
    assert report.startswith("updated the geography from" if source == "small" else "seeded")
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


def _file_rows() -> list[dict[str, str]]:
    path = REAL_DATA / "laureats_fonds_territoires.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_real_data
async def test_seeded_database_holds_every_laureate_and_generated_candidates(
    seeded_db_url: str,
) -> None:
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
            origins = dict(
                (
                    await session.execute(
                        select(Project.origin, func.count()).group_by(Project.origin)
                    )
                ).all()
            )
            per_region = dict(
                (
                    await session.execute(
                        select(Project.region_code, func.count())
                        .where(Project.origin == "laureate")
                        .group_by(Project.region_code)
                    )
                ).all()
            )
            laureates = {
                row.laureate_id: row
                for row in (
                    await session.execute(select(Project).where(Project.origin == "laureate"))
                ).scalars()
            }
            awarded = (
                await session.execute(
                    select(Project.origin, Award.amount_eur, Project.aid_requested_eur).join(
                        Project, Award.project_id == Project.id
                    )
                )
            ).all()
            members = await session.scalar(select(func.count()).select_from(TerritoryMember))
    finally:
        await engine.dispose()

    rows = _file_rows()
    assert phases == {1: 149, 2: 183}
    assert fund is not None and fund.budget_eur == 400_000_000
    assert origins == {"laureate": len(rows), "generated": 1600 - len(rows)}
    assert per_region == Counter(row["code_region"] for row in rows)
    # Every figure the file states is the project's figure, marked stated; the rest estimated.
    for row in rows:
        project = laureates[row["laureate_id"]]
        for column, figure in (
            ("jobs_created", "jobs_created"),
            ("jobs_kept", "jobs_kept"),
            ("investment_eur", "investment_eur"),
            ("aid_eur", "aid_requested_eur"),
        ):
            source = getattr(project, f"{figure}_source")
            value = getattr(project, figure)
            if row[column]:
                assert (value, source) == (int(row[column]), "stated"), (row["laureate_id"], figure)
            else:
                assert source == "estimated", (row["laureate_id"], figure)
            assert getattr(project, f"{figure}_low") <= value <= getattr(project, f"{figure}_high")
        assert project.employees == (int(row["employees"]) if row["employees"] else None)
        assert project.company_name == row["entreprise"]
    # The laureates are the awards; generated candidates have none.
    assert len(awarded) == len(rows)
    assert {origin for origin, _, _ in awarded} == {"laureate"}
    assert all(amount == aid for _, amount, aid in awarded)
    assert members is not None and members >= 149 + 183


SMALL_LAUREATES = [
    "laureate_id,siren,entreprise,type_entreprise,code_departement,nom_departement,code_postal,"
    "latitude,longitude,filiere,tco2_an,mise_a_jour,code_region,nom_region,jobs_created,"
    "jobs_kept,employees,investment_eur,aid_eur,label",
    "L0001,123456789,ALPHA SAS,TPE / PME,01,AIN,01400,,,Bois,,2021-05-05,84,"
    "Auvergne-Rhône-Alpes,12,,,2000000,,Scierie modernisée",
    "L0002,223456789,BRAVO SA,ETI,99,NULLE PART,99000,,,Bois,,2021-05-05,84,"
    "Auvergne-Rhône-Alpes,,,,,,Atelier introuvable",
    "L0003,,CHARLIE,GE,2A,CORSE-DU-SUD,20000,,,Santé,,2021-06-01,94,Corse,,,,,,Unité stérile",
]


async def test_a_bad_laureate_row_is_reported_and_the_rest_loads(
    tmp_path: Path, small_data_dir: Path
) -> None:
    (small_data_dir / "laureats_fonds_territoires.csv").write_text(
        "\n".join(SMALL_LAUREATES) + "\n", encoding="utf-8"
    )
    settings = _settings(tmp_path, small_data_dir, project_count=40)

    report = await setup_database(settings)
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            laureates = (
                await session.execute(
                    select(Project.laureate_id, Project.siren, Project.jobs_created_source)
                    .where(Project.origin == "laureate")
                    .order_by(Project.id)
                )
            ).all()
            projects = await session.scalar(select(func.count()).select_from(Project))
    finally:
        await engine.dispose()

    lines = report.splitlines()
    assert lines[0].startswith("seeded 2+2 territories, 40 projects, 2 awards")
    assert lines[1].startswith("laureates: 3 read, 2 loaded")
    assert lines[1].endswith("38 generated candidates")
    assert any(
        "laureats_fonds_territoires.csv, row 3, column code_departement" in line for line in lines
    )
    assert any("row 4, column siren" in line for line in lines)
    assert [tuple(row) for row in laureates] == [
        ("L0001", "123456789", "stated"),
        ("L0003", None, "estimated"),
    ]
    assert projects == 40
