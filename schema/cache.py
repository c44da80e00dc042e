"""A response cache for read-only operations, correct across processes sharing one database.

A response is a pure function of the operation (query text, variables, operation name) and of
the data. The data's version is read from the database on every request, in one cheap
statement: the seeded dataset (fingerprint, seed, project count, generator, seeding time,
synthetic or not) and the saved scenarios (count, sum of versions, latest update). Every write
the API or the seed makes changes one of these, in the same transaction as the write, so a
worker never serves a response older than the data another worker or the seed committed. Only
queries are cached (never mutations), never a response with errors or with a solve that stopped
short of a final answer (a time limit, with or without an allocation: a retry may do better),
in a bounded LRU per process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import orjson
from graphql import GraphQLError, OperationType, parse
from graphql.language import OperationDefinitionNode
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.dataset import Dataset
from models.scenario import SavedScenario

MAX_ENTRIES = 512
MAX_BYTES = 64 * 1024 * 1024


class Encoded(dict[str, Any]):
    """A processed response that keeps its JSON encoding, so a hit skips encoding."""

    body: bytes


@dataclass(frozen=True)
class Entry:
    response: Encoded


class Version(NamedTuple):
    """The data version; the dataset's fields are None when nothing is seeded."""

    fingerprint: str | None
    seed: int | None
    project_count: int | None
    generator_version: int | None
    seeded_at: datetime | None
    synthetic: bool | None
    scenario_count: int
    scenario_versions: int | None
    scenarios_updated_at: datetime | None


def _version_statement() -> Select[Any]:
    default = Dataset.name == "default"
    dataset = [
        select(column).where(default).scalar_subquery()
        for column in (
            Dataset.reference_fingerprint,
            Dataset.seed,
            Dataset.project_count,
            Dataset.generator_version,
            Dataset.seeded_at,
            Dataset.synthetic,
        )
    ]
    scenarios = [
        select(aggregate).scalar_subquery()
        for aggregate in (
            func.count(SavedScenario.name),
            func.sum(SavedScenario.version),
            func.max(SavedScenario.updated_at),
        )
    ]
    return select(*dataset, *scenarios)


VERSION = _version_statement()


async def data_version(session: AsyncSession) -> Version:
    """What every cached response depends on, in one statement."""
    return Version(*(await session.execute(VERSION)).one())


@lru_cache(maxsize=1024)
def operations(query: str) -> tuple[tuple[str | None, OperationType], ...] | None:
    """The document's operations (name, type), or None when it does not parse."""
    try:
        document = parse(query)
    except GraphQLError:
        return None  # the executor reports the syntax error
    return tuple(
        (d.name.value if d.name else None, d.operation)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def chosen(
    found: tuple[tuple[str | None, OperationType], ...] | None, operation_name: str | None
) -> list[OperationType]:
    """The types of the operations `operation_name` picks among `found` (all when it is None)."""
    return [kind for name, kind in found or () if operation_name is None or name == operation_name]


def is_read_only(query: str, operation_name: str | None) -> bool:
    """True when the operation that would run is a query (not a mutation or subscription)."""
    picked = chosen(operations(query), operation_name)  # none when it does not parse
    return picked == [OperationType.QUERY]


def cache_key(
    query: str, variables: dict[str, Any] | None, operation_name: str | None, version: Hashable
) -> Hashable:
    # Sorted keys: the same variables in another order are the same request.
    encoded = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    return (query, encoded, operation_name, version)


class ResponseCache:
    """Bounded LRU of encoded responses, by entry count and by total size."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self.version: Hashable = None
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()

    def seen(self, version: Hashable) -> None:
        # Entries of an older version can never be hit again: drop them at once.
        if version != self.version:
            self.clear()
            self.version = version

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Hashable, response: Encoded) -> Entry:
        entry = Entry(response)
        if len(response.body) > self.max_bytes:
            return entry
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old.response.body)
        self._entries[key] = entry
        self.size += len(response.body)
        while len(self._entries) > self.max_entries or self.size > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.size -= len(evicted.response.body)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0
