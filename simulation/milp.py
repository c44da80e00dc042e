"""All-or-nothing funding (x_i in {0, cap_i}) from the LP optimum, with a proven gap.

At the LP optimum only a handful of projects are fractional. Every other project sits at a bound
with reduced cost d_i, and any allocation that moves it loses at least its d_i * cap_i jobs against
the LP bound (reduced-cost fixing). So we solve a small MILP over the fractional projects plus the
K cheapest-to-move ones, all others fixed at their LP value, and bound the full problem by
max(restricted MILP bound, U - min over fixed losses). K grows while the proof is short and time
remains. HiGHS never sees the large dense rows that make its MIP presolve stall.

U is the Lagrangian bound at the LP's row prices y, valid for any y (weak duality), and a loss
counts only a reduced cost of the right sign: a project at 0 loses max(-d_i, 0) * cap_i when
funded, one at its cap loses max(d_i, 0) * cap_i when dropped. A reduced cost of the wrong sign
(within the solver's tolerances) is a possible gain, already inside U, never a loss.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from simulation import lp
from simulation.diagnose import Limits
from simulation.highs import Model
from simulation.projects import ProjectColumns
from simulation.sifting import LpSolution

Floats = npt.NDArray[np.float64]

FIRST_FREE = 50
MAX_FREE = 5000  # beyond this the restricted MILP costs more than the proof it buys
FULL_PRESOLVE_BELOW = 5000
GAP_TOL = 1e-6


@dataclass(frozen=True, eq=False)
class MilpSolution:
    status: str  # "optimal", "feasible" (stopped with a gap), "infeasible", "time_limit"
    x: Floats
    objective: float
    bound: float
    gap: float | None
    free: int
    seconds: float
    options: dict[str, object]
    fixed: int = 0  # projects fixed at their LP value in the last restricted MILP


def solve(
    problem: lp.Problem,
    relaxed: LpSolution,
    time_limit_s: float,
    mip_rel_gap: float = 1e-4,
    first_free: int = FIRST_FREE,
) -> MilpSolution:
    """``first_free``: how many projects the first restricted MILP frees (at least 4 per
    fractional one); the others stay fixed while their reduced costs prove it costs nothing."""
    start = time.perf_counter()
    deadline = start + time_limit_s
    p = problem
    tol = 1e-9
    at_cap = relaxed.x >= p.cap - tol
    reduced = relaxed.reduced  # at the row prices relaxed.row_dual
    upper = lagrangian_bound(p, relaxed.row_dual, reduced)
    # What moving a project off its LP side costs against U: only a right-signed reduced cost.
    loss = np.where(at_cap, np.maximum(reduced, 0.0), np.maximum(-reduced, 0.0)) * p.cap
    fractional = (relaxed.x > tol) & ~at_cap
    loss[fractional] = 0.0
    movable = np.flatnonzero(p.cap > 0)
    order = movable[np.argsort(loss[movable], kind="stable")]
    size = min(max(first_free, 4 * int(fractional.sum())), len(order))
    best_x: Floats | None = None
    best = -np.inf
    bound = upper
    options: dict[str, object] = {}
    status = "time_limit"
    while True:
        free = np.sort(order[:size])
        fixed_loss = float(loss[order[size:]].min()) if size < len(order) else np.inf
        # The gap that matters is on the whole objective, not on the small free part.
        abs_gap = mip_rel_gap * abs(relaxed.objective)
        model, fixed_obj, opts = _restricted(p, relaxed.x, at_cap, free, abs_gap)
        options = opts
        if best_x is not None:
            model.set_start(np.concatenate([[best_x.sum()], (best_x[free] > 0).astype(float)]))
        run = model.run(deadline - time.perf_counter())
        if model.has_solution():
            y = model.values()[1:]
            objective = fixed_obj + model.objective()
            if objective > best + 1e-9:
                x = np.where(at_cap, p.cap, 0.0)
                x[free] = np.where(y > 0.5, p.cap[free], 0.0)
                best_x, best = x, objective
        restricted_bound = (
            fixed_obj + model.mip_bound() if run == "optimal" or model.has_solution() else np.inf
        )
        if run == "infeasible":
            restricted_bound = -np.inf
        bound = min(upper, max(restricted_bound, upper - fixed_loss))
        proven = best_x is not None and bound - best <= max(mip_rel_gap * abs(bound), GAP_TOL)
        out_of_time = time.perf_counter() >= deadline or run == "time_limit"
        if proven or out_of_time or size >= len(order):
            if best_x is not None:
                status = (
                    "optimal" if proven or (run == "optimal" and size >= len(order)) else "feasible"
                )
            elif run == "infeasible" and size >= len(order):
                status = "infeasible"
            break
        grown = next_size(size, loss[order], upper, best, mip_rel_gap)
        if best_x is not None and grown > MAX_FREE and len(order) > MAX_FREE:
            status = "feasible"
            break
        size = min(grown, len(order))
    gap = None if best_x is None else max(bound - best, 0.0) / max(abs(bound), 1e-9)
    return MilpSolution(
        status=status,
        x=best_x if best_x is not None else np.zeros(p.n),
        objective=best if best_x is not None else 0.0,
        bound=bound,
        gap=gap,
        free=size,
        seconds=time.perf_counter() - start,
        options=options,
        fixed=len(order) - size,
    )


def lagrangian_bound(p: lp.Problem, y: Floats, reduced: Floats) -> float:
    """An upper bound on the jobs of any allocation, valid for any row prices y, given the
    reduced costs d = jobs_per_meur - A^T y at those prices (as LpSolution.reduced holds them).

    jobs = y^T r + d_s s + d^T x where r = A x + a_s s are the row activities and d_s = -a_s^T y:
    each term is bounded on its own, r by its row's bounds (tightened by what 0 <= x <= cap and
    0 <= s <= sum(cap) allow, so that every bound is finite).
    """
    most = float(p.cap.sum())
    s_low = np.minimum(p.spend_column * most, 0.0)
    s_high = np.maximum(p.spend_column * most, 0.0)
    low = np.maximum(p.row_lower, s_low)  # every project coefficient is >= 0
    high = np.minimum(p.row_upper, p.matrix @ p.cap + s_high)
    rows = np.where(y > 0, y * high, np.where(y < 0, y * low, 0.0))
    spend_price = -float(p.spend_column @ y)
    bound = float(rows.sum()) + max(spend_price, 0.0) * most + float(np.maximum(reduced, 0) @ p.cap)
    return bound


def next_size(size: int, sorted_loss: Floats, upper: float, best: float, mip_rel_gap: float) -> int:
    """Free every project whose move could still beat the gap, given the best found so far."""
    if not np.isfinite(best):
        return size * 4
    # Fixing project i costs at least loss_i, so the bound U - (smallest fixed loss) meets the
    # gap once every project with a loss below U - best - (most of the allowed gap) is free.
    need = upper - best - 0.9 * mip_rel_gap * abs(upper)
    wanted = int(np.searchsorted(sorted_loss, need, side="right")) + 1
    return int(min(max(wanted, size + 1), size * 4))


def _restricted(
    p: lp.Problem,
    x: Floats,
    at_cap: npt.NDArray[np.bool_],
    free: npt.NDArray[np.intp],
    mip_abs_gap: float,
) -> tuple[Model, float, dict[str, object]]:
    fixed_on = at_cap.copy()
    fixed_on[free] = False
    contribution = p.matrix @ np.where(fixed_on, p.cap, 0.0)
    fixed_obj = float(p.jobs_per_meur[fixed_on] @ p.cap[fixed_on])
    scaled = p.matrix[:, free] @ sp.diags(p.cap[free])
    spend = sp.csc_matrix(p.spend_column.reshape(-1, 1))
    matrix = sp.hstack([spend, scaled], format="csc")
    options: dict[str, object] = {
        "presolve": "on" if len(free) < FULL_PRESOLVE_BELOW else "off",
        "mip_rel_gap": 0.0,
        "mip_abs_gap": mip_abs_gap,
    }
    model = Model(options)
    integer = np.ones(len(free) + 1, dtype=np.bool_)
    integer[0] = False
    model.load(
        np.concatenate([[0.0], p.jobs_per_meur[free] * p.cap[free]]),
        np.zeros(len(free) + 1),
        np.concatenate([[np.inf], np.ones(len(free))]),
        matrix,
        p.row_lower - contribution,
        p.row_upper - contribution,
        p.row_names,
        integer=integer,
    )
    return model, fixed_obj, dict(model.options)


def whole_feasible(
    problem: lp.Problem, projects: ProjectColumns, limits: Limits, time_limit_s: float
) -> bool | None:
    """Can whole projects meet these limits? None when HiGHS could not tell in its time.

    Used to diagnose all-or-nothing infeasibility."""
    p = problem
    lower, upper = p.row_lower.copy(), p.row_upper.copy()
    spend = p.spend_column.copy()
    upper[lp.BUDGET] = limits.budget_m
    lower[lp.MIN_SPEND] = limits.min_spend_m
    spend[lp.FRAGILE] = -limits.fragile_min
    spend[lp.DECARBONISATION] = -limits.decarbonisation_min
    mins, maxs = dict(limits.region_min), dict(limits.region_max)
    for env in p.envelopes:
        lower[env.row] = mins.get(env.code, 0.0)
        upper[env.row] = maxs.get(env.code, np.inf)
    cap = lp.caps_eur(projects, limits.max_aid_intensity) / lp.M
    matrix = sp.hstack(
        [sp.csc_matrix(spend.reshape(-1, 1)), p.matrix @ sp.diags(cap)], format="csc"
    )
    model = Model({"presolve": "on" if p.n < FULL_PRESOLVE_BELOW else "off", "mip_rel_gap": 1.0})
    integer = np.ones(p.n + 1, dtype=np.bool_)
    integer[0] = False
    model.load(
        np.zeros(p.n + 1),
        np.zeros(p.n + 1),
        np.concatenate([[np.inf], np.ones(p.n)]),
        matrix,
        lower,
        upper,
        p.row_names,
        integer=integer,
    )
    status = model.run(time_limit_s)
    if model.has_solution():
        return True
    return False if status == "infeasible" else None
