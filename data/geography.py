"""The geography as read from the reference files (or built in): plain frozen dataclasses.

``data.reference`` fills them from the open-data files, ``data.synthetic`` invents them when no
reference folder exists, and ``data.seed`` writes them to the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The levels of INSEE's density grid counted as rural: the documented stand-in for the rural
# revitalisation zones (ZRR/FRR), which have no usable commune list.
RURAL_LEVELS = frozenset(
    {"Bourgs ruraux", "Rural à habitat dispersé", "Rural à habitat très dispersé"}
)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    zone: str


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    region_code: str


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    department_code: str
    region_code: str
    epci_siren: str | None
    population: int
    action_coeur_de_ville: bool = False
    qpv: bool = False
    density_level: str | None = None  # INSEE density grid; None when the grid file is absent

    @property
    def rural(self) -> bool:
        return self.density_level in RURAL_LEVELS


@dataclass(frozen=True)
class Member:
    siren: str
    name: str


@dataclass(frozen=True)
class Territory:
    phase: int
    code: str
    name: str
    region_code: str
    departments: tuple[str, ...]
    population: int | None
    members: tuple[Member, ...]
    commune_codes: tuple[str, ...]  # where generated projects may be placed

    @property
    def id(self) -> str:
        return f"p{self.phase}-{self.code}"


@dataclass(frozen=True)
class Geography:
    regions: tuple[Region, ...]
    departments: tuple[Department, ...]
    communes: tuple[Commune, ...]
    territories: tuple[Territory, ...]
    source: str  # the data folder, or a sentence saying the geography is synthetic
    fingerprint: str  # changes whenever the files change
    synthetic: bool = False
    postal_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # -> communes
    # Overseas collectivities (zone "com", e.g. New Caledonia): no commune or territory here,
    # but some laureates are there; the seed writes those the laureates use.
    collectivity_regions: tuple[Region, ...] = ()
    collectivity_departments: tuple[Department, ...] = ()

    def phase(self, phase: int) -> tuple[Territory, ...]:
        return tuple(t for t in self.territories if t.phase == phase)
