"""Why a scenario is infeasible, said as a planner would say it, and the smallest way out.

Feasibility depends on the projects only through how much aid each (region, fragile,
decarbonisation) group can absorb, so it is decided exactly on an aggregate LP of at most
4 x regions columns. On that tiny model a deletion filter finds an irreducible set of conflicting
planner constraints, and bisection finds, for each of them alone, the smallest relaxation that
makes the scenario feasible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from simulation import lp
from simulation.highs import Model
from simulation.projects import ProjectColumns
from simulation.result import Diagnosis, Relaxation

M = lp.M
BISECTIONS = 48


@dataclass(frozen=True)
class Limits:
    budget_m: float
    min_spend_m: float
    fragile_min: float
    decarbonisation_min: float
    region_min: tuple[tuple[str, float], ...]
    region_max: tuple[tuple[str, float], ...]
    max_aid_intensity: float | None


class Aggregate:
    def __init__(self, problem: lp.Problem, projects: ProjectColumns) -> None:
        self.problem = problem
        self.projects = projects
        p = problem
        self.group = (p.region * 4 + p.fragile * 2 + p.decarbonisation).astype(np.intp)
        self.groups = 4 * len(p.region_codes)
        self.limits = Limits(
            budget_m=p.budget_m,
            min_spend_m=p.min_spend_m,
            fragile_min=p.fragile_min,
            decarbonisation_min=p.decarbonisation_min,
            region_min=tuple((e.code, e.min_m) for e in p.envelopes if e.min_m > 0),
            region_max=tuple((e.code, e.max_m) for e in p.envelopes if math.isfinite(e.max_m)),
            max_aid_intensity=p.max_aid_intensity,
        )

    def capacity(self, max_aid_intensity: float | None) -> npt.NDArray[np.float64]:
        if max_aid_intensity == self.problem.max_aid_intensity:
            cap = self.problem.cap
        else:
            cap = lp.caps_eur(self.projects, max_aid_intensity) / M
        return np.asarray(
            np.bincount(self.group, weights=cap, minlength=self.groups), dtype=np.float64
        )

    def region_capacity(self, code: str) -> float:
        codes = self.problem.region_codes
        return float(
            self.capacity(self.limits.max_aid_intensity).reshape(-1, 4)[codes.index(code)].sum()
        )

    def feasible(self, limits: Limits) -> bool:
        """False only when proven infeasible: an undecided test leaves the decision to HiGHS."""
        return self.decide(limits) is not False

    def decide(self, limits: Limits) -> bool | None:
        """Feasible, proven infeasible, or None when HiGHS could not tell."""
        p = self.problem
        g = np.arange(self.groups)
        region_of, fragile, decarb = g // 4, (g // 2) % 2, g % 2
        rows: list[npt.NDArray[np.float64]] = []
        spend: list[float] = []
        lower: list[float] = []
        upper: list[float] = []

        def row(coefs: npt.NDArray[np.float64], s: float, lo: float, hi: float) -> None:
            rows.append(coefs)
            spend.append(s)
            lower.append(lo)
            upper.append(hi)

        row(np.ones(self.groups), -1.0, 0.0, 0.0)
        row(np.zeros(self.groups), 1.0, limits.min_spend_m, limits.budget_m)
        row(fragile.astype(float), -limits.fragile_min, 0.0, math.inf)
        row(decarb.astype(float), -limits.decarbonisation_min, 0.0, math.inf)
        for code, value in limits.region_min:
            row((region_of == p.region_codes.index(code)).astype(float), 0.0, value, math.inf)
        for code, value in limits.region_max:
            row((region_of == p.region_codes.index(code)).astype(float), 0.0, -math.inf, value)
        matrix = sp.csc_matrix(np.column_stack([np.array(spend), np.array(rows)]))
        model = Model({"presolve": "off"})
        model.load(
            np.zeros(self.groups + 1),
            np.zeros(self.groups + 1),
            np.concatenate([[math.inf], self.capacity(limits.max_aid_intensity)]),
            matrix,
            np.array(lower),
            np.array(upper),
            tuple(f"r{i}" for i in range(len(rows))),
        )
        status = model.run(10.0)
        return True if status == "optimal" else False if status == "infeasible" else None


@dataclass(frozen=True)
class _Constraint:
    """A limit of the scenario the diagnosis may drop (``relax``) or move to a value (``move``)."""

    name: str
    label: str
    relax: Callable[[Limits], Limits]  # dropped entirely
    move: Callable[[Limits, float], Limits]  # set to a value
    current: float
    loosest: float  # the value that relaxes it fully
    kind: str  # "share" or "money"


def _constraints(agg: Aggregate) -> list[_Constraint]:
    lim = agg.limits
    constraints = []
    total_cap = float(agg.capacity(None).sum())
    if math.isfinite(lim.budget_m):
        constraints.append(
            _Constraint(
                "budget",
                f"the budget of {money(lim.budget_m)}",
                lambda x: replace(x, budget_m=math.inf),
                lambda x, v: replace(x, budget_m=v),
                lim.budget_m,
                max(lim.budget_m, total_cap, lim.min_spend_m),
                "money",
            )
        )
    if lim.min_spend_m > 0:
        constraints.append(
            _Constraint(
                "min_spend",
                f"the minimum spend of {money(lim.min_spend_m)}",
                lambda x: replace(x, min_spend_m=0.0),
                lambda x, v: replace(x, min_spend_m=v),
                lim.min_spend_m,
                0.0,
                "money",
            )
        )
    if lim.fragile_min > 0:
        constraints.append(
            _Constraint(
                "fragile_share",
                f"the fragile-territory floor of {_pct(lim.fragile_min)} of euros spent",
                lambda x: replace(x, fragile_min=0.0),
                lambda x, v: replace(x, fragile_min=v),
                lim.fragile_min,
                0.0,
                "share",
            )
        )
    if lim.decarbonisation_min > 0:
        constraints.append(
            _Constraint(
                "decarbonisation_share",
                f"the decarbonisation floor of {_pct(lim.decarbonisation_min)} of euros spent",
                lambda x: replace(x, decarbonisation_min=0.0),
                lambda x, v: replace(x, decarbonisation_min=v),
                lim.decarbonisation_min,
                0.0,
                "share",
            )
        )
    for i, (code, value) in enumerate(lim.region_min):
        constraints.append(
            _Constraint(
                f"region_{code}_min",
                f"region {code}'s minimum envelope of {money(value)} "
                f"(its projects can take at most {money(agg.region_capacity(code))})",
                partial(_set_region_min, v=0.0, i=i),
                partial(_set_region_min, i=i),
                value,
                0.0,
                "money",
            )
        )
    for i, (code, value) in enumerate(lim.region_max):
        constraints.append(
            _Constraint(
                f"region_{code}_max",
                f"region {code}'s maximum envelope of {money(value)}",
                partial(_set_region_max, v=math.inf, i=i),
                partial(_set_region_max, i=i),
                value,
                max(total_cap, value),
                "money",
            )
        )
    if lim.max_aid_intensity is not None:
        constraints.append(
            _Constraint(
                "max_aid_intensity",
                f"the aid-intensity cap of {_pct(lim.max_aid_intensity)} of investment",
                lambda x: replace(x, max_aid_intensity=None),
                lambda x, v: replace(x, max_aid_intensity=v),
                lim.max_aid_intensity,
                1.0,
                "share",
            )
        )
    return constraints


def _with(pairs: tuple[tuple[str, float], ...], i: int, v: float) -> tuple[tuple[str, float], ...]:
    return (*pairs[:i], (pairs[i][0], v), *pairs[i + 1 :])


def _set_region_min(x: Limits, v: float, i: int) -> Limits:
    return replace(x, region_min=_with(x.region_min, i, v))


def _set_region_max(x: Limits, v: float, i: int) -> Limits:
    return replace(x, region_max=_with(x.region_max, i, v))


# A feasibility test: True (feasible), False (proven infeasible) or None (undecided in its time).
Test = Callable[[Limits], bool | None]


def diagnose(
    agg: Aggregate,
    feasible: Test | None = None,
    bisections: int = BISECTIONS,
    deadline: float | None = None,
) -> Diagnosis:
    """``feasible`` defaults to the aggregate LP; all-or-nothing passes a whole-project test.

    ``deadline`` (a ``time.perf_counter()`` instant) stops the diagnosis; the result says what was
    proven by then."""

    def out_of_time() -> bool:
        return deadline is not None and time.perf_counter() >= deadline

    test = feasible or agg.decide
    constraints = _constraints(agg)
    # Deletion filter: drop each constraint in turn and keep it dropped if still infeasible;
    # what is left is an irreducible conflicting set. A constraint is dropped only on a proof of
    # infeasibility, so the set left always conflicts, decided or not.
    keep = list(constraints)
    irreducible = True
    for constraint in constraints:
        if out_of_time():
            irreducible = False
            break
        trial = [k for k in keep if k is not constraint]
        verdict = test(_apply(agg.limits, constraints, trial))
        if verdict is False:
            keep = trial
        elif verdict is None:
            irreducible = False
    relaxations = []
    unsettled = []
    for constraint in keep:
        relaxation, settled = (
            (None, False)
            if out_of_time()
            else _smallest(agg, constraint, test, bisections, out_of_time)
        )
        if relaxation is not None:
            relaxations.append(relaxation)
        if not settled:
            unsettled.append(constraint.name)
    return Diagnosis(
        conflicts=tuple(k.label for k in keep),
        relaxations=tuple(relaxations),
        names=tuple(k.name for k in keep),
        irreducible=irreducible,
        unsettled=tuple(unsettled),
    )


def _apply(limits: Limits, constraints: list[_Constraint], active: list[_Constraint]) -> Limits:
    for constraint in constraints:
        if constraint not in active:
            limits = constraint.relax(limits)
    return limits


def _smallest(
    agg: Aggregate,
    constraint: _Constraint,
    test: Test,
    bisections: int,
    out_of_time: Callable[[], bool],
) -> tuple[Relaxation | None, bool]:
    """The smallest relaxation of ``constraint`` alone, and whether it is proven the smallest (or
    proven not to exist)."""
    verdict = test(constraint.move(agg.limits, constraint.loosest))
    if verdict is not True:
        return None, verdict is False
    bad, good = constraint.current, constraint.loosest
    precision = 1e-4 if constraint.kind == "share" else 1e-6
    settled = True
    for _ in range(bisections):
        if abs(good - bad) <= precision:
            break
        if out_of_time():
            settled = False  # good is still feasible, maybe not the smallest
            break
        mid = (bad + good) / 2
        verdict = test(constraint.move(agg.limits, mid))
        if verdict is True:
            good = mid
        else:
            settled = settled and verdict is False
            bad = mid
    up = good > constraint.current
    step = 1e-4 if constraint.kind == "share" else 1e-6  # shares to 0.01 point, money to the euro
    suggested = (math.ceil(good / step - 1e-9) if up else math.floor(good / step + 1e-9)) * step
    if constraint.kind == "money":
        # One euro more of slack absorbs the solver's feasibility tolerance (1e-7 M EUR).
        suggested += step if up else -step
        beyond = suggested > constraint.loosest if up else suggested < constraint.loosest
        if beyond or abs(suggested - constraint.loosest) < 10 * step:
            suggested = constraint.loosest
    if constraint.kind == "share":
        text = f"{'raise' if up else 'lower'} {constraint.label} to {_pct(suggested)}"
        current = constraint.current
    else:
        text = (
            f"{'raise' if up else 'lower'} {constraint.label.split(' (')[0]} to {money(suggested)}"
        )
        current, suggested = round(constraint.current * M), round(suggested * M)
    return Relaxation(
        constraint.name, constraint.label, float(current), float(suggested), text
    ), settled


def money(value_m: float) -> str:
    """Money as a planner reads it, never rounded to "0.0 M EUR"."""
    if not math.isfinite(value_m):
        return "no limit"
    euros = round(value_m * M)
    if abs(euros) < M or euros % 100_000:
        return f"{euros:,} EUR"  # small, or not a round tenth of a million: to the euro
    return f"{euros / M:,.1f} M EUR"


def _pct(share: float) -> str:
    return f"{100 * share:.2f} %".replace(".00 %", " %")
