"""The fund's real laureates (laureats_fonds_territoires.csv): checked reading and location.

``read_laureates`` checks every row and returns the usable laureates with the ``Problem`` of each
row it skipped or kept without a field; every message names the file, the row (the header is
row 1) and the column. ``locate`` places each laureate in a commune and in its phase-1 and
phase-2 territories:

- territory: the outline holding its GPS position (``data.outlines``), accepted only when that
  territory's region is the laureate's; else the territory whose member intercommunalities hold
  its commune; else none (the measure was not limited to the programme's territories);
- commune: a commune of its postal code in its department; when the code serves several, the
  one in the territory of the GPS position, else the most populous;
- fragility: QPV, Action coeur de ville or a rural level of the density grid in that commune.

``python -m data.laureates`` prints the counts and the fragile share.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from data.csv_reader import SIREN, CsvReader, ReferenceDataError
from data.geography import Department, Geography, Region
from data.outlines import Outlines
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
PRECISIONS = ("gps", "postal_code", "department")

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


@dataclass(frozen=True)
class Location:
    commune_code: str | None
    territory_id: str | None
    phase2_territory_id: str | None
    precision: str  # one of PRECISIONS
    latitude: float | None
    longitude: float | None
    qpv: bool
    action_coeur_de_ville: bool
    rural: bool
    density_level: str | None

    @property
    def fragile(self) -> bool:
        return self.qpv or self.action_coeur_de_ville or self.rural


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


class _Places:
    """The lookups that ``locate`` needs, built once from the geography."""

    def __init__(self, geography: Geography) -> None:
        self.communes = {c.code: c for c in geography.communes}
        self.postal_codes = geography.postal_codes
        self.region_of = {t.id: t.region_code for t in geography.territories}
        epci = {c.epci_siren for c in geography.communes if c.epci_siren}
        # commune -> territories of each phase whose members hold it. A territory none of whose
        # members is a known EPCI or commune (e.g. the Grand Paris EPTs) has only a whole-
        # department stand-in for its communes: it is left out rather than guessed.
        self.members: dict[int, dict[str, list[str]]] = {1: {}, 2: {}}
        self.member_communes: dict[str, frozenset[str]] = {}
        for territory in geography.territories:
            if not any(m.siren in epci or m.siren.startswith("21") for m in territory.members):
                continue
            self.member_communes[territory.id] = frozenset(territory.commune_codes)
            for code in territory.commune_codes:
                self.members[territory.phase].setdefault(code, []).append(territory.id)

    def commune(self, laureate: Laureate, gps_territories: list[str]) -> str | None:
        candidates = [
            code
            for code in self.postal_codes.get(laureate.postal_code or "", ())
            if self.communes[code].department_code == laureate.department_code
        ]
        for territory_id in gps_territories:
            inside = [c for c in candidates if c in self.member_communes.get(territory_id, ())]
            if inside:
                candidates = inside
                break
        if not candidates:
            return None
        return max(candidates, key=lambda c: (self.communes[c].population, c))

    def member_territory(self, phase: int, commune: str | None, region: str) -> str | None:
        territories = self.members[phase].get(commune or "", [])
        same_region = [t for t in territories if self.region_of.get(t) == region]
        return _first(same_region or territories)


def _first(items: Sequence[str]) -> str | None:
    return items[0] if items else None


def locate(
    laureates: Sequence[Laureate], geography: Geography, outlines: Outlines
) -> list[Location]:
    """One ``Location`` per laureate, in the same order."""
    places = _Places(geography)
    placed = [i for i, la in enumerate(laureates) if la.latitude is not None]
    longitudes = [laureates[i].longitude or 0.0 for i in placed]
    latitudes = [laureates[i].latitude or 0.0 for i in placed]
    inside: dict[int, list[tuple[str, ...]]] = {phase: [()] * len(laureates) for phase in (1, 2)}
    for phase in (1, 2):
        for i, ids in zip(placed, outlines.containing(phase, longitudes, latitudes), strict=True):
            inside[phase][i] = ids
    locations = []
    for i, laureate in enumerate(laureates):
        # GPS territories, accepted only in the laureate's own region.
        gps = {
            phase: [t for t in inside[phase][i] if places.region_of.get(t) == laureate.region_code]
            for phase in (1, 2)
        }
        commune_code = places.commune(laureate, gps[1] + gps[2])
        territory = {
            phase: _first(gps[phase])
            or places.member_territory(phase, commune_code, laureate.region_code)
            for phase in (1, 2)
        }
        commune = places.communes.get(commune_code or "")
        if laureate.latitude is not None:
            precision = "gps"
        elif commune is not None:
            precision = "postal_code"
        else:
            precision = "department"
        locations.append(
            Location(
                commune_code=commune_code,
                territory_id=territory[1],
                phase2_territory_id=territory[2],
                precision=precision,
                latitude=laureate.latitude,
                longitude=laureate.longitude,
                qpv=commune is not None and commune.qpv,
                action_coeur_de_ville=commune is not None and commune.action_coeur_de_ville,
                rural=commune is not None and commune.rural,
                density_level=commune.density_level if commune is not None else None,
            )
        )
    return locations


def summary(
    laureates: Sequence[Laureate], problems: Sequence[Problem], locations: Sequence[Location]
) -> str:
    """One line of counts: "1,158 read, 1,158 loaded, 1,149 located by GPS, ..."."""
    skipped = sum(not p.kept for p in problems)
    precision = Counter(location.precision for location in locations)
    phase1 = sum(location.territory_id is not None for location in locations)
    phase2 = sum(location.phase2_territory_id is not None for location in locations)
    return (
        f"{len(laureates) + skipped:,} read, {len(laureates):,} loaded, "
        f"{precision['gps']:,} located by GPS, {precision['postal_code']:,} by postal code, "
        f"{precision['department']:,} by department, {phase1:,} in a phase-1 territory, "
        f"{len(locations) - phase1:,} outside, {phase2:,} in a phase-2 territory"
    )


def main() -> None:
    """Print what the real file gives: counts, timings, territories and the fragile share."""
    import time

    from data.outlines import load_outlines
    from data.reference import load_geography
    from settings import Settings

    data_dir = Settings().data_dir
    geography = load_geography(data_dir)
    started = time.perf_counter()
    outlines = load_outlines(data_dir)
    loaded_outlines = time.perf_counter()
    laureates, problems = read_laureates(data_dir / LAUREATES_FILE, geography)
    read = time.perf_counter()
    locations = locate(laureates, geography, outlines)
    done = time.perf_counter()
    for problem in problems:
        print(("kept: " if problem.kept else "skipped: ") + problem.message)
    print("laureates: " + summary(laureates, problems, locations))
    print(
        f"time: outlines {loaded_outlines - started:.3f} s, read {read - loaded_outlines:.3f} s, "
        f"locate {done - read:.3f} s"
    )
    placed = [la for la in laureates if la.latitude is not None]
    for phase, published in ((1, 736), (2, 845)):
        hits = outlines.containing(
            phase, [la.longitude or 0.0 for la in placed], [la.latitude or 0.0 for la in placed]
        )
        in_any = sum(bool(ids) for ids in hits)
        column = "territory_id" if phase == 1 else "phase2_territory_id"
        region_of = {t.id: t.region_code for t in geography.territories}
        gps = sum(
            any(region_of.get(t) == la.region_code for t in ids)
            for la, ids in zip(placed, hits, strict=True)
        )
        total = sum(getattr(loc, column) is not None for loc in locations)
        print(
            f"phase {phase}: {in_any:,} of {len(placed):,} positions inside an outline "
            f"(SOURCES.md: {published}), {gps:,} accepted (territory of their region), "
            f"{total - gps:,} by membership, {len(locations) - total:,} in none"
        )
    in_commune = [loc for loc in locations if loc.commune_code is not None]
    fragile = sum(loc.fragile for loc in locations)
    print(
        f"fragile: {fragile:,} of {len(locations):,} laureates "
        f"({fragile / max(len(locations), 1):.1%}; published share of winners: 69 %); "
        f"of the {len(in_commune):,} in a commune ({fragile / max(len(in_commune), 1):.1%} "
        f"fragile; the others have a postal code serving no commune of their department, "
        f"e.g. CEDEX, or are overseas): QPV {sum(loc.qpv for loc in in_commune):,}, "
        f"ACV {sum(loc.action_coeur_de_ville for loc in in_commune):,}, "
        f"rural {sum(loc.rural for loc in in_commune):,}"
    )
    levels = Counter(loc.density_level for loc in in_commune)
    print("density levels: " + ", ".join(f"{k}: {v}" for k, v in levels.most_common()))


if __name__ == "__main__":
    main()
