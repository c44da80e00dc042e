"""solve(): build the LP, solve it (and the all-or-nothing variant), explain, compare, diagnose."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from simulation import lp, milp
from simulation.baselines import baselines
from simulation.curve import Curve, CurvePoint, trade_off_curve
from simulation.diagnose import Aggregate, Limits, diagnose
from simulation.highs import NAME, VERSION
from simulation.projects import Projects
from simulation.result import (
    BindingConstraint,
    Diagnosis,
    Explanations,
    RegionAllocation,
    Result,
    SolverInfo,
    Status,
    TerritoryAllocation,
)
from simulation.scenario import Mode, Scenario
from simulation.sifting import LpSolution, LpSolver

__all__ = ["Curve", "CurvePoint", "solve", "trade_off_curve"]

Floats = npt.NDArray[np.float64]
DUAL_TOL = 1e-7


# All-or-nothing stops once its gap to the LP bound is proven under 0.1 % (about 12 jobs in
# 12,000): proving 0.01 % takes one more restricted MILP as long as the whole LP solve.
MIP_REL_GAP = 1e-3


def solve(
    scenario: Scenario,
    projects: Projects,
    *,
    time_limit_s: float = 30.0,
    mip_rel_gap: float = MIP_REL_GAP,
) -> Result:
    start = time.perf_counter()
    p = lp.build(scenario, projects)
    all_or_nothing = scenario.mode == Mode.ALL_OR_NOTHING
    agg = Aggregate(p, projects)
    solver = LpSolver(p, feasible=lambda: agg.feasible(agg.limits))
    relaxed = solver.solve(time_limit_s)
    method = f"LP: {solver.method}"
    options = dict(solver.model.options) if solver.model is not None else {}
    mip_gap = None
    deadline = start + time_limit_s  # the diagnosis stops there and says what it proved
    if relaxed.status == "infeasible":
        diagnosis = diagnose(agg, deadline=deadline)
        return _infeasible(scenario, projects, p, diagnosis, method, options, start, relaxed)
    if relaxed.status != "optimal":
        status = Status.TIME_LIMIT if relaxed.status == "time_limit" else Status.ERROR
        message = (
            f"No allocation within the {time_limit_s:g} s time limit."
            if status == Status.TIME_LIMIT
            else f"The solver failed ({relaxed.status})."
        )
        return _empty(scenario, projects, p, status, message, method, options, start, relaxed)
    x = relaxed.x
    status = Status.OPTIMAL
    if all_or_nothing:
        remaining = time_limit_s - (time.perf_counter() - start)
        milp_solution = milp.solve(p, relaxed, remaining, mip_rel_gap)
        method += (
            f"; all-or-nothing: MILP over the {milp_solution.free} projects closest to the LP "
            "margin, the others fixed by reduced-cost fixing"
        )
        options = {"lp": options, "milp": milp_solution.options, "mip_rel_gap": mip_rel_gap}
        mip_gap = milp_solution.gap
        if milp_solution.status == "infeasible":
            # The LP is feasible: only whole projects conflict. Diagnose with a whole-project test,
            # each one bounded in time, none past the solve's deadline.
            def whole_projects_fit(limits: Limits) -> bool | None:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                return milp.whole_feasible(
                    p, projects, limits, min(remaining, time_limit_s / 20, 2.0)
                )

            diagnosis = diagnose(agg, whole_projects_fit, bisections=20, deadline=deadline)
            diagnosis = replace(
                diagnosis, conflicts=("funding whole projects only", *diagnosis.conflicts)
            )
            return _infeasible(scenario, projects, p, diagnosis, method, options, start, relaxed)
        if milp_solution.status == "time_limit":
            message = f"No all-or-nothing allocation within the {time_limit_s:g} s time limit."
            return _empty(
                scenario, projects, p, Status.TIME_LIMIT, message, method, options, start, relaxed
            )
        x = milp_solution.x
        status = Status.OPTIMAL if milp_solution.status == "optimal" else Status.FEASIBLE
    alloc = _euros(x, p, scenario.budget_eur)
    jobs = float(p.jobs_per_meur @ alloc) / lp.M
    binding = _binding(p, relaxed, projects, lp_label=" (LP relaxation)" if all_or_nothing else "")
    explanations = Explanations(
        jobs_per_meur=p.jobs_per_meur,
        threshold=p.jobs_per_meur - relaxed.reduced,
        cap_eur=p.cap_eur,
        source="LP relaxation" if all_or_nothing else "LP optimum",
    )
    spent = int(alloc.sum())
    unspent = scenario.budget_eur - spent
    reasons = _unspent_reasons(p, relaxed, alloc, unspent, all_or_nothing)
    fragile, decarb, fragile_n, decarb_n, funded = _shares(p, alloc)
    message = _message(
        status, jobs, spent, fragile, decarb, mip_gap, unspent, reasons, all_or_nothing
    )
    return Result(
        status=status,
        message=message,
        jobs=jobs,
        spent_eur=spent,
        unspent_eur=unspent,
        budget_eur=scenario.budget_eur,
        fragile_share=fragile,
        fragile_project_share=fragile_n,
        decarbonisation_share=decarb,
        decarbonisation_project_share=decarb_n,
        projects_funded=funded,
        allocation_eur=alloc,
        project_ids=projects.ids,
        regions=_regions(p, alloc),
        territories=_territories(p, projects, alloc),
        binding=binding,
        baselines=baselines(p, all_or_nothing, jobs),
        diagnosis=None,
        solver=SolverInfo(
            NAME, VERSION, method, options, time.perf_counter() - start, mip_gap, relaxed.iterations
        ),
        mode=str(scenario.mode),
        unspent_reasons=reasons,
        fractional_projects=int(((relaxed.x > 1e-9) & (relaxed.x < p.cap - 1e-9)).sum()),
        explanations=explanations,
    )


def _euros(x: Floats, p: lp.Problem, budget_eur: int) -> npt.NDArray[np.int64]:
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


def _shares(p: lp.Problem, alloc: npt.NDArray[np.int64]) -> tuple[float, float, float, float, int]:
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


def _binding(
    p: lp.Problem, relaxed: LpSolution, projects: Projects, lp_label: str
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


def _unspent_reasons(
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


def _message(
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


def _regions(p: lp.Problem, alloc: npt.NDArray[np.int64]) -> tuple[RegionAllocation, ...]:
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


def _territories(
    p: lp.Problem, projects: Projects, alloc: npt.NDArray[np.int64]
) -> tuple[TerritoryAllocation, ...]:
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
    )


def _empty(
    scenario: Scenario,
    projects: Projects,
    p: lp.Problem,
    status: Status,
    message: str,
    method: str,
    options: dict[str, object],
    start: float,
    relaxed: LpSolution,
    diagnosis: Diagnosis | None = None,
) -> Result:
    alloc = np.zeros(p.n, dtype=np.int64)
    return Result(
        status=status,
        message=message,
        jobs=0.0,
        spent_eur=0,
        unspent_eur=scenario.budget_eur,
        budget_eur=scenario.budget_eur,
        fragile_share=0.0,
        fragile_project_share=0.0,
        decarbonisation_share=0.0,
        decarbonisation_project_share=0.0,
        projects_funded=0,
        allocation_eur=alloc,
        project_ids=projects.ids,
        regions=_regions(p, alloc),
        territories=_territories(p, projects, alloc),
        binding=(),
        baselines=(),
        diagnosis=diagnosis,
        solver=SolverInfo(
            NAME, VERSION, method, options, time.perf_counter() - start, None, relaxed.iterations
        ),
        mode=str(scenario.mode),
    )


def _infeasible(
    scenario: Scenario,
    projects: Projects,
    p: lp.Problem,
    diagnosis: Diagnosis,
    method: str,
    options: dict[str, object],
    start: float,
    relaxed: LpSolution,
) -> Result:
    conflict = " and ".join(diagnosis.conflicts) if diagnosis.conflicts else "the constraints"
    message = f"Infeasible: {conflict} cannot all hold"
    if not diagnosis.irreducible:
        message += " (the diagnosis ran out of time: this set may not be the smallest)"
    if diagnosis.relaxations:
        message += "; " + " or ".join(r.text for r in diagnosis.relaxations)
    if diagnosis.unsettled:
        message += (
            f"; within the time limit no smallest relaxation was proven for "
            f"{len(diagnosis.unsettled)} of the {len(diagnosis.names)} conflicting constraints"
        )
    message += "."
    return _empty(
        scenario,
        projects,
        p,
        Status.INFEASIBLE,
        message,
        method + "; diagnosis on the aggregate LP",
        options,
        start,
        relaxed,
        diagnosis,
    )
