"""The scenario parameters a front end builds its form from, with their bounds and defaults.

Bounds, defaults, choices and descriptions are read from the JSON Schema the scenario model
publishes (``simulation.scenario_model``, the one source of scenario validation), so a bound
changed there changes here; this module only says which file key each ScenarioInput field sets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

import strawberry
from strawberry.scalars import JSON

from schema.scenarios import Mode, ProjectPool, input_field
from simulation.scenario_model import json_schema


@strawberry.enum(description="What a scenario parameter holds.")
class ParameterKind(Enum):
    EUROS = "euros"
    SHARE = "share"
    MODE = "mode"
    PHASE = "phase"
    REGION_ENVELOPES = "region_envelopes"
    REGION_CODES = "region_codes"
    SECTORS = "sectors"
    PROJECT_POOL = "project_pool"


@dataclass(frozen=True)
class _Declared:
    file_key: str
    label: str
    kind: ParameterKind
    unit: str | None = None


# In form order. The file keys are the scenario format's; everything else comes from its schema.
DECLARED = (
    _Declared("budget_eur", "Budget", ParameterKind.EUROS, "EUR"),
    _Declared("mode", "Mode", ParameterKind.MODE),
    _Declared("constraints.fragile_share_min", "Fragile-territory floor", ParameterKind.SHARE),
    _Declared(
        "constraints.decarbonisation_share_min", "Decarbonisation floor", ParameterKind.SHARE
    ),
    _Declared("constraints.max_aid_intensity", "Aid cap", ParameterKind.SHARE),
    _Declared("constraints.min_spend_share", "Minimum spend", ParameterKind.SHARE),
    _Declared("constraints.regions", "Regional envelopes", ParameterKind.REGION_ENVELOPES, "EUR"),
    _Declared("projects.phase", "Programme phase", ParameterKind.PHASE),
    _Declared("projects.regions", "Regions that compete", ParameterKind.REGION_CODES),
    _Declared("projects.sectors", "Sectors that compete", ParameterKind.SECTORS),
    _Declared("projects.origin", "Laureates or generated candidates", ParameterKind.PROJECT_POOL),
)
# Defaults the schema leaves out (a factory's): no envelopes, as ScenarioInput takes them.
_EMPTY: dict[ParameterKind, Any] = {ParameterKind.REGION_ENVELOPES: []}
# Wording for keys the format's schema leaves undescribed.
DESCRIPTIONS = {
    "mode": "CONTINUOUS: aid pro rata to what each project gets; ALL_OR_NOTHING: whole projects.",
    "projects.regions": "Only projects of these regions compete; empty: all regions.",
    "projects.sectors": "Only projects of these sectors compete (see `sectors`); empty: all.",
}


@strawberry.type(description="A scenario input a front end can set: where, what and its bounds.")
class ScenarioParameter:
    name: str = strawberry.field(
        description="A unique key: inputName in snake case (fragile_share_min, projects_phase)."
    )
    label: str
    input_name: str = strawberry.field(
        description="The ScenarioInput field, dotted below `projects` (projects.phase)."
    )
    file_key: str = strawberry.field(description="Dotted path in a scenario file.")
    kind: ParameterKind
    unit: str | None = strawberry.field(description="EUR for money; shares are 0..1.")
    min: float | None = strawberry.field(
        description="Smallest value allowed (of each bound, for envelopes)."
    )
    min_exclusive: bool = strawberry.field(description="True when `min` itself is refused.")
    max: float | None
    default: JSON | None = strawberry.field(
        description="The value when no scenario of the chain sets it, as ScenarioInput takes it."
    )
    description: str
    choices: list[str] | None = strawberry.field(
        description="The values allowed, when they are a closed set, as ScenarioInput takes them."
    )


def scenario_parameters() -> list[ScenarioParameter]:
    return list(_parameters())


@cache
def _parameters() -> tuple[ScenarioParameter, ...]:
    schema = json_schema()
    return tuple(_parameter(declared, schema) for declared in DECLARED)


def _parameter(declared: _Declared, schema: Mapping[str, Any]) -> ScenarioParameter:
    node = _node_at(schema, declared.file_key)
    values = node
    if declared.kind is ParameterKind.REGION_ENVELOPES:  # the bounds of each envelope's euros
        choices = _alternatives(schema, node["additionalProperties"])
        envelope = next(choice for choice in choices if "properties" in choice)
        values = _resolve(schema, envelope["properties"]["min_eur"])
    numeric = next(
        (n for n in _alternatives(schema, values) if n.get("type") in ("integer", "number")), {}
    )
    low = numeric.get("minimum", numeric.get("exclusiveMinimum"))
    input_name = _input_name(declared.file_key)
    return ScenarioParameter(
        name=_snake(input_name),
        label=declared.label,
        input_name=input_name,
        file_key=declared.file_key,
        kind=declared.kind,
        unit=declared.unit,
        min=low,
        min_exclusive="exclusiveMinimum" in numeric,
        max=numeric.get("maximum"),
        default=_for_input(declared.kind, node.get("default", _EMPTY.get(declared.kind))),
        description=str(node.get("description") or DESCRIPTIONS.get(declared.file_key, "")),
        choices=_choices(declared.kind, schema, node),
    )


def _input_name(file_key: str) -> str:
    """budgetEur, fragileShareMin, regionEnvelopes; projects.phase below `projects`."""
    name = input_field(file_key) or file_key
    rest = file_key.split(".")[1:] if name == "projects" else []
    return ".".join([name, *rest])


def _snake(input_name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in input_name.replace(".", "_"))


def _choices(
    kind: ParameterKind, schema: Mapping[str, Any], node: Mapping[str, Any]
) -> list[str] | None:
    if kind is ParameterKind.REGION_ENVELOPES:
        found = _enum(schema, node["propertyNames"])
    elif kind is ParameterKind.REGION_CODES:
        found = _enum(schema, node["items"])
    else:
        found = _enum(schema, node)
    if not found:
        return None
    return [str(_for_input(kind, value)) for value in found if value is not None]


def _enum(schema: Mapping[str, Any], node: Mapping[str, Any]) -> list[Any]:
    return [v for n in _alternatives(schema, node) for v in n.get("enum", ())]


def _for_input(kind: ParameterKind, value: Any) -> Any:
    # A mode is written "all_or_nothing" in files and ALL_OR_NOTHING in GraphQL (a pool alike).
    if value is None:
        return value
    if kind is ParameterKind.MODE:
        return Mode(value).name
    if kind is ParameterKind.PROJECT_POOL:
        return ProjectPool(value).name
    return value


def _node_at(schema: Mapping[str, Any], file_key: str) -> Mapping[str, Any]:
    node = schema
    for key in file_key.split("."):
        node = _resolve(schema, node["properties"][key])
    return node


def _alternatives(schema: Mapping[str, Any], node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The node itself and each of its ``anyOf`` choices, references followed."""
    return list(_walk(schema, _resolve(schema, node)))


def _walk(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield node
    for choice in node.get("anyOf", ()):
        yield from _walk(schema, _resolve(schema, choice))


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        *_, name = node["$ref"].split("/")
        node = schema["$defs"][name]
    return node
