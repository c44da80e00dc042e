"""The fund's real laureates (laureats_fonds_territoires.csv): checked reading.

``read_laureates`` checks every row and returns the usable laureates with the ``Problem`` of each
row it skipped or kept without a field; every message names the file, the row (the header is
row 1) and the column. ``data.location`` places them in communes and territories.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from data.csv_reader import SIREN, CsvReader, ReferenceDataError
from data.geography import Department, Geography, Region
from data.reference import OPTIONAL_FILES

LAUREATES_FILE = OPTIONAL_FILES["laureates"]

COLUMNS = (
    "laureate_id",
    "siren",
    "entreprise",
    "type_entreprise",
    "code_departement",
    "code_postal",
    "latitude",
    "longitude",
    "filiere",
    "tco2_an",
    "mise_a_jour",
    "code_region",
    "jobs_created",
    "jobs_kept",
    "employees",
    "investment_eur",
    "aid_eur",
    "label",
)
# The filières of the dataset, spelled as after normalisation (the file also has "Mode et luxe").
SECTORS = (
    "Agroalimentaire",
    "Chimie et Matériaux",
    "Mines et métallurgie",
    "Construction",
    "Mode et Luxe",
    "Santé",
    "Autres",
    "Electronique",
    "Bois",
    "Nouveaux systèmes énergétiques",
    "Automobile",
    "Transformation et valorisation des déchets",
    "Aéronautique",
    "Eau",
)
UNKNOWN_SECTOR = "Non renseignée"
COMPANY_SIZES = ("TPE / PME", "ETI", "GE", "Association", "Autre")
NO_LABEL = "Projet territorial sans description publiée"  # the file's own wording

# Where a position may lie, by department (others: metropolitan France with Corsica), in
# degrees (south, north, west, east) with a margin of a few km beyond the coasts.
BOUNDS = {
    "971": (15.8, 16.6, -61.9, -60.9),
    "972": (14.3, 14.95, -61.3, -60.75),
    "973": (2.0, 6.0, -54.7, -51.5),
    "974": (-21.45, -20.8, 55.15, 55.9),
    "976": (-13.1, -12.55, 44.9, 45.35),
    "987": (-28.0, -7.0, -155.0, -134.0),
    "988": (-23.0, -19.0, 163.0, 169.0),
}
METROPOLE = (41.0, 51.2, -5.3, 9.7)

_Keep = Callable[[str, str], None]  # reports a field dropped from a kept row

# (field, column, largest plausible value): beyond it a figure is a slip, and would not fit the
# database (counts are 32-bit integers; euros stay within the engine's 10^12 bound).
FIGURE_COLUMNS = (
    ("co2_t", "tco2_an", 10**9),
    ("jobs_created", "jobs_created", 10**7),
    ("jobs_kept", "jobs_kept", 10**7),
    ("employees", "employees", 10**7),
    ("investment_eur", "investment_eur", 10**12),
    ("aid_eur", "aid_eur", 10**12),
)
LAUREATE_ID = re.compile(r"L\d{4,7}")  # the file's own ids, L0001...
IDENTIFIER_LENGTH = 16  # Project.siren holds overseas identifiers too


@dataclass(frozen=True)
class Laureate:
    row: int  # line of the file (the header is row 1)
    laureate_id: str
    siren: str | None
    company_name: str
    company_size: str
    department_code: str
    region_code: str
    postal_code: str | None
    latitude: float | None
    longitude: float | None
    sector: str
    label: str
    record_date: datetime.date
    co2_t: int | None
    jobs_created: int | None
    jobs_kept: int | None
    employees: int | None
    investment_eur: int | None
    aid_eur: int | None


@dataclass(frozen=True)
class Problem:
    message: str  # "laureats_fonds_territoires.csv, row N, column C: ..."
    kept: bool  # True: the row loads without the field; False: the row is skipped


class _Skip(Exception):
    """The row cannot be used: the error says where and why."""

    def __init__(self, error: ReferenceDataError) -> None:
        self.error = error


def read_laureates(path: Path, geography: Geography) -> tuple[list[Laureate], list[Problem]]:
    """The usable rows in file order, and the problems of the others (at most one skip per
    row). A missing file or a broken header raises ``ReferenceDataError``."""
    reader = CsvReader(path.parent, path.name, COLUMNS)
    departments = {d.code: d for d in (*geography.departments, *geography.collectivity_departments)}
    france = {r.code for r in geography.regions}
    laureates: list[Laureate] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}  # laureate_id -> row
    first_pair: dict[tuple[str, str], int] = {}  # (siren, label) -> row
    for row in reader.rows():
        kept: list[Problem] = []
        try:
            laureate = _laureate(reader, row, departments, france, kept)
            _check_unique(reader, laureate, first_row, first_pair)
        except _Skip as skip:  # what the row would have lost no longer matters
            problems.append(Problem(f"{skip.error}: row skipped", kept=False))
            continue
        problems.extend(kept)
        laureates.append(laureate)
    return laureates, problems


def _laureate(
    reader: CsvReader,
    row: dict[str, str],
    departments: dict[str, Department],
    france: set[str],
    kept: list[Problem],
) -> Laureate:
    def skip(column: str, message: str) -> _Skip:
        return _Skip(reader.error(column, message))

    def keep(column: str, message: str) -> None:
        kept.append(Problem(str(reader.error(column, message)), kept=True))

    laureate_id = row["laureate_id"].strip()
    if not LAUREATE_ID.fullmatch(laureate_id):
        raise skip("laureate_id", f"{laureate_id!r} is not a laureate id (L0001...)")
    department_code = row["code_departement"].strip()
    department = departments.get(department_code)
    if department is None:
        raise skip("code_departement", f"{department_code!r} is not a department")
    region_code = row["code_region"].strip()
    if region_code != department.region_code:
        raise skip(
            "code_region",
            f"{region_code!r} is not the region of department {department_code} "
            f"({department.region_code})",
        )
    record_date = _date(row["mise_a_jour"].strip())
    if record_date is None:
        raise skip("mise_a_jour", f"{row['mise_a_jour'].strip()!r} is not a date (YYYY-MM-DD)")
    figures: dict[str, int | None] = {}
    for field, column, largest in FIGURE_COLUMNS:
        text = row[column].strip()
        if text and not (text.isascii() and text.isdigit()):
            raise skip(column, f"{text!r} is not a non-negative whole number")
        if text and int(text) > largest:
            raise skip(column, f"{text} is larger than any plausible value ({largest:,})")
        figures[field] = int(text) if text else None
    company_name = row["entreprise"].strip()
    if not company_name:
        raise skip("entreprise", "empty value")

    siren: str | None = row["siren"].strip() or None
    if region_code in france and (siren is None or not SIREN.fullmatch(siren)):
        # Identifiers in New Caledonia and French Polynesia are not SIRENs: kept as written.
        found = "no SIREN" if siren is None else f"{siren!r} is not a 9-digit SIREN"
        keep("siren", f"{found}: kept without a SIREN")
        siren = None
    elif siren is not None and len(siren) > IDENTIFIER_LENGTH:
        keep("siren", f"{siren!r} is longer than {IDENTIFIER_LENGTH} characters: dropped")
        siren = None
    company_size = row["type_entreprise"].strip()
    if company_size not in COMPANY_SIZES:
        keep("type_entreprise", f"{company_size!r} is not one of {', '.join(COMPANY_SIZES)}")
        company_size = "Autre"
    postal_code: str | None = row["code_postal"].strip() or None
    if postal_code is not None and not (len(postal_code) == 5 and postal_code.isdigit()):
        keep("code_postal", f"{postal_code!r} is not a 5-digit postal code: dropped")
        postal_code = None
    latitude, longitude = _position(row, department_code, keep)
    sector = _sector(row["filiere"].strip())
    if sector == UNKNOWN_SECTOR:
        keep("filiere", f"{row['filiere'].strip()!r} is not a filière: {UNKNOWN_SECTOR}")
    label = row["label"].strip()
    if not label:
        keep("label", f"empty value: labelled {NO_LABEL!r}")
        label = NO_LABEL
    return Laureate(
        row=reader.line,
        laureate_id=laureate_id,
        siren=siren,
        company_name=company_name,
        company_size=company_size,
        department_code=department_code,
        region_code=region_code,
        postal_code=postal_code,
        latitude=latitude,
        longitude=longitude,
        sector=sector,
        label=label,
        record_date=record_date,
        **figures,
    )


def _check_unique(
    reader: CsvReader,
    laureate: Laureate,
    first_row: dict[str, int],
    first_pair: dict[tuple[str, str], int],
) -> None:
    if (seen := first_row.get(laureate.laureate_id)) is not None:
        message = f"{laureate.laureate_id} appears twice (first at row {seen})"
        raise _Skip(reader.error("laureate_id", message))
    if laureate.siren is not None:
        pair = (laureate.siren, laureate.label)
        if (seen := first_pair.get(pair)) is not None:
            message = f"same SIREN {laureate.siren} and label as row {seen}: a duplicate"
            raise _Skip(reader.error("label", message))
        first_pair[pair] = laureate.row
    first_row[laureate.laureate_id] = laureate.row


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _position(
    row: dict[str, str], department_code: str, keep: _Keep
) -> tuple[float | None, float | None]:
    texts = row["latitude"].strip(), row["longitude"].strip()
    if not any(texts):
        return None, None
    try:
        latitude, longitude = float(texts[0]), float(texts[1])
    except ValueError:
        keep("latitude", f"position {texts[0]!r}, {texts[1]!r} is not a number pair: dropped")
        return None, None
    south, north, west, east = BOUNDS.get(department_code, METROPOLE)
    area = "its overseas area" if department_code in BOUNDS else "metropolitan France"
    if not (
        math.isfinite(latitude + longitude)
        and south <= latitude <= north
        and west <= longitude <= east
    ):
        keep(
            "latitude",
            f"position {latitude}, {longitude} is outside {area} (department "
            f"{department_code}): position dropped",
        )
        return None, None
    return latitude, longitude


_CANONICAL = {sector.casefold(): sector for sector in SECTORS}


def _sector(text: str) -> str:
    return _CANONICAL.get(" ".join(text.split()).casefold(), UNKNOWN_SECTOR)


def collectivities_used(
    laureates: Sequence[Laureate], geography: Geography
) -> tuple[tuple[Region, ...], tuple[Department, ...]]:
    """The overseas collectivities (zone "com") where laureates are: their regions and
    departments, for the seed to write."""
    used = {laureate.region_code for laureate in laureates}
    return (
        tuple(r for r in geography.collectivity_regions if r.code in used),
        tuple(d for d in geography.collectivity_departments if d.region_code in used),
    )
