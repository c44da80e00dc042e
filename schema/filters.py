"""GraphQL inputs that filter and order the projects and territories."""

from __future__ import annotations

import re
from enum import Enum

import strawberry
from strawberry import relay

from models import queries
from schema.errors import UserInputError
from schema.laureates import CompanySize, ProjectOrigin


@strawberry.enum
class ProjectOrder(Enum):
    ID = queries.ProjectOrder.ID
    AID_REQUESTED_DESC = queries.ProjectOrder.AID_REQUESTED_DESC
    INVESTMENT_DESC = queries.ProjectOrder.INVESTMENT_DESC
    JOBS_CREATED_DESC = queries.ProjectOrder.JOBS_CREATED_DESC
    JOBS_PER_AID_DESC = queries.ProjectOrder.JOBS_PER_AID_DESC


# French department codes: "01".."95", "2A", "2B", and three digits overseas ("974", "988").
DEPARTMENT_CODE = re.compile(r"[0-9]{2}|2[AB]|9[78][0-9]")


def department_code(argument: str, code: str | None) -> str | None:
    """`code`, refused (naming `argument`) unless it is shaped like a department code."""
    if code is not None and not DEPARTMENT_CODE.fullmatch(code):
        raise UserInputError(
            argument, f"must be a department code such as '01', '2A' or '974', got {code!r}"
        )
    return code


def _stored(member: Enum | None) -> str | None:
    """The value a column stores for an enum member (its enum_value)."""
    return None if member is None else str(member.value)


@strawberry.input(description="Every field is optional; the filters combine with AND.")
class ProjectFilter:
    region_code: str | None = None
    territory_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Projects whose territory or phase-2 territory this is."
    )
    phase: int | None = strawberry.field(
        default=None, description="Projects in a territory of this phase (1 or 2)."
    )
    fragile: bool | None = None
    decarbonisation: bool | None = None
    sector: str | None = None
    funded: bool | None = strawberry.field(
        default=None, description="Has at least one award from any fund."
    )
    origin: ProjectOrigin | None = strawberry.field(
        default=None, description="Only the fund's laureates, or only generated candidates."
    )
    company_size: CompanySize | None = strawberry.field(
        default=None, description="Laureates whose company is of this size class."
    )
    department_code: str | None = strawberry.field(
        default=None, description='INSEE department code, such as "01", "2A" or "974".'
    )

    def to_query(self) -> queries.ProjectFilter:
        return queries.ProjectFilter(
            region_code=self.region_code,
            territory_id=None if self.territory_id is None else self.territory_id.node_id,
            phase=self.phase,
            fragile=self.fragile,
            decarbonisation=self.decarbonisation,
            sector=self.sector,
            funded=self.funded,
            origin=_stored(self.origin),
            company_size=_stored(self.company_size),
            department_code=department_code("filter.departmentCode", self.department_code),
        )


@strawberry.input
class TerritoryFilter:
    region_code: str | None = None
    phase: int | None = None
    name_contains: str | None = None

    def to_query(self) -> queries.TerritoryFilter:
        return queries.TerritoryFilter(self.region_code, self.phase, self.name_contains)
