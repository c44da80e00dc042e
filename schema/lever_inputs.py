"""The levers of format version 2 as GraphQL inputs: objective weights, the new constraints,
co-funding, rounds, controls and uncertainty.

Each input turns into the plain data a scenario file holds (``levers_data``), so the file
format's checks apply to it and report the same paths (``co_funding.matching.rate``); only what
a dictionary cannot hold (a region given twice, a global id of the wrong type) is refused here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import strawberry
from strawberry import UNSET, relay

from schema.scalars import Euros
from schema.types import row_id
from simulation.levers import DRAWS, MAX_DRAWS
from simulation.scenario import ScenarioError

if TYPE_CHECKING:
    from schema.scenarios import ScenarioInput


class _Bounded(Protocol):
    min_eur: Euros | None
    max_eur: Euros | None


Entry = TypeVar("Entry")
Bounded = TypeVar("Bounded", bound=_Bounded)


@strawberry.input(
    description="Weights of the objective's criteria (at least 0, not all 0; only their ratios "
    "matter). A criterion left out keeps the base's weight (none: 0); null sets it to 0."
)
class ObjectiveWeightsInput:
    jobs_created: float | None = UNSET
    jobs_kept: float | None = strawberry.field(default=UNSET, description="Jobs secured.")
    co2_avoided_t: float | None = strawberry.field(
        default=UNSET, description="Tonnes of CO2e avoided a year."
    )
    leverage: float | None = strawberry.field(
        default=UNSET, description="Investment per euro of public aid."
    )


@strawberry.input(description="An envelope of public aid in one department.")
class DepartmentEnvelopeInput:
    department_code: str = strawberry.field(description="INSEE code: '59', '2A', '974'.")
    min_eur: Euros | None = None
    max_eur: Euros | None = None


@strawberry.input(description="An envelope of public aid in one territory.")
class TerritoryEnvelopeInput:
    territory_id: relay.GlobalID = strawberry.field(description="A Territory's id.")
    min_eur: Euros | None = None
    max_eur: Euros | None = None


@strawberry.input(description="A floor on the share of the euros spent in one sector.")
class SectorFloorInput:
    sector: str = strawberry.field(description="The sector (filière) as projects give it.")
    share_min: float


@strawberry.enum(description="How regional euros go with the State's in their region.")
class MatchingRule(Enum):
    REQUIRES = strawberry.enum_value(
        "requires", description="Each regional euro needs `rate` State euros beside it."
    )
    FOLLOWS = strawberry.enum_value(
        "follows", description="At most `rate` regional euros follow each State euro."
    )


@strawberry.input(description="Money a region adds, usable only for projects in that region.")
class RegionContributionInput:
    region_code: str
    amount_eur: Euros | None = strawberry.field(
        default=None, description="Null: no contribution there (the base's is removed)."
    )


@strawberry.input(description="Fields left out come from the base.")
class MatchingInput:
    rule: MatchingRule | None = UNSET
    rate: float | None = strawberry.field(default=UNSET, description="Between 0 and 1.")


@strawberry.input(description="Regional money beside the State's budget (`budgetEur`).")
class CoFundingInput:
    contributions: list[RegionContributionInput] | None = strawberry.field(
        default=UNSET, description="Merged over the base's region by region."
    )
    matching: MatchingInput | None = UNSET


@strawberry.input(
    description="A review: it decides with the projects recorded before its date. Give "
    "releaseShare or releaseEur."
)
class RoundInput:
    date: str = strawberry.field(description="ISO date, 2021-04-01.")
    release_share: float | None = strawberry.field(
        default=None, description="Share of budgetEur released at this round."
    )
    release_eur: Euros | None = strawberry.field(
        default=None, description="Euros of budgetEur released at this round."
    )
    reserve_share: float | None = strawberry.field(
        default=None,
        description="Share of the money then available kept for later rounds, 0 to below 1.",
    )


@strawberry.input(description="What the regional reviews fixed by hand; left out: the base's.")
class ControlsInput:
    lock_awards: bool | None = strawberry.field(
        default=UNSET,
        description="Keep the awards already made (they count against the budget, floors and "
        "envelopes); only the rest is allocated.",
    )
    awards_until: str | None = strawberry.field(
        default=UNSET, description="ISO date: with lockAwards, only the awards made by then."
    )
    force_in: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Projects funded in full."
    )
    force_out: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Projects that get nothing."
    )
    next_in_line: int | None = strawberry.field(
        default=UNSET, description="How many unfunded projects a result lists (0 to 100)."
    )


@strawberry.enum(description="What the allocation maximises when jobs are uncertain.")
class ObjectiveMode(Enum):
    EXPECTED = strawberry.enum_value(
        "expected", description="The declared jobs (the objective of format version 1)."
    )
    ROBUST = strawberry.enum_value(
        "robust",
        description="The jobs left when at most robustBudget funded projects fall to their 10th "
        "percentile at once (a budget of uncertainty); the result prices it against EXPECTED.",
    )


@strawberry.input(
    description="How a result's jobs are drawn (Monte Carlo over each funded project's range, "
    "docs/uncertainty.md) and what the allocation guards against. Fields left out come from "
    "the base; null sets the default back."
)
class UncertaintyInput:
    realisation_rate: float | None = strawberry.field(
        default=UNSET,
        description="Share of its declared jobs a project realises at the median, above 0 and "
        "at most 1; null: the declaration band's own.",
    )
    target_jobs: int | None = strawberry.field(
        default=UNSET,
        description="Jobs to reach, at least 1: a result gives the probability of reaching "
        "them; null: no target.",
    )
    draws: int | None = strawberry.field(
        default=UNSET, description=f"Monte Carlo draws, 1 to {MAX_DRAWS:,}; null: {DRAWS:,}."
    )
    seed: int | None = strawberry.field(
        default=UNSET, description="At least 0: the same seed, the same figures; null: 0."
    )
    objective: ObjectiveMode | None = strawberry.field(default=UNSET, description="Null: EXPECTED.")
    robust_budget: float | None = strawberry.field(
        default=UNSET,
        description="With ROBUST: funded projects that may fall to their 10th percentile at "
        "once, above 0; null: the square root of the number of competing projects.",
    )


# ScenarioInput fields of format version 2: giving any of them makes the data version 2.
LEVER_FIELDS = (
    "fragile_project_share_min",
    "department_envelopes",
    "territory_envelopes",
    "sector_floors",
    "objective_weights",
    "co_funding",
    "rounds",
    "controls",
    "uncertainty",
)
# GraphQL input field for each scenario-file path of format version 2.
LEVER_INPUT_FIELDS = {
    "constraints.fragile_project_share_min": "fragileProjectShareMin",
    "constraints.departments": "departmentEnvelopes",
    "constraints.territories": "territoryEnvelopes",
    "constraints.sectors": "sectorFloors",
    "objective": "objectiveWeights",
    "co_funding": "coFunding",
    "rounds": "rounds",
    "controls": "controls",
    "uncertainty": "uncertainty",
}


def uses_levers(scenario: ScenarioInput) -> bool:
    return any(getattr(scenario, key) is not UNSET for key in LEVER_FIELDS)


def levers_data(scenario: ScenarioInput, data: dict[str, Any], constraints: dict[str, Any]) -> None:
    """The lever inputs given, written into ``data`` and its ``constraints`` as a file has them
    (``null`` stays ``null``: back to the default)."""
    put(constraints, "fragile_project_share_min", scenario.fragile_project_share_min)
    if scenario.department_envelopes is not UNSET:
        constraints["departments"] = _maybe(
            scenario.department_envelopes,
            lambda given: envelopes(
                given,
                lambda e: e.department_code,
                "constraints.departments",
                "departmentEnvelopes",
            ),
        )
    if scenario.territory_envelopes is not UNSET:
        constraints["territories"] = _maybe(
            scenario.territory_envelopes,
            lambda given: envelopes(
                given,
                lambda e: _node_id(e.territory_id, "Territory", "constraints.territories"),
                "constraints.territories",
                "territoryEnvelopes",
            ),
        )
    if scenario.sector_floors is not UNSET:
        constraints["sectors"] = _maybe(scenario.sector_floors, _sectors)
    if scenario.objective_weights is not UNSET:
        data["objective"] = _maybe(scenario.objective_weights, _objective)
    if scenario.co_funding is not UNSET:
        data["co_funding"] = _maybe(scenario.co_funding, _co_funding)
    if scenario.rounds is not UNSET:
        data["rounds"] = _maybe(scenario.rounds, lambda rounds: [_round(r) for r in rounds])
    if scenario.controls is not UNSET:
        data["controls"] = _maybe(scenario.controls, _controls)
    if scenario.uncertainty is not UNSET:
        data["uncertainty"] = _maybe(scenario.uncertainty, _uncertainty)


def put(data: dict[str, Any], key: str, value: object) -> None:
    if value is not UNSET:
        data[key] = value


def envelopes(
    given: Iterable[Bounded], key: Callable[[Bounded], str], path: str, listed: str
) -> dict[str, dict[str, int]]:
    """Envelopes keyed by area; an area given twice is refused (a dict would keep the last)."""
    found: dict[str, dict[str, int]] = {}
    for entry in given:
        area = key(entry)
        if area in found:
            raise ScenarioError(f"{path}.{area}", f"appears twice in {listed}: give it once")
        bounds = (("min_eur", entry.min_eur), ("max_eur", entry.max_eur))
        found[area] = {k: v for k, v in bounds if v is not None}
    return found


def _maybe(value: Entry | None, convert: Callable[[Entry], Any]) -> Any:
    return None if value is None else convert(value)


def _sectors(floors: list[SectorFloorInput]) -> dict[str, float]:
    found: dict[str, float] = {}
    for floor in floors:
        if floor.sector in found:
            path = f"constraints.sectors.{floor.sector}"
            raise ScenarioError(path, "appears twice in sectorFloors: give it once")
        found[floor.sector] = floor.share_min
    return found


def _objective(weights: ObjectiveWeightsInput) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for key in ("jobs_created", "jobs_kept", "co2_avoided_t", "leverage"):
        put(given, key, getattr(weights, key))
    return {"weights": given}


def _co_funding(funding: CoFundingInput) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if funding.contributions is not UNSET:
        contributions: dict[str, int | None] = {}  # None: the base's removed
        for entry in funding.contributions or []:
            if entry.region_code in contributions:
                path = f"co_funding.contributions.{entry.region_code}"
                raise ScenarioError(path, "appears twice in contributions: give it once")
            contributions[entry.region_code] = entry.amount_eur
        data["contributions"] = contributions
    if funding.matching is not UNSET:
        matching = funding.matching
        if matching is None:
            data["matching"] = None
        else:
            data["matching"] = {}
            rule = matching.rule
            put(data["matching"], "rule", rule.value if isinstance(rule, MatchingRule) else rule)
            put(data["matching"], "rate", matching.rate)
    return data


def _round(review: RoundInput) -> dict[str, Any]:
    data: dict[str, Any] = {"date": review.date}
    for key in ("release_share", "release_eur", "reserve_share"):
        value = getattr(review, key)
        if value is not None:
            data[key] = value
    return data


def _controls(controls: ControlsInput) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("lock_awards", "awards_until", "next_in_line"):
        put(data, key, getattr(controls, key))
    for key in ("force_in", "force_out"):
        ids: list[relay.GlobalID] | None = getattr(controls, key)
        if ids is not UNSET:
            data[key] = [
                _project_id(node, f"controls.{key}[{i}]") for i, node in enumerate(ids or [])
            ]
    return data


def _uncertainty(uncertainty: UncertaintyInput) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("realisation_rate", "target_jobs", "draws", "seed", "robust_budget"):
        put(data, key, getattr(uncertainty, key))
    objective = uncertainty.objective
    put(data, "objective", objective.value if isinstance(objective, ObjectiveMode) else objective)
    return data


def _node_id(node: relay.GlobalID, kind: str, path: str) -> str:
    if node.type_name != kind:
        raise ScenarioError(path, f"must be the id of a {kind}, got a {node.type_name}'s")
    return node.node_id


def _project_id(node: relay.GlobalID, path: str) -> int:
    number = row_id(_node_id(node, "Project", path))
    if number < 0:
        raise ScenarioError(path, f"not a project id: {node.node_id!r}")
    return number
