"""GraphQL object types for the reference data; each maps its ORM row explicitly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
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
from schema.figures import MAY_BE_ESTIMATED, Figure, FigureSource, FigureUnit, ProjectFigures
from schema.filters import ProjectFilter, ProjectOrder
from schema.laureates import Company, LaureateSummary, Location, ProjectOrigin
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

    @strawberry.field(
        description="The region's laureates, in a territory or not (one statement for all "
        "the regions of a request)."
    )
    async def laureates(self, info: Info) -> LaureateSummary:
        return LaureateSummary.of(await info.context.loaders.laureates_of_region().load(self.code))


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

    @strawberry.field(
        description="The laureates whose territory of this phase it is (a laureate counts in "
        "its phase-1 and in its phase-2 territory)."
    )
    async def laureates(self, info: Info) -> LaureateSummary:
        totals = await info.context.loaders.laureates_of_territory().load(self.key)
        return LaureateSummary.of(totals)

    @strawberry.field(
        description="The projects whose territory (phase 1) or phase-2 territory this is."
    )
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

    @strawberry.field(
        description="Sum of the fund's awards. With the real laureates each award is the "
        "laureate's aid figure, mostly ESTIMATED (no amount is published per project: see "
        "`Award.amount` and `Region.laureates` for the stated and estimated parts and their "
        "ranges); the laureates span the fund and its March 2021 top-up, so the sum can exceed "
        "`budgetEur`."
    )
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
    amount_eur: Euros = strawberry.field(
        description="Euros awarded. The open data publishes no amount per laureate: this is the "
        "project's aid figure, mostly an estimate; `amount` says which and gives its range."
    )
    awarded_on: dt.date = strawberry.field(
        description="For a laureate, the date of its open-data record (the decision date is "
        "not published); for a generated first-review award, the review's month."
    )
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

    @strawberry.field(
        description="The amount with its source and 10-90 % range. An award of the project's "
        "aid figure (every laureate's: no amount is published) takes that figure's source "
        "(stated, estimated or generated) and range; any other amount is a recorded fact, "
        "stated, with no spread."
    )
    async def amount(self, info: Info) -> Figure:
        row = await info.context.loaders.project().load(self.project_id)
        assert row is not None, f"award {self.key} has no project {self.project_id}"
        if row.aid_requested_eur == self.amount_eur:
            return Figure.of(row, "aid_requested_eur", FigureUnit.EUROS)
        amount = float(self.amount_eur)
        return Figure(
            value=amount, source=FigureSource.STATED, low=amount, high=amount, unit=FigureUnit.EUROS
        )

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
    name="Project",
    description="An industrial project: a real laureate of the fund or a generated candidate "
    "(see `origin` and docs/data.md).",
)
class ProjectNode(Node):
    key: relay.NodeID[str]
    _id: relay.GlobalID = strawberry.field(name="id", description=ID_DESCRIPTION)
    name: str = strawberry.field(description="A laureate's published label.")
    sector: str = strawberry.field(description="Filière (ProjectFilter.sector, Query.sectors).")
    region_code: str
    commune_code: str | None = strawberry.field(
        description="INSEE code of the commune; null when only the department is known."
    )
    investment_eur: Euros = strawberry.field(description=MAY_BE_ESTIMATED)
    aid_requested_eur: Euros = strawberry.field(description=MAY_BE_ESTIMATED)
    jobs_created: int = strawberry.field(description=MAY_BE_ESTIMATED)
    jobs_kept: int = strawberry.field(description=MAY_BE_ESTIMATED)
    decarbonisation: bool
    co2_avoided_t: int = strawberry.field(description=f"tCO2e avoided per year. {MAY_BE_ESTIMATED}")
    fragile: bool = strawberry.field(
        description="In a QPV, an Action coeur de ville town or a rural commune of the INSEE "
        "density grid (the stand-in for ZRR)."
    )
    qpv: bool
    zrr: bool = strawberry.field(
        description="In a rural commune of the INSEE density grid (bourgs ruraux, rural à "
        "habitat dispersé or très dispersé): the stand-in for ZRR."
    )
    afr: bool = strawberry.field(
        deprecation_reason="No commune list of the AFR map exists: always false."
    )
    action_coeur_de_ville: bool
    origin: ProjectOrigin
    laureate_id: str | None = strawberry.field(
        description='The laureate\'s id in the open dataset ("L0001"); null when generated.'
    )
    record_date: dt.date | None = strawberry.field(
        description="Date of the laureate's open-data record; null when generated."
    )
    employees: int | None = strawberry.field(
        description="Headcount stated in the description; null when not stated (no estimate)."
    )
    territory_id: strawberry.Private[str | None]
    phase2_territory_id: strawberry.Private[str | None]
    row: strawberry.Private[ProjectRow | Row[Any]]
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
            origin=ProjectOrigin(row.origin),
            laureate_id=row.laureate_id,
            record_date=row.record_date,
            employees=row.employees,
            territory_id=row.territory_id,
            phase2_territory_id=row.phase2_territory_id,
            row=row,
            preloaded_awards=None if awards is None else awards.get(row.id, []),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProjectNode | None]:
        return await _nodes(info, "project", node_ids, cls)  # type: ignore[return-value]

    @strawberry.field(
        description="The project's territory (phase 1 for the fund's projects); null for a "
        "laureate outside every territory."
    )
    async def territory(self, info: Info) -> Territory | None:
        return await self._territory(info, self.territory_id)

    @strawberry.field(description="The phase-2 territory; null outside every one.")
    async def phase2_territory(self, info: Info) -> Territory | None:
        return await self._territory(info, self.phase2_territory_id)

    async def _territory(self, info: Info, territory_id: str | None) -> Territory | None:
        if territory_id is None:
            return None
        row = await info.context.loaders.territory().load(territory_id)
        assert row is not None, f"project {self.key} has no territory {territory_id}"
        return Territory.from_model(row)

    @strawberry.field(description="The laureate's company; null for a generated candidate.")
    def company(self) -> Company | None:
        return Company.of(self.row) if self.row.origin == "laureate" else None

    @strawberry.field
    def location(self) -> Location:
        return Location.of(self.row)

    @strawberry.field
    def figures(self) -> ProjectFigures:
        return ProjectFigures.of(self.row)

    @strawberry.field
    def awards(self, info: Info) -> list[Award]:
        # Sync when the page preloaded them (no awaitable per project); else a batched load.
        if self.preloaded_awards is not None:
            return [Award.from_model(row) for row in self.preloaded_awards]
        return self._load_awards(info)  # type: ignore[return-value]

    async def _load_awards(self, info: Info) -> list[Award]:
        rows = await info.context.loaders.awards_of_project().load(int(self.key))
        return [Award.from_model(row) for row in rows or []]
