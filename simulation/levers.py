"""The programme's levers a scenario may pull beyond budget and floors (format version 2).

Frozen dataclasses the engine computes with: the objective's weights over several criteria,
regional co-funding with its matching rule, successive review rounds, and the planner controls
of the regional reviews. Each default is neutral: a scenario that pulls no lever is solved as
before (``Scenario.uses_levers``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

# The criteria an objective weighs and a result reports, in reporting order.
CRITERIA = ("jobs_created", "jobs_kept", "co2_avoided_t", "leverage")
CRITERION_LABELS: Mapping[str, str] = {
    "jobs_created": "jobs created",
    "jobs_kept": "jobs secured",
    "co2_avoided_t": "tCO2e avoided a year",
    "leverage": "investment leveraged",
}
JOBS_ONLY: Mapping[str, float] = {"jobs_created": 1.0}
# requires: each regional euro needs `rate` State euros beside it in its region;
# follows: at most `rate` regional euros may follow each State euro in its region.
MATCHING_RULES = ("requires", "follows")
NEXT_IN_LINE = 10  # how many unfunded projects a result lists by default
# Decisions under uncertainty (simulation/uncertainty.py, docs/uncertainty.md).
OBJECTIVE_MODES = ("expected", "robust")
DRAWS = 2_000  # Monte Carlo draws behind every result's job range
MAX_DRAWS = 100_000  # per solve; a GraphQL job may draw more, in batches


@dataclass(frozen=True)
class Objective:
    """Weights of the criteria (>= 0, not all zero); only their ratios matter.

    Each criterion counts in jobs-equivalents: its rate per M EUR of aid is scaled by the pool's
    mean jobs created per M EUR over its own pool mean (docs/model.md), so that a weight of 1 on
    jobs created and 1 on tCO2e weighs an average project's jobs and carbon alike. Jobs-only
    weights give exactly the objective of format version 1.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(JOBS_ONLY))

    @property
    def jobs_only(self) -> bool:
        return all(v == 0 for k, v in self.weights.items() if k != "jobs_created") and (
            self.weights.get("jobs_created", 0.0) > 0
        )


@dataclass(frozen=True)
class Matching:
    rule: str = "requires"  # one of MATCHING_RULES
    rate: float = 0.0  # 0..1

    def words(self) -> str:
        """The rule as a planner says it: "each regional euro needs 1 State euro" (requires),
        "at most 0.5 regional euros per State euro" (follows)."""
        euros = "euro" if self.rate == 1 else "euros"
        if self.rule == "requires":
            return f"each regional euro needs {self.rate:g} State {euros}"
        return f"at most {self.rate:g} regional {euros} per State euro"


@dataclass(frozen=True)
class CoFunding:
    """Regional money: an amount per region (euros), usable only for projects in that region,
    under a matching rule with the State's money; the State's part is what ``budget_eur`` pays."""

    contributions: Mapping[str, int] = field(default_factory=dict)  # region code -> euros
    matching: Matching = field(default_factory=Matching)


@dataclass(frozen=True)
class Round:
    """A regional review: on ``date`` it decides with the projects recorded before that date.

    It releases ``release_eur`` (or ``release_share`` of the budget) on top of what earlier
    rounds left; ``reserve_share`` of the money then available is held back for later rounds
    (the last round holds nothing back)."""

    date: dt.date
    release_share: float | None = None
    release_eur: int | None = None
    reserve_share: float = 0.0

    def released(self, budget_eur: int) -> int:
        if self.release_eur is not None:
            return self.release_eur
        return round((self.release_share or 0.0) * budget_eur)


@dataclass(frozen=True)
class Controls:
    """What the regional reviews fixed by hand.

    ``lock_awards``: the awards already made (the laureates', on or before ``awards_until``
    when given) are kept as they are and count against the budget, floors and envelopes; only
    the rest is allocated. ``force_in`` projects are funded in full (up to their cap),
    ``force_out`` projects get nothing (by project id). ``next_in_line``: how many of the best
    unfunded projects a result lists with what they would need to enter.
    """

    lock_awards: bool = False
    awards_until: dt.date | None = None
    force_in: tuple[int, ...] = ()
    force_out: tuple[int, ...] = ()
    next_in_line: int = NEXT_IN_LINE

    @property
    def neutral(self) -> bool:
        return not (self.lock_awards or self.force_in or self.force_out)


@dataclass(frozen=True)
class Uncertainty:
    """How a result's jobs are drawn, and whether the allocation guards against them.

    ``realisation_rate``: the share of its declared jobs created that a project realises at the
    median, in (0, 1]; None: the declaration band's own (data/estimates.py DECLARED_BAND, jobs
    created realised between 0.6x and 1.0x). Estimated figures follow their model whatever it is.
    ``target_jobs``: a result reports the probability of reaching it (None: not asked).
    ``draws`` and ``seed``: the Monte Carlo behind every range (the same seed, the same figures).
    ``objective``: "expected" maximises the declared jobs (the engine's objective since
    version 1); "robust" the jobs left when at most ``robust_budget`` funded projects fall to
    their 10th percentile at once (a budget of uncertainty; None: the square root of the number
    of competing projects).
    """

    realisation_rate: float | None = None
    target_jobs: int | None = None
    draws: int = DRAWS
    seed: int = 0
    objective: str = "expected"  # one of OBJECTIVE_MODES
    robust_budget: float | None = None

    @property
    def robust(self) -> bool:
        return self.objective == "robust"
