"""Root query fields for reference data (regions, territories, projects, funds, awards)."""

from __future__ import annotations

from typing import TypeVar

import strawberry
from strawberry import relay

from models import queries
from schema.filters import ProjectFilter, ProjectOrder, TerritoryFilter
from schema.jobs import JobQuery
from schema.pagination import Connection, page_from
from schema.parameters import ScenarioParameter, scenario_parameters
from schema.pareto import ParetoQuery
from schema.types import Award, Fund, Info, ProjectNode, Region, Territory, type_name
from schema.whatif import WhatIfQuery

NODE_TYPES: dict[str, type[relay.Node]] = {
    type_name(kind): kind for kind in (Region, Territory, ProjectNode, Fund, Award)
}
T = TypeVar("T", bound=relay.Node)


async def _load_node(info: Info, id: relay.GlobalID, kind: type[T]) -> T | None:
    if id.type_name != type_name(kind):
        return None
    nodes = await kind.resolve_nodes(info=info, node_ids=[id.node_id])  # type: ignore[misc]
    return next(iter(nodes), None)


@strawberry.type(description="A sector of the candidate projects (ProjectFilter.sector).")
class Sector:
    name: str
    project_count: int


@strawberry.type
class Query(WhatIfQuery, ParetoQuery, JobQuery):
    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        kind = NODE_TYPES.get(id.type_name)
        return None if kind is None else await _load_node(info, id, kind)

    @strawberry.field(description="Regions that have Territoires d'industrie, by INSEE code.")
    async def regions(self, info: Info) -> list[Region]:
        async with info.context.sessions() as session:
            rows = await queries.regions(session)
        return [Region.from_model(row) for row in rows]

    @strawberry.field
    async def region(self, info: Info, code: str) -> Region | None:
        row = await info.context.loaders.region().load(code)
        return None if row is None else Region.from_model(row)

    @strawberry.field
    async def territories(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TerritoryFilter | None = None,
    ) -> Connection[Territory]:
        page = page_from(first, after, last, before)
        where = filter.to_query() if filter else queries.TerritoryFilter()
        async with info.context.sessions() as session:
            rows, total = await queries.territory_page(session, where, page)
        return Connection.of(rows, total, page, Territory.from_model)

    @strawberry.field
    async def territory(self, info: Info, id: relay.GlobalID) -> Territory | None:
        return await _load_node(info, id, Territory)

    @strawberry.field
    async def projects(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ProjectFilter | None = None,
        order_by: ProjectOrder = ProjectOrder.ID,
    ) -> Connection[ProjectNode]:
        page = page_from(first, after, last, before)
        where = filter.to_query() if filter else queries.ProjectFilter()
        async with info.context.sessions() as session:
            rows, total = await queries.project_page(session, where, order_by.value, page)
        return Connection.of(rows, total, page, ProjectNode.from_model)

    @strawberry.field
    async def project(self, info: Info, id: relay.GlobalID) -> ProjectNode | None:
        return await _load_node(info, id, ProjectNode)

    @strawberry.field
    async def funds(self, info: Info) -> list[Fund]:
        async with info.context.sessions() as session:
            rows = await queries.funds(session)
        return [Fund.from_model(row) for row in rows]

    @strawberry.field
    async def fund(self, info: Info, id: relay.GlobalID) -> Fund | None:
        return await _load_node(info, id, Fund)

    @strawberry.field(description="The sectors of the candidate projects, by name.")
    async def sectors(self, info: Info) -> list[Sector]:
        async with info.context.sessions() as session:
            rows = await queries.sectors(session)
        return [Sector(name=name, project_count=count) for name, count in rows]

    @strawberry.field(
        description="Every ScenarioInput field with its file key, kind, bounds and default."
    )
    def scenario_parameters(self) -> list[ScenarioParameter]:
        return scenario_parameters()
