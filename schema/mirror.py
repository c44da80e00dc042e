"""GraphQL object types that mirror the engine's result dataclasses, field by field, generically.

`@mirror(EngineClass)` gives a strawberry type every field of the engine dataclass that the class
does not declare itself, in GraphQL terms: a tuple becomes a list, whole euros (`*_eur`) the
Euros scalar, a mirrored dataclass or enum its GraphQL type, a mapping the JSON scalar. The class
declares only what differs (a description, an enum, an added or renamed field), and `of` fills
an instance from an engine value, so a field added to the engine reaches the API without a line
of mapping.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import types
import typing
from collections.abc import Callable, Collection, Mapping
from enum import Enum
from typing import Any, ClassVar, Self, TypeVar

import strawberry
from strawberry.scalars import JSON

from schema.scalars import Euros

T = TypeVar("T")
# The GraphQL type of each mirrored engine class or enum.
_MIRRORED: dict[object, object] = {}


class Mirror:
    """Base of mirrored types: `of(engine_value, **extra)` builds one."""

    __mirror__: ClassVar[tuple[tuple[str, str], ...]]  # (engine field, GraphQL python name)

    @classmethod
    def of(cls, value: object, **extra: Any) -> Self:
        hints = _hints(cls)
        kwargs = {
            name: _convert(hints[name], getattr(value, source))
            for source, name in cls.__mirror__
            if name not in extra
        }
        return cls(**kwargs, **extra)


def mirror(
    source: type,
    *,
    name: str | None = None,
    description: str | None = None,
    exclude: Collection[str] = (),
    renames: Mapping[str, str] | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> Callable[[type[T]], type[T]]:
    """Make the decorated class a strawberry type with the fields of the dataclass `source`."""
    renames = renames or {}
    descriptions = descriptions or {}

    def wrap(cls: type[T]) -> type[T]:
        declared = dict(inspect.get_annotations(cls))
        hints = typing.get_type_hints(source)
        pairs, annotations = [], {}
        for field in dataclasses.fields(source):
            if field.name in exclude:
                continue
            target = renames.get(field.name, field.name)
            pairs.append((field.name, target))
            if target in declared:
                annotations[target] = declared.pop(target)
                continue
            annotations[target] = _graphql_type(target, hints[field.name])
            if target in descriptions:
                setattr(cls, target, strawberry.field(description=descriptions[target]))
        cls.__annotations__ = {**annotations, **declared}
        cls.__mirror__ = tuple(pairs)  # type: ignore[attr-defined]
        made = strawberry.type(cls, name=name, description=description)
        _MIRRORED[source] = made
        return made

    return wrap


def mirror_enum(source: type[Enum]) -> Callable[[type[T]], type[T]]:
    """Register a strawberry enum as the GraphQL type of the engine enum `source`."""

    def wrap(cls: type[T]) -> type[T]:
        _MIRRORED[source] = cls
        return cls

    return wrap


def _graphql_type(name: str, hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return list[_graphql_type(name, args[0])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _graphql_type(name, inner) | None
    if hint is int and name.endswith("_eur"):
        return Euros
    if hint in _MIRRORED:
        return _MIRRORED[hint]
    if origin is not None and issubclass(origin, Mapping):
        return JSON
    if hint in (str, int, float, bool):
        return hint
    raise TypeError(f"no GraphQL type for field {name!r} of type {hint!r}: declare it")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Resolved on first use: the declared annotations name types of their module (strings).
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _convert(inner, value)
    if origin is list:
        return [_convert(args[0], item) for item in value]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value.value if isinstance(value, Enum) else value)
    if isinstance(hint, type) and issubclass(hint, Mirror):
        return hint.of(value)
    if hint is JSON:
        return plain(value)
    return value


def plain(value: Any) -> Any:
    """A JSON value: mappings with text keys, lists, and no infinite float (JSON has none)."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value
