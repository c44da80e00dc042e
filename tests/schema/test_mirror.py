"""Engine dataclasses mirrored as GraphQL types: every field, in GraphQL terms, filled by `of`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.mirror import Mirror, mirror, mirror_enum
from schema.result import Relaxation, SimulationResult
from schema.scalars import EUROS, Euros
from simulation import result as engine


class Colour(StrEnum):
    RED = "red"


@mirror_enum(Colour)
@strawberry.enum
class ColourKind(Enum):
    RED = "red"


@dataclass(frozen=True)
class Part:
    cost_eur: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Whole:
    name: str
    colour: Colour
    parts: tuple[Part, ...]
    cap_eur: int | None
    hidden: float = 0.0


@mirror(Part)
class PartType(Mirror):
    pass


@mirror(Whole, exclude=("hidden",), renames={"name": "title"})
class WholeType(Mirror):
    extra: int


@strawberry.type
class Query:
    @strawberry.field
    def whole(self) -> WholeType:
        value = Whole("w", Colour.RED, (Part(3, ("a",)),), None, hidden=1.0)
        return WholeType.of(value, extra=7)


def schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, config=StrawberryConfig(scalar_map={Euros: EUROS}))


def test_every_field_is_mirrored_in_graphql_terms() -> None:
    sdl = schema().as_str()
    assert "type WholeType {\n  title: String!\n  colour: ColourKind!\n" in sdl
    assert "  parts: [PartType!]!\n  capEur: Euros\n  extra: Int!\n}" in sdl
    assert "type PartType {\n  costEur: Euros!\n  tags: [String!]!\n}" in sdl
    assert "hidden" not in sdl


def test_of_converts_nested_values() -> None:
    result = schema().execute_sync("{ whole { title colour parts { costEur tags } capEur extra } }")
    assert result.errors is None
    assert result.data == {
        "whole": {
            "title": "w",
            "colour": "RED",
            "parts": [{"costEur": 3, "tags": ["a"]}],
            "capEur": None,
            "extra": 7,
        }
    }


def test_a_field_with_no_graphql_type_must_be_declared() -> None:
    @dataclass(frozen=True)
    class Odd:
        when: complex

    with pytest.raises(TypeError, match="'when'"):

        @mirror(Odd)
        class OddType(Mirror):
            pass


def test_one_relaxation_type_mirrors_the_engine() -> None:
    fields = {f.python_name for f in Relaxation.__strawberry_definition__.fields}  # type: ignore[attr-defined]
    assert fields == {f for f in engine.Relaxation.__dataclass_fields__} | {"unit"}
    result_fields = {f.python_name for f in SimulationResult.__strawberry_definition__.fields}  # type: ignore[attr-defined]
    assert {"jobs", "spent_eur", "regions", "binding_constraints", "provenance"} <= result_fields
