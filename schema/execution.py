"""A faster path through graphql-core for plain scalar fields.

Most of a large answer is scalar leaves read straight off an attribute (no resolver). For each
of them graphql-core builds a resolve-info object, calls Strawberry's wrapper, which calls the
default resolver, then walks non-null and leaf completion: about 4 µs a leaf. Here such a
field reads the attribute and serialises it directly; anything unusual (null, a serialisation
error, a field with a resolver, arguments or an enum) takes graphql-core's ordinary path, so
errors and nulls are reported exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import graphql
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    get_nullable_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

DEFINITION = "strawberry-definition"
# ExecutionContext.execute_field(parent_type, source, field_details_list, path,
# position_context) and field.resolve's "_is_default" marker, as in these graphql-core releases
# (pyproject.toml pins the same range): another version must fail at import, not mid-request.
SUPPORTED: tuple[tuple[int, ...], tuple[int, ...]] = ((3, 3, 2), (3, 4))  # from, up to (excluded)


class UnsupportedGraphQLCoreError(ImportError):
    pass


def check_graphql_core(version: str | None = None) -> None:
    version = graphql.__version__ if version is None else version
    low, high = SUPPORTED
    found = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    number = tuple(int(part) for part in found.groups()) if found else None
    if found is None or number is None or not low <= number < high or version[found.end() :]:
        raise UnsupportedGraphQLCoreError(
            f"graphql-core {version} is not supported by schema/execution.py (it overrides "
            f"graphql-core's field execution): install graphql-core>={_dotted(low)},"
            f"<{_dotted(high)}, or check execute_field against the new version and widen "
            "SUPPORTED and the pin in pyproject.toml"
        )


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


check_graphql_core()


@dataclass(frozen=True)
class PlainLeaf:
    attribute: str
    read: Callable[[Any, str], Any]
    serialize: Callable[[Any], Any]


def plain_leaf(field: GraphQLField) -> PlainLeaf | None:
    """How to read `field` directly, or None when it needs the ordinary path."""
    definition = field.extensions.get(DEFINITION)
    leaf = get_nullable_type(field.type)
    if (
        not isinstance(definition, StrawberryField)
        or not getattr(field.resolve, "_is_default", False)  # Strawberry's no-resolver marker
        or field.args
        or not isinstance(leaf, GraphQLScalarType)
    ):
        return None
    return PlainLeaf(definition.python_name, definition.default_resolver, leaf.serialize)


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry always passes a manager; field-level extensions (resolve hooks) make it
        # non-empty, and then every field must go through them.
        manager = self.middleware_manager
        self.plain_leaves = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        plain = _plain_leaves(self.schema, parent_type).get(field_details_list[0].node.name.value)
        if plain is not None and self.plain_leaves:
            try:
                value = plain.serialize(plain.read(source, plain.attribute))
            except Exception:  # the ordinary path below reports it properly
                pass
            else:
                if value is not None and value is not Undefined:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _plain_leaves(schema: Any, parent_type: GraphQLObjectType) -> dict[str, PlainLeaf | None]:
    # Computed once per type and kept on the schema object, which lives as long as the app.
    cache: dict[str, dict[str, PlainLeaf | None]] = schema.__dict__.setdefault("_plain_leaves", {})
    leaves = cache.get(parent_type.name)
    if leaves is None:
        leaves = cache[parent_type.name] = {
            name: plain_leaf(field) for name, field in parent_type.fields.items()
        }
    return leaves
