"""GraphQL types for what the real laureates brought: where a project comes from, its company,
its location, and the laureates summed per region or territory."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Row

from models import Project as ProjectRow
from models.laureates import LaureateTotals
from schema.scalars import Euros


@strawberry.enum(description="Where a project comes from.")
class ProjectOrigin(Enum):
    LAUREATE = strawberry.enum_value(
        "laureate",
        description="A laureate of the fund: a project of the State's open dataset of France "
        "Relance industrial projects.",
    )
    GENERATED = strawberry.enum_value(
        "generated",
        description="A generated candidate: the programme reported more candidates than the "
        "published laureates, and generated ones fill the pool (docs/data.md).",
    )


@strawberry.enum(description="Size class of a laureate's company, as the open dataset writes it.")
class CompanySize(Enum):
    TPE_PME = strawberry.enum_value("TPE / PME", description="Micro, small or medium company.")
    ETI = strawberry.enum_value("ETI", description="Intermediate-sized company.")
    GE = strawberry.enum_value("GE", description="Large company.")
    ASSOCIATION = strawberry.enum_value("Association", description="An association.")
    AUTRE = strawberry.enum_value("Autre", description="Any other kind of organisation.")


@strawberry.enum(description="How precisely a project's location is known.")
class LocationPrecision(Enum):
    GPS = strawberry.enum_value("gps", description="The published GPS position, accepted.")
    POSTAL_CODE = strawberry.enum_value(
        "postal_code", description="The commune from the postal code; no position."
    )
    DEPARTMENT = strawberry.enum_value(
        "department", description="The department only: no commune, no position."
    )
    GENERATED = strawberry.enum_value(
        "generated", description="A generated candidate placed in a commune; no position."
    )


@strawberry.type(
    description="Sums over the fund's laureates (generated candidates left out). A figure's "
    "range is summed project by project: the sum of the 10th percentiles is a low bound, not "
    "the 10th percentile of the total."
)
class LaureateSummary:
    count: int = strawberry.field(description="Number of laureates.")
    located: int = strawberry.field(description="Laureates with an accepted GPS position.")
    stated_aid_eur: Euros = strawberry.field(
        description="Aid of the laureates whose description states it."
    )
    estimated_aid_eur: Euros = strawberry.field(
        description="Aid of the other laureates: estimates (docs/data.md)."
    )
    aid_low_eur: Euros = strawberry.field(description="Sum of the aid figures' low ends.")
    aid_high_eur: Euros = strawberry.field(description="Sum of the aid figures' high ends.")
    jobs_created: int = strawberry.field(
        description="Jobs created, stated or estimated: the values the engine uses."
    )
    jobs_created_stated: int = strawberry.field(
        description="Jobs created where the description states them."
    )
    jobs_created_low: int = strawberry.field(description="Sum of the jobs figures' low ends.")
    jobs_created_high: int = strawberry.field(description="Sum of the jobs figures' high ends.")

    @classmethod
    def of(cls, totals: LaureateTotals | None) -> LaureateSummary:
        totals = totals or LaureateTotals()
        return cls(
            count=totals.count,
            located=totals.located,
            stated_aid_eur=Euros(totals.stated_aid_eur),
            estimated_aid_eur=Euros(totals.estimated_aid_eur),
            aid_low_eur=Euros(totals.aid_low_eur),
            aid_high_eur=Euros(totals.aid_high_eur),
            jobs_created=totals.jobs_created,
            jobs_created_stated=totals.jobs_created_stated,
            jobs_created_low=totals.jobs_created_low,
            jobs_created_high=totals.jobs_created_high,
        )


@strawberry.type(description="The company that carries a laureate's project.")
class Company:
    name: str
    siren: str | None = strawberry.field(description="SIREN number; null where none is given.")
    size: CompanySize | None

    @classmethod
    def of(cls, row: ProjectRow | Row[Any]) -> Company:
        size = None if row.company_size is None else CompanySize(row.company_size)
        return cls(name=row.company_name or "", siren=row.siren, size=size)


@strawberry.type(description="Where a project is, and how precisely that is known.")
class Location:
    commune_code: str | None = strawberry.field(
        description="INSEE code of the commune; null when only the department is known."
    )
    department_code: str
    region_code: str
    postal_code: str | None
    latitude: float | None = strawberry.field(description="WGS 84; only with precision GPS.")
    longitude: float | None = strawberry.field(description="WGS 84; only with precision GPS.")
    precision: LocationPrecision
    density_level: str | None = strawberry.field(
        description="The commune's level in INSEE's density grid (its rural levels make a "
        "project fragile); null without a commune."
    )

    @classmethod
    def of(cls, row: ProjectRow | Row[Any]) -> Location:
        return cls(
            commune_code=row.commune_code,
            department_code=row.department_code,
            region_code=row.region_code,
            postal_code=row.postal_code,
            latitude=row.latitude,
            longitude=row.longitude,
            precision=LocationPrecision(row.location_precision),
            density_level=row.density_level,
        )
