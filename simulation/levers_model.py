"""The levers of format version 2, declared: objective weights, co-funding, rounds, controls.

Each section checks its own values (a weight is at least 0, a matching rate a share, a round
gives one release); ``cross_faults`` then checks what needs several sections at once (releases
against the budget, rounds in date order), and ``version_faults`` refuses these keys in a file
that says ``version: 1``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import CoreSchema, core_schema

from simulation.levers import (
    CRITERIA,
    DRAWS,
    JOBS_ONLY,
    MATCHING_RULES,
    MAX_DRAWS,
    NEXT_IN_LINE,
    OBJECTIVE_MODES,
    Round,
    Uncertainty,
)
from simulation.scenario_fields import (
    Count,
    Date,
    Euros,
    Flag,
    Number,
    OneOf,
    RegionCode,
    Section,
    Share,
    as_list,
    did_you_mean,
    fault,
    show,
    without_nulls,
)

if TYPE_CHECKING:
    from simulation.scenario_model import ScenarioModel

# The keys format version 2 added, top level first, then those of `constraints`.
VERSION_2_KEYS = ("objective", "co_funding", "rounds", "controls", "uncertainty")
VERSION_2_CONSTRAINTS = ("fragile_project_share_min", "departments", "territories", "sectors")

Fault = tuple[tuple[int | str, ...], str]  # (location, message)


def _criterion(value: object) -> str:
    hint = did_you_mean(value, CRITERIA) if isinstance(value, str) else ""
    return f"unknown criterion {show(value)}{hint} (allowed: {', '.join(CRITERIA)})"


def _some_weight(weights: dict[str, float]) -> dict[str, float]:
    if not any(weight > 0 for weight in weights.values()):
        raise fault("give at least one weight above 0")
    return weights


Criterion = Annotated[str, OneOf(CRITERIA, _criterion)]
Weights = Annotated[
    dict[Criterion, Annotated[float, Number(minimum=0)]],
    BeforeValidator(lambda v: without_nulls(v, "a mapping of criterion to weight")),
    AfterValidator(_some_weight),
]


class ObjectiveModel(Section):
    """What the allocation maximises: a weighted sum of the criteria."""

    weights: Weights = Field(
        default_factory=lambda: dict(JOBS_ONLY),
        description="criterion -> weight (>= 0, not all 0; only their ratios matter); a "
        "criterion left out weighs 0. Each criterion counts in jobs-equivalents (its rate per "
        "euro of aid, scaled to the competing projects' jobs per euro)",
    )


def _rule(value: object) -> str:
    hint = did_you_mean(value, MATCHING_RULES) if isinstance(value, str) else ""
    return f"must be one of {', '.join(MATCHING_RULES)}, got {show(value)}{hint}"


class MatchingModel(Section):
    """How regional euros go with the State's, in each region with a contribution."""

    rule: Annotated[str, OneOf(MATCHING_RULES, _rule)] = Field(
        "requires",
        description="requires: each regional euro needs `rate` State euros beside it; follows: "
        "at most `rate` regional euros follow each State euro",
    )
    rate: Annotated[float, Share()] = Field(0.0, description="State/regional ratio, 0..1")


Contributions = Annotated[
    dict[Annotated[str, RegionCode()], Annotated[int, Euros(minimum=1)]],
    BeforeValidator(lambda v: without_nulls(v, "a mapping of region code to euros")),
]


class CoFundingModel(Section):
    """Regional money beside the State's budget, usable only in its own region."""

    contributions: Contributions = Field(
        default_factory=dict, description="euros a region adds, by INSEE region code"
    )
    matching: MatchingModel = Field(default_factory=MatchingModel)


class RoundModel(Section):
    """A regional review: it decides with the projects recorded before its date."""

    date: Annotated[dt.date, Date()] = Field(description="the day of the review")
    release_share: Annotated[float, Share()] | None = Field(
        None, description="share of budget_eur released at this round (or release_eur)"
    )
    release_eur: Annotated[int, Euros()] | None = Field(
        None, description="euros of budget_eur released at this round (or release_share)"
    )
    reserve_share: Annotated[float, Share(one=False)] = Field(
        0.0,
        description="share of the money then available held back for later rounds (the last "
        "round holds nothing back)",
    )

    @model_validator(mode="after")
    def _one_release(self) -> RoundModel:
        given = [self.release_share is not None, self.release_eur is not None]
        if all(given):
            raise fault("give release_share or release_eur, not both")
        if not any(given):
            raise fault("give release_share (of the budget) or release_eur")
        return self


MAX_PROJECT_ID = 2**63 - 1  # the largest id a database column (and the engine's int64) holds
ProjectId = Annotated[int, Count(1, MAX_PROJECT_ID, "a project id (a whole number)")]
ProjectIds = Annotated[tuple[ProjectId, ...], BeforeValidator(as_list)]


class ControlsModel(Section):
    """What the regional reviews fixed by hand."""

    lock_awards: Annotated[bool, Flag()] = Field(
        False,
        description="keep the awards already made: they count against the budget, floors and "
        "envelopes, and only the rest is allocated",
    )
    awards_until: Annotated[dt.date, Date()] | None = Field(
        None, description="with lock_awards: only the awards recorded on or before this day"
    )
    force_in: ProjectIds = Field((), description="project ids funded in full")
    force_out: ProjectIds = Field((), description="project ids that get nothing")
    next_in_line: Annotated[int, Count(0, 100)] = Field(
        NEXT_IN_LINE, description="how many unfunded projects a result lists, best first"
    )


class Positive(Number):
    """A finite number above 0 (``maximum``: at most it, when given)."""

    def __init__(self, maximum: float | None = None) -> None:
        super().__init__()
        self.maximum = maximum

    def check(self, value: Any) -> float:
        number = super().check(value)
        if self.maximum is not None and not 0 < number <= self.maximum:
            raise fault(f"must be above 0 and at most {self.maximum:g}, got {number:g}")
        if number <= 0:
            raise fault(f"must be above 0, got {number:g}")
        return number

    def schema(self) -> CoreSchema:
        return core_schema.float_schema(gt=0.0, le=self.maximum, allow_inf_nan=False)


def _objective_mode(value: object) -> str:
    hint = did_you_mean(value, OBJECTIVE_MODES) if isinstance(value, str) else ""
    return f"must be one of {', '.join(OBJECTIVE_MODES)}, got {show(value)}{hint}"


MAX_TARGET_JOBS = 10**9  # far above any fund's jobs
MAX_SEED = 2**63 - 1


class UncertaintyModel(Section):
    """How a result's jobs range is drawn, and whether the allocation guards against it."""

    realisation_rate: Annotated[float, Positive(maximum=1.0)] | None = Field(
        None,
        description="share of its declared jobs created a project realises at the median, in "
        "(0, 1]; none: the declaration band's own (estimated figures follow their model)",
    )
    target_jobs: Annotated[int, Count(1, MAX_TARGET_JOBS)] | None = Field(
        None, description="a result reports the probability of creating at least these jobs"
    )
    draws: Annotated[int, Count(1, MAX_DRAWS)] = Field(
        DRAWS, description="Monte Carlo draws behind a result's range"
    )
    seed: Annotated[int, Count(0, MAX_SEED)] = Field(
        0, description="the draws' seed: the same seed gives the same figures"
    )
    objective: Annotated[str, OneOf(OBJECTIVE_MODES, _objective_mode)] = Field(
        "expected",
        description="expected: maximise the declared jobs; robust: the jobs left when at most "
        "robust_budget funded projects fall to their 10th percentile at once",
    )
    robust_budget: Annotated[float, Positive()] | None = Field(
        None,
        description="funded projects that may fall to their 10th percentile at once; none: the "
        "square root of the number of competing projects",
    )

    def settings(self) -> Uncertainty:
        return Uncertainty(
            realisation_rate=self.realisation_rate,
            target_jobs=self.target_jobs,
            draws=self.draws,
            seed=self.seed,
            objective=self.objective,
            robust_budget=self.robust_budget,
        )


def uncertainty_dict(u: Uncertainty) -> dict[str, Any]:
    """The ``uncertainty:`` section a file writes for ``u`` (only the keys set off default)."""
    default = Uncertainty()
    return {k: v for k, v in vars(u).items() if v != getattr(default, k)}


def version_faults(data: object) -> list[Fault]:
    """A version-2 key in data that says ``version: 1``."""
    if not isinstance(data, Mapping) or data.get("version") != 1:
        return []
    found: list[Fault] = [((key,), "needs version: 2") for key in VERSION_2_KEYS if key in data]
    constraints = data.get("constraints")
    if isinstance(constraints, Mapping):
        found += [
            (("constraints", key), "needs version: 2")
            for key in VERSION_2_CONSTRAINTS
            if key in constraints
        ]
    return found


def cross_faults(model: ScenarioModel) -> list[Fault]:
    """Faults that only several fields together show (each field alone is valid)."""
    return [
        *_round_faults(model.rounds, model.budget_eur),
        *_control_faults(model.controls),
        *_sector_faults(model.constraints.sectors),
    ]


def _round_faults(rounds: tuple[RoundModel, ...], budget_eur: int) -> Iterator[Fault]:
    for i in range(1, len(rounds)):
        before, this = rounds[i - 1].date, rounds[i].date
        if this <= before:
            message = f"{this} is not after rounds[{i - 1}].date {before}"
            yield ("rounds", i, "date"), message
    released = sum(
        Round(r.date, r.release_share, r.release_eur).released(budget_eur) for r in rounds
    )
    if released > budget_eur:
        yield (
            ("rounds",),
            f"release {released:,} EUR in all, above the budget {budget_eur:,}",
        )


def _control_faults(controls: ControlsModel) -> Iterator[Fault]:
    for key in ("force_in", "force_out"):
        ids: tuple[int, ...] = getattr(controls, key)
        for i, project in enumerate(ids):
            if project in ids[:i]:
                yield ("controls", key, i), f"project {project} is listed twice"
    for i, project in enumerate(controls.force_out):
        if project in controls.force_in:
            yield (
                ("controls", "force_out", i),
                f"project {project} is also in force_in: force it in or out, not both",
            )
    if controls.awards_until is not None and not controls.lock_awards:
        yield ("controls", "awards_until"), "applies only with lock_awards: true"


def _sector_faults(sectors: Mapping[str, float]) -> Iterator[Fault]:
    total = sum(sectors.values())
    if total > 1 + 1e-9:
        yield ("constraints", "sectors"), f"the sector floors add up to {total:g}, above 1"
