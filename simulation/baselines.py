"""Simple allocation rules computed beside the optimum, so planners see what optimisation buys."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
import numpy.typing as npt

from simulation import lp
from simulation.result import Baseline

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Indices = npt.NDArray[np.intp]
EPS = 1e-9
# Visits evaluated together (doubling while every visit of a window is proven at once), and
# rounds of proof per window: see _settle.
FIRST_WINDOW = 256
ROUNDS = 8


def shares(p: lp.Problem, x: Floats) -> tuple[float, float, float]:
    spent = float(x.sum())
    if spent <= EPS:
        return spent, 0.0, 0.0
    return spent, float(x[p.fragile].sum()) / spent, float(x[p.decarbonisation].sum()) / spent


def violations(
    p: lp.Problem, x: Floats, spent: float, fragile: float, decarb: float
) -> tuple[str, ...]:
    """What an allocation breaks, given its spend and shares (see shares)."""
    tol = 1e-6
    out = []
    if spent > p.budget_m + tol:
        out.append(f"spends {spent:,.1f} M EUR, above the {p.budget_m:,.1f} M EUR budget")
    if spent < p.min_spend_m - tol:
        out.append(f"spends {spent:,.1f} M EUR, below the {p.min_spend_m:,.1f} M EUR minimum spend")
    if spent > EPS and fragile < p.fragile_min - tol:
        out.append(
            f"fragile share {100 * fragile:.1f} % of euros, "
            f"below the {100 * p.fragile_min:.1f} % floor"
        )
    if spent > EPS and decarb < p.decarbonisation_min - tol:
        out.append(
            f"decarbonisation share {100 * decarb:.1f} % of euros, "
            f"below the {100 * p.decarbonisation_min:.1f} % floor"
        )
    per_region = np.bincount(p.region, weights=x, minlength=len(p.region_codes))
    for env in p.envelopes:
        got = float(per_region[p.region_codes.index(env.code)])
        if got < env.min_m - tol:
            out.append(
                f"region {env.code} gets {got:,.1f} M EUR, below its {env.min_m:,.1f} M EUR minimum"
            )
        if got > env.max_m + tol:
            out.append(
                f"region {env.code} gets {got:,.1f} M EUR, above its {env.max_m:,.1f} M EUR maximum"
            )
    return tuple(out)


def greedy(p: lp.Problem, all_or_nothing: bool) -> Floats:
    """Best jobs per euro first, ignoring everything but the budget."""
    order = p.by_jobs_per_euro
    cap = p.cap[order]
    if not all_or_nothing:
        before = np.cumsum(cap) - cap
        take = np.clip(p.budget_m - before, 0.0, cap)
    else:
        take = _first_fit(cap, p.budget_m)
    x = np.zeros(p.n)
    x[order] = take
    return x


def _first_fit(cap: Floats, budget: float) -> Floats:
    """Each project whole if it fits in what is left (``left -= c``), in the order given."""
    take = np.zeros(len(cap))
    left = budget
    start, size = 0, FIRST_WINDOW
    while start < len(cap):
        # What is left only shrinks: a project that does not fit now never will.
        at = start + np.flatnonzero(cap[start : start + size] <= left + EPS)
        done, a, _ = _settle(len(at), partial(_fits, cap[at], left))
        take[at[:done]] = a[:done]
        left = float(_running(left, -a[:done])[-1])
        if done == len(at):
            start, size = start + size, 2 * size
        else:
            start, size = int(at[done]), FIRST_WINDOW
    return take


def _fits(cap: Floats, left: float, a: Floats) -> tuple[Floats, Bools]:
    """_first_fit's amounts given the amounts ``a`` taken before each project (see _settle)."""
    before = _running(left, -a)[:-1]
    return np.where(cap <= before + EPS, cap, 0.0), np.zeros(len(a), dtype=np.bool_)


def _running(start: float, amounts: Floats) -> Floats:
    """start, then start plus each amount in turn: np.cumsum adds one by one, as a loop does."""
    return np.cumsum(np.concatenate(([start], amounts)))


def _settle(
    size: int, amounts: Callable[[Floats], tuple[Floats, Bools]]
) -> tuple[int, Floats, bool]:
    """How many visits of a window are known at once, their amounts, and whether the phase stops.

    The rules visit projects one by one, each amount depending on the totals that the visits
    before it leave. ``amounts(a)`` computes every amount of the window (and whether the phase
    stops before it) from the totals that the amounts ``a`` before it would leave. Up to the
    first place where the result differs from ``a``, each amount was computed from exact
    totals, so it is exact, and so is the first differing one: each round proves at least one
    more visit, most rounds the whole window (amounts rarely change the visits after them).
    """
    a = np.zeros(size)
    done = 0
    for _ in range(ROUNDS):
        new, stop = amounts(a)
        wrong = np.flatnonzero(stop[done:] | (new[done:] != a[done:]))
        if len(wrong) == 0:
            return size, a, False
        first = done + int(wrong[0])
        if stop[first]:
            return first, a, True
        a = np.concatenate((a[:first], new[first:]))
        done = first + 1
    return done, a, False


class _Floors:
    """The running state of greedy_with_floors: allocations and totals."""

    def __init__(self, p: lp.Problem, all_or_nothing: bool) -> None:
        self.p, self.all_or_nothing = p, all_or_nothing
        self.budget, self.phi, self.delta = p.budget_m, p.fragile_min, p.decarbonisation_min
        k = len(p.region_codes)
        self.lo, self.hi = np.zeros(k), np.full(k, math.inf)
        for env in p.envelopes:
            self.lo[p.region_codes.index(env.code)] = env.min_m
            self.hi[p.region_codes.index(env.code)] = env.max_m
        # Only regions with an envelope need their running total.
        self.tracked = (self.lo > 0) | (self.hi < math.inf)
        self.x = np.zeros(p.n)
        self.in_region = np.zeros(k)
        self.spent = self.in_fragile = self.in_decarbonisation = 0.0

    def run(
        self, wanted: Bools | None, quota: str | None, target: float, keep_floors: bool
    ) -> None:
        """Visit the ``wanted`` projects (all if None) by jobs per euro; ``quota`` as in
        greedy_with_floors. The order is read a block at a time, so a phase that ends early
        never looks at the rest."""
        p, order = self.p, self.p.by_jobs_per_euro
        start, size = 0, FIRST_WINDOW
        while start < p.n:
            if quota == "region" and (self.in_region >= self.lo - EPS)[self.lo > 0].all():
                return  # every region is at its minimum: the phase would skip everyone left
            block = order[start : start + size]
            room = p.cap[block] - self.x[block]  # a project is visited once per phase
            visit = room > EPS  # the others cannot get more than EPS: never funded
            if wanted is not None:
                visit &= wanted[block]
            if self.all_or_nothing:
                # Nothing fits whole in more than is left, and what is left only shrinks.
                visit &= ~(self.budget - self.spent < room - EPS)
            at = np.flatnonzero(visit)
            projects, room = block[at], room[at]
            done, a, stop = _settle(
                len(projects), partial(self.amounts, projects, room, quota, target, keep_floors)
            )
            self.add(projects[:done], a[:done])
            if stop:
                return
            if done == len(projects):
                start, size = start + len(block), 2 * size
            else:
                start, size = start + int(at[done]), FIRST_WINDOW

    def totals(self, projects: Indices, a: Floats) -> tuple[Floats, Floats, Floats, Floats, Floats]:
        """Spent, to fragile and to decarbonising before each visit and after the last one, in
        the project's region before each visit, and the totals of the regions after the last.

        Running sums in visit order, as the rule adds them.
        """
        spent = _running(self.spent, a)
        fragile = _running(self.in_fragile, np.where(self.p.fragile[projects], a, 0.0))
        decarb = _running(
            self.in_decarbonisation, np.where(self.p.decarbonisation[projects], a, 0.0)
        )
        region = self.p.region[projects]
        in_region = self.in_region[region]
        after = self.in_region.copy()
        moved = np.flatnonzero(
            (np.bincount(region[a != 0], minlength=len(after)) > 0) & self.tracked
        )
        if len(moved):
            # One running sum per region that moves, as rows of a grid: zeros elsewhere.
            row = np.full(len(after), -1)
            row[moved] = np.arange(len(moved))
            rows = row[region]
            on = np.flatnonzero(rows >= 0)
            grid = np.zeros((len(moved), len(a) + 1))
            grid[:, 0] = self.in_region[moved]
            grid[rows[on], on + 1] = a[on]
            sums = np.cumsum(grid, axis=1)
            in_region[on] = sums[rows[on], on]
            after[moved] = sums[:, -1]
        return spent, fragile, decarb, in_region, after

    def amounts(
        self,
        projects: Indices,
        room: Floats,
        quota: str | None,
        target: float,
        keep_floors: bool,
        a: Floats,
    ) -> tuple[Floats, Bools]:
        """What each visit funds, given that the visits before it fund ``a``; where it stops."""
        budget, phi, delta = self.budget, self.phi, self.delta
        spent, fragile, decarb, in_region, _ = self.totals(projects, a)
        spent, fragile, decarb = spent[:-1], fragile[:-1], decarb[:-1]
        region = self.p.region[projects]
        is_fragile, is_decarb = self.p.fragile[projects], self.p.decarbonisation[projects]
        t = np.minimum(np.minimum(room, budget - spent), self.hi[region] - in_region)
        stop = spent >= budget - EPS
        if quota in ("fragile", "decarb"):
            reached = fragile if quota == "fragile" else decarb
            stop |= reached >= target - EPS
            if not self.all_or_nothing:
                t = np.minimum(t, target - reached)
        if not keep_floors:
            # Leave room in the budget for the quotas still to come.
            left = budget - spent
            t = np.where(
                is_fragile, t, np.minimum(t, left - np.maximum(phi * budget - fragile, 0.0))
            )
            t = np.where(
                is_decarb, t, np.minimum(t, left - np.maximum(delta * budget - decarb, 0.0))
            )
        else:
            if phi > 0:
                t = np.where(is_fragile, t, np.minimum(t, (fragile - phi * spent) / phi))
            if delta > 0:
                t = np.where(is_decarb, t, np.minimum(t, (decarb - delta * spent) / delta))
        funded = t > EPS
        if self.all_or_nothing:
            funded &= ~(t < room - EPS)
        if quota == "region":
            funded &= ~(in_region >= self.lo[region] - EPS)
        return np.where(funded, t, 0.0), stop

    def add(self, projects: Indices, a: Floats) -> None:
        if not len(projects):
            return
        spent, fragile, decarb, _, after = self.totals(projects, a)
        self.spent, self.in_fragile, self.in_decarbonisation = (
            float(spent[-1]),
            float(fragile[-1]),
            float(decarb[-1]),
        )
        self.in_region = after
        self.x[projects] += a


def greedy_with_floors(p: lp.Problem, all_or_nothing: bool) -> Floats:
    """Best jobs per euro first, in phases that keep the floors and envelopes.

    Regions below their minimum envelope first, then fragile projects up to the fragile quota of
    the budget, then decarbonising ones up to theirs, then everyone; each phase takes its
    projects by jobs per euro and never passes a regional maximum, and the last phase only funds
    a project as far as the floors still hold. The rule visits projects one by one; it is
    evaluated a window of visits at a time (see _settle), with the very same sums.
    """
    walk = _Floors(p, all_or_nothing)
    walk.run(walk.lo[p.region] > 0, "region", 0.0, False)
    walk.run(p.fragile, "fragile", p.fragile_min * p.budget_m, False)
    walk.run(p.decarbonisation, "decarb", p.decarbonisation_min * p.budget_m, False)
    walk.run(None, None, 0.0, True)
    return walk.x


def pro_rata(p: lp.Problem) -> Floats:
    total = float(p.cap.sum())
    scale = 1.0 if total <= p.budget_m else p.budget_m / total
    return p.cap * scale


LABELS = {
    "greedy_jobs_per_euro": "Greedy by jobs per euro (ignores floors and envelopes)",
    "greedy_with_floors": "Greedy by jobs per euro keeping the floors and envelopes",
    "pro_rata": "Pro rata to requested aid",
}


def baselines(p: lp.Problem, all_or_nothing: bool, optimum_jobs: float) -> tuple[Baseline, ...]:
    out = []
    for name, x in (
        ("greedy_jobs_per_euro", greedy(p, all_or_nothing)),
        ("greedy_with_floors", greedy_with_floors(p, all_or_nothing)),
        ("pro_rata", pro_rata(p)),
    ):
        spent, fragile, decarb = shares(p, x)
        broken = violations(p, x, spent, fragile, decarb)
        jobs = float(p.jobs_per_meur @ x)
        out.append(
            Baseline(
                name=name,
                jobs=jobs,
                spent_eur=round(spent * lp.M),
                fragile_share=fragile,
                decarbonisation_share=decarb,
                feasible=not broken,
                violations=broken,
                jobs_gained_by_optimum=optimum_jobs - jobs,
                label=LABELS[name],
            )
        )
    return tuple(out)
