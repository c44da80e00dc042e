"""What a planner asks: budget, mode, constraints and which projects compete.

Frozen dataclasses; parsing and validation of dictionaries (YAML, GraphQL input)
live here too and raise ScenarioError with the path of the faulty field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ANNOUNCED_BUDGET_EUR = 400_000_000
ANNOUNCED_FRAGILE_SHARE = 0.69


class Mode(StrEnum):
    CONTINUOUS = "continuous"
    ALL_OR_NOTHING = "all_or_nothing"


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


@dataclass(frozen=True)
class ProjectSelection:
    """Which projects compete; empty means all. Applied by the caller, not the engine."""

    phase: int | None = None
    regions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()


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
