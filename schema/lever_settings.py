"""A resolved scenario's inputs as settings: each value with who set it along the base chain.

``Setting`` is the interface every input shares (its origin and the scenario that wrote it);
``lever_settings`` gives the levers of format version 2 that way, named as in ScenarioInput.
A list a file writes as a whole (rounds, forced projects) has one origin for the whole list; a
mapping (weights, envelopes, contributions) has one per entry, as a child merges it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from schema.lever_inputs import MatchingRule, ObjectiveMode
from schema.scalars import Euros
from simulation import inputs
from simulation.levers import CRITERIA
from simulation.scenario import REGION_NAMES, RegionEnvelope
from simulation.scenario import Scenario as ScenarioSpec

Origin = Callable[[str], dict[str, Any]]  # input path -> the fields `origin` and `set_in`


@strawberry.enum(description="Where the value of a scenario's input comes from.")
class InputOrigin(Enum):
    SCENARIO = "scenario"
    BASE = "base"
    DEFAULT = "default"


@strawberry.interface(description="One input of a resolved scenario: its value and who set it.")
class Setting:
    origin: InputOrigin = strawberry.field(
        description="SCENARIO: written in this scenario; BASE: inherited along its base chain; "
        "DEFAULT: written nowhere (a `null` in a file also sets the default back: SCENARIO or "
        "BASE then)."
    )
    set_in: str | None = strawberry.field(
        description="Name of the scenario that wrote it (this one or a base); null: the default."
    )


@strawberry.type
class EurosSetting(Setting):
    value: Euros


@strawberry.type(description="A share between 0 and 1.")
class ShareSetting(Setting):
    value: float


def origin_in(spec: ScenarioSpec) -> Origin:
    """The origin fields of an input path of ``spec``, from the writers its resolution recorded."""

    def origin(path: str) -> dict[str, Any]:
        writer = inputs.set_in(spec.origins, path)
        if writer is None:
            return {"origin": InputOrigin.DEFAULT, "set_in": None}
        mine = writer == spec.name
        return {"origin": InputOrigin.SCENARIO if mine else InputOrigin.BASE, "set_in": writer}

    return origin


def bound(origin: Origin, path: str, value: int | None) -> EurosSetting | None:
    """One bound of an envelope at ``path``; None when it has none."""
    return None if value is None else EurosSetting(value=Euros(value), **origin(path))


@strawberry.type(description="A weight of the objective: at least 0, only the ratios matter.")
class WeightSetting(Setting):
    value: float


@strawberry.type(
    description="The objective's weights as written: a criterion left out weighs 0; none "
    "written: jobs created only (the objective of format version 1)."
)
class ObjectiveWeightsSetting:
    jobs_created: WeightSetting = strawberry.field(description="Jobs created.")
    jobs_kept: WeightSetting = strawberry.field(description="Jobs secured.")
    co2_avoided_t: WeightSetting = strawberry.field(description="Tonnes of CO2e avoided a year.")
    leverage: WeightSetting = strawberry.field(description="Investment per euro of public aid.")


@strawberry.type(
    description="An envelope of public aid in one department; each bound says who "
    "set it (null: none)."
)
class DepartmentEnvelopeSetting:
    department_code: str = strawberry.field(description="INSEE code: '59', '2A', '974'.")
    min_eur: EurosSetting | None
    max_eur: EurosSetting | None


@strawberry.type(
    description="An envelope of public aid in one territory; each bound says who "
    "set it (null: none)."
)
class TerritoryEnvelopeSetting:
    territory_id: relay.GlobalID = strawberry.field(description="The Territory's id.")
    min_eur: EurosSetting | None
    max_eur: EurosSetting | None


@strawberry.type(description="A floor on the share of the euros spent in one sector.")
class SectorFloorSetting:
    sector: str = strawberry.field(description="The sector (filière) as projects give it.")
    share_min: ShareSetting


@strawberry.type(description="Money a region adds, usable only for projects in that region.")
class RegionContributionSetting:
    region_code: str
    region_name: str
    amount_eur: EurosSetting


@strawberry.type(description="The matching rule of regional money with the State's.")
class MatchingRuleSetting(Setting):
    value: MatchingRule


@strawberry.type(description="How regional euros go with the State's in their region.")
class MatchingSetting:
    rule: MatchingRuleSetting
    rate: ShareSetting = strawberry.field(
        description="REQUIRES: State euros each regional euro needs beside it; FOLLOWS: regional "
        "euros that may follow each State euro at most."
    )


@strawberry.type(description="Regional money beside the State's budget (`budgetEur`).")
class CoFundingSetting:
    contributions: list[RegionContributionSetting] = strawberry.field(
        description="One per region that adds money; empty: the State pays alone."
    )
    matching: MatchingSetting


@strawberry.type(description="A review: it decides with the projects recorded before its date.")
class ReviewRound:
    date: dt.date = strawberry.field(description="The day of the review.")
    release_share: float | None = strawberry.field(
        description="Share of budgetEur released at this round; null: releaseEur is given."
    )
    release_eur: Euros | None = strawberry.field(
        description="Euros of budgetEur released at this round; null: releaseShare is given."
    )
    reserve_share: float = strawberry.field(
        description="Share of the money then available kept for later rounds (the last round "
        "keeps none)."
    )
    released_eur: Euros = strawberry.field(
        description="What it releases in euros: releaseEur, or releaseShare of budgetEur."
    )


@strawberry.type(
    description="Review rounds in date order, written as a whole (a scenario's rounds replace "
    "its base's)."
)
class RoundsSetting(Setting):
    value: list[ReviewRound] = strawberry.field(
        description="Empty: one decision over every project with the whole budget."
    )


@strawberry.type(description="A yes or no.")
class FlagSetting(Setting):
    value: bool


@strawberry.type(description="A date, or none.")
class DateSetting(Setting):
    value: dt.date | None = strawberry.field(description="Null: no date.")


@strawberry.type(
    description="Projects, written as a whole (a scenario's list replaces its base's)."
)
class ProjectsSetting(Setting):
    value: list[relay.GlobalID] = strawberry.field(description="Project ids; empty: none.")


@strawberry.type(description="A whole number.")
class CountSetting(Setting):
    value: int


@strawberry.type(description="What the regional reviews fixed by hand.")
class ControlsSetting:
    lock_awards: FlagSetting = strawberry.field(
        description="The awards already made are kept and count against the budget, floors and "
        "envelopes; only the rest is allocated."
    )
    awards_until: DateSetting = strawberry.field(
        description="With lockAwards, only the awards made by then; null: all of them."
    )
    force_in: ProjectsSetting = strawberry.field(description="Projects funded in full.")
    force_out: ProjectsSetting = strawberry.field(description="Projects that get nothing.")
    next_in_line: CountSetting = strawberry.field(
        description="How many unfunded projects a result lists."
    )


@strawberry.type(description="A share above 0 and at most 1, or none.")
class RateSetting(Setting):
    value: float | None = strawberry.field(description="Null: the declaration band's own.")


@strawberry.type(description="A whole number, or none.")
class TargetSetting(Setting):
    value: int | None = strawberry.field(description="Null: no target.")


@strawberry.type(description="What the allocation maximises when jobs are uncertain.")
class ObjectiveModeSetting(Setting):
    value: ObjectiveMode


@strawberry.type(description="A budget of uncertainty, or none.")
class RobustBudgetSetting(Setting):
    value: float | None = strawberry.field(
        description="Null: the square root of the number of competing projects."
    )


@strawberry.type(
    description="How a result's jobs are drawn and what the allocation guards against."
)
class UncertaintySetting:
    realisation_rate: RateSetting = strawberry.field(
        description="Share of its declared jobs a project realises at the median."
    )
    target_jobs: TargetSetting = strawberry.field(
        description="A result gives the probability of reaching it."
    )
    draws: CountSetting = strawberry.field(description="Monte Carlo draws behind each range.")
    seed: CountSetting = strawberry.field(description="The same seed, the same figures.")
    objective: ObjectiveModeSetting = strawberry.field(
        description="EXPECTED: the declared jobs; ROBUST: the jobs left in the worst case of "
        "the budget of uncertainty."
    )
    robust_budget: RobustBudgetSetting = strawberry.field(
        description="With ROBUST: funded projects that may fall to their 10th percentile at once."
    )


def lever_settings(spec: ScenarioSpec, origin: Origin) -> dict[str, Any]:
    """The ResolvedScenario fields of format version 2 for ``spec`` (by field name)."""
    constraints = spec.constraints
    return {
        "fragile_project_share_min": ShareSetting(
            value=constraints.fragile_project_share_min,
            **origin("constraints.fragile_project_share_min"),
        ),
        "department_envelopes": [
            DepartmentEnvelopeSetting(department_code=code, **bounds(origin, path, envelope))
            for code, envelope, path in _areas(constraints.departments, "constraints.departments")
        ],
        "territory_envelopes": [
            TerritoryEnvelopeSetting(
                territory_id=relay.GlobalID("Territory", code), **bounds(origin, path, envelope)
            )
            for code, envelope, path in _areas(constraints.territories, "constraints.territories")
        ],
        "sector_floors": [
            SectorFloorSetting(
                sector=sector,
                share_min=ShareSetting(value=share, **origin(f"constraints.sectors.{sector}")),
            )
            for sector, share in constraints.sectors.items()
        ],
        "objective_weights": ObjectiveWeightsSetting(
            **{
                criterion: WeightSetting(
                    value=spec.objective.weights.get(criterion, 0.0),
                    **origin(f"objective.weights.{criterion}"),
                )
                for criterion in CRITERIA
            }
        ),
        "co_funding": _co_funding(spec, origin),
        "rounds": RoundsSetting(
            value=[
                ReviewRound(
                    date=review.date,
                    release_share=review.release_share,
                    release_eur=None if review.release_eur is None else Euros(review.release_eur),
                    reserve_share=review.reserve_share,
                    released_eur=Euros(review.released(spec.budget_eur)),
                )
                for review in spec.rounds
            ],
            **origin("rounds"),
        ),
        "controls": _controls(spec, origin),
        "uncertainty": _uncertainty(spec, origin),
    }


def _areas(
    envelopes: Mapping[str, RegionEnvelope], path: str
) -> list[tuple[str, RegionEnvelope, str]]:
    return [(code, envelope, f"{path}.{code}") for code, envelope in envelopes.items()]


def bounds(origin: Origin, path: str, envelope: RegionEnvelope) -> dict[str, Any]:
    """The ``min_eur`` and ``max_eur`` settings of the envelope at ``path``."""
    return {
        "min_eur": bound(origin, f"{path}.min_eur", envelope.min_eur),
        "max_eur": bound(origin, f"{path}.max_eur", envelope.max_eur),
    }


def _co_funding(spec: ScenarioSpec, origin: Origin) -> CoFundingSetting:
    funding = spec.co_funding
    return CoFundingSetting(
        contributions=[
            RegionContributionSetting(
                region_code=code,
                region_name=REGION_NAMES.get(code, code),
                amount_eur=EurosSetting(
                    value=Euros(amount), **origin(f"co_funding.contributions.{code}")
                ),
            )
            for code, amount in funding.contributions.items()
        ],
        matching=MatchingSetting(
            rule=MatchingRuleSetting(
                value=MatchingRule(funding.matching.rule), **origin("co_funding.matching.rule")
            ),
            rate=ShareSetting(value=funding.matching.rate, **origin("co_funding.matching.rate")),
        ),
    )


def _controls(spec: ScenarioSpec, origin: Origin) -> ControlsSetting:
    controls = spec.controls

    def projects(key: str, ids: tuple[int, ...]) -> ProjectsSetting:
        nodes = [relay.GlobalID("Project", str(number)) for number in ids]
        return ProjectsSetting(value=nodes, **origin(f"controls.{key}"))

    return ControlsSetting(
        lock_awards=FlagSetting(value=controls.lock_awards, **origin("controls.lock_awards")),
        awards_until=DateSetting(value=controls.awards_until, **origin("controls.awards_until")),
        force_in=projects("force_in", controls.force_in),
        force_out=projects("force_out", controls.force_out),
        next_in_line=CountSetting(value=controls.next_in_line, **origin("controls.next_in_line")),
    )


def _uncertainty(spec: ScenarioSpec, origin: Origin) -> UncertaintySetting:
    u = spec.uncertainty

    def at(key: str) -> dict[str, Any]:
        return origin(f"uncertainty.{key}")

    return UncertaintySetting(
        realisation_rate=RateSetting(value=u.realisation_rate, **at("realisation_rate")),
        target_jobs=TargetSetting(value=u.target_jobs, **at("target_jobs")),
        draws=CountSetting(value=u.draws, **at("draws")),
        seed=CountSetting(value=u.seed, **at("seed")),
        objective=ObjectiveModeSetting(value=ObjectiveMode(u.objective), **at("objective")),
        robust_budget=RobustBudgetSetting(value=u.robust_budget, **at("robust_budget")),
    )
