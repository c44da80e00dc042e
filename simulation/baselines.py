"""Simple allocation rules computed beside the optimum, so planners see what optimisation buys."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from simulation import lp
from simulation.result import Baseline

Floats = npt.NDArray[np.float64]
EPS = 1e-9


def shares(p: lp.Problem, x: Floats) -> tuple[float, float, float]:
    spent = float(x.sum())
    if spent <= EPS:
        return spent, 0.0, 0.0
    return spent, float(x[p.fragile].sum()) / spent, float(x[p.decarbonisation].sum()) / spent


def violations(p: lp.Problem, x: Floats) -> tuple[str, ...]:
    spent, fragile, decarb = shares(p, x)
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


def order_by_jobs_per_euro(p: lp.Problem) -> npt.NDArray[np.intp]:
    return np.lexsort((np.arange(p.n), -p.cost)).astype(np.intp)


def greedy(p: lp.Problem, whole: bool) -> Floats:
    """Best jobs per euro first, ignoring everything but the budget."""
    order = order_by_jobs_per_euro(p)
    cap = p.cap[order]
    if not whole:
        before = np.cumsum(cap) - cap
        take = np.clip(p.budget_m - before, 0.0, cap)
    else:
        take = np.zeros(p.n)
        left = p.budget_m
        for k, c in enumerate(cap.tolist()):
            if c <= left + EPS:
                take[k] = c
                left -= c
    x = np.zeros(p.n)
    x[order] = take
    return x


def greedy_with_floors(p: lp.Problem, whole: bool) -> Floats:
    """Best jobs per euro first, in phases that keep the floors and envelopes.

    Regions below their minimum envelope first, then fragile projects up to the fragile quota of
    the budget, then decarbonising ones up to theirs, then everyone; each phase takes its
    projects by jobs per euro and never passes a regional maximum, and the last phase only funds
    a project as far as the floors still hold.
    """
    order = order_by_jobs_per_euro(p).tolist()
    region_min = np.zeros(len(p.region_codes))
    region_max = np.full(len(p.region_codes), math.inf)
    for env in p.envelopes:
        region_min[p.region_codes.index(env.code)] = env.min_m
        region_max[p.region_codes.index(env.code)] = env.max_m
    lo, hi = region_min.tolist(), region_max.tolist()
    cap = p.cap.tolist()
    region = p.region.tolist()
    fragile = p.fragile.tolist()
    decarb = p.decarbonisation.tolist()
    phi, delta, budget = p.fragile_min, p.decarbonisation_min, p.budget_m
    x = [0.0] * p.n
    in_region = [0.0] * len(p.region_codes)
    total = {"spent": 0.0, "fragile": 0.0, "decarb": 0.0}

    def visit(i: int, quota: str | None, target: float, keep_floors: bool) -> bool:
        """Fund project i as far as the phase allows; True ends the phase."""
        if total["spent"] >= budget - EPS:
            return True
        if quota in ("fragile", "decarb") and total[str(quota)] >= target - EPS:
            return True
        r = region[i]
        room = cap[i] - x[i]
        if quota == "region" and in_region[r] >= lo[r] - EPS:
            return False
        t = min(room, budget - total["spent"], hi[r] - in_region[r])
        if quota in ("fragile", "decarb"):
            t = min(t, target - total[quota]) if not whole else t
        if not keep_floors:
            # Leave room in the budget for the quotas still to come.
            left = budget - total["spent"]
            if not fragile[i]:
                t = min(t, left - max(phi * budget - total["fragile"], 0.0))
            if not decarb[i]:
                t = min(t, left - max(delta * budget - total["decarb"], 0.0))
        if keep_floors and not fragile[i] and phi > 0:
            t = min(t, (total["fragile"] - phi * total["spent"]) / phi)
        if keep_floors and not decarb[i] and delta > 0:
            t = min(t, (total["decarb"] - delta * total["spent"]) / delta)
        if t <= EPS or (whole and t < room - EPS):
            return False
        x[i] += t
        in_region[r] += t
        total["spent"] += t
        total["fragile"] += t if fragile[i] else 0.0
        total["decarb"] += t if decarb[i] else 0.0
        return False

    def run(candidates: list[int], quota: str | None, target: float, keep_floors: bool) -> None:
        pending = np.array(candidates, dtype=np.intp)
        while len(pending):
            left = budget - total["spent"]
            if whole:
                # A project that does not fit whole in what is left never will: drop them all
                # at once (again each time what is left halves) instead of visiting each.
                pending = pending[p.cap[pending] <= left + EPS]
            for pos, i in enumerate(pending.tolist()):
                if visit(i, quota, target, keep_floors):
                    return
                if whole and budget - total["spent"] < left / 2:
                    pending = pending[pos + 1 :]
                    break
            else:
                return

    run([i for i in order if lo[region[i]] > 0], "region", 0.0, False)
    run([i for i in order if fragile[i]], "fragile", phi * budget, False)
    run([i for i in order if decarb[i]], "decarb", delta * budget, False)
    run(order, None, 0.0, True)
    return np.array(x)


def pro_rata(p: lp.Problem) -> Floats:
    total = float(p.cap.sum())
    scale = 1.0 if total <= p.budget_m else p.budget_m / total
    return p.cap * scale


LABELS = {
    "greedy_jobs_per_euro": "Greedy by jobs per euro (ignores floors and envelopes)",
    "greedy_with_floors": "Greedy by jobs per euro keeping the floors and envelopes",
    "pro_rata": "Pro rata to requested aid",
}


def baselines(p: lp.Problem, whole: bool, optimum_jobs: float) -> tuple[Baseline, ...]:
    out = []
    for name, x in (
        ("greedy_jobs_per_euro", greedy(p, whole)),
        ("greedy_with_floors", greedy_with_floors(p, whole)),
        ("pro_rata", pro_rata(p)),
    ):
        spent, fragile, decarb = shares(p, x)
        broken = violations(p, x)
        jobs = float(p.cost @ x)
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
