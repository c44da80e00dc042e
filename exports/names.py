"""What an export names that the engine's arrays do not hold, read from the database: territory
names, and each listed project's name, company and origin (laureate or generated)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from exports.cells import Names, ProjectName, Stamp
from models import queries
from schema.cache import Version, data_version
from schema.provenance import data_version as dataset
from simulation.compare import Comparison
from simulation.projects import ProjectColumns
from simulation.result import Result


async def names_of(
    session: AsyncSession, territory_ids: Iterable[str], project_ids: Iterable[int]
) -> Names:
    territories = await queries.territories_by_id(session, set(territory_ids))
    rows = await queries.projects_by_id(session, set(project_ids))
    return Names(
        territories={tid: row.name for tid, row in territories.items()},
        projects={
            pid: ProjectName(name=row.name, company=row.company_name, origin=row.origin)
            for pid, row in rows.items()
        },
    )


async def result_names(session: AsyncSession, result: Result, projects: ProjectColumns) -> Names:
    """The names of a result's territories and funded projects."""
    territories = [t.id for t in result.territories]
    territories += [str(t) for t in projects.territory_names]
    funded = result.project_ids[result.allocation_eur > 0]
    return await names_of(session, territories, (int(pid) for pid in funded))


async def comparison_names(session: AsyncSession, comparison: Comparison) -> Names:
    """The names of the projects that enter or leave between the compared scenarios."""
    return await names_of(session, (), (change.project_id for change in comparison.projects))


async def stamp(session: AsyncSession) -> Stamp:
    """The seeded dataset (as a result's provenance says it) and the time now."""
    return stamp_of(await data_version(session))


def stamp_of(version: Version) -> Stamp:
    return Stamp(data=dataset(version), generated_at=dt.datetime.now(dt.UTC))
