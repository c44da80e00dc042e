"""The fund's laureates: checked reading (data.laureates), outlines (data.outlines), location
(data.location)."""

from __future__ import annotations

import csv
import datetime
import json
import logging
import re
from collections import Counter
from pathlib import Path

import pytest

from data.csv_reader import ReferenceDataError
from data.geography import Geography
from data.laureates import (
    LAUREATES_FILE,
    SECTORS,
    UNKNOWN_SECTOR,
    Laureate,
    Problem,
    collectivities_used,
    read_laureates,
)
from data.location import locate, summary
from data.outlines import Outlines, load_outlines, map_outlines
from data.reference import load_geography
from tests.conftest import REAL_DATA, needs_real_data

HEADER = (
    "laureate_id,siren,entreprise,type_entreprise,code_departement,nom_departement,code_postal,"
    "latitude,longitude,filiere,tco2_an,mise_a_jour,code_region,nom_region,jobs_created,"
    "jobs_kept,employees,investment_eur,aid_eur,label"
)
FIGURES = {
    "co2_t": "tco2_an",
    "jobs_created": "jobs_created",
    "jobs_kept": "jobs_kept",
    "employees": "employees",
    "investment_eur": "investment_eur",
    "aid_eur": "aid_eur",
}
MESSAGE = re.compile(r"laureats_fonds_territoires\.csv, row (\d+), column (\w+): .+")


def _square(west: float, south: float, east: float, north: float) -> dict[str, object]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _collection(features: list[tuple[str, str, dict[str, object]]]) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {key: code}, "geometry": geometry}
                for key, code, geometry in features
            ],
        }
    )


def _small_reference(directory: Path) -> None:
    """Invented optional files beside conftest's small folder: Ain (84) and Corsica (94)."""
    (directory / "communes_codes_postaux.csv").write_text(
        "code_insee,code_postal\n01001,01100\n01002,01100\n01001,01300\n01003,01300\n2A004,20000\n",
        encoding="utf-8",
    )
    (directory / "communes_grille_densite.csv").write_text(
        "insee_com,lib_com,niveau_densite\n01001,Alpha,Bourgs ruraux\n01002,Bravo,Petites villes\n"
        "01003,Charlie,Rural à habitat dispersé\n2A004,Delta,Grands centres urbains\n",
        encoding="utf-8",
    )
    departments = directory / "departements.csv"
    departments.write_text(
        departments.read_text(encoding="utf-8")
        + "989,Île de Clipperton,989,Île de Clipperton,98901,com\n",
        encoding="utf-8",
    )
    # Phase 1: Ain's territory east of 5.5°E; phase 2: Ain's west of it. Corsica's in both.
    corsica = _square(8.5, 41.5, 9.5, 42.5)
    (directory / "territoires_industrie_phase1.geojson").write_text(
        _collection(
            [("id_ti", "ti-8401", _square(5.5, 46.0, 6.5, 47.0)), ("id_ti", "ti-9401", corsica)]
        ),
        encoding="utf-8",
    )
    (directory / "territoires_industrie_phase2.geojson").write_text(
        _collection(
            [
                ("id_territoire", "ti-8401", _square(5.0, 46.0, 5.5, 46.5)),
                ("id_territoire", "ti-9401", corsica),
            ]
        ),
        encoding="utf-8",
    )


# Invented laureates, one case a row (the row number is the line: the header is row 1).
ROWS = [
    # 2: GPS in Ain's phase-1 outline; postal code 01100 serves 01001 and 01002 (both inside)
    "L0001,123456789,Alpha SA,TPE / PME,01,AIN,01100,46.5,6.0,Mode et luxe,,2021-05-05,84,ARA,"
    "12,,40,,,Atelier textile",
    # 3: no SIREN, no position: kept, located by postal code
    "L0002,,Sans Siren,ETI,01,AIN,01300,,,Bois,,2021-06-01,84,ARA,,3,,2500000,,Scierie",
    # 4: position in the Atlantic: kept, position dropped
    "L0003,223456789,Loin SARL,GE,01,AIN,01300,46.0,-30.0,Eau,,2021-06-02,84,ARA,,,,,,Station",
    # 5: unknown department: skipped
    "L0004,323456789,Nulle Part,TPE / PME,99,NULLE,99000,46.5,6.0,Bois,,2021-06-03,84,ARA,,,,,,X",
    # 6: duplicate laureate_id: skipped
    "L0001,423456789,Autre,TPE / PME,01,AIN,01100,46.5,6.0,Bois,,2021-06-04,84,ARA,,,,,,Y",
    # 7: same SIREN and label as row 2: skipped
    "L0005,123456789,Alpha SA,TPE / PME,01,AIN,01100,46.5,6.0,Bois,,2021-06-05,84,ARA,,,,,,"
    "Atelier textile",
    # 8: Corsican laureate whose position lies in Ain's phase-2 outline (another region)
    "L0006,523456789,Delta SA,TPE / PME,2A,CORSE-DU-SUD,20000,46.2,5.2,Santé,,2021-06-06,94,"
    "Corse,,,,,,Laboratoire",
    # 9: position in Ain's phase-2 outline; 01300 serves 01001 (inside) and 01003 (larger)
    "L0007,623456789,Bravo SA,Association,01,AIN,01300,46.2,5.2,,,2021-06-07,84,ARA,,,,,,Z",
    # 10: a number that is not one: skipped
    "L0008,723456789,Chiffre,TPE / PME,01,AIN,01100,,,Bois,,2021-06-08,84,ARA,douze,,,,,W",
    # 11: a date that is not ISO: skipped
    "L0009,823456789,Date,TPE / PME,01,AIN,01100,,,Bois,,08/06/2021,84,ARA,,,,,,V",
    # 12: region not the department's: skipped
    "L0010,923456789,Region,TPE / PME,01,AIN,01100,,,Bois,,2021-06-09,94,Corse,,,,,,U",
    # 13: an overseas collectivity: identifier kept as written, department only
    "L0011,1234567,Lointaine,Autre,989,CLIPPERTON,98900,,,Eau,,2021-06-10,989,Clipperton,,,,,,T",
]


@pytest.fixture
def small(small_data_dir: Path) -> tuple[Geography, Outlines, Path]:
    _small_reference(small_data_dir)
    path = small_data_dir / LAUREATES_FILE
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return load_geography(small_data_dir), load_outlines(small_data_dir), path


def test_bad_rows_are_reported_and_the_rest_loads(small: tuple[Geography, Outlines, Path]) -> None:
    geography, _, path = small

    laureates, problems = read_laureates(path, geography)

    assert [la.laureate_id for la in laureates] == [
        "L0001",
        "L0002",
        "L0003",
        "L0006",
        "L0007",
        "L0011",
    ]
    where = [(p.kept, *MESSAGE.fullmatch(p.message).groups()) for p in problems]  # type: ignore[union-attr]
    assert where == [
        (True, "3", "siren"),
        (True, "4", "latitude"),
        (False, "5", "code_departement"),
        (False, "6", "laureate_id"),
        (False, "7", "label"),
        (True, "9", "filiere"),
        (False, "10", "jobs_created"),
        (False, "11", "mise_a_jour"),
        (False, "12", "code_region"),
    ]
    messages = [p.message for p in problems]
    assert "no SIREN: kept without a SIREN" in messages[0]
    assert "outside metropolitan France" in messages[1]
    assert "'99' is not a department: row skipped" in messages[2]
    assert "L0001 appears twice (first at row 2)" in messages[3]
    assert "same SIREN 123456789 and label as row 2" in messages[4]
    assert "'douze' is not a non-negative whole number" in messages[6]
    assert "'08/06/2021' is not a date" in messages[7]
    assert "'94' is not the region of department 01 (84)" in messages[8]

    first, no_siren, far, _, blank_sector, overseas = laureates
    assert first == Laureate(
        row=2,
        laureate_id="L0001",
        siren="123456789",
        company_name="Alpha SA",
        company_size="TPE / PME",
        department_code="01",
        region_code="84",
        postal_code="01100",
        latitude=46.5,
        longitude=6.0,
        sector="Mode et Luxe",  # normalised
        label="Atelier textile",
        record_date=datetime.date(2021, 5, 5),
        co2_t=None,
        jobs_created=12,
        jobs_kept=None,
        employees=40,
        investment_eur=None,
        aid_eur=None,
    )
    assert no_siren.siren is None and no_siren.investment_eur == 2_500_000
    assert (far.latitude, far.longitude) == (None, None)
    assert blank_sector.sector == UNKNOWN_SECTOR
    assert (overseas.siren, overseas.region_code) == ("1234567", "989")
    assert summary(laureates, problems, locate(laureates, geography, small[1])).startswith(
        "12 read, 6 loaded, 3 located by GPS, 2 by postal code, 1 by department"
    )


def test_locations(small: tuple[Geography, Outlines, Path]) -> None:
    geography, outlines, path = small
    laureates, _ = read_laureates(path, geography)

    first, no_siren, far, corsican, other, overseas = locate(laureates, geography, outlines)

    # GPS in the phase-1 outline; of 01100's communes both are members: the most populous.
    assert (first.precision, first.commune_code) == ("gps", "01002")
    assert (first.territory_id, first.phase2_territory_id) == ("p1-ti-8401", "p2-ti-8401")
    assert first.qpv and first.fragile and not first.rural
    # No position: the most populous commune of 01300, territories by membership (01003's
    # EPCI is in phase 1 only).
    assert (no_siren.precision, no_siren.commune_code) == ("postal_code", "01003")
    assert (no_siren.territory_id, no_siren.phase2_territory_id) == ("p1-ti-8401", None)
    assert no_siren.rural and no_siren.density_level == "Rural à habitat dispersé"
    assert (far.precision, far.latitude) == ("postal_code", None)
    # A position in another region's outline is refused: membership decides.
    assert corsican.precision == "gps"
    assert (corsican.territory_id, corsican.phase2_territory_id) == ("p1-ti-9401", "p2-ti-9401")
    assert corsican.commune_code == "2A004" and corsican.action_coeur_de_ville
    # The commune of the postal code inside the GPS territory wins over the most populous.
    assert other.commune_code == "01001"
    assert (other.territory_id, other.phase2_territory_id) == ("p1-ti-8401", "p2-ti-8401")
    # An overseas collectivity: department only, not fragile.
    assert (overseas.precision, overseas.commune_code, overseas.territory_id) == (
        "department",
        None,
        None,
    )
    assert not overseas.fragile and overseas.density_level is None
    regions, departments = collectivities_used(laureates, geography)
    assert [r.code for r in regions] == ["989"] and [d.code for d in departments] == ["989"]


def test_without_outlines_territories_come_from_membership(
    small: tuple[Geography, Outlines, Path], caplog: pytest.LogCaptureFixture
) -> None:
    geography, _, path = small
    for phase in (1, 2):
        (path.parent / f"territoires_industrie_phase{phase}.geojson").unlink()
    with caplog.at_level(logging.WARNING):
        outlines = load_outlines(path.parent)
    laureates, _ = read_laureates(path, geography)

    locations = locate(laureates, geography, outlines)

    assert "territoires_industrie_phase1.geojson not found" in caplog.text
    assert outlines.containing(1, [6.0], [46.5]) == [()]
    assert [loc.territory_id for loc in locations] == [
        "p1-ti-8401",
        "p1-ti-8401",
        "p1-ti-8401",
        "p1-ti-9401",
        "p1-ti-8401",
        None,
    ]
    # Without the GPS territory, 01300's most populous commune is taken.
    assert locations[4].commune_code == "01003"


def test_outlines_answer_arrays_of_points(small: tuple[Geography, Outlines, Path]) -> None:
    _, outlines, _ = small

    found = outlines.containing(1, [6.0, 9.0, 0.0, 5.5], [46.5, 42.0, 45.0, 46.5])

    # The last point is on the border of the phase-1 square: inside, not lost.
    assert found == [("p1-ti-8401",), ("p1-ti-9401",), (), ("p1-ti-8401",)]
    assert outlines.containing(2, [], []) == []


def test_broken_outlines_name_the_file(small_data_dir: Path) -> None:
    path = small_data_dir / "territoires_industrie_phase2.geojson"
    path.write_text(_collection([("id_territoire", "8401", _square(0, 0, 1, 1))]), "utf-8")

    with pytest.raises(ReferenceDataError, match=r"^territoires_industrie_phase2\.geojson, "):
        load_outlines(small_data_dir)

    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not a GeoJSON FeatureCollection"):
        load_outlines(small_data_dir)


@pytest.mark.parametrize(
    ("old", "new", "column", "words", "kept"),
    [
        pytest.param("L0002,", "2,", "laureate_id", "'2' is not a laureate id", False, id="id"),
        pytest.param(
            ",,2500000,", ",,2500000000000,", "investment_eur", "larger than any", False, id="big"
        ),
        pytest.param(",3,", ",-3,", "jobs_kept", "'-3' is not a non-negative", False, id="neg"),
        pytest.param(",01300,", ",1300,", "code_postal", "'1300' is not a 5-digit", True, id="cp"),
        pytest.param(",ETI,", ",PME,", "type_entreprise", "'PME' is not one of", True, id="size"),
    ],
)
def test_one_bad_field(
    small: tuple[Geography, Outlines, Path],
    old: str,
    new: str,
    column: str,
    words: str,
    kept: bool,
) -> None:
    geography, _, path = small
    text = path.read_text(encoding="utf-8")
    row = ROWS[1]  # row 3, L0002
    assert old in row
    path.write_text(text.replace(row, row.replace(old, new, 1)), encoding="utf-8")

    laureates, problems = read_laureates(path, geography)

    found = [
        p for p in problems if p.message.startswith(f"{LAUREATES_FILE}, row 3, column {column}")
    ]
    assert len(found) == 1 and words in found[0].message and found[0].kept == kept
    assert ("L0002" in [la.laureate_id for la in laureates]) == kept
    assert len(laureates) == 5 + kept


def test_missing_laureates_file_is_named(small_data_dir: Path) -> None:
    geography = load_geography(small_data_dir)

    with pytest.raises(ReferenceDataError, match=r"^laureats_fonds_territoires\.csv: file not"):
        read_laureates(small_data_dir / LAUREATES_FILE, geography)


def test_map_outlines_small(small: tuple[Geography, Outlines, Path]) -> None:
    _, _, path = small
    outlines = map_outlines(path.parent)

    assert [f["properties"]["id"] for f in outlines["features"]] == ["p1-ti-8401", "p1-ti-9401"]
    assert outlines["features"][0]["geometry"]["type"] == "Polygon"
    assert map_outlines(path.parent / "nowhere") == {"type": "FeatureCollection", "features": []}


# The real file.


@pytest.fixture(scope="module")
def real() -> tuple[Geography, list[Laureate], list[Problem], Outlines]:
    geography = load_geography(REAL_DATA)
    laureates, problems = read_laureates(REAL_DATA / LAUREATES_FILE, geography)
    return geography, laureates, problems, load_outlines(REAL_DATA)


def _file_rows() -> list[dict[str, str]]:
    with (REAL_DATA / LAUREATES_FILE).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _usable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows a reader must keep, by the file's own columns and departements.csv."""
    with (REAL_DATA / "departements.csv").open(encoding="utf-8", newline="") as file:
        region_of = {d["code_departement"]: d["code_region"] for d in csv.DictReader(file)}
    usable, ids, pairs = [], set(), set()
    for row in rows:
        numbers = [row[column] for column in FIGURES.values()]
        if (
            region_of.get(row["code_departement"]) != row["code_region"]
            or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["mise_a_jour"])
            or not all(re.fullmatch(r"\d*", n) for n in numbers)
            or row["laureate_id"] in ids
            or (row["siren"], row["label"]) in pairs
        ):
            continue
        ids.add(row["laureate_id"])
        if re.fullmatch(r"\d{9}", row["siren"]):
            pairs.add((row["siren"], row["label"]))
        usable.append(row)
    return usable


@needs_real_data
def test_real_rows_loaded_per_region(
    real: tuple[Geography, list[Laureate], list[Problem], Outlines],
) -> None:
    _, laureates, problems, _ = real
    expected = Counter(row["code_region"] for row in _usable(_file_rows()))

    assert Counter(la.region_code for la in laureates) == expected
    assert sum(expected.values()) == len(laureates) == 1158  # every row of the file is usable
    assert not [p for p in problems if not p.kept]


@needs_real_data
def test_real_stated_figures_are_the_files(
    real: tuple[Geography, list[Laureate], list[Problem], Outlines],
) -> None:
    _, laureates, _, _ = real
    rows = {row["laureate_id"]: row for row in _file_rows()}

    for laureate in laureates:
        row = rows[laureate.laureate_id]
        for field, column in FIGURES.items():
            value = getattr(laureate, field)
            assert (str(value) if value is not None else "") == row[column], (field, row)
    stated = Counter(f for la in laureates for f in FIGURES if getattr(la, f) is not None)
    # SOURCES.md section 6: jobs_created 454, jobs_kept 111, employees 147, investment 118, aid 2.
    assert stated == {
        "jobs_created": 454,
        "jobs_kept": 111,
        "employees": 147,
        "investment_eur": 118,
        "aid_eur": 2,
        "co2_t": 1,
    }
    assert {la.sector for la in laureates} <= {*SECTORS, UNKNOWN_SECTOR}


@needs_real_data
def test_real_problems_name_file_row_and_column(
    real: tuple[Geography, list[Laureate], list[Problem], Outlines],
) -> None:
    _, _, problems, _ = real

    assert problems  # one laureate has no SIREN, six have no filière
    for problem in problems:
        assert MESSAGE.fullmatch(problem.message), problem.message


@needs_real_data
def test_real_locations(real: tuple[Geography, list[Laureate], list[Problem], Outlines]) -> None:
    geography, laureates, _, outlines = real
    placed = [la for la in laureates if la.latitude is not None]

    inside = outlines.containing(
        1, [la.longitude or 0.0 for la in placed], [la.latitude or 0.0 for la in placed]
    )
    locations = locate(laureates, geography, outlines)

    # SOURCES.md: 736 of the 1,149 positions fall inside a phase-1 outline (measured: 736).
    assert abs(sum(bool(ids) for ids in inside) - 736) <= 10
    precision = Counter(loc.precision for loc in locations)
    assert precision["gps"] == len(placed) == 1149
    # New Caledonia and French Polynesia: no commune here, department only.
    overseas = [la for la in laureates if la.region_code in ("987", "988")]
    assert precision["department"] == len(overseas) == 9
    regions, _ = collectivities_used(laureates, geography)
    assert {r.code for r in regions} == {"987", "988"}
    # An accepted territory is in the laureate's region.
    region_of = {t.id: t.region_code for t in geography.territories}
    for location in locations:
        for territory in (location.territory_id, location.phase2_territory_id):
            if territory is not None and location.latitude is not None:
                assert territory in region_of
    assert sum(loc.territory_id is not None for loc in locations) >= 736


@needs_real_data
def test_real_map_outlines_are_small() -> None:
    outlines = map_outlines(REAL_DATA)
    size = len(json.dumps(outlines, separators=(",", ":")).encode())

    # 149 territories, three of which have only points in the source (no area to draw).
    assert len(outlines["features"]) == 146
    assert size < (REAL_DATA / "territoires_industrie_phase1.geojson").stat().st_size / 5
