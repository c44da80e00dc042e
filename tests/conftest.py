"""Shared fixtures: a seeded database for the whole session, and a tiny reference folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

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
    """A SQLite file seeded once per test session (real data when present, else synthetic).

    Read-only for tests: open your own session and roll back what you write.
    """
    from models.seed import setup_database

    path = tmp_path_factory.mktemp("db") / "territoires.db"
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(setup_database(Settings(database_url=url)))
    return url
