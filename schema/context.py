"""Per-request context: the session factory, settings and one set of DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from models import Award, Fund, Region, Territory, laureates, queries
from schema.cache import Version, data_version
from schema.runner import FINAL, Runner
from settings import Settings
from simulation.result import Status
from studies.jobs import JobRunner

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class Loaders:
    """Batch loaders, built per request so nothing is cached across users."""

    sessions: async_sessionmaker[AsyncSession]
    _by_args: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)

    def _loader(
        self,
        key: Hashable,
        fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[dict[K, V]]],
        missing: Callable[[], V | None] = lambda: None,
    ) -> DataLoader[K, V | None]:
        loader = self._by_args.get(key)
        if loader is None:

            async def batch(keys: Sequence[K]) -> list[V | None]:
                async with self.sessions() as session:
                    found = await fetch(session, keys)
                return [found[k] if k in found else missing() for k in keys]

            loader = self._by_args[key] = DataLoader(load_fn=batch)
        return loader

    def region(self) -> DataLoader[str, Region | None]:
        return self._loader("region", queries.regions_by_code)

    def territory(self) -> DataLoader[str, Territory | None]:
        return self._loader("territory", queries.territories_by_id)

    def territories_of_region(self, phase: int | None) -> DataLoader[str, list[Territory] | None]:
        async def fetch(session: AsyncSession, codes: Sequence[str]) -> dict[str, list[Territory]]:
            return await queries.territories_by_region(session, codes, phase)

        return self._loader(("territories_of_region", phase), fetch, list)

    def project(self) -> DataLoader[int, Row[Any] | None]:
        return self._loader("project", queries.projects_by_id)

    def project_pages(
        self,
        where: queries.ProjectFilter,
        order: queries.ProjectOrder,
        page: queries.Page,
        with_awards: bool = False,
    ) -> DataLoader[str, queries.ProjectPage | None]:
        async def fetch(
            session: AsyncSession, ids: Sequence[str]
        ) -> dict[str, queries.ProjectPage]:
            return await queries.project_pages_by_territory(
                session, ids, where, order, page, with_awards
            )

        return self._loader(("project_pages", where, order, page, with_awards), fetch)

    def awards_of_project(self) -> DataLoader[int, list[Row[Any]] | None]:
        return self._loader("awards_of_project", queries.awards_by_project, list)

    def award(self) -> DataLoader[int, Award | None]:
        return self._loader("award", queries.awards_by_id)

    def fund(self) -> DataLoader[str, Fund | None]:
        return self._loader("fund", queries.funds_by_id)

    def laureates_of_region(self) -> DataLoader[str, laureates.LaureateTotals | None]:
        return self._loader(
            "laureates_of_region", laureates.laureate_totals_by_region, laureates.LaureateTotals
        )

    def laureates_of_territory(self) -> DataLoader[str, laureates.LaureateTotals | None]:
        return self._loader(
            "laureates_of_territory",
            laureates.laureate_totals_by_territory,
            laureates.LaureateTotals,
        )

    def fund_totals(self) -> DataLoader[str, queries.FundTotals | None]:
        return self._loader("fund_totals", queries.fund_totals, lambda: queries.FundTotals(0, 0))


@dataclass
class Context:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    loaders: Loaders
    runner: Runner
    jobs: JobRunner
    request: Any = None
    response: Any = None
    data_version: Version | None = None  # read once per request (by the view, when cacheable)
    final: bool = True  # False once a solve of this request ended short of a final answer

    async def version(self, session: AsyncSession) -> Version:
        """The data version, read at most once per request."""
        if self.data_version is None:
            self.data_version = await data_version(session)
        return self.data_version

    def solved(self, *statuses: str) -> None:
        """Note the statuses of the request's solves: only final answers may be cached."""
        if any(Status(status) not in FINAL for status in statuses):
            self.final = False
