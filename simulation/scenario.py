"""What a planner asks: budget, mode, constraints and which projects compete.

Frozen dataclasses for the engine to compute with; ``Scenario.from_dict`` validates plain data
(YAML, GraphQL input) against the declared format (simulation.scenario_model) and converts it
once, raising ScenarioErrors with the path of each faulty field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

from simulation.levers import (
    CRITERIA,
    CoFunding,
    Controls,
    Matching,
    Objective,
    Round,
    Uncertainty,
)
from simulation.levers_model import VERSION_2_KEYS, uncertainty_dict
from simulation.scenario_errors import ScenarioError, ScenarioErrors
from simulation.scenario_fields import (
    ANNOUNCED_BUDGET_EUR,
    FORMAT_VERSION,
    MAX_EUR,
    NAME_PATTERN,
    ORIGINS,
    REGION_NAMES,
    Euros,
    Mode,
)
from simulation.scenario_model import EnvelopeModel, ScenarioModel, ToleranceModel, validate

ANNOUNCED_FRAGILE_SHARE = 0.69
# Keys a child scenario never takes from its base: they describe the file itself.
NOT_INHERITED = ("name", "title", "description", "base", "expect")


@dataclass(frozen=True)
class RegionEnvelope:
    min_eur: int | None = None
    max_eur: int | None = None


@dataclass(frozen=True)
class Constraints:
    """Floors are shares of the euros spent (0..1); ``min_spend_share`` of the budget."""

    fragile_share_min: float = 0.0
    decarbonisation_share_min: float = 0.0
    max_aid_intensity: float | None = None
    min_spend_share: float = 0.0
    regions: Mapping[str, RegionEnvelope] = field(default_factory=dict)
    # Format version 2: the share of funded PROJECTS in fragile territories (the published 69 %
    # counts projects), envelopes per department and per territory, floors per sector (filière
    # -> minimum share of the euros spent).
    fragile_project_share_min: float = 0.0
    departments: Mapping[str, RegionEnvelope] = field(default_factory=dict)
    territories: Mapping[str, RegionEnvelope] = field(default_factory=dict)
    sectors: Mapping[str, float] = field(default_factory=dict)

    @property
    def version_1(self) -> bool:
        """Only the constraints of format version 1 are set."""
        return not (
            self.fragile_project_share_min or self.departments or self.territories or self.sectors
        )


@dataclass(frozen=True)
class ProjectSelection:
    """Which projects compete; empty means all. Applied by the caller, not the engine.

    ``phase`` keeps the projects of a territory of that phase (a project in no territory has
    none, so it competes only without ``phase``); ``origin`` the laureates, the generated
    candidates or both.
    """

    phase: int | None = None
    regions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    origin: str = "both"  # one of ORIGINS


@dataclass(frozen=True)
class Tolerance:
    """An expected figure: passes when within ``max(rel_tol * |value|, abs_tol)``."""

    value: float
    rel_tol: float = 0.0
    abs_tol: float = 0.0

    def allows(self, actual: float) -> bool:
        margin = max(self.rel_tol * abs(self.value), self.abs_tol)
        return math.isfinite(actual) and abs(actual - self.value) <= margin + 1e-9

    def describe(self) -> str:
        parts = [f"{self.value:g}"]
        if self.rel_tol:
            parts.append(f"± {self.rel_tol:.2%}")
        if self.abs_tol:
            parts.append(f"± {self.abs_tol:g}")
        return " ".join(parts)


@dataclass(frozen=True)
class Expectation:
    """An ``expect:`` block: what a run of the scenario must give (a regression test)."""

    status: str | None = None
    figures: Mapping[str, Tolerance] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()

    def failures(self, result: Any) -> tuple[str, ...]:
        """What does not hold for ``result`` (an engine Result); empty when all pass."""
        problems = []
        raw_status = getattr(result, "status", "")
        status = str(getattr(raw_status, "value", raw_status))
        if self.status is not None and status != self.status:
            message = getattr(result, "message", "")
            problems.append(f"status: expected {self.status}, got {status} ({message})")
        for name, tolerance in self.figures.items():
            actual = float(getattr(result, name))
            if not tolerance.allows(actual):
                problems.append(f"{name}: expected {tolerance.describe()}, got {actual:g}")
        if self.conflicts:
            diagnosis = getattr(result, "diagnosis", None)
            # Stable names ("region_94") when the engine gives them, planner labels otherwise.
            named = {str(n) for n in getattr(diagnosis, "names", ())}
            named |= {_conflict_name(c) for c in getattr(diagnosis, "conflicts", ())}
            missing = [name for name in self.conflicts if name not in named]
            if missing:
                shown = ", ".join(sorted(named)) or "none"
                problems.append(f"conflicts: expected {', '.join(missing)} among them, got {shown}")
        return tuple(problems)


@dataclass(frozen=True)
class Scenario:
    name: str = "adhoc"
    title: str = ""
    description: str = ""
    base: str | None = None
    budget_eur: int = ANNOUNCED_BUDGET_EUR
    mode: Mode = Mode.CONTINUOUS
    constraints: Constraints = field(default_factory=Constraints)
    projects: ProjectSelection = field(default_factory=ProjectSelection)
    expect: Expectation | None = None
    objective: Objective = field(default_factory=Objective)
    co_funding: CoFunding = field(default_factory=CoFunding)
    rounds: tuple[Round, ...] = ()
    controls: Controls = field(default_factory=Controls)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    # Input path -> the scenario of the base chain that wrote it (simulation.inputs); filled
    # where the chain is known, and no part of what the scenario asks.
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def uses_levers(self) -> bool:
        """A lever of format version 2 is pulled: the general engine (simulation.general) solves
        it; otherwise the version 1 engine does, with the same answer as before."""
        return not (
            self.objective.jobs_only
            and not self.co_funding.contributions
            and not self.rounds
            and self.controls.neutral
            and self.constraints.version_1
            and not self.uncertainty.robust
        )

    @classmethod
    def from_dict(cls, data: object, *, source: str | None = "<input>") -> Scenario:
        """Validate ``data`` (already merged over its base); ScenarioErrors lists all faults."""
        return _scenario(validate(data, source))

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data in file order; ``from_dict(to_dict())`` gives it back.

        It says ``version: 1`` when it pulls no lever of version 2, so that it reads as before.
        """
        data: dict[str, Any] = {"version": 1, "name": self.name}
        if self.title:
            data["title"] = self.title
        if self.description:
            data["description"] = self.description
        if self.base is not None:
            data["base"] = self.base
        data["budget_eur"] = self.budget_eur
        data["mode"] = self.mode.value
        c = self.constraints
        constraints: dict[str, Any] = {
            "fragile_share_min": c.fragile_share_min,
            "decarbonisation_share_min": c.decarbonisation_share_min,
            "max_aid_intensity": c.max_aid_intensity,
            "min_spend_share": c.min_spend_share,
        }
        if c.regions:
            constraints["regions"] = _envelopes_dict(c.regions)
        if c.fragile_project_share_min:
            constraints["fragile_project_share_min"] = c.fragile_project_share_min
        for key in ("departments", "territories"):
            if getattr(c, key):
                constraints[key] = _envelopes_dict(getattr(c, key))
        if c.sectors:
            constraints["sectors"] = dict(c.sectors)
        data["constraints"] = constraints
        p = self.projects
        projects: dict[str, Any] = {}
        if p.phase is not None:
            projects["phase"] = p.phase
        if p.regions:
            projects["regions"] = list(p.regions)
        if p.sectors:
            projects["sectors"] = list(p.sectors)
        if p.origin != "both":
            projects["origin"] = p.origin
        if projects:
            data["projects"] = projects
        if self.expect is not None:
            data["expect"] = _expect_dict(self.expect)
        data.update(_levers_dict(self))
        if not c.version_1 or any(key in data for key in VERSION_2_KEYS):
            data["version"] = FORMAT_VERSION
        return data


def check_budgets(values: Iterable[object], path: str) -> None:
    """Each value checked as ``budget_eur`` is (whole euros, positive, at most ``MAX_EUR``);
    ScenarioErrors names every faulty one ``path[i]``."""
    budget = Euros(minimum=1)
    errors = []
    for i, value in enumerate(values):
        try:
            budget.check(value)
        except PydanticCustomError as fault:
            errors.append(ScenarioError(f"{path}[{i}]", fault.message()))
    if errors:
        raise ScenarioErrors(errors)


def merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """``child`` applied over ``base`` (both plain data): mappings merge key by key, anything
    else replaces, and ``null`` in the child removes the base's value (back to the default).

    The result has the newer of the two format versions: a version-1 child of a base that
    pulls levers keeps them (each file was checked against its own version)."""
    merged = _merge({k: v for k, v in base.items() if k not in NOT_INHERITED}, child)
    versions = [d.get("version") for d in (base, child)]
    known = [v for v in versions if isinstance(v, int) and not isinstance(v, bool)]
    if len(known) == 2:
        merged["version"] = max(known)
    return merged


def _merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in child.items():
        if value is None and key != "base":
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _envelopes_dict(envelopes: Mapping[str, RegionEnvelope]) -> dict[str, dict[str, int]]:
    return {
        code: {k: v for k, v in vars(env).items() if v is not None}
        for code, env in envelopes.items()
    }


def _levers_dict(scenario: Scenario) -> dict[str, Any]:
    """The version-2 sections that differ from their defaults, as a file writes them."""
    data: dict[str, Any] = {}
    if scenario.objective != Objective():
        data["objective"] = {"weights": dict(scenario.objective.weights)}
    funding = scenario.co_funding
    if funding != CoFunding():
        data["co_funding"] = {
            "contributions": dict(funding.contributions),
            "matching": {"rule": funding.matching.rule, "rate": funding.matching.rate},
        }
    if scenario.rounds:
        data["rounds"] = [_round_dict(r) for r in scenario.rounds]
    controls = scenario.controls
    if controls != Controls():
        written: dict[str, Any] = {"lock_awards": controls.lock_awards}
        if controls.awards_until is not None:
            written["awards_until"] = controls.awards_until
        written["force_in"] = list(controls.force_in)
        written["force_out"] = list(controls.force_out)
        written["next_in_line"] = controls.next_in_line
        data["controls"] = written
    if scenario.uncertainty != Uncertainty():
        data["uncertainty"] = uncertainty_dict(scenario.uncertainty)
    return data


def _round_dict(review: Round) -> dict[str, Any]:
    data: dict[str, Any] = {"date": review.date}
    if review.release_eur is not None:
        data["release_eur"] = review.release_eur
    else:
        data["release_share"] = review.release_share
    if review.reserve_share:
        data["reserve_share"] = review.reserve_share
    return data


def _conflict_name(conflict: object) -> str:
    return str(getattr(conflict, "name", conflict))


def _expect_dict(expect: Expectation) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if expect.status is not None:
        data["status"] = expect.status
    for name, tol in expect.figures.items():
        figure: dict[str, Any] = {"value": tol.value}
        if tol.rel_tol:
            figure["rel_tol"] = tol.rel_tol
        if tol.abs_tol:
            figure["abs_tol"] = tol.abs_tol
        data[name] = figure
    if expect.conflicts:
        data["conflicts"] = list(expect.conflicts)
    return data


def _scenario(model: ScenarioModel) -> Scenario:
    """The engine's frozen dataclasses out of a validated model."""
    c, p, e = model.constraints, model.projects, model.expect
    constraints = Constraints(
        fragile_share_min=c.fragile_share_min,
        decarbonisation_share_min=c.decarbonisation_share_min,
        max_aid_intensity=c.max_aid_intensity,
        min_spend_share=c.min_spend_share,
        regions=_envelopes(c.regions),
        fragile_project_share_min=c.fragile_project_share_min,
        departments=_envelopes(c.departments),
        territories=_envelopes(c.territories),
        sectors=dict(sorted(c.sectors.items())),
    )
    expect = None
    if e is not None:
        figures = {
            name: Tolerance(tol.value, rel_tol=tol.rel_tol, abs_tol=tol.abs_tol)
            for name, tol in e
            if isinstance(tol, ToleranceModel)
        }
        expect = Expectation(status=e.status, figures=figures, conflicts=e.conflicts)
    return Scenario(
        name=model.name,
        title=model.title,
        description=model.description,
        base=model.base,
        budget_eur=model.budget_eur,
        mode=Mode(model.mode),
        constraints=constraints,
        projects=ProjectSelection(
            phase=p.phase, regions=p.regions, sectors=p.sectors, origin=p.origin or "both"
        ),
        expect=expect,
        **_levers(model),
    )


def _envelopes(envelopes: Mapping[str, EnvelopeModel | None]) -> dict[str, RegionEnvelope]:
    return {
        code: RegionEnvelope(min_eur=env.min_eur, max_eur=env.max_eur)
        for code, env in sorted(envelopes.items())
        if env is not None
    }


def _levers(model: ScenarioModel) -> dict[str, Any]:
    """The version-2 fields of Scenario out of a validated model (weights of 0 left out, so
    jobs-only weights compare equal however they are written)."""
    funding, controls = model.co_funding, model.controls
    return {
        "objective": Objective(
            weights={
                k: model.objective.weights[k] for k in CRITERIA if model.objective.weights.get(k)
            }
        ),
        "co_funding": CoFunding(
            contributions=dict(sorted(funding.contributions.items())),
            matching=Matching(rule=funding.matching.rule, rate=funding.matching.rate),
        ),
        "rounds": tuple(
            Round(r.date, r.release_share, r.release_eur, r.reserve_share) for r in model.rounds
        ),
        "controls": Controls(
            lock_awards=controls.lock_awards,
            awards_until=controls.awards_until,
            force_in=controls.force_in,
            force_out=controls.force_out,
            next_in_line=controls.next_in_line,
        ),
        "uncertainty": model.uncertainty.settings(),
    }


__all__ = [
    "ANNOUNCED_BUDGET_EUR",
    "ANNOUNCED_FRAGILE_SHARE",
    "FORMAT_VERSION",
    "MAX_EUR",
    "NAME_PATTERN",
    "ORIGINS",
    "REGION_NAMES",
    "Mode",
    "ScenarioError",
    "ScenarioErrors",
]
