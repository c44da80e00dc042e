"""The geography as read from the reference files (or built in): plain frozen dataclasses.

``data.reference`` fills them from the open-data files, ``data.synthetic`` invents them when no
reference folder exists, and ``data.seed`` writes them to the database.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def phase(self, phase: int) -> tuple[Territory, ...]:
        return tuple(t for t in self.territories if t.phase == phase)
