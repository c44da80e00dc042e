"""solve() with every lever: weights, co-funding, locks and forcing, department, territory, sector
and project-share constraints, on the whole formulation (simulation/formulation.py).

HiGHS solves the LP (by column generation above a few thousand projects: simulation/columns.py;
with the robust objective, simulation/robust.py's LP over the same columns and rows) and,
all-or-nothing, the MILP with x_i = cap_i z_i, z_i binary; the LP's prices give the binding
constraints and the explanations, as in the version-1 engine, and report.py's per-region and
per-territory sums and shares apply unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from simulation import columns, explain, lp, report, robust
from simulation import criteria as criteria_
from simulation.formulation import DECLARED, Floats, Formulation, Ints, M, build, locked_eur
from simulation.highs import NAME, VERSION, Model
from simulation.levers import CRITERIA
from simulation.milp import FIRST_FREE, GAP_TOL, MAX_FREE, next_size
from simulation.prices import binding
from simulation.projects import ProjectColumns
from simulation.result import Diagnosis, Explanations, Result, SolverInfo, Status
from simulation.scenario import Mode, Scenario

MIP_REL_GAP = 1e-3


def solve(
    scenario: Scenario,
    projects: ProjectColumns,
    *,
    time_limit_s: float = 30.0,
    mip_rel_gap: float = MIP_REL_GAP,
    fixed_eur: Ints | None = None,
    budget_eur: int | None = None,
    whole_pool: bool = True,
    sift_above: int = columns.SIFT_ABOVE,
) -> Result:
    """``sift_above``: from how many projects the LP is solved by column generation."""
    start = time.perf_counter()
    deadline = start + time_limit_s
    f = build(scenario, projects, fixed_eur=fixed_eur, budget_eur=budget_eur, whole_pool=whole_pool)
    p = lp.build(scenario, projects)  # the version-1 view: per-region sums and shares
    budget = scenario.budget_eur if budget_eur is None else budget_eur
    all_or_nothing = scenario.mode == Mode.ALL_OR_NOTHING
    robust_lp = scenario.uncertainty.robust
    if robust_lp:
        deviation = robust.deviation(f, projects, scenario.uncertainty)
        gamma = robust.budget(scenario.uncertainty, projects)
        optimum = robust.solve_lp(f, deviation, gamma, time_limit_s, sift_above=sift_above)
    else:
        optimum = columns.solve_lp(f, time_limit_s, sift_above=sift_above)
    status = optimum.status
    method = f"LP: {optimum.method}"
    info = _Info(start, method, optimum.options, optimum.iterations)
    if status == "infeasible":
        return infeasible(scenario, projects, p, f, info, deadline, budget)
    if status != "optimal":
        message = f"No allocation within the {time_limit_s:g} s time limit."
        if status != "time_limit":
            message = f"The solver failed ({optimum.status_text})."
        code = Status.TIME_LIMIT if status == "time_limit" else Status.ERROR
        return empty(scenario, projects, p, code, message, info.solver(), budget)
    x_lp, row_dual, col_dual = optimum.x, optimum.row_dual, optimum.reduced
    x = x_lp
    result_status = Status.OPTIMAL
    mip_gap = None
    if all_or_nothing:
        g, g_x, g_reduced = f, x_lp, col_dual
        if robust_lp:  # the robust rows join the MILP, whose objective is the robust one
            g = robust.augmented(f, deviation, gamma)
            g_x = robust.lifted(x_lp, deviation, gamma)
            g_reduced = np.concatenate([col_dual, np.zeros(len(g.cost) - len(f.cost))])
        whole = _whole(g, g_x, g_reduced, deadline - time.perf_counter(), mip_rel_gap)
        info = replace(
            info,
            method=f"{method}; all-or-nothing: HiGHS MILP (x_i = cap_i z_i, z_i binary) over the "
            f"{whole.free} projects closest to the LP margin, the others fixed by reduced-cost "
            "fixing",
            options={"lp": info.options, "milp": whole.options, "mip_rel_gap": mip_rel_gap},
        )
        if whole.status == "infeasible":
            return infeasible(scenario, projects, p, f, info, deadline, budget, whole_only=True)
        if whole.x is None:
            message = f"No all-or-nothing allocation within the {time_limit_s:g} s time limit."
            return empty(scenario, projects, p, Status.TIME_LIMIT, message, info.solver(), budget)
        x, mip_gap = whole.x[: len(f.cost)], whole.gap
        result_status = Status.OPTIMAL if whole.status == "optimal" else Status.FEASIBLE
    alloc, regional_g = whole_euros(x, f, budget)
    outcome = report.allocated(p, projects, alloc)
    jobs, spent = outcome["jobs"], outcome["spent_eur"]
    state = spent - int(regional_g.sum())
    unspent = budget - state
    by_region = {code: int(v) for code, v in zip(f.regional_codes, regional_g, strict=True)}
    funding, regional_eur = criteria_.funding(projects, alloc, by_region, scenario.co_funding)
    prices = binding(f, x_lp, row_dual, col_dual, projects, all_or_nothing, robust=robust_lp)
    c = scenario.constraints
    floors = {
        "fragile_share": c.fragile_share_min,
        "decarbonisation_share": c.decarbonisation_share_min,
        "fragile_project_share": c.fragile_project_share_min,
        **{f"sector_{name}": share for name, share in c.sectors.items()},
    }
    useful = bool(((f.cost[: f.n] > 0) & (alloc < np.rint(f.upper[: f.n] * M))).any())
    jobs_only = f.weights["jobs_created"] == 1.0
    reasons = report.unspent_reasons(
        prices, floors, unspent, budget / M, all_or_nothing, useful, jobs_only
    )
    fragile, decarb = outcome["fragile_share"], outcome["decarbonisation_share"]
    fragile_n = outcome["fragile_project_share"]
    message = report.message(
        result_status, jobs, spent, fragile, decarb, mip_gap, unspent, reasons, all_or_nothing
    )
    if funding.regional_eur:
        message = message[:-1] + f"; {funding.regional_eur / M:,.1f} M EUR of it regional."
    locked, kept = _locked(scenario, projects)
    message = message[:-1] + locked_note(locked, kept) + "."
    message += _project_share_note(scenario, fragile_n, all_or_nothing)
    message += _undeclared_note(scenario, f)
    explanations = Explanations(
        jobs_per_meur=f.cost[: f.n].copy(),
        threshold=f.cost[: f.n] - col_dual[: f.n],
        cap_eur=f.cap_eur,
        source="LP relaxation" if all_or_nothing else "LP optimum",
        scores={} if scenario.objective.jobs_only else dict(f.scores),
    )
    result = Result(
        status=result_status,
        message=message,
        **outcome,
        unspent_eur=unspent,
        budget_eur=budget,
        binding=prices,
        baselines=(),
        diagnosis=None,
        solver=info.solver(mip_gap),
        mode=str(scenario.mode),
        unspent_reasons=reasons,
        fractional_projects=int(
            ((x_lp[: f.n] > 1e-9) & (x_lp[: f.n] < f.upper[: f.n] - 1e-9)).sum()
        ),
        explanations=explanations,
        criteria=criteria_.criteria(projects, alloc, f.weights),
        funding=funding,
        regional_eur=regional_eur,
        locked_eur=locked,
        locked_projects=kept,
    )
    forced_out = np.zeros(f.n, dtype=np.bool_)
    group = f.group("force_out")
    forced_out[list(group.columns if group is not None else ())] = True
    k = scenario.controls.next_in_line
    listed = explain.next_in_line(result, projects, k, excluded=forced_out)
    return replace(result, next_in_line=listed)


def _locked(scenario: Scenario, projects: ProjectColumns) -> tuple[int, int]:
    """The euros and the number of the awards already made that the controls keep (not those of
    earlier review rounds, which reach the engine as ``fixed_eur``)."""
    if not scenario.controls.lock_awards:
        return 0, 0
    locks = locked_eur(scenario, projects, None)
    kept = locks > 0
    return int(locks[kept].sum()), int(kept.sum())


def locked_note(locked_eur: int, projects: int) -> str:
    """ "; 700 awards already made kept: 364.7 M EUR of it" (of the money spent), or nothing."""
    if projects == 0:
        return ""
    awards = "1 award" if projects == 1 else f"{projects:,} awards"
    return f"; {awards} already made kept: {locked_eur / M:,.1f} M EUR of it"


def _project_share_note(scenario: Scenario, fragile_n: float, all_or_nothing: bool) -> str:
    """The floor on the share of projects counts a partly funded project by its funded fraction;
    the result counts every project with aid as one: say so when the two disagree."""
    floor = scenario.constraints.fragile_project_share_min
    if all_or_nothing or floor <= 0 or fragile_n >= floor - 1e-9:
        return ""
    return (
        f" The floor on fragile projects ({100 * floor:.1f} %) counts a partly funded project by "
        f"its funded fraction: {100 * fragile_n:.1f} % of the funded projects are fragile when "
        "every project with aid counts as one; all-or-nothing mode counts whole projects."
    )


def _undeclared_note(scenario: Scenario, f: Formulation) -> str:
    """A weighted criterion that no competing project declares weighs nothing: say so."""
    given = scenario.objective.weights
    left = [k for k in CRITERIA if given.get(k, 0.0) > 0 and f.weights[k] == 0]
    if not left:
        return ""
    named = " and ".join(f"{k} (no competing project declares any {DECLARED[k]})" for k in left)
    return f" Not weighed: {named}."


def whole_euros(x: Floats, f: Formulation, budget_eur: int) -> tuple[Ints, Ints]:
    """Each project's aid and each region's regional euros, in whole euros within their bounds and
    the State budget (rounding's few extra euros come off the largest free allocations, as
    report.euros does)."""
    n = f.n
    upper = np.rint(f.upper * M).astype(np.int64)
    whole = np.minimum(np.rint(np.maximum(x, 0.0) * M).astype(np.int64), upper)
    alloc, regional = whole[:n], whole[n:]
    excess = int(alloc.sum()) - int(regional.sum()) - budget_eur
    if excess <= 0:
        return alloc, regional
    free = np.where(f.lower[:n] < f.upper[:n], alloc, 0)
    for i in np.argsort(-free, kind="stable"):
        if excess <= 0:
            break
        cut = min(excess, int(free[i]))
        alloc[i] -= cut
        excess -= cut
    return alloc, regional


@dataclass(frozen=True, eq=False)
class _Whole:
    status: str
    x: Floats | None
    gap: float | None
    options: dict[str, object]
    free: int = 0


def _whole(
    f: Formulation,
    lp_x: Floats,
    lp_reduced: Floats,
    time_limit_s: float,
    mip_rel_gap: float,
) -> _Whole:
    """The all-or-nothing MILP: a free project's column becomes z_i = x_i / cap_i, binary.

    As in simulation/milp.py, HiGHS sees only the fractional projects and those cheapest to move
    off their LP side; the others stay there while their reduced costs prove that moving any of
    them loses more against the LP bound than the incumbent's gap (reduced-cost fixing)."""
    deadline = time.perf_counter() + time_limit_s
    n = f.n
    scale = np.ones(len(f.cost))
    binary = np.zeros(len(f.cost), dtype=np.bool_)
    binary[:n] = ((f.lower[:n] < f.upper[:n]) | (f.upper[:n] == 0)) & (f.cap_eur > 0)
    scale[binary] = f.cap_eur[binary[:n]] / M
    # Bounds of a binary column: 0..1, or 0..0 when forced out.
    lower = np.where(binary, np.rint(f.lower / scale), f.lower)
    upper = np.where(binary, np.rint(f.upper / scale), f.upper)
    matrix = sp.csc_matrix(f.matrix @ sp.diags(scale))
    bound = float(f.cost @ lp_x)  # the LP optimum bounds every whole allocation
    at_cap = (lp_x > 1e-9) & (lp_x >= f.upper - 1e-9)  # a forced-out project is at 0, not its cap
    fractional = binary & (lp_x > 1e-9) & ~at_cap
    # What moving a project off its LP side costs against the bound: a right-signed reduced cost.
    loss = np.where(at_cap, np.maximum(lp_reduced, 0.0), np.maximum(-lp_reduced, 0.0)) * scale
    loss[fractional] = -1.0  # always free
    movable = np.flatnonzero(binary)
    order = movable[np.argsort(loss[movable], kind="stable")]
    size = min(max(FIRST_FREE, 4 * int(fractional.sum())), len(order))
    # The gap that matters is on the whole objective, not on the small free part.
    gaps: dict[str, object] = {"mip_rel_gap": mip_rel_gap, "mip_abs_gap": mip_rel_gap * abs(bound)}
    best_x: Floats | None = None
    best = -np.inf
    while True:
        fixed = order[size:]
        lo, hi = lower.copy(), upper.copy()
        lo[fixed] = hi[fixed] = at_cap[fixed]
        model = Model(gaps)
        model.load(f.cost * scale, lo, hi, matrix, f.row_lower, f.row_upper, f.row_names, binary)
        if best_x is not None:  # the last incumbent fits: only more projects are free
            model.set_start(best_x / scale)
        run = model.run(deadline - time.perf_counter())
        if model.has_solution() and model.objective() > best + 1e-9:
            z = model.values()
            best_x, best = np.where(binary, np.rint(z) * scale, z), model.objective()
        restricted = -np.inf if run == "infeasible" else model.mip_bound()
        # Moving any fixed project loses at least its loss against the LP bound.
        outside = bound - float(loss[fixed].min()) if len(fixed) else -np.inf
        proven_bound = min(bound, max(restricted, outside))
        proven = best_x is not None and proven_bound - best <= max(
            mip_rel_gap * abs(proven_bound), GAP_TOL
        )
        everyone = size >= len(order)
        if proven or everyone or run == "time_limit" or time.perf_counter() >= deadline:
            break
        grown = next_size(size, loss[order], bound, best, mip_rel_gap)
        if best_x is not None and grown > MAX_FREE:
            break
        size = min(grown, len(order))
    if best_x is None:
        return _Whole("infeasible" if run == "infeasible" else "time_limit", None, None, gaps, size)
    gap = max(proven_bound - best, 0.0) / max(abs(proven_bound), 1e-9)
    done = "optimal" if proven or (everyone and run == "optimal") else "feasible"
    return _Whole(done, best_x, gap, dict(model.options), size)


@dataclass(frozen=True)
class _Info:
    """What SolverInfo says of a solve, gathered as it goes."""

    start: float
    method: str
    options: dict[str, object]
    iterations: int

    def solver(self, mip_gap: float | None = None) -> SolverInfo:
        elapsed = time.perf_counter() - self.start
        return SolverInfo(
            NAME, VERSION, self.method, self.options, elapsed, mip_gap, self.iterations
        )


def empty(
    scenario: Scenario,
    projects: ProjectColumns,
    p: lp.Problem,
    status: Status,
    message: str,
    solver: SolverInfo,
    budget_eur: int,
    diagnosis: Diagnosis | None = None,
) -> Result:
    """A result with no allocation (infeasible, out of time, failed), for both engines."""
    return Result(
        status=status,
        message=message,
        **report.allocated(p, projects, np.zeros(len(projects), dtype=np.int64)),
        unspent_eur=budget_eur,
        budget_eur=budget_eur,
        binding=(),
        baselines=(),
        diagnosis=diagnosis,
        solver=solver,
        mode=str(scenario.mode),
    )


def infeasible_message(diagnosis: Diagnosis, head: str = "Infeasible") -> str:
    conflict = " and ".join(diagnosis.conflicts) if diagnosis.conflicts else "the constraints"
    together = " all" if len(diagnosis.conflicts) != 1 else ""
    message = f"{head}: {conflict} cannot{together} hold"
    if not diagnosis.irreducible:
        message += " (the diagnosis ran out of time: this set may not be the smallest)"
    if diagnosis.relaxations:
        message += "; " + " or ".join(r.text for r in diagnosis.relaxations)
    if diagnosis.unsettled:
        message += (
            f"; within the time limit no smallest relaxation was proven for "
            f"{len(diagnosis.unsettled)} of the {len(diagnosis.names)} conflicting constraints"
        )
    return message + "."


def infeasible(
    scenario: Scenario,
    projects: ProjectColumns,
    p: lp.Problem,
    f: Formulation,
    info: _Info,
    deadline: float,
    budget_eur: int,
    *,
    whole_only: bool = False,
) -> Result:
    from simulation.conflicts import diagnose

    diagnosis = diagnose(f, max(deadline - time.perf_counter(), 0.0))
    if whole_only:
        # The LP is feasible: only whole projects conflict.
        diagnosis = replace(
            diagnosis, conflicts=("funding whole projects only", *diagnosis.conflicts)
        )
    info = replace(
        info, method=info.method + "; diagnosis by a deletion filter over the constraints"
    )
    return empty(
        scenario,
        projects,
        p,
        Status.INFEASIBLE,
        infeasible_message(diagnosis),
        info.solver(),
        budget_eur,
        diagnosis,
    )
