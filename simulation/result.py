"""What a solve returns: plain frozen dataclasses, exact money in integer euros."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal

import numpy as np
import numpy.typing as npt


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # all-or-nothing stopped at the time limit with a proven gap
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"  # no allocation found in time
    ERROR = "error"  # the solver failed; message says how


@dataclass(frozen=True)
class RegionAllocation:
    code: str
    allocated_eur: int
    jobs: float
    projects_funded: int
    min_eur: int | None = None
    max_eur: int | None = None


@dataclass(frozen=True)
class TerritoryAllocation:
    id: str
    region: str
    allocated_eur: int
    jobs: float
    projects_funded: int


@dataclass(frozen=True)
class BindingConstraint:
    name: str  # stable: "budget", "fragile_share", "region_84_min", ...
    label: str  # as a planner says it
    shadow_price: float  # jobs gained per unit in `unit` (negative: jobs lost)
    unit: str
    text: str  # "+24.2 jobs per extra M EUR of budget"


@dataclass(frozen=True)
class Baseline:
    name: str
    jobs: float
    spent_eur: int
    fragile_share: float
    decarbonisation_share: float
    feasible: bool
    violations: tuple[str, ...]
    jobs_gained_by_optimum: float
    label: str = ""


@dataclass(frozen=True)
class Relaxation:
    name: str
    label: str
    current: float
    suggested: float
    text: str

    @property
    def unit(self) -> Literal["euros", "share"]:
        """What ``current`` and ``suggested`` are in: money limits (budget, minimum spend,
        regional envelopes) are relaxed in euros, floors and caps as shares."""
        money = self.name in ("budget", "min_spend") or self.name.startswith("region_")
        return "euros" if money else "share"


@dataclass(frozen=True)
class Diagnosis:
    conflicts: tuple[str, ...]  # planner labels of an irreducible conflicting set
    relaxations: tuple[Relaxation, ...]
    names: tuple[str, ...] = ()  # stable names of the conflicting constraints
    # What the diagnosis proved before its deadline: the conflicts always conflict, but they are
    # the smallest such set only when irreducible; unsettled names the conflicting constraints
    # whose smallest relaxation was not searched or not decided in time.
    irreducible: bool = True
    unsettled: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.irreducible and not self.unsettled


@dataclass(frozen=True)
class Criterion:
    """One criterion of the allocation, reported whatever the objective's weights."""

    name: str  # one of levers.CRITERIA
    label: str  # "jobs created"
    value: float  # jobs, jobs, tCO2e a year, or investment per euro of public aid (leverage)
    unit: str  # "jobs", "tCO2e/year", "EUR of investment per EUR of aid"
    weight: float  # its weight in the objective, normalised to sum 1 (0: reported only)


@dataclass(frozen=True)
class RegionFunding:
    code: str
    state_eur: int
    regional_eur: int
    contribution_eur: int  # what the region offered (co_funding.contributions)
    investment_eur: int  # investment mobilised, pro rata to the aid received
    leverage: float  # investment_eur per euro of public aid (State + region); 0 with no aid


@dataclass(frozen=True)
class Funding:
    """Who pays: the State (``budget_eur``) and the regions' contributions."""

    state_eur: int
    regional_eur: int
    investment_eur: int
    leverage: float  # investment mobilised per euro of public aid
    rule: str  # the matching rule ("requires", "follows"), "" without contributions
    rate: float
    regions: tuple[RegionFunding, ...]
    # The rule in words, plural done: "each regional euro needs 1 State euro", "at most 0.5
    # regional euros per State euro"; "" without contributions.
    rule_text: str = ""


@dataclass(frozen=True)
class NextInLine:
    """An unfunded project close to entering, with what it would need."""

    project_id: int
    score: float  # its objective per M EUR of aid (jobs per M EUR with jobs-only weights)
    threshold: float  # what it must beat
    jobs_needed: float | None
    aid_cut_eur: int | None
    text: str


@dataclass(frozen=True)
class RoundOutcome:
    index: int  # 1, 2, ...
    date: str  # ISO date
    released_eur: int
    available_eur: int  # released now plus what earlier rounds left
    reserve_eur: int  # held back for later rounds
    spent_eur: int
    projects_known: int
    projects_funded: int  # in this round
    jobs: float  # created by this round's awards
    cumulative_jobs: float
    hindsight_jobs: float  # the best with every project known by then and the money released
    jobs_lost: float  # hindsight_jobs - cumulative_jobs
    budget_shadow_price: float  # jobs per extra M EUR in this round
    status: str
    message: str


@dataclass(frozen=True)
class RegionHindsight:
    code: str
    jobs: float
    hindsight_jobs: float
    jobs_lost: float


@dataclass(frozen=True)
class Rounds:
    """Deciding round by round against the hindsight optimum that knows every project at once,
    with the money the rounds release in all (what they never release is not a loss)."""

    rounds: tuple[RoundOutcome, ...]
    jobs: float
    hindsight_jobs: float  # every project known, the money the rounds release (no rounds)
    jobs_lost: float  # hindsight_jobs - jobs: lost to deciding early
    regions: tuple[RegionHindsight, ...]
    without_reserve_jobs: float | None  # the same rounds with no reserve (None: none was set)
    # jobs - without_reserve_jobs, signed: negative when the reserve costs jobs
    reserve_recovers: float | None


@dataclass(frozen=True)
class JobsRange:
    """The allocation's jobs created by Monte Carlo over each funded project's distribution
    (simulation/uncertainty.py): mean, 10th, 50th and 90th percentiles of the total."""

    mean: float
    p10: float
    p50: float
    p90: float
    draws: int
    seed: int
    realisation_rate: float | None  # None: the declaration band's own
    target_jobs: int | None = None
    target_probability: float | None = None  # share of draws reaching target_jobs


@dataclass(frozen=True)
class Robustness:
    """The price of robustness: the robust allocation's range beside the expected-jobs one's,
    both drawn with the same seed."""

    budget: float  # funded projects that may fall to their 10th percentile at once
    expected: JobsRange  # the expected-jobs allocation's range
    # expected.mean - robust mean; either sign: the engine maximises declared jobs, not the mean
    # of the drawn ones (docs/robust.md)
    expected_jobs_given_up: float
    p10_gained: float  # robust p10 - expected.p10
    worst_case_jobs: float  # the robust objective: jobs left in the worst case of the budget


@dataclass(frozen=True)
class SolverInfo:
    name: str
    version: str
    method: str
    options: Mapping[str, Any]
    time_s: float
    mip_gap: float | None = None
    iterations: int = 0


@dataclass(frozen=True, eq=False)
class Explanations:
    """Per-project LP prices, computed once per solve (vectorised): what explain_project words
    each project's outcome from."""

    jobs_per_meur: npt.NDArray[np.float64]  # jobs per M EUR of aid
    threshold: npt.NDArray[np.float64]  # jobs per M EUR a project must beat to be funded
    cap_eur: npt.NDArray[np.int64]
    source: str  # "LP optimum" or "LP relaxation"
    # Each weighted criterion's part of jobs_per_meur (which is then the objective's score per
    # M EUR, in jobs-equivalents); empty with jobs-only weights.
    scores: Mapping[str, npt.NDArray[np.float64]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Result:
    """One solve's outcome. Per project it holds only columns (``allocation_eur`` in the order of
    ``project_ids``); ``explain.explain_project`` gives one project's outcome and its reasons."""

    status: Status
    message: str
    jobs: float
    spent_eur: int
    unspent_eur: int
    budget_eur: int
    fragile_share: float
    fragile_project_share: float
    decarbonisation_share: float
    decarbonisation_project_share: float
    projects_funded: int
    allocation_eur: npt.NDArray[np.int64]
    project_ids: npt.NDArray[np.int64]
    regions: tuple[RegionAllocation, ...]
    territories: tuple[TerritoryAllocation, ...]
    binding: tuple[BindingConstraint, ...]
    baselines: tuple[Baseline, ...]
    diagnosis: Diagnosis | None
    solver: SolverInfo
    mode: str = "continuous"
    floors_use: str = "euros"  # the floors are shares of euros spent, not of projects funded
    unspent_reasons: tuple[str, ...] = ()
    fractional_projects: int = 0
    explanations: Explanations | None = field(default=None, repr=False)
    criteria: tuple[Criterion, ...] = ()
    funding: Funding | None = None
    next_in_line: tuple[NextInLine, ...] = ()
    rounds: Rounds | None = None
    # Regional euros in each project's allocation (order of project_ids); None: State only.
    regional_eur: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    # The awards already made that controls.lock_awards keeps (their euros count in spent_eur).
    locked_eur: int = 0
    locked_projects: int = 0
    # Monte Carlo range of the jobs (None when nothing was allocated), and with the robust
    # objective its price against the expected-jobs allocation.
    jobs_range: JobsRange | None = None
    robustness: Robustness | None = None

    # Figures an ``expect:`` block may name beside the fields above (nan when not reported).
    def criterion(self, name: str) -> float:
        return next((c.value for c in self.criteria if c.name == name), float("nan"))

    @property
    def jobs_kept(self) -> float:
        return self.criterion("jobs_kept")

    @property
    def co2_avoided_t(self) -> float:
        return self.criterion("co2_avoided_t")

    @property
    def leverage(self) -> float:
        return self.criterion("leverage")

    @property
    def regional_spent_eur(self) -> float:
        return float(self.funding.regional_eur) if self.funding is not None else 0.0

    @property
    def jobs_lost_to_rounds(self) -> float:
        return self.rounds.jobs_lost if self.rounds is not None else float("nan")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("allocation_eur", "project_ids", "explanations", "regional_eur"):
                continue
            out[f.name] = _plain(getattr(self, f.name))
        funded = np.flatnonzero(self.allocation_eur > 0)
        out["allocation"] = [
            {"project_id": int(self.project_ids[i]), "allocated_eur": int(self.allocation_eur[i])}
            | ({} if self.regional_eur is None else {"regional_eur": int(self.regional_eur[i])})
            for i in funded
        ]
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
