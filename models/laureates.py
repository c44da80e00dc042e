"""Laureate summaries: sums over the fund's laureates per region or territory, each in one
grouped statement (generated candidates left out). Functions take a session and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models.project import Project


@dataclass(frozen=True)
class LaureateTotals:
    """Sums over the laureates of a region or a territory (generated candidates left out)."""

    count: int = 0
    located: int = 0  # with an accepted GPS position
    stated_aid_eur: int = 0
    estimated_aid_eur: int = 0
    aid_low_eur: int = 0
    aid_high_eur: int = 0
    jobs_created: int = 0
    jobs_created_stated: int = 0
    jobs_created_low: int = 0
    jobs_created_high: int = 0


# What the laureate sums read of a project.
SUMMED = (
    Project.location_precision,
    Project.aid_requested_eur,
    Project.aid_requested_eur_source,
    Project.aid_requested_eur_low,
    Project.aid_requested_eur_high,
    Project.jobs_created,
    Project.jobs_created_source,
    Project.jobs_created_low,
    Project.jobs_created_high,
)


def _laureate_sums(source: Any) -> list[ColumnElement[Any]]:
    """The sums of LaureateTotals, in its field order, over the `source` rows of projects."""
    c = source.c

    def when(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    def total(value: Any) -> ColumnElement[Any]:
        return func.coalesce(func.sum(value), 0)

    return [
        func.count(),
        when(c.location_precision == "gps", 1),
        when(c.aid_requested_eur_source == "stated", c.aid_requested_eur),
        when(c.aid_requested_eur_source == "estimated", c.aid_requested_eur),
        total(c.aid_requested_eur_low),
        total(c.aid_requested_eur_high),
        total(c.jobs_created),
        when(c.jobs_created_source == "stated", c.jobs_created),
        total(c.jobs_created_low),
        total(c.jobs_created_high),
    ]


async def _laureate_totals(session: AsyncSession, keyed: Any) -> dict[str, LaureateTotals]:
    """LaureateTotals per `key` of the subquery `keyed` (laureate rows with a `key` column)."""
    stmt = select(keyed.c.key, *_laureate_sums(keyed)).group_by(keyed.c.key)
    return {
        key: LaureateTotals(*(int(value) for value in sums))
        for key, *sums in await session.execute(stmt)
    }


async def laureate_totals_by_region(
    session: AsyncSession, region_codes: Iterable[str]
) -> dict[str, LaureateTotals]:
    """Every laureate of each region, in a territory or not, in one statement."""
    keyed = (
        select(*SUMMED, Project.region_code.label("key"))
        .where(Project.origin == "laureate", Project.region_code.in_(set(region_codes)))
        .subquery()
    )
    return await _laureate_totals(session, keyed)


async def laureate_totals_by_territory(
    session: AsyncSession, territory_ids: Iterable[str]
) -> dict[str, LaureateTotals]:
    """The laureates whose phase-1 or phase-2 territory each territory is, in one statement (a
    laureate in both a phase-1 and a phase-2 territory counts in each)."""
    ids = set(territory_ids)
    laureate = Project.origin == "laureate"
    keyed = union_all(
        select(*SUMMED, Project.territory_id.label("key")).where(
            laureate, Project.territory_id.in_(ids)
        ),
        select(*SUMMED, Project.phase2_territory_id.label("key")).where(
            laureate, Project.phase2_territory_id.in_(ids)
        ),
    ).subquery()
    return await _laureate_totals(session, keyed)
