"""Read the reference open data (regions, departments, communes, EPCI, Territoires d'industrie).

The files live outside the repo (setting ``data_dir``, see ../shared/data/SOURCES.md). Every
value is checked while reading (``data.csv_reader``), and a bad value raises
``ReferenceDataError`` naming the file, the line and the column. Without any reference folder,
``load_geography`` falls back to a built-in synthetic geography (``data.synthetic``) and logs a
warning. The files of ``OPTIONAL_FILES`` may be absent (small test folders): then communes have
no density level and no postal code, and a warning names the file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from data.csv_reader import SIREN, CsvReader
from data.geography import RURAL_LEVELS, Commune, Department, Geography, Member, Region, Territory
from data.synthetic import synthetic_geography

log = logging.getLogger(__name__)

FILES = {
    "regions": "regions.csv",
    "departments": "departements.csv",
    "communes": "communes.csv",
    "epci": "epci.csv",
    "phase1": "territoires_industrie_phase1.csv",
    "phase2": "territoires_industrie_phase2.csv",
    "acv": "action_coeur_de_ville_communes.csv",
    "qpv": "qpv_2024_communes.csv",
}
# Read when present: the density grid, postal codes, territory outlines (data.outlines) and
# the fund's laureates (data.laureates).
OPTIONAL_FILES = {
    "density": "communes_grille_densite.csv",
    "postal_codes": "communes_codes_postaux.csv",
    "outlines1": "territoires_industrie_phase1.geojson",
    "outlines2": "territoires_industrie_phase2.geojson",
    "laureates": "laureats_fonds_territoires.csv",
}
DENSITY_LEVELS = frozenset(
    {"Grands centres urbains", "Centres urbains intermédiaires", "Ceintures urbaines"}
    | {"Petites villes"}
    | RURAL_LEVELS
)
# Overseas collectivities (zone "com") have no Territoire d'industrie and are not regions: they
# are kept apart (Geography.collectivity_regions), for the laureates located there.
ZONES = ("metro", "drom")

POSTAL_CODE = re.compile(r"\d{5}")
REGION_CODE = re.compile(r"\d{2,3}")
DEPARTMENT_CODE = re.compile(r"\d{2,3}|2[AB]")
COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
TERRITORY_CODE = re.compile(r"ti-\d{4}")


def fingerprint(data_dir: Path) -> str:
    """A hash of the files read, so a second setup can tell nothing changed."""
    digest = hashlib.sha256()
    for name in sorted([*FILES.values(), *OPTIONAL_FILES.values()]):
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()[:16]


def load_geography(data_dir: Path) -> Geography:
    if not data_dir.is_dir():
        log.warning(
            "reference data folder %s not found: using the BUILT-IN SYNTHETIC geography "
            "(real region codes, invented departments, communes and territories); "
            "set TERRITOIRES_DATA_DIR to the reference data folder to use real data",
            data_dir,
        )
        return synthetic_geography()
    return _load(data_dir)


def optional_file(data_dir: Path, key: str, missing: str) -> Path | None:
    """The path of an optional file, or None after a warning saying what its absence means."""
    path = data_dir / OPTIONAL_FILES[key]
    if path.is_file():
        return path
    log.warning("%s not found in %s: %s", path.name, data_dir, missing)
    return None


def _load(data_dir: Path) -> Geography:
    all_regions = _regions(
        CsvReader(data_dir, FILES["regions"], ("code_region", "nom_region", "zone"))
    )
    regions = tuple(r for r in all_regions if r.zone in ZONES)
    collectivity_regions = tuple(r for r in all_regions if r.zone not in ZONES)
    region_codes = {r.code for r in regions}
    all_departments = _departments(
        CsvReader(
            data_dir, FILES["departments"], ("code_departement", "nom_departement", "code_region")
        ),
        {r.code for r in all_regions},
    )
    departments = tuple(d for d in all_departments if d.region_code in region_codes)
    collectivity_departments = tuple(
        d for d in all_departments if d.region_code not in region_codes
    )
    density = _density(data_dir)
    acv = _commune_set(
        CsvReader(data_dir, FILES["acv"], ("code_insee",)), "code_insee", allow_na=False
    )
    qpv = _commune_set(
        CsvReader(data_dir, FILES["qpv"], ("insee_com",)), "insee_com", allow_na=True
    )
    communes = _communes(
        CsvReader(
            data_dir,
            FILES["communes"],
            ("code_insee", "nom", "code_departement", "code_region", "siren_epci", "population"),
        ),
        region_codes,
        acv,
        qpv,
        density,
    )
    epci = _epci(
        CsvReader(data_dir, FILES["epci"], ("siren_epci", "nom_epci", "population_municipale"))
    )
    index = _Index(communes, epci)
    phase2 = _territories(
        CsvReader(
            data_dir,
            FILES["phase2"],
            (
                "id_ti",
                "lib_ti",
                "code_region_from_id",
                "departements_from_epci",
                "sirens_groupements",
                "liste_groupements_raw",
                "population_municipale_cog2026",
            ),
        ),
        2,
        region_codes,
        index,
    )
    # Phase 1 has no population: it is the sum over member SIRENs (EPCI, commune, or a phase-2
    # territory made of that single member, which covers the Grand Paris EPTs).
    for territory in phase2:
        if len(territory.members) == 1 and territory.population is not None:
            index.population.setdefault(territory.members[0].siren, territory.population)
    phase1 = _territories(
        CsvReader(
            data_dir,
            FILES["phase1"],
            (
                "id_ti",
                "lib_ti",
                "code_region_from_id",
                "departements_from_epci",
                "nb_groupements",
                "sirens_groupements_raw",
                "libs_groupements_raw",
            ),
        ),
        1,
        region_codes,
        index,
    )
    return Geography(
        regions=regions,
        departments=departments,
        communes=communes,
        territories=phase1 + phase2,
        source=str(data_dir),
        fingerprint=fingerprint(data_dir),
        postal_codes=_postal_codes(data_dir, {c.code for c in communes}),
        collectivity_regions=collectivity_regions,
        collectivity_departments=collectivity_departments,
    )


def _regions(reader: CsvReader) -> tuple[Region, ...]:
    regions = []
    for row in reader.rows():
        zone = reader.text(row, "zone")
        if zone not in (*ZONES, "com"):
            raise reader.error("zone", f"{zone!r} is not one of metro, drom, com")
        code = reader.code(row, "code_region", REGION_CODE)
        reader.unique(code, "code_region")
        regions.append(Region(code, reader.text(row, "nom_region"), zone))
    return tuple(regions)


def _departments(reader: CsvReader, region_codes: set[str]) -> tuple[Department, ...]:
    departments = []
    for row in reader.rows():
        region = reader.code(row, "code_region", REGION_CODE)
        code = reader.code(row, "code_departement", DEPARTMENT_CODE)
        reader.unique(code, "code_departement")
        if region in region_codes:
            departments.append(Department(code, reader.text(row, "nom_departement"), region))
    return tuple(departments)


def _commune_set(reader: CsvReader, column: str, allow_na: bool) -> set[str]:
    codes = set()
    for row in reader.rows():
        if allow_na and row[column].strip() == "NA":
            continue
        codes.add(reader.code(row, column, COMMUNE_CODE))
    return codes


def _density(data_dir: Path) -> dict[str, str]:
    if optional_file(data_dir, "density", "communes have no density level (none is rural)") is None:
        return {}
    reader = CsvReader(data_dir, OPTIONAL_FILES["density"], ("insee_com", "niveau_densite"))
    levels = {}
    for row in reader.rows():
        code = reader.code(row, "insee_com", COMMUNE_CODE)
        reader.unique(code, "insee_com")
        level = reader.text(row, "niveau_densite")
        if level not in DENSITY_LEVELS:
            raise reader.error("niveau_densite", f"{level!r} is not a level of the density grid")
        levels[code] = level
    return levels


def _postal_codes(data_dir: Path, communes: set[str]) -> dict[str, tuple[str, ...]]:
    """Postal code -> the codes of the communes it serves (communes loaded here only)."""
    if (
        optional_file(data_dir, "postal_codes", "laureates cannot be located by postal code")
        is None
    ):
        return {}
    reader = CsvReader(data_dir, OPTIONAL_FILES["postal_codes"], ("code_insee", "code_postal"))
    served: dict[str, set[str]] = {}
    for row in reader.rows():
        code = reader.code(row, "code_insee", COMMUNE_CODE)
        postal_code = reader.code(row, "code_postal", POSTAL_CODE)
        if code in communes:  # overseas collectivities have no commune here
            served.setdefault(postal_code, set()).add(code)
    return {postal_code: tuple(sorted(codes)) for postal_code, codes in sorted(served.items())}


def _communes(
    reader: CsvReader,
    region_codes: set[str],
    acv: set[str],
    qpv: set[str],
    density: dict[str, str],
) -> tuple[Commune, ...]:
    communes = []
    for row in reader.rows():
        code = reader.code(row, "code_insee", COMMUNE_CODE)
        reader.unique(code, "code_insee")
        region = reader.code(row, "code_region", REGION_CODE)
        if region not in region_codes:
            continue  # overseas collectivities, some uninhabited (no population)
        siren = row["siren_epci"].strip() or None
        if siren is not None and not SIREN.fullmatch(siren):
            raise reader.error("siren_epci", f"{siren!r} is not a 9-digit SIREN")
        communes.append(
            Commune(
                code=code,
                name=reader.text(row, "nom"),
                department_code=reader.code(row, "code_departement", DEPARTMENT_CODE),
                region_code=region,
                epci_siren=siren,
                population=reader.integer(row, "population"),
                action_coeur_de_ville=code in acv,
                qpv=code in qpv,
                density_level=density.get(code),
            )
        )
    return tuple(communes)


def _epci(reader: CsvReader) -> dict[str, tuple[str, int]]:
    epci = {}
    for row in reader.rows():
        siren = reader.code(row, "siren_epci", SIREN)
        reader.unique(siren, "siren_epci")
        epci[siren] = (reader.text(row, "nom_epci"), reader.integer(row, "population_municipale"))
    return epci


class _Index:
    """Joins member SIRENs to communes: EPCI members through communes.siren_epci, commune
    members through their SIREN ("21" + department + "0" + 3-digit commune number + key;
    Corsica uses department "20")."""

    def __init__(self, communes: tuple[Commune, ...], epci: dict[str, tuple[str, int]]) -> None:
        self.epci_names = {siren: name for siren, (name, _) in epci.items()}
        self.population = {siren: population for siren, (_, population) in epci.items()}
        self.by_epci: dict[str, list[str]] = {}
        self.by_department: dict[str, list[str]] = {}
        self.communes = {c.code: c for c in communes}
        for c in communes:
            if c.epci_siren:
                self.by_epci.setdefault(c.epci_siren, []).append(c.code)
            self.by_department.setdefault(c.department_code, []).append(c.code)

    def commune_of(self, siren: str) -> Commune | None:
        if not siren.startswith("21"):
            return None
        if siren[2:4] == "97":  # overseas: "21" + 3-digit department + 3-digit number + key
            return self.communes.get(siren[2:5] + siren[6:8])
        department, number = siren[2:4], siren[5:8]
        for prefix in ("2A", "2B") if department == "20" else (department,):
            if commune := self.communes.get(prefix + number):
                return commune
        return None

    def communes_of(self, sirens: tuple[str, ...], departments: tuple[str, ...]) -> tuple[str, ...]:
        codes: list[str] = []
        for siren in sirens:
            commune = self.commune_of(siren)
            codes.extend([commune.code] if commune else self.by_epci.get(siren, []))
        if not codes:  # e.g. Grand Paris EPTs, which are not in the EPCI list
            for department in departments:
                codes.extend(self.by_department.get(department, []))
        return tuple(sorted(set(codes)))

    def population_of(self, sirens: tuple[str, ...]) -> int | None:
        total, found = 0, False
        for siren in sirens:
            commune = self.commune_of(siren)
            population = commune.population if commune else self.population.get(siren)
            if population is not None:
                total, found = total + population, True
        return total if found else None


GROUPEMENT = re.compile(r"\s*(.*?)\s*\((\d{9})\)\s*")


def _territories(
    reader: CsvReader, phase: int, region_codes: set[str], index: _Index
) -> tuple[Territory, ...]:
    territories = []
    seen: set[str] = set()
    for row in reader.rows():
        code = reader.code(row, "id_ti", TERRITORY_CODE)
        if code in seen:
            raise reader.error("id_ti", f"{code} appears twice")
        seen.add(code)
        region = reader.code(row, "code_region_from_id", REGION_CODE)
        if region not in region_codes:
            raise reader.error("code_region_from_id", f"{region} is not a region of regions.csv")
        departments = tuple(d for d in row["departements_from_epci"].split("|") if d)
        for department in departments:
            if not DEPARTMENT_CODE.fullmatch(department):
                raise reader.error("departements_from_epci", f"{department!r} is not a department")
        population: int | None
        if phase == 2:
            sirens = reader.sirens(row, "sirens_groupements", "|")
            members = _members_phase2(reader, row, sirens)
            population = reader.integer(row, "population_municipale_cog2026")
        else:
            # Names contain ", " in some rows: split on the SIRENs, take names from epci.csv.
            sirens = reader.sirens(row, "sirens_groupements_raw", ",")
            if len(sirens) != reader.integer(row, "nb_groupements"):
                raise reader.error(
                    "sirens_groupements_raw",
                    f"{len(sirens)} SIRENs but nb_groupements is {row['nb_groupements']}",
                )
            members = _members_phase1(row, sirens, index)
            population = index.population_of(sirens)
        territories.append(
            Territory(
                phase=phase,
                code=code,
                name=reader.text(row, "lib_ti"),
                region_code=region,
                departments=departments,
                population=population,
                members=members,
                commune_codes=index.communes_of(sirens, departments),
            )
        )
    return tuple(territories)


def _members_phase2(
    reader: CsvReader, row: dict[str, str], sirens: tuple[str, ...]
) -> tuple[Member, ...]:
    raw = row["liste_groupements_raw"]
    names = {siren: name for name, siren in GROUPEMENT.findall(raw)}
    missing = [s for s in sirens if s not in names]
    if missing:
        raise reader.error("liste_groupements_raw", f"no 'Name (SIREN)' entry for {missing[0]}")
    return tuple(Member(s, names[s]) for s in sirens)


def _members_phase1(
    row: dict[str, str], sirens: tuple[str, ...], index: _Index
) -> tuple[Member, ...]:
    raw_names = [n.strip() for n in row["libs_groupements_raw"].split(", ")]
    aligned = len(raw_names) == len(sirens)
    members = []
    for i, siren in enumerate(sirens):
        commune = index.commune_of(siren)
        name: str | None = raw_names[i] if aligned else None
        name = name or index.epci_names.get(siren) or (commune.name if commune else None)
        members.append(Member(siren, name or siren))
    return tuple(members)
