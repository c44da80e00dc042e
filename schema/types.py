"""GraphQL object types for the reference data; each maps its ORM row explicitly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any, Self

import strawberry
from sqlalchemy import Row
from strawberry import relay
from strawberry.types.base import get_object_definition
from strawberry.types.nodes import SelectedField, Selection

from models import Award as AwardRow
from models import Fund as FundRow
from models import Project as ProjectRow
from models import Region as RegionRow
from models import Territory as TerritoryRow
from models import queries
from schema.context import Context
from schema.pagination import Connection, page_from
from schema.scalars import Euros

Info = strawberry.Info[Context, None]
ID_DESCRIPTION = "The Globally Unique ID of this object"


def type_name(kind: type) -> str:
    """The GraphQL name of a strawberry type (its Python name may say more)."""
    return get_object_definition(kind, strict=True).name


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


def selects(info: Info, path: tuple[str, ...]) -> bool:
    """Whether the query asks for `path` below the field being resolved (fragments included)."""

    def below(selections: Iterable[Selection], path: tuple[str, ...]) -> bool:
        if not path:
            return True
        return any(
            field.name == path[0] and below(field.selections, path[1:])
            for field in _fields(selections)
        )

    return below(info.selected_fields, (info.field_name, *path))


@strawberry.enum
class ProjectOrder(Enum):
    ID = queries.ProjectOrder.ID
    AID_REQUESTED_DESC = queries.ProjectOrder.AID_REQUESTED_DESC
    INVESTMENT_DESC = queries.ProjectOrder.INVESTMENT_DESC
    JOBS_CREATED_DESC = queries.ProjectOrder.JOBS_CREATED_DESC
    JOBS_PER_AID_DESC = queries.ProjectOrder.JOBS_PER_AID_DESC


@strawberry.input(description="Every field is optional; the filters combine with AND.")
class ProjectFilter:
    region_code: str | None = None
    territory_id: relay.GlobalID | None = None
    phase: int | None = None
    fragile: bool | None = None
    decarbonisation: bool | None = None
    sector: str | None = None
    funded: bool | None = strawberry.field(
        default=None, description="Has at least one award from any fund."
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
        )


@strawberry.input
class TerritoryFilter:
    region_code: str | None = None
    phase: int | None = None
    name_contains: str | None = None

    def to_query(self) -> queries.TerritoryFilter:
        return queries.TerritoryFilter(self.region_code, self.phase, self.name_contains)


MAX_ROW_ID = 2**63 - 1  # the largest integer a database column here can hold


def row_id(node_id: str) -> int:
    """The integer row id a global id names, or -1 (never a row id) for anything else: only
    ASCII digits ("²".isdigit() holds too), and never past what the database can compare (a
    larger number would fail the whole batch of lookups it was loaded with)."""
    if not (node_id.isascii() and node_id.isdigit()) or len(node_id) > 19:
        return -1
    number = int(node_id)
    return number if number <= MAX_ROW_ID else -1


async def _nodes(
    info: Info, loader_name: str, node_ids: Iterable[str], convert: type[Node]
) -> list[Node | None]:
    loader = getattr(info.context.loaders, loader_name)()
    keys = [convert.key_of(node_id) for node_id in node_ids]
    rows = await loader.load_many(keys)
    return [None if row is None else convert.from_model(row) for row in rows]


class Node(relay.Node):
    """Shared plumbing: convert a GlobalID's node id to the row key and back."""

    @classmethod
    def key_of(cls, node_id: str) -> object:
        return node_id

    @classmethod
    def from_model(cls, row: object) -> Self:
        raise NotImplementedError


@strawberry.type
class Region(Node):
    key: relay.NodeID[str]
    _id: relay.GlobalID = strawberry.field(name="id", description=ID_DESCRIPTION)
    code: str = strawberry.field(description="INSEE region code.")
    name: str
    zone: str = strawberry.field(description="metro, drom or com")

    @classmethod
    def from_model(cls, row: RegionRow) -> Region:  # type: ignore[override]
        return cls(
            key=row.code,
            _id=relay.GlobalID("Region", row.code),
            code=row.code,
            name=row.name,
            zone=row.zone,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Region | None]:
        return await _nodes(info, "region", node_ids, cls)  # type: ignore[return-value]

    @strawberry.field(description="Territories of the region, of one phase or of both.")
    async def territories(self, info: Info, phase: int | None = None) -> list[Territory]:
        rows = await info.context.loaders.territories_of_region(phase).load(self.code)
        return [Territory.from_model(row) for row in rows or []]


@strawberry.type
class TerritoryMember:
    siren: str
    name: str


@strawberry.type
class Territory(Node):
    key: relay.NodeID[str]
    _id: relay.GlobalID = strawberry.field(name="id", description=ID_DESCRIPTION)
    code: str = strawberry.field(description="id_ti in the ANCT files (reused across phases).")
    name: str
    phase: int
    region_code: str
    departments: list[str]
    population: int | None

    @classmethod
    def from_model(cls, row: TerritoryRow | Row[Any]) -> Territory:  # type: ignore[override]
        return cls(
            key=row.id,
            _id=relay.GlobalID("Territory", row.id),
            code=row.code,
            name=row.name,
            phase=row.phase,
            region_code=row.region_code,
            departments=[code for code in row.departments.split("|") if code],
            population=row.population,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Territory | None]:
        return await _nodes(info, "territory", node_ids, cls)  # type: ignore[return-value]

    @strawberry.field
    async def region(self, info: Info) -> Region:
        row = await info.context.loaders.region().load(self.region_code)
        assert row is not None, f"territory {self.key} has no region {self.region_code}"
        return Region.from_model(row)

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
        with_awards = selects(info, ("edges", "node", "awards")) or selects(
            info, ("nodes", "awards")
        )
        loader = info.context.loaders.project_pages(where, order_by.value, page, with_awards)
        projects = await loader.load(self.key) or queries.ProjectPage([], 0)
        return Connection.of(
            projects.rows,
            projects.total,
            page,
            lambda row: ProjectNode.from_model(row, projects.awards),
        )


@strawberry.type
class Fund(Node):
    key: relay.NodeID[str]
    _id: relay.GlobalID = strawberry.field(name="id", description=ID_DESCRIPTION)
    name: str
    budget_eur: Euros
    start_year: int
    end_year: int

    @classmethod
    def from_model(cls, row: FundRow) -> Fund:  # type: ignore[override]
        return cls(
            key=row.id,
            _id=relay.GlobalID("Fund", row.id),
            name=row.name,
            budget_eur=Euros(row.budget_eur),
            start_year=row.start_year,
            end_year=row.end_year,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Fund | None]:
        return await _nodes(info, "fund", node_ids, cls)  # type: ignore[return-value]

    @strawberry.field(description="Sum of the fund's recorded awards.")
    async def awarded_eur(self, info: Info) -> Euros:
        totals = await info.context.loaders.fund_totals().load(self.key)
        return Euros(totals.awarded_eur if totals else 0)

    @strawberry.field
    async def award_count(self, info: Info) -> int:
        totals = await info.context.loaders.fund_totals().load(self.key)
        return totals.award_count if totals else 0


@strawberry.type
class Award(Node):
    key: relay.NodeID[str]
    _id: relay.GlobalID = strawberry.field(name="id", description=ID_DESCRIPTION)
    amount_eur: Euros
    awarded_on: dt.date
    review: str
    fund_id: strawberry.Private[str]
    project_id: strawberry.Private[int]

    @classmethod
    def key_of(cls, node_id: str) -> object:
        return row_id(node_id)

    @classmethod
    def from_model(cls, row: AwardRow | Row[Any]) -> Award:  # type: ignore[override]
        key = str(row.id)
        return cls(
            key=key,
            _id=relay.GlobalID("Award", key),
            amount_eur=Euros(row.amount_eur),
            awarded_on=row.awarded_on,
            review=row.review,
            fund_id=row.fund_id,
            project_id=row.project_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Award | None]:
        return await _nodes(info, "award", node_ids, cls)  # type: ignore[return-value]

    @strawberry.field
    async def fund(self, info: Info) -> Fund:
        row = await info.context.loaders.fund().load(self.fund_id)
        assert row is not None, f"award {self.key} has no fund {self.fund_id}"
        return Fund.from_model(row)

    @strawberry.field
    async def project(self, info: Info) -> ProjectNode:
        row = await info.context.loaders.project().load(self.project_id)
        assert row is not None, f"award {self.key} has no project {self.project_id}"
        return ProjectNode.from_model(row)


@strawberry.type(
    name="Project", description="A candidate industrial project (synthetic data, see docs/data.md)."
)
class ProjectNode(Node):
    key: relay.NodeID[str]
    _id: relay.GlobalID = strawberry.field(name="id", description=ID_DESCRIPTION)
    name: str
    sector: str
    region_code: str
    commune_code: str = strawberry.field(description="INSEE code of the commune.")
    investment_eur: Euros
    aid_requested_eur: Euros
    jobs_created: int
    jobs_kept: int
    decarbonisation: bool
    co2_avoided_t: int = strawberry.field(description="tCO2e avoided per year.")
    fragile: bool = strawberry.field(description="In a QPV, ZRR, AFR zone or ACV town.")
    qpv: bool
    zrr: bool
    afr: bool
    action_coeur_de_ville: bool
    territory_id: strawberry.Private[str]
    preloaded_awards: strawberry.Private[list[Row[Any]] | None] = None

    @classmethod
    def key_of(cls, node_id: str) -> object:
        return row_id(node_id)

    @classmethod
    def from_model(  # type: ignore[override]
        cls, row: ProjectRow | Row[Any], awards: dict[int, list[Row[Any]]] | None = None
    ) -> ProjectNode:
        key = str(row.id)
        return cls(
            key=key,
            _id=relay.GlobalID("Project", key),
            name=row.name,
            sector=row.sector,
            region_code=row.region_code,
            commune_code=row.commune_code,
            investment_eur=Euros(row.investment_eur),
            aid_requested_eur=Euros(row.aid_requested_eur),
            jobs_created=row.jobs_created,
            jobs_kept=row.jobs_kept,
            decarbonisation=row.decarbonisation,
            co2_avoided_t=row.co2_avoided_t,
            fragile=row.fragile,
            qpv=row.qpv,
            zrr=row.zrr,
            afr=row.afr,
            action_coeur_de_ville=row.action_coeur_de_ville,
            territory_id=row.territory_id,
            preloaded_awards=None if awards is None else awards.get(row.id, []),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProjectNode | None]:
        return await _nodes(info, "project", node_ids, cls)  # type: ignore[return-value]

    @strawberry.field
    async def territory(self, info: Info) -> Territory:
        row = await info.context.loaders.territory().load(self.territory_id)
        assert row is not None, f"project {self.key} has no territory {self.territory_id}"
        return Territory.from_model(row)

    @strawberry.field
    def awards(self, info: Info) -> list[Award]:
        # Sync when the page preloaded them (no awaitable per project); else a batched load.
        if self.preloaded_awards is not None:
            return [Award.from_model(row) for row in self.preloaded_awards]
        return self._load_awards(info)  # type: ignore[return-value]

    async def _load_awards(self, info: Info) -> list[Award]:
        rows = await info.context.loaders.awards_of_project().load(int(self.key))
        return [Award.from_model(row) for row in rows or []]
