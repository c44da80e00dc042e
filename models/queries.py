"""Read queries. Functions take a session and never commit; the caller owns the transaction.

Paged queries take an offset and a limit and return the rows of the page plus the total count,
so a GraphQL connection costs two statements whatever the page, and nested pages one statement
(plus one for their awards) whatever the number of parents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.fund import Award, Fund
from models.geography import Region, Territory
from models.project import Project
from simulation.projects import NO_TERRITORY, ProjectColumns
from simulation.scenario import ProjectSelection

# Hot reads select these columns and return Core rows (attribute access like the ORM objects).
PROJECT = tuple(Project.__table__.c)
AWARD = tuple(Award.__table__.c)
TERRITORY = tuple(Territory.__table__.c)


class ProjectOrder(StrEnum):
    ID = "id"
    AID_REQUESTED_DESC = "aid_requested_desc"
    INVESTMENT_DESC = "investment_desc"
    JOBS_CREATED_DESC = "jobs_created_desc"
    JOBS_PER_AID_DESC = "jobs_per_aid_desc"


@dataclass(frozen=True)
class TerritoryFilter:
    region_code: str | None = None
    phase: int | None = None
    name_contains: str | None = None


@dataclass(frozen=True)
class ProjectFilter:
    region_code: str | None = None
    territory_id: str | None = None
    phase: int | None = None
    fragile: bool | None = None
    decarbonisation: bool | None = None
    sector: str | None = None
    funded: bool | None = None
    origin: str | None = None  # one of models.project.ORIGINS
    company_size: str | None = None  # as written in the laureates file: "TPE / PME", "ETI"...
    department_code: str | None = None


@dataclass(frozen=True)
class Page:
    """Rows ``[offset, offset + limit)`` of an ordered query; with ``from_end``, the last
    ``limit`` rows from ``offset`` on instead (paging backwards from the end: where that page
    starts depends on the total, known only when the query runs)."""

    offset: int
    limit: int
    from_end: bool = False

    def within(self, total: int) -> Page:
        """The same rows as a plain offset page, once the total is known."""
        if not self.from_end:
            return self
        start = max(self.offset, total - self.limit)
        return Page(offset=start, limit=max(total - start, 0))


async def regions(session: AsyncSession) -> Sequence[Region]:
    """Regions that have at least one territory, by code."""
    has_territory = select(Territory.region_code).distinct()
    stmt = select(Region).where(Region.code.in_(has_territory)).order_by(Region.code)
    return (await session.scalars(stmt)).all()


async def regions_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, Region]:
    rows = await session.scalars(select(Region).where(Region.code.in_(set(codes))))
    return {row.code: row for row in rows}


async def territories_by_region(
    session: AsyncSession, region_codes: Iterable[str], phase: int | None
) -> dict[str, list[Territory]]:
    stmt = select(Territory).where(Territory.region_code.in_(set(region_codes)))
    if phase is not None:
        stmt = stmt.where(Territory.phase == phase)
    grouped: dict[str, list[Territory]] = defaultdict(list)
    for row in await session.scalars(stmt.order_by(Territory.phase, Territory.code)):
        grouped[row.region_code].append(row)
    return grouped


async def territories_by_id(session: AsyncSession, ids: Iterable[str]) -> dict[str, Territory]:
    rows = await session.scalars(select(Territory).where(Territory.id.in_(set(ids))))
    return {row.id: row for row in rows}


def _territory_conditions(where: TerritoryFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.region_code is not None:
        conditions.append(Territory.region_code == where.region_code)
    if where.phase is not None:
        conditions.append(Territory.phase == where.phase)
    if where.name_contains:
        conditions.append(Territory.name.icontains(where.name_contains, autoescape=True))
    return conditions


async def territory_page(
    session: AsyncSession, where: TerritoryFilter, page: Page
) -> tuple[Sequence[Row[Any]], int]:
    conditions = _territory_conditions(where)
    total = int(
        await session.scalar(select(func.count()).select_from(Territory).where(*conditions)) or 0
    )
    page = page.within(total)
    stmt = (
        select(*TERRITORY)
        .where(*conditions)
        .order_by(Territory.phase, Territory.code)
        .offset(page.offset)
        .limit(page.limit)
    )
    return (await session.execute(stmt)).all(), total


def _project_conditions(where: ProjectFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.region_code is not None:
        conditions.append(Project.region_code == where.region_code)
    # A project lies in its territory and in its phase-2 territory.
    if where.territory_id is not None:
        conditions.append(
            or_(
                Project.territory_id == where.territory_id,
                Project.phase2_territory_id == where.territory_id,
            )
        )
    if where.phase is not None:
        phase_territories = select(Territory.id).where(Territory.phase == where.phase)
        conditions.append(
            or_(
                Project.territory_id.in_(phase_territories),
                Project.phase2_territory_id.in_(phase_territories),
            )
        )
    if where.fragile is not None:
        conditions.append(Project.fragile.is_(where.fragile))
    if where.decarbonisation is not None:
        conditions.append(Project.decarbonisation.is_(where.decarbonisation))
    if where.sector is not None:
        conditions.append(Project.sector == where.sector)
    if where.funded is not None:
        awarded = select(Award.project_id)
        conditions.append(Project.id.in_(awarded) if where.funded else Project.id.not_in(awarded))
    if where.origin is not None:
        conditions.append(Project.origin == where.origin)
    if where.company_size is not None:
        conditions.append(Project.company_size == where.company_size)
    if where.department_code is not None:
        conditions.append(Project.department_code == where.department_code)
    return conditions


def _project_ordering(order: ProjectOrder) -> list[Any]:
    by_id = Project.id.asc()
    if order is ProjectOrder.AID_REQUESTED_DESC:
        return [Project.aid_requested_eur.desc(), by_id]
    if order is ProjectOrder.INVESTMENT_DESC:
        return [Project.investment_eur.desc(), by_id]
    if order is ProjectOrder.JOBS_CREATED_DESC:
        return [Project.jobs_created.desc(), by_id]
    if order is ProjectOrder.JOBS_PER_AID_DESC:
        ratio = Project.jobs_created * 1.0 / func.nullif(Project.aid_requested_eur, 0)
        return [ratio.desc(), by_id]
    return [by_id]


async def project_page(
    session: AsyncSession, where: ProjectFilter, order: ProjectOrder, page: Page
) -> tuple[Sequence[Row[Any]], int]:
    conditions = _project_conditions(where)
    total = int(
        await session.scalar(select(func.count()).select_from(Project).where(*conditions)) or 0
    )
    page = page.within(total)
    stmt = (
        select(*PROJECT)
        .where(*conditions)
        .order_by(*_project_ordering(order))
        .offset(page.offset)
        .limit(page.limit)
    )
    return (await session.execute(stmt)).all(), total


@dataclass
class ProjectPage:
    rows: list[Row[Any]]
    total: int
    awards: dict[int, list[Row[Any]]] | None = None  # by project id, when asked for


async def project_pages_by_territory(
    session: AsyncSession,
    territory_ids: Sequence[str],
    where: ProjectFilter,
    order: ProjectOrder,
    page: Page,
    with_awards: bool = False,
) -> dict[str, ProjectPage]:
    """One page of projects for each territory, in one statement (window functions), and with
    ``with_awards`` the awards of those projects in a second one. A territory's projects are
    those whose territory or phase-2 territory it is.

    Rows are plain Core rows (no ORM identity map: several times faster to load). The first
    row of each territory always comes back, to carry the territory's total even when the page
    is past its end (``in_page`` false).
    """
    # Joined to each of its territories, a project comes once per territory asked for.
    in_it = or_(Territory.id == Project.territory_id, Territory.id == Project.phase2_territory_id)
    key = Territory.id
    rank = func.row_number().over(partition_by=key, order_by=_project_ordering(order))
    total = func.count().over(partition_by=key)
    ranked = (
        select(*PROJECT, key.label("key"), rank.label("rank"), total.label("total"))
        .join_from(Project, Territory, in_it)
        .where(Territory.id.in_(set(territory_ids)), *_project_conditions(where))
    )
    ranked_sq = ranked.subquery()
    in_page: ColumnElement[bool]
    if page.from_end:  # each territory's last rows: where they start depends on its total
        in_page = (ranked_sq.c.rank > page.offset) & (
            ranked_sq.c.rank > ranked_sq.c.total - page.limit
        )
    else:
        in_page = ranked_sq.c.rank.between(page.offset + 1, page.offset + page.limit)
    stmt = (
        select(ranked_sq, in_page.label("in_page"))
        .where(in_page | (ranked_sq.c.rank == 1))
        .order_by(ranked_sq.c.key, ranked_sq.c.rank)
    )
    pages = {tid: ProjectPage([], 0) for tid in territory_ids}
    for row in await session.execute(stmt):
        entry = pages[row.key]
        entry.total = row.total
        if row.in_page:
            entry.rows.append(row)
    if with_awards:
        ids = [row.id for entry in pages.values() for row in entry.rows]
        awards = await awards_by_project(session, ids) if ids else {}
        for entry in pages.values():
            entry.awards = awards
    return pages


async def projects_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Row[Any]]:
    rows = await session.execute(select(*PROJECT).where(Project.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def awards_by_project(
    session: AsyncSession, project_ids: Iterable[int]
) -> dict[int, list[Row[Any]]]:
    stmt = select(*AWARD).where(Award.project_id.in_(set(project_ids))).order_by(Award.id)
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for award in await session.execute(stmt):
        grouped[award.project_id].append(award)
    return grouped


async def awards_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Award]:
    rows = await session.scalars(select(Award).where(Award.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def funds(session: AsyncSession) -> Sequence[Fund]:
    return (await session.scalars(select(Fund).order_by(Fund.id))).all()


async def funds_by_id(session: AsyncSession, ids: Iterable[str]) -> dict[str, Fund]:
    rows = await session.scalars(select(Fund).where(Fund.id.in_(set(ids))))
    return {row.id: row for row in rows}


@dataclass(frozen=True)
class FundTotals:
    awarded_eur: int
    award_count: int


async def fund_totals(session: AsyncSession, fund_ids: Iterable[str]) -> dict[str, FundTotals]:
    stmt = (
        select(Award.fund_id, func.coalesce(func.sum(Award.amount_eur), 0), func.count())
        .where(Award.fund_id.in_(set(fund_ids)))
        .group_by(Award.fund_id)
    )
    return {
        fid: FundTotals(int(total), int(count)) for fid, total, count in await session.execute(stmt)
    }


# A scenario's `projects.origin` -> the Project.origin it keeps ("both" keeps every project).
SELECTED_ORIGIN = {"laureates": "laureate", "generated": "generated"}


async def load_projects(session: AsyncSession, selection: ProjectSelection) -> ProjectColumns:
    """The engine's column arrays for the projects a scenario lets compete, by id.

    A phase keeps the projects located in a territory of that phase: for phase 1 their
    territory, for phase 2 their phase-2 territory (then their territory column). It leaves out
    the projects in no territory; without a phase they compete with ``NO_TERRITORY`` ("").
    """
    conditions = _project_conditions(ProjectFilter(origin=SELECTED_ORIGIN.get(selection.origin)))
    located = Project.phase2_territory_id if selection.phase == 2 else Project.territory_id
    if selection.phase is not None:
        of_phase = select(Territory.id).where(Territory.phase == selection.phase)
        conditions.append(located.in_(of_phase))
    if selection.regions:
        conditions.append(Project.region_code.in_(selection.regions))
    if selection.sectors:
        conditions.append(Project.sector.in_(selection.sectors))
    awarded = (
        select(Award.project_id, func.sum(Award.amount_eur).label("award_eur"))
        .group_by(Award.project_id)
        .subquery()
    )
    columns = (
        Project.id,
        Project.aid_requested_eur,
        Project.investment_eur,
        Project.jobs_created,
        Project.region_code,
        located,
        Project.fragile,
        Project.decarbonisation,
        Project.jobs_kept,
        Project.co2_avoided_t,
        Project.department_code,
        Project.sector,
        Project.record_date,
        func.coalesce(awarded.c.award_eur, 0),
        Project.jobs_created_low,
        Project.jobs_created_high,
        Project.jobs_created_source,
    )
    stmt = (
        select(*columns)
        .outerjoin(awarded, awarded.c.project_id == Project.id)
        .where(*conditions)
        .order_by(Project.id)
    )
    rows = (await session.execute(stmt)).all()
    (
        ids,
        aid,
        investment,
        jobs,
        region,
        territory,
        fragile,
        decarbonisation,
        kept,
        co2,
        department,
        sector,
        recorded,
        award,
        jobs_low,
        jobs_high,
        jobs_source,
    ) = zip(*rows, strict=True) if rows else ((),) * len(columns)
    return ProjectColumns(
        ids=np.array(ids, dtype=np.int64),
        aid_requested_eur=np.array(aid, dtype=np.int64),
        investment_eur=np.array(investment, dtype=np.int64),
        jobs_created=np.array(jobs, dtype=np.int64),
        region=np.array(region, dtype=np.str_),
        territory=np.array([t or NO_TERRITORY for t in territory], dtype=np.str_),
        fragile=np.array(fragile, dtype=np.bool_),
        decarbonisation=np.array(decarbonisation, dtype=np.bool_),
        jobs_kept=np.array(kept, dtype=np.int64),
        co2_avoided_t=np.array(co2, dtype=np.int64),
        department=np.array(department, dtype=np.str_),
        sector=np.array([s or "" for s in sector], dtype=np.str_),
        record_date=np.array(
            [np.datetime64(d, "D") if d else np.datetime64("NaT") for d in recorded],
            dtype="datetime64[D]",
        ),
        award_eur=np.array(award, dtype=np.int64),
        jobs_created_low=np.array(jobs_low, dtype=np.int64),
        jobs_created_high=np.array(jobs_high, dtype=np.int64),
        jobs_created_estimated=np.array([s == "estimated" for s in jobs_source], dtype=np.bool_),
    )


async def sectors(session: AsyncSession) -> list[tuple[str, int]]:
    """Each sector the projects belong to, by name, with its number of projects."""
    stmt = select(Project.sector, func.count()).group_by(Project.sector).order_by(Project.sector)
    return [(str(name), int(count)) for name, count in await session.execute(stmt)]
