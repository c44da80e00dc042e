"""The scenario format, declared once: fields, defaults, bounds, messages and JSON Schema.

``ScenarioModel`` is the single source: ``validate`` checks plain data (YAML, GraphQL input)
against it and reports every problem at once, each with its dotted path
(``constraints.regions.84.min_eur``); ``json_schema`` publishes it for editors.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    model_validator,
)

from simulation.levers_model import (
    VERSION_2_CONSTRAINTS,
    VERSION_2_KEYS,
    CoFundingModel,
    ControlsModel,
    ObjectiveModel,
    RoundModel,
    UncertaintyModel,
    cross_faults,
    version_faults,
)
from simulation.scenario_errors import ScenarioError, ScenarioErrors
from simulation.scenario_fields import (
    ANNOUNCED_BUDGET_EUR,
    EXPECT_STATUSES,
    FORMAT_VERSION,
    FORMAT_VERSIONS,
    MODES,
    ORIGINS,
    PHASES,
    DepartmentCode,
    Euros,
    Mode,
    Name,
    Number,
    OneOf,
    RegionCode,
    Section,
    Share,
    Text,
    as_list,
    did_you_mean,
    fault,
    show,
    without_nulls,
)


def _envelopes(what: str) -> BeforeValidator:
    # null: a child removing its base's envelope
    return BeforeValidator(lambda value: without_nulls(value, f"a mapping of {what} to envelope"))


def _tolerance(value: object) -> object:
    if not isinstance(value, Mapping):
        raise fault(f"must be a mapping like {{value: 16400, rel_tol: 0.01}}, got {show(value)}")
    return value


Region = Annotated[str, RegionCode()]


class EnvelopeModel(Section):
    """The public aid one area (region, department, territory) gets: at least ``min_eur``, at
    most ``max_eur``, or both."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    min_eur: Annotated[int, Euros()] | None = Field(None, description="at least this much there")
    max_eur: Annotated[int, Euros()] | None = Field(None, description="at most this much there")

    @model_validator(mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        if isinstance(value, Mapping) and not value:
            raise fault("give min_eur, max_eur or both")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> EnvelopeModel:
        if self.min_eur is not None and self.max_eur is not None and self.min_eur > self.max_eur:
            raise fault(f"min_eur ({self.min_eur:_}) is above max_eur ({self.max_eur:_})")
        return self


class ConstraintsModel(Section):
    """Floors are shares of the euros spent (0..1); ``min_spend_share`` of the budget."""

    fragile_share_min: Annotated[float, Share()] = Field(
        0.0, description="minimum share of the euros spent in fragile territories"
    )
    decarbonisation_share_min: Annotated[float, Share()] = Field(
        0.0, description="minimum share of the euros spent on decarbonising projects"
    )
    max_aid_intensity: Annotated[float, Share(zero=False)] | None = Field(
        None, description="aid at most this share of each project's investment; null: no cap"
    )
    min_spend_share: Annotated[float, Share()] = Field(
        0.0, description="spend at least this share of the budget"
    )
    regions: Annotated[dict[Region, EnvelopeModel | None], _envelopes("region code")] = Field(
        default_factory=dict, description="regional envelopes by INSEE region code"
    )
    # Format version 2
    fragile_project_share_min: Annotated[float, Share()] = Field(
        0.0, description="minimum share of the funded PROJECTS in fragile territories"
    )
    departments: Annotated[
        dict[Annotated[str, DepartmentCode()], EnvelopeModel | None], _envelopes("department code")
    ] = Field(default_factory=dict, description="envelopes by INSEE department code")
    territories: Annotated[
        dict[Annotated[str, Text(100, what="a territory id")], EnvelopeModel | None],
        _envelopes("territory id"),
    ] = Field(default_factory=dict, description="envelopes by territory id ('p1-ti-0101')")
    sectors: Annotated[
        dict[Annotated[str, Text(200, what="a sector name")], Annotated[float, Share()]],
        BeforeValidator(lambda v: without_nulls(v, "a mapping of sector to share")),
    ] = Field(
        default_factory=dict,
        description="sector (filière) -> minimum share of the euros spent; they add up to 1 at "
        "most",
    )


def _origin(value: object) -> str:
    listed = ", ".join(ORIGINS)
    hint = did_you_mean(value, ORIGINS) if isinstance(value, str) else ""
    return f"must be one of {listed}, got {show(value)}{hint}"


class SelectionModel(Section):
    """Which projects compete; empty means all."""

    phase: (
        Annotated[int, OneOf(PHASES, lambda v: f"must be 1, 2 or null (both), got {show(v)}")]
        | None
    ) = Field(
        None,
        description="only projects in a territory of this programme phase (a project in no "
        "territory is left out); null: every project, in a territory or not",
    )
    regions: Annotated[tuple[Region, ...], BeforeValidator(as_list)] = ()
    sectors: Annotated[
        tuple[Annotated[str, Text(200, what="a sector name")], ...], BeforeValidator(as_list)
    ] = ()
    origin: Annotated[str, OneOf(ORIGINS, _origin)] | None = Field(
        "both",
        description="laureates: only the fund's laureates; generated: only generated "
        "candidates; both (or null): all of them",
    )


class ToleranceModel(Section):
    """An expected figure: passes when within ``max(rel_tol * |value|, abs_tol)``."""

    value: Annotated[float, Number()]
    rel_tol: Annotated[float, Number(minimum=0)] = Field(0.0, description="relative, 0.01 = 1 %")
    abs_tol: Annotated[float, Number(minimum=0)] = 0.0


Figure = Annotated[ToleranceModel | None, BeforeValidator(_tolerance)]


def _status(value: object) -> str:
    return f"must be one of {', '.join(EXPECT_STATUSES)}, got {show(value)}"


class ExpectModel(Section):
    """What a run must give (figures of the outcome, its status, diagnosed conflicts)."""

    status: Annotated[str, OneOf(EXPECT_STATUSES, _status)] | None = None
    jobs: Figure = None
    spent_eur: Figure = None
    unspent_eur: Figure = None
    projects_funded: Figure = None
    fragile_share: Figure = None
    fragile_project_share: Figure = None
    decarbonisation_share: Figure = None
    decarbonisation_project_share: Figure = None
    # What the levers report (format version 2): criteria, regional money, rounds.
    jobs_kept: Figure = None
    co2_avoided_t: Figure = None
    leverage: Figure = None
    regional_spent_eur: Figure = None
    jobs_lost_to_rounds: Figure = None
    conflicts: Annotated[
        tuple[Annotated[str, Text(10_000, what="a constraint name")], ...], BeforeValidator(as_list)
    ] = Field((), description="constraint names the infeasibility diagnosis must list")


def _version(value: object) -> str:
    readable = " and ".join(str(v) for v in FORMAT_VERSIONS)
    return f"unsupported format version {show(value)}; this tool reads {readable}"


def _mode(value: object) -> str:
    return f"must be one of {', '.join(MODES)}, got {show(value)}{did_you_mean(str(value), MODES)}"


# A file that says `version: 1` may not hold a key of version 2 (see levers_model.version_faults).
VERSION_1_HAS_NO_LEVERS: dict[str, JsonValue] = {
    "if": {"properties": {"version": {"const": 1}}, "required": ["version"]},
    "then": {
        "properties": {
            **{key: False for key in VERSION_2_KEYS},
            "constraints": {"properties": {key: False for key in VERSION_2_CONSTRAINTS}},
        }
    },
}


class ScenarioModel(Section):
    """A scenario file (format version 2; 1 has no levers); a key left out takes its default."""

    model_config = ConfigDict(
        title="Territoires d'industrie fund scenario (format version 2)",
        json_schema_extra={"required": ["version"], **VERSION_1_HAS_NO_LEVERS},
    )

    version: Annotated[int, OneOf(FORMAT_VERSIONS, _version)] = FORMAT_VERSION
    name: Annotated[str, Name()] = "adhoc"
    title: Annotated[str, Text(200)] = ""
    description: Annotated[str, Text(5000, lines=True)] = ""
    base: Annotated[str, Name()] | None = Field(
        None, description="name of the scenario this one changes; write only what differs"
    )
    budget_eur: Annotated[int, Euros(minimum=1)] = Field(
        ANNOUNCED_BUDGET_EUR, description="the fund to spread, in euros"
    )
    mode: Annotated[str, OneOf(MODES, _mode)] = Mode.CONTINUOUS.value
    constraints: ConstraintsModel = Field(default_factory=ConstraintsModel)
    projects: SelectionModel = Field(default_factory=SelectionModel)
    expect: ExpectModel | None = None
    # Format version 2: the levers
    objective: ObjectiveModel = Field(default_factory=ObjectiveModel)
    co_funding: CoFundingModel = Field(default_factory=CoFundingModel)
    rounds: Annotated[tuple[RoundModel, ...], BeforeValidator(as_list)] = Field(
        (), description="successive reviews, dates strictly increasing; none: one decision"
    )
    controls: ControlsModel = Field(default_factory=ControlsModel)
    uncertainty: UncertaintyModel = Field(default_factory=UncertaintyModel)


def validate(data: object, source: str | None) -> ScenarioModel:
    """``data`` checked against the format; ScenarioErrors lists every fault."""
    faults = version_faults(data)
    model = None
    try:
        model = ScenarioModel.model_validate(data)
    except ValidationError as error:
        faults += [_fault(e["type"], e["loc"], e.get("ctx"), e["msg"]) for e in error.errors()]
    if model is not None and not faults:
        faults = cross_faults(model)
    if faults or model is None:
        raise ScenarioErrors(
            ScenarioError(path, message, source) for path, message in _keys_first(faults)
        )
    return model


def _fault(
    kind: str, loc: tuple[int | str, ...], ctx: Mapping[str, Any] | None, text: str
) -> tuple[tuple[int | str, ...], str]:
    """(location, message) of one pydantic error."""
    if loc and loc[-1] == "[key]":  # a dictionary key: the fault is the key's own
        loc = loc[:-1]
    if kind == "scenario" and ctx is not None:
        return (*loc, *ctx.get("at", ())), str(ctx["message"])
    if kind in ("extra_forbidden", "invalid_key"):
        allowed = list(_model_at(loc[:-1]).model_fields)
        key = loc[-1]
        hint = did_you_mean(str(key), allowed)
        return loc, f"unknown key {show(key)}{hint} (allowed: {', '.join(allowed)})"
    if kind == "missing":
        return loc[:-1], f"missing {loc[-1]!r}{_MISSING.get(str(loc[-1]), '')}"
    return loc, text  # a check the field types do not word (none is known)


# What a required key is, when it is missing.
_MISSING = {"value": " (the expected figure)", "date": " (the round's day, like 2021-04-01)"}


def _keys_first(faults: list[tuple[tuple[int | str, ...], str]]) -> list[tuple[str, str]]:
    """Unknown keys of a mapping before the faults of its fields, as a reader meets them."""
    ordered: list[tuple[tuple[int | str, ...], str]] = []
    for loc, message in faults:
        at = len(ordered)
        if message.startswith("unknown key "):
            parent = loc[:-1]
            at = next(
                (
                    i
                    for i, (other, text) in enumerate(ordered)
                    if other[: len(parent)] == parent
                    and not (len(other) == len(loc) and text.startswith("unknown key "))
                ),
                at,
            )
        ordered.insert(at, (loc, message))
    return [(_path(loc), message) for loc, message in ordered]


def _path(loc: tuple[int | str, ...]) -> str:
    """``constraints.regions.84.min_eur``, ``projects.regions[0]``; "(top level)" for ()."""
    if not loc:
        return "(top level)"
    path = ""
    for position, part in enumerate(loc):
        if isinstance(part, int) and _is_sequence(loc[:position]):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel]:
    annotation = _unwrap(_annotation_at(loc))
    return (
        annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel)
        else ScenarioModel
    )


def _is_sequence(loc: tuple[int | str, ...]) -> bool:
    return get_origin(_unwrap(_annotation_at(loc))) is tuple


def _annotation_at(loc: tuple[int | str, ...]) -> Any:
    """The declared type of the value at ``loc`` (None past what the model declares)."""
    annotation: Any = ScenarioModel
    for part in loc:
        annotation = _unwrap(annotation)
        origin = get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            annotation = None if field is None else field.annotation
        elif origin is dict:
            annotation = get_args(annotation)[1]
        elif origin is tuple:
            annotation = get_args(annotation)[0]
        else:
            return None
    return annotation


def _unwrap(annotation: Any) -> Any:
    """``X`` out of ``Annotated[X, ...]`` and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the scenario file format, generated from the model."""
    generated = ScenarioModel.model_json_schema(ref_template="#/$defs/{model}")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://territoires.example/scenario.schema.json",
        **_tidy(generated),
    }
    schema["title"] = generated["title"]
    return {key: schema[key] for key in sorted(schema, key=_rank)}


# Keys of a schema node in reading order: what it is first, its parts last.
_READING_ORDER = (
    "$schema",
    "$id",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "pattern",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "maxLength",
    "minLength",
    "default",
    "required",
    "additionalProperties",
    "minProperties",
    "propertyNames",
    "items",
    "anyOf",
    "properties",
    "$defs",
)


def _rank(key: str) -> int:
    return _READING_ORDER.index(key) if key in _READING_ORDER else len(_READING_ORDER)


def _tidy(node: Any) -> Any:
    """A schema node for reading: keys in reading order, no generated titles ("Fragile Share
    Min" only repeats the key), definitions named as in the format ("Constraints", not
    "ConstraintsModel")."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidy: dict[str, Any] = {}
    for key in sorted(node, key=_rank):
        value = node[key]
        if key == "title":
            continue
        if key in ("properties", "$defs"):
            tidy[key] = {_definition(name): _tidy(part) for name, part in value.items()}
        elif key == "$ref":
            tidy[key] = _definition(value)
        else:
            tidy[key] = _tidy(value)
    return tidy


def _definition(name: str) -> str:
    return name.removesuffix("Model")
