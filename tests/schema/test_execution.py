from __future__ import annotations

from typing import Any

import pytest
import strawberry

from schema.execution import ExecutionContext, plain_leaf


@strawberry.type
class Item:
    name: str
    size: int | None
    price: int  # may hold a bad value on purpose

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a", size=None, price=1), Item(name="b", size=2, price="x")]  # type: ignore[arg-type]

    @strawberry.field
    def broken(self) -> Item:
        return Item(name=None, size=1, price=1)  # type: ignore[arg-type]


FAST = strawberry.Schema(query=Query, execution_context_class=ExecutionContext)
ORDINARY = strawberry.Schema(query=Query)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ items { name size upper } }", id="plain-null-and-resolver"),
        pytest.param("{ items { n: name name } }", id="aliases"),
        pytest.param("{ items { price } }", id="serialisation-error"),
        pytest.param("{ broken { name } }", id="null-in-non-null"),
        pytest.param("{ items { __typename name } }", id="typename"),
    ],
)
async def test_the_fast_path_answers_like_graphql_core(query: str) -> None:
    fast, ordinary = await FAST.execute(query), await ORDINARY.execute(query)
    assert fast.data == ordinary.data
    assert [e.formatted for e in fast.errors or []] == [e.formatted for e in ordinary.errors or []]


def fields(name: str) -> dict[str, Any]:
    return FAST._schema.type_map[name].fields  # type: ignore[union-attr]


def test_only_plain_scalar_fields_take_the_fast_path() -> None:
    item = fields("Item")
    assert plain_leaf(item["name"]) is not None
    assert plain_leaf(item["upper"]) is None  # has a resolver
    assert plain_leaf(fields("Query")["items"]) is None
