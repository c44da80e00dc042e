"""What a solve reports from its solution: whole euros, shares, the binding constraints and their
prices, why money is left unspent, the message, and the sums per region and territory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

import numpy as np
import numpy.typing as npt

from simulation import lp
from simulation.projects import NO_TERRITORY, ProjectColumns
from simulation.result import BindingConstraint, RegionAllocation, Status, TerritoryAllocation
from simulation.sifting import LpSolution

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
DUAL_TOL = 1e-7


def euros(x: Floats, p: lp.Problem, budget_eur: int) -> npt.NDArray[np.int64]:
    """The solution ``x`` (M EUR) in whole euros, within each project's cap and the budget."""
    alloc = np.minimum(np.rint(np.maximum(x, 0.0) * lp.M).astype(np.int64), p.cap_eur)
    excess = int(alloc.sum()) - budget_eur
    if excess <= 0:
        return alloc
    # Rounding to whole euros may overshoot the budget by a few euros: take them off the largest.
    for i in np.argsort(-alloc, kind="stable"):
        if excess <= 0:
            break
        cut = min(excess, int(alloc[i]))
        alloc[i] -= cut
        excess -= cut
    return alloc


class Allocated(TypedDict):
    """The fields of a Result that follow from its allocation alone, the same in every engine."""

    jobs: float  # counted pro rata to aid
    spent_eur: int  # public aid: State and regional
    fragile_share: float  # of euros spent
    decarbonisation_share: float
    fragile_project_share: float  # of projects funded
    decarbonisation_project_share: float
    projects_funded: int
    allocation_eur: Ints
    project_ids: Ints
    regions: tuple[RegionAllocation, ...]
    territories: tuple[TerritoryAllocation, ...]


def allocated(p: lp.Problem, projects: ProjectColumns, alloc: Ints) -> Allocated:
    """What ``alloc`` (whole euros, one per project) gives: jobs, euros, shares, sums by place."""
    spent = int(alloc.sum())
    funded_mask = alloc > 0
    funded = int(funded_mask.sum())
    shares = (0.0, 0.0, 0.0, 0.0)
    if spent > 0:
        shares = (
            float(alloc[p.fragile].sum()) / spent,
            float(alloc[p.decarbonisation].sum()) / spent,
            float((funded_mask & p.fragile).sum()) / funded,
            float((funded_mask & p.decarbonisation).sum()) / funded,
        )
    return Allocated(
        jobs=float(p.jobs_per_meur @ alloc) / lp.M,
        spent_eur=spent,
        fragile_share=shares[0],
        decarbonisation_share=shares[1],
        fragile_project_share=shares[2],
        decarbonisation_project_share=shares[3],
        projects_funded=funded,
        allocation_eur=alloc,
        project_ids=projects.ids,
        regions=regions(p, alloc),
        territories=territories(p, projects, alloc),
    )


# The labels both engines give the share floors and how much of a floor's share a reason quotes.
FLOOR_LABELS = {
    "fragile_share": "the fragile-territory floor (share of euros)",
    "decarbonisation_share": "the decarbonisation floor (share of euros)",
}
# Binding constraints that never hold money back: the budget (it spends it all), the minimum
# spend and minimum envelopes (they push spending up), the aid-intensity cap (a project's cap).
SPENDING = ("budget", "min_spend", "max_aid_intensity")


def priced(
    name: str,
    label: str,
    price: float,
    per_point: bool,
    what: str,
    jobs: str = "jobs",
    suffix: str = "",
) -> BindingConstraint:
    """A binding constraint and its price, worded alike by both engines: per extra M EUR of
    ``what`` or, ``per_point``, per percentage point of it."""
    unit = f"{jobs} per percentage point" if per_point else f"{jobs} per M EUR"
    per = "point of" if per_point else "extra M EUR of"
    text = f"{price:+.1f} {jobs} per {per} {what}{suffix}"
    return BindingConstraint(name, label, float(price), unit, text)


def envelope_priced(
    name: str, whose: str, price: float, jobs: str = "jobs", suffix: str = ""
) -> BindingConstraint:
    """An envelope's side that binds: its maximum (price > 0) or its minimum (price < 0).
    ``name`` is the envelope's (region_84), ``whose`` its owner's ("region 84's")."""
    side = "maximum" if price > 0 else "minimum"
    label = f"{whose} {side} envelope"
    return priced(f"{name}_{side[:3]}", label, price, False, f"{whose} {side}", jobs, suffix)


def intensity_price(
    capped: npt.NDArray[np.bool_], reduced: Floats, investment: npt.NDArray[np.int64]
) -> float:
    """Score gained per point of aid-intensity cap: each capped project funded to its cap gains its
    reduced cost on 0.01 x its investment."""
    return float(np.maximum(reduced[capped], 0.0) @ investment[capped]) / lp.M / 100


def binding(
    p: lp.Problem, relaxed: LpSolution, projects: ProjectColumns, lp_label: str
) -> tuple[BindingConstraint, ...]:
    y = relaxed.row_dual
    out = []
    if abs(y[lp.BUDGET]) > DUAL_TOL:
        v = y[lp.BUDGET]
        out.append(priced("budget", "the budget", v, False, "budget", suffix=lp_label))
    if abs(y[lp.MIN_SPEND]) > DUAL_TOL:
        v = y[lp.MIN_SPEND]
        what = "required spend"
        out.append(priced("min_spend", "the minimum spend", v, False, what, suffix=lp_label))
    for row, name in ((lp.FRAGILE, "fragile_share"), (lp.DECARBONISATION, "decarbonisation_share")):
        if abs(y[row]) > DUAL_TOL:
            # Raising the floor by one point asks for 0.01 x spend more euros in the row.
            v = y[row] * relaxed.spend / 100
            label = FLOOR_LABELS[name]
            out.append(priced(name, label, v, True, label, suffix=lp_label))
    for env in p.envelopes:
        v = y[env.row]
        if abs(v) > DUAL_TOL:
            out.append(
                envelope_priced(f"region_{env.code}", f"region {env.code}'s", v, suffix=lp_label)
            )
    if p.max_aid_intensity is not None:
        capped = (p.cap_eur < projects.aid_requested_eur) & (relaxed.x >= p.cap - 1e-9)
        v = intensity_price(capped, relaxed.reduced, projects.investment_eur)
        if v > DUAL_TOL:
            what = "aid-intensity cap"
            out.append(
                priced("max_aid_intensity", "the aid-intensity cap", v, True, what, suffix=lp_label)
            )
    return tuple(b for b in out if shown(b.shadow_price))


def shown(price: float) -> bool:
    """Whether a price reads other than 0.0 at one decimal ("-0.0 jobs per point" says nothing):
    only those are listed."""
    return float(f"{price:.1f}") != 0.0


def unspent_reasons(
    prices: tuple[BindingConstraint, ...],
    floors: Mapping[str, float],
    unspent: int,
    budget_m: float,
    all_or_nothing: bool,
    useful: bool,
    jobs_only: bool = True,
) -> tuple[str, ...]:
    """Why State money is left: the binding constraints that hold it back, a floor quoting its
    share (``floors``: constraint name -> share); else whether any project that ``useful``ly adds
    to the objective is left."""
    # All-or-nothing leaves crumbs by nature; only a real remainder needs a reason.
    if unspent < max(1000.0, 1e-4 * budget_m * lp.M):
        return ()
    budget_binds = any(b.name == "budget" for b in prices)
    if budget_binds and not all_or_nothing:
        return ()
    reasons = [
        b.label.replace("(share of", f"({100 * floors[b.name]:.1f} % of")
        if b.name in floors
        else b.label
        for b in prices
        if b.name not in SPENDING and not b.name.endswith("_min")
    ]
    if all_or_nothing and budget_binds:
        reasons.append("all-or-nothing funding: no remaining project fits whole in what is left")
    if not reasons:
        adds = "creates jobs" if jobs_only else "adds to the objective"
        if not useful:
            reasons.append(f"every project that {adds} is already funded in full")
        else:
            add = "add no jobs" if jobs_only else "add nothing to the objective"
            reasons.append(f"the remaining projects {add} under the constraints")
    return tuple(reasons)


def message(
    status: Status,
    jobs: float,
    spent: int,
    fragile: float,
    decarb: float,
    gap: float | None,
    unspent: int,
    reasons: tuple[str, ...],
    all_or_nothing: bool,
) -> str:
    head = "Optimal" if status == Status.OPTIMAL else "Near-optimal (optimality not proven)"
    kind = "all-or-nothing" if all_or_nothing else "continuous"
    text = (
        f"{head} ({kind}): {jobs:,.0f} jobs for {spent / lp.M:,.1f} M EUR, "
        f"{100 * fragile:.1f} % of euros to fragile territories, {100 * decarb:.1f} % decarbonising"
    )
    if gap is not None:
        text += f", within {100 * gap:.3f} % of the best possible"
    if reasons:
        text += f"; {unspent / lp.M:,.1f} M EUR unspent, held back by " + " and ".join(reasons)
    return text + "."


def regions(p: lp.Problem, alloc: npt.NDArray[np.int64]) -> tuple[RegionAllocation, ...]:
    k = len(p.region_codes)
    money = np.bincount(p.region, weights=alloc.astype(np.float64), minlength=k)
    jobs = np.bincount(p.region, weights=p.jobs_per_meur * alloc / lp.M, minlength=k)
    funded = np.bincount(p.region, weights=(alloc > 0).astype(np.float64), minlength=k)
    envelopes = {e.code: e for e in p.envelopes}
    out = []
    for i, code in enumerate(p.region_codes):
        env = envelopes.get(code)
        lo = round(env.min_m * lp.M) if env is not None and env.min_m > 0 else None
        hi = round(env.max_m * lp.M) if env is not None and np.isfinite(env.max_m) else None
        out.append(
            RegionAllocation(code, round(money[i]), float(jobs[i]), round(funded[i]), lo, hi)
        )
    return tuple(out)


def territories(
    p: lp.Problem, projects: ProjectColumns, alloc: npt.NDArray[np.int64]
) -> tuple[TerritoryAllocation, ...]:
    """Sums per territory; projects in no territory are in no row (their region's row counts
    them)."""
    ids, inverse, regions = (
        projects.territory_names,
        projects.territory_index,
        projects.territory_region,
    )
    k = len(ids)
    money = np.bincount(inverse, weights=alloc.astype(np.float64), minlength=k)
    jobs = np.bincount(inverse, weights=p.jobs_per_meur * alloc / lp.M, minlength=k)
    funded = np.bincount(inverse, weights=(alloc > 0).astype(np.float64), minlength=k)
    return tuple(
        TerritoryAllocation(
            str(ids[i]), str(regions[i]), round(money[i]), float(jobs[i]), round(funded[i])
        )
        for i in range(k)
        if ids[i] != NO_TERRITORY
    )
