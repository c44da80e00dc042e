"""What a solve reports from its solution: whole euros, shares, the binding constraints and their
prices, why money is left unspent, the message, and the sums per region and territory."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulation import lp
from simulation.projects import NO_TERRITORY, ProjectColumns
from simulation.result import BindingConstraint, RegionAllocation, Status, TerritoryAllocation
from simulation.sifting import LpSolution

Floats = npt.NDArray[np.float64]
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


def shares(p: lp.Problem, alloc: npt.NDArray[np.int64]) -> tuple[float, float, float, float, int]:
    """Fragile and decarbonising shares of euros spent, then of projects funded, then how many."""
    spent = float(alloc.sum())
    funded_mask = alloc > 0
    funded = int(funded_mask.sum())
    if spent <= 0:
        return 0.0, 0.0, 0.0, 0.0, 0
    return (
        float(alloc[p.fragile].sum()) / spent,
        float(alloc[p.decarbonisation].sum()) / spent,
        float((funded_mask & p.fragile).sum()) / funded,
        float((funded_mask & p.decarbonisation).sum()) / funded,
        funded,
    )


def binding(
    p: lp.Problem, relaxed: LpSolution, projects: ProjectColumns, lp_label: str
) -> tuple[BindingConstraint, ...]:
    y = relaxed.row_dual
    out = []

    def add(name: str, label: str, price: float, unit: str, text: str) -> None:
        out.append(BindingConstraint(name, label, float(price), unit, text + lp_label))

    per_m = "jobs per M EUR"
    if abs(y[lp.BUDGET]) > DUAL_TOL:
        v = y[lp.BUDGET]
        add("budget", "the budget", v, per_m, f"{v:+.1f} jobs per extra M EUR of budget")
    if abs(y[lp.MIN_SPEND]) > DUAL_TOL:
        v = y[lp.MIN_SPEND]
        add(
            "min_spend",
            "the minimum spend",
            v,
            per_m,
            f"{v:+.1f} jobs per extra M EUR of required spend",
        )
    for row, name, label in (
        (lp.FRAGILE, "fragile_share", "the fragile-territory floor (share of euros)"),
        (lp.DECARBONISATION, "decarbonisation_share", "the decarbonisation floor (share of euros)"),
    ):
        if abs(y[row]) > DUAL_TOL:
            # Raising the floor by one point asks for 0.01 x spend more euros in the row.
            v = y[row] * relaxed.spend / 100
            add(name, label, v, "jobs per percentage point", f"{v:+.1f} jobs per point of {label}")
    for env in p.envelopes:
        v = y[env.row]
        if v > DUAL_TOL:
            add(
                f"region_{env.code}_max",
                f"region {env.code}'s maximum envelope",
                v,
                per_m,
                f"{v:+.1f} jobs per extra M EUR of region {env.code}'s maximum",
            )
        elif v < -DUAL_TOL:
            add(
                f"region_{env.code}_min",
                f"region {env.code}'s minimum envelope",
                v,
                per_m,
                f"{v:+.1f} jobs per extra M EUR of region {env.code}'s minimum",
            )
    if p.max_aid_intensity is not None:
        capped = (p.cap_eur < projects.aid_requested_eur) & (relaxed.x >= p.cap - 1e-9)
        v = (
            float(np.maximum(relaxed.reduced[capped], 0.0) @ projects.investment_eur[capped])
            / lp.M
            / 100
        )
        if v > DUAL_TOL:
            add(
                "max_aid_intensity",
                "the aid-intensity cap",
                v,
                "jobs per percentage point",
                f"{v:+.1f} jobs per point of aid-intensity cap",
            )
    return tuple(out)


def unspent_reasons(
    p: lp.Problem,
    relaxed: LpSolution,
    alloc: npt.NDArray[np.int64],
    unspent: int,
    all_or_nothing: bool,
) -> tuple[str, ...]:
    # All-or-nothing leaves crumbs by nature; only a real remainder needs a reason.
    if unspent < max(1000.0, 1e-4 * p.budget_m * lp.M):
        return ()
    if abs(relaxed.row_dual[lp.BUDGET]) > DUAL_TOL and not all_or_nothing:
        return ()
    y = relaxed.row_dual
    reasons = []
    if abs(y[lp.FRAGILE]) > DUAL_TOL:
        reasons.append(f"the fragile-territory floor ({100 * p.fragile_min:.1f} % of euros)")
    if abs(y[lp.DECARBONISATION]) > DUAL_TOL:
        reasons.append(f"the decarbonisation floor ({100 * p.decarbonisation_min:.1f} % of euros)")
    for env in p.envelopes:
        if y[env.row] > DUAL_TOL:
            reasons.append(f"region {env.code}'s maximum envelope")
    if all_or_nothing and abs(y[lp.BUDGET]) > DUAL_TOL:
        reasons.append("all-or-nothing funding: no remaining project fits whole in what is left")
    if not reasons:
        useful = (p.jobs_per_meur > 0) & (alloc < p.cap_eur)
        if not useful.any():
            reasons.append("every project that creates jobs is already funded in full")
        else:
            reasons.append("the remaining projects add no jobs under the constraints")
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
