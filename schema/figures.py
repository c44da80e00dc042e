"""GraphQL types for a project's figures: each value with its source and range."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Row

from models import Project as ProjectRow

# The description of Project's plain figure fields (investmentEur...).
MAY_BE_ESTIMATED = (
    "The value the engine uses; for most laureates an estimate, not a published figure: "
    "`figures` says whether it is stated, estimated or generated and gives its range."
)


@strawberry.enum(description="Where a figure comes from (docs/data.md).")
class FigureSource(Enum):
    STATED = strawberry.enum_value(
        "stated",
        description="Stated in the project's published description. A declaration, not a "
        "result: low and high are the declaration band around it.",
    )
    ESTIMATED = strawberry.enum_value(
        "estimated",
        description="Not stated, so estimated: the model's central value, with low and high "
        "the 10th and 90th percentiles of its prediction (a 10-90 % range).",
    )
    GENERATED = strawberry.enum_value(
        "generated",
        description="A generated candidate's figure, with the declaration band around it.",
    )


@strawberry.enum(description="What a figure counts.")
class FigureUnit(Enum):
    EUROS = strawberry.enum_value("euros", description="Euros.")
    JOBS = strawberry.enum_value("jobs", description="Jobs.")
    TONNES_CO2E_PER_YEAR = strawberry.enum_value(
        "tco2e_per_year", description="Tonnes of CO2 equivalent avoided per year."
    )


@strawberry.type(
    description="A figure of a project: the value the engine uses, where it comes from, and "
    "its range. An estimated figure is an estimate, with its 10-90 % range; a stated figure is "
    "a declaration, with the declaration band; a generated figure belongs to a generated "
    "candidate (docs/data.md)."
)
class Figure:
    value: float
    source: FigureSource
    low: float = strawberry.field(description="Low end of the range (10th percentile).")
    high: float = strawberry.field(description="High end of the range (90th percentile).")
    unit: FigureUnit

    @classmethod
    def of(cls, row: ProjectRow | Row[Any], column: str, unit: FigureUnit) -> Figure:
        """The figure a project row holds in `column` and its `_source`, `_low`, `_high`."""
        return cls(
            value=getattr(row, column),
            source=FigureSource(getattr(row, f"{column}_source")),
            low=getattr(row, f"{column}_low"),
            high=getattr(row, f"{column}_high"),
            unit=unit,
        )


@strawberry.type(
    description="Each figure of a project with its source and range; the plain fields of "
    "Project (aidRequestedEur...) hold the same values."
)
class ProjectFigures:
    investment: Figure
    aid_requested: Figure
    jobs_created: Figure
    jobs_kept: Figure
    co2_avoided: Figure = strawberry.field(
        description="tCO2e avoided per year. Only decarbonisation projects avoid any: the "
        "others carry 0 by rule (marked estimated, with a range of 0 to 0)."
    )

    @classmethod
    def of(cls, row: ProjectRow | Row[Any]) -> ProjectFigures:
        return cls(
            investment=Figure.of(row, "investment_eur", FigureUnit.EUROS),
            aid_requested=Figure.of(row, "aid_requested_eur", FigureUnit.EUROS),
            jobs_created=Figure.of(row, "jobs_created", FigureUnit.JOBS),
            jobs_kept=Figure.of(row, "jobs_kept", FigureUnit.JOBS),
            co2_avoided=Figure.of(row, "co2_avoided_t", FigureUnit.TONNES_CO2E_PER_YEAR),
        )
