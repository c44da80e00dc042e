"""Relay-style connections over offset pages: opaque cursors, totalCount, and paging both ways.

Forwards with `first`/`after`, backwards with `last`/`before` (each page size at most 100, one
of the two, never both); `after` and `before` together cut a window, as the Relay
specification applies them: the edges after `after` and before `before`, then the first or last
of those. Neither size given means `first: 100`.

`first: 0` is an empty page, as in graphql-relay's `connectionFromArray`: `totalCount`,
`hasNextPage` true when items exist after it, and `startCursor`/`endCursor` null (the cursors of
its first and last edges, and it has none). The next page is asked for with the same `after`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from models.queries import Page
from schema.errors import UserInputError

MAX_PAGE = 100
_PREFIX = "offset:"

N = TypeVar("N")
R = TypeVar("R")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, argument: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError
        offset = int(text.removeprefix(_PREFIX))
        if offset < 0:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise UserInputError(argument, "is not a cursor returned by this API") from None
    return offset


def page_from(
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page:
    if first is not None and last is not None:
        raise UserInputError(
            "last", "give first (paging forwards) or last (paging backwards), not both"
        )
    start = 0 if after is None else decode_cursor(after, "after") + 1
    stop = None if before is None else decode_cursor(before, "before")
    if last is not None:
        _check_size("last", last)
        if stop is None:
            return Page(offset=start, limit=last, from_end=True)
        offset = max(start, stop - last)
        return Page(offset=offset, limit=max(stop - offset, 0))
    size = MAX_PAGE if first is None else _check_size("first", first)
    return Page(offset=start, limit=size if stop is None else max(min(size, stop - start), 0))


def _check_size(argument: str, size: int) -> int:
    if not 0 <= size <= MAX_PAGE:
        raise UserInputError(argument, f"must be between 0 and {MAX_PAGE}, got {size}")
    return size


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    total_count: int
    edges: list[Edge[N]]
    page_info: relay.PageInfo

    @strawberry.field
    def nodes(self) -> list[N]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, rows: Sequence[R], total: int, page: Page, wrap: Callable[[R], N]) -> Connection[N]:
        """The connection of ``rows``, the rows ``page`` holds out of ``total``."""
        page = page.within(total)
        edges = [
            Edge(cursor=encode_cursor(page.offset + i), node=wrap(row))
            for i, row in enumerate(rows)
        ]
        return cls(
            total_count=total,
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.offset + len(rows) < total,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
