"""A sweep's grid: the scenario parameters it may vary, their values, and the scenario at a point.

An axis is written ``name=start:stop:step`` (stop included) or ``name=v1,v2,v3``. Every value is
checked as the scenario format checks the field it sets (``scenario_at``), so a grid never
reaches the engine with a value a scenario file could not hold.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulation.scenario import Scenario, ScenarioError
from simulation.scenario_fields import FORMAT_VERSION
from studies.errors import StudyError

# Sweepable name -> the dotted path of the scenario field it sets.
PARAMETERS: Mapping[str, str] = {
    "fragile_share_min": "constraints.fragile_share_min",
    "decarbonisation_share_min": "constraints.decarbonisation_share_min",
    "fragile_project_share_min": "constraints.fragile_project_share_min",
    "max_aid_intensity": "constraints.max_aid_intensity",
    "min_spend_share": "constraints.min_spend_share",
    "budget_eur": "budget_eur",
    "realisation_rate": "uncertainty.realisation_rate",
    "robust_budget": "uncertainty.robust_budget",
    "target_jobs": "uncertainty.target_jobs",
}
# Fields the format holds as whole numbers: a whole float (3e8) is written as an int for them.
WHOLE = frozenset({"budget_eur", "target_jobs"})
MAX_POINTS = 100_000  # solves in one sweep


@dataclass(frozen=True)
class Axis:
    name: str
    values: tuple[float, ...]


def parse_axis(text: str) -> Axis:
    """``"fragile_share_min=0.5:0.9:0.05"`` (stop included) or ``"budget_eur=3e8,4e8,5e8"``."""
    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name:
        raise StudyError("grid", f"expected NAME=START:STOP:STEP or NAME=V1,V2,..., got {text!r}")
    check_name(name, "grid")
    field = f"grid.{name}"
    values = _range(spec, field) if ":" in spec else _list(spec, field)
    if not values:
        raise StudyError(field, f"no values in {spec!r}")
    twice = next((value for i, value in enumerate(values) if value in values[:i]), None)
    if twice is not None:  # the same point solved twice would be two rows of one solve
        raise StudyError(field, f"value {twice:g} given twice")
    if len(values) > MAX_POINTS:
        raise StudyError(field, f"{len(values):,} values, more than the {MAX_POINTS:,} allowed")
    return Axis(name, tuple(values))


def check_name(name: str, field: str) -> None:
    if name not in PARAMETERS:
        close = difflib.get_close_matches(name, list(PARAMETERS), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        allowed = ", ".join(PARAMETERS)
        raise StudyError(field, f"unknown parameter {name!r}{hint}; one of {allowed}")


def _number(raw: str, field: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise StudyError(field, f"not a number: {raw.strip()!r}") from None
    if not math.isfinite(value):  # nan and inf: no share, budget or rate is that
        raise StudyError(field, f"must be a finite number, got {raw.strip()!r}")
    return value


def _range(spec: str, field: str) -> list[float]:
    parts = spec.split(":")
    if len(parts) != 3:
        raise StudyError(field, f"expected START:STOP:STEP, got {spec!r}")
    start, stop, step = (_number(part, field) for part in parts)
    if step <= 0:
        raise StudyError(field, f"the step must be above 0, got {step:g}")
    if stop < start:
        raise StudyError(field, f"no values: the stop {stop:g} is below the start {start:g}")
    # In decimal, as written: 0.5:0.9:0.05 gives 0.55 (not 0.5500000000000001) and includes 0.9,
    # at any step (0:1e-10:1e-11 is 11 values); a huge count is refused before it is made.
    first, last, by = (Decimal(part.strip()) for part in parts)
    steps = (last - first) / by
    if not steps.is_finite() or steps >= MAX_POINTS:
        count = f"{float(steps) + 1:.3g}" if steps > 10**9 else f"{int(steps) + 1:,}"
        raise StudyError(field, f"{count} values, more than the {MAX_POINTS:,} allowed")
    values = [float(first + i * by) for i in range(int(steps) + 1)]
    if len(set(values)) != len(values):
        raise StudyError(field, f"the step {step:g} is too fine: values coincide as numbers")
    return values


def _list(spec: str, field: str) -> list[float]:
    items = [item for item in spec.split(",") if item.strip()]
    return [_number(item, field) for item in items]


def points(axes: Sequence[Axis]) -> list[dict[str, float]]:
    """Every combination of the axes' values, the first axis varying slowest."""
    names = [axis.name for axis in axes]
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise StudyError(f"grid.{twice}", "given twice; give each parameter one axis")
    total = math.prod(len(axis.values) for axis in axes)
    if total > MAX_POINTS:
        raise StudyError("grid", f"{total:,} points, more than the {MAX_POINTS:,} allowed")
    product = itertools.product(*(axis.values for axis in axes))
    return [dict(zip(names, combination, strict=True)) for combination in product]


def scenario_at(scenario: Scenario, point: Mapping[str, float]) -> Scenario:
    """``scenario`` with each of ``point``'s parameters set, validated as a scenario file is;
    a value the format refuses raises a StudyError naming ``grid.<parameter>``."""
    data = scenario.to_dict()
    data["version"] = FORMAT_VERSION  # the uncertainty section and project floors are version 2
    for name, value in point.items():
        check_name(name, "grid")
        _set(data, PARAMETERS[name], _written(name, value))
    try:
        return Scenario.from_dict(data, source=None)
    except ScenarioError as error:
        raise _named(error, point) from None


def check_values(scenario: Scenario, axes: Sequence[Axis]) -> None:
    """Every value of every axis, set alone on ``scenario``, passes the format's checks."""
    for axis in axes:
        for value in axis.values:
            scenario_at(scenario, {axis.name: value})


def _written(name: str, value: float) -> float | int:
    return int(value) if name in WHOLE and float(value).is_integer() else float(value)


def _set(data: dict[str, Any], path: str, value: float | int) -> None:
    *sections, key = path.split(".")
    for section in sections:
        data = data.setdefault(section, {})
    data[key] = value


def _named(error: ScenarioError, point: Mapping[str, float]) -> StudyError:
    """The format's refusal told against the grid: the parameter whose field it names."""
    by_path = {path: name for name, path in PARAMETERS.items() if name in point}
    for fault in error.errors:
        name = by_path.get(fault.path)
        if name is not None:
            return StudyError(f"grid.{name}", fault.message)
    at = ", ".join(f"{name}={value:g}" for name, value in point.items())
    return StudyError("grid", f"the scenario at {at} is refused: {error}")
