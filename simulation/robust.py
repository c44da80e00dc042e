"""The robust objective: the jobs left when at most Gamma funded projects fall to their 10th
percentile at once (a budget of uncertainty, Bertsimas and Sim 2004), as one LP.

Project i's score per M EUR is s_i (the formulation's cost); falling to its 10th percentile takes
d_i per M EUR off it. The worst case of an allocation x over any Gamma projects is
``max sum_i d_i x_i u_i`` over 0 <= u_i <= 1, sum u_i <= Gamma, whose dual turns the robust
problem into one LP over the general formulation's columns and rows plus a column p_i per project
that can deviate, one column z, and one row per such project:

    maximise  sum_i s_i x_i - Gamma z - sum_i p_i
    s.t.      p_i + z - d_i x_i >= 0,  p_i >= 0,  z >= 0,  and the formulation's own rows.

Up to columns.SIFT_ABOVE projects HiGHS solves it whole. Above, by column generation over projects
as simulation/columns.py does: a project in the working set brings x_i, p_i and its row; outside
projects are priced in numpy. An outside project's row p_i + z >= d_i x_i is slack at x_i = 0 when
z > 0, so its row's dual is 0 and it prices as s_i - A_i^T y; when z = 0 the row binds and its dual
w_i can take any value in [0, 1] (signs flipped) while the sum of all w_i stays at most Gamma: the
project prices out when s_i - A_i^T y <= d_i w_i has such a solution.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from simulation import columns, uncertainty
from simulation.columns import PRICE_TOL, LpOptimum, working_set
from simulation.formulation import Floats, Formulation, Ints, M
from simulation.highs import Model
from simulation.levers import Uncertainty
from simulation.projects import ProjectColumns
from simulation.result import Result, Robustness, Status
from simulation.scenario import Scenario

Indices = columns.Indices
PRIMAL = 4  # HiGHS's simplex_strategy for the primal simplex
# The dual simplex's Devex pricing: a fifth faster than its steepest edge on the whole robust LP of
# bench/robust.py's 1,600 projects (74 iterations instead of 79, each cheaper), as fast at 160,000.
OPTIONS: dict[str, object] = {**columns.OPTIONS, "simplex_dual_edge_weight_strategy": 1}


def deviation(f: Formulation, projects: ProjectColumns, u: Uncertainty) -> Floats:
    """d_i: what project i's score per M EUR loses when its jobs created fall from the declared
    figure to its 10th percentile (weighted as the objective weighs jobs created; 0 when the 10th
    percentile is not below the figure, or when the project requests no aid)."""
    aid = projects.aid_requested_eur.astype(np.float64)
    low = uncertainty.low_jobs(projects, u.realisation_rate)
    fall = np.maximum(projects.jobs_created.astype(np.float64) - low, 0.0)
    per_meur = np.where(aid > 0, fall * M / np.maximum(aid, 1.0), 0.0)
    return np.asarray(f.weights["jobs_created"] * per_meur, dtype=np.float64)


def budget(u: Uncertainty, projects: ProjectColumns) -> float:
    """Gamma: the scenario's robust_budget, else the square root of the competing projects (those
    that request aid)."""
    if u.robust_budget is not None:
        return float(u.robust_budget)
    return math.sqrt(float((projects.aid_requested_eur > 0).sum()))


def method_text(gamma: float, method: str) -> str:
    return f"robust (budget of uncertainty Gamma = {gamma:.4g}): {method}, with the robust rows"


def solve_lp(
    f: Formulation,
    d: Floats,
    gamma: float,
    time_limit_s: float,
    *,
    sift_above: int = columns.SIFT_ABOVE,
) -> LpOptimum:
    """The robust optimum as an LpOptimum over f's own columns and rows: x, the row duals of f's
    rows, reduced costs with the robust rows' duals folded in (s_i - A_i^T y - d_i w_i), the
    robust objective. Column generation above ``sift_above`` projects."""
    if f.n <= sift_above or f.n == 0:
        everything = np.arange(len(f.cost), dtype=np.intp)
        return _generated(f, d, gamma, time_limit_s, everything, columns.WHOLE)
    return _generated(f, d, gamma, time_limit_s, working_set(f), columns.SIFTED)


def augmented(f: Formulation, d: Floats, gamma: float) -> Formulation:
    """f with the columns p_i (one per project with d_i > 0), z, and the robust rows appended
    after its own: its groups, rows and columns keep their indices."""
    deviating = np.flatnonzero(d > 0)
    k, columns_f, rows_f = len(deviating), len(f.cost), len(f.row_names)
    z = columns_f + k
    r = np.arange(k)
    triplets = (
        np.concatenate([-d[deviating], np.ones(k), np.ones(k)]),
        (
            np.concatenate([r, r, r]),
            np.concatenate([deviating, columns_f + r, np.full(k, z)]),
        ),
    )
    robust_rows = sp.csr_matrix(triplets, shape=(k, z + 1))
    matrix = sp.vstack([sp.hstack([f.matrix, sp.csc_matrix((rows_f, k + 1))]), robust_rows])
    new_upper = np.full(k + 1, np.inf)
    return replace(
        f,
        cost=np.concatenate([f.cost, -np.ones(k), [-gamma]]),
        lower=np.concatenate([f.lower, np.zeros(k + 1)]),
        upper=np.concatenate([f.upper, new_upper]),
        free_upper=np.concatenate([f.free_upper, new_upper]),
        matrix=sp.csc_matrix(matrix),
        row_lower=np.concatenate([f.row_lower, np.zeros(k)]),
        row_upper=np.concatenate([f.row_upper, np.full(k, np.inf)]),
        row_names=f.row_names + tuple(f"robust_{i}" for i in deviating),
    )


def lifted(x: Floats, d: Floats, gamma: float) -> Floats:
    """x (over f's columns) with the best p and z appended in ``augmented``'s order: z is the
    (floor(Gamma) + 1)-th largest d_i x_i, p_i what each exceeds it by."""
    deviating = np.flatnonzero(d > 0)
    falls = d[deviating] * np.maximum(x[deviating], 0.0)
    order = np.sort(falls)[::-1]
    at = math.floor(gamma)
    z = float(order[at]) if at < len(order) else 0.0
    return np.concatenate([x, np.maximum(falls - z, 0.0), [z]])


def protection(falls: Floats, gamma: float) -> float:
    """The worst case's loss: the floor(Gamma) largest falls and the fractional rest of the next."""
    order = np.sort(np.maximum(falls, 0.0))[::-1]
    whole = min(math.floor(gamma), len(order))
    loss = float(order[:whole].sum())
    if whole < len(order):
        loss += (gamma - math.floor(gamma)) * float(order[whole])
    return loss


def worst_case_jobs(
    projects: ProjectColumns, allocation_eur: Ints, u: Uncertainty, gamma: float
) -> float:
    """The allocation's jobs created (pro rata, as the engine counts) when the Gamma funded
    projects that would lose the most fall to their 10th percentile."""
    aid = projects.aid_requested_eur.astype(np.float64)
    share = np.where(aid > 0, np.asarray(allocation_eur, dtype=np.float64) / np.maximum(aid, 1), 0)
    jobs = projects.jobs_created.astype(np.float64)
    low = uncertainty.low_jobs(projects, u.realisation_rate)
    falls = np.maximum(jobs - low, 0.0) * share
    return float(jobs @ share) - protection(falls, gamma)


class _Working:
    """The HiGHS model of the column generation and where each part of it sits: f's rows, then
    the robust rows as projects come in; the working set's columns, z, then each project's x_i
    and p_i as it comes in. Built by appending to f's own matrix: no augmented copy of it."""

    def __init__(self, f: Formulation, d: Floats, gamma: float, work: Indices) -> None:
        self.f, self.d = f, d
        self.model = Model(OPTIONS)
        self.x_at = np.full(len(f.cost), -1, dtype=np.intp)  # model column of each f column
        self.columns = len(work) + 1
        self.rows = len(f.row_names)
        self.x_at[work] = np.arange(len(work))
        self.z = len(work)  # z comes right after the first working set
        sub = f.matrix if len(work) == len(f.cost) else f.matrix[:, work]
        self.model.load(
            f.cost[work], f.lower[work], f.upper[work], sub, f.row_lower, f.row_upper, f.row_names
        )
        self.model.add_columns(
            np.array([-gamma]), np.zeros(1), np.full(1, np.inf), sp.csc_matrix((self.rows, 1))
        )
        self._robust_rows(work[work < f.n])

    def add(self, cols: Indices) -> None:
        """Projects (and regional columns) entering, with their robust rows. The basis stays
        primal feasible (x_i = 0 meets each new row with p_i = 0, z as it is): the primal simplex
        re-solves from it in a fifth of the dual's time on bench/robust.py's 160,000 projects."""
        f = self.f
        self.model.set_option("simplex_strategy", PRIMAL)
        self.model.add_columns(f.cost[cols], f.lower[cols], f.upper[cols], f.matrix[:, cols])
        self.x_at[cols] = self.columns + np.arange(len(cols))
        self.columns += len(cols)
        self._robust_rows(cols[cols < f.n])

    def _robust_rows(self, projects: Indices) -> None:
        """p_i and the row p_i + z - d_i x_i >= 0 for each of ``projects`` that can deviate."""
        deviating = projects[self.d[projects] > 0]
        k = len(deviating)
        if k == 0:
            return
        p = self.columns + np.arange(k)
        empty = sp.csc_matrix((self.rows, k))
        self.model.add_columns(-np.ones(k), np.zeros(k), np.full(k, np.inf), empty)
        self.columns += k
        r = np.arange(k)
        values = np.concatenate([-self.d[deviating], np.ones(k), np.ones(k)])
        at = np.concatenate([self.x_at[deviating], p, np.full(k, self.z)])
        where = (np.concatenate([r, r, r]), at)
        rows = sp.csr_matrix((values, where), shape=(k, self.columns))
        self.model.add_rows(np.zeros(k), np.full(k, np.inf), rows)
        self.rows += k


def _generated(
    f: Formulation, d: Floats, gamma: float, time_limit_s: float, work: Indices, method: str
) -> LpOptimum:
    """Column generation from ``work`` (every column: HiGHS solves the whole LP once)."""
    deadline = time.perf_counter() + time_limit_s
    columns_f, rows_f = len(f.cost), len(f.row_names)
    by_column = f.matrix.T.tocsr()
    in_work = np.zeros(columns_f, dtype=np.bool_)
    in_work[work] = True
    w = _Working(f, d, gamma, work)
    can_enter = f.upper > 0
    iterations = rounds = 0
    method = method_text(gamma, method)
    while True:
        rounds += 1
        status = w.model.run(deadline - time.perf_counter())
        iterations += w.model.iterations()
        if status == "infeasible" and len(work) < columns_f:
            # The working set cannot meet a floor or an envelope: give HiGHS every column.
            rest = np.flatnonzero(~in_work).astype(np.intp)
            w.add(rest)
            work = np.concatenate([work, rest])
            in_work[rest] = True
            continue
        if status != "optimal":
            return _failed(f, w.model, status, iterations, method, rounds, len(work))
        solution = w.model.solution()
        y = np.asarray(solution.row_dual, dtype=np.float64)
        col_dual = np.asarray(solution.col_dual, dtype=np.float64)
        reduced = f.cost - by_column @ y[:rows_f]
        outside = np.flatnonzero(~in_work & can_enter)
        z = float(solution.col_value[w.z])
        # The slack of z's dual: how much more of Gamma the outside rows' duals may take.
        room = max(-float(col_dual[w.z]), 0.0)
        reduced[outside], entering = _price(reduced[outside], d[outside], z, room)
        entering = outside[entering]
        if len(entering) == 0:
            break
        if time.perf_counter() > deadline:
            return _failed(f, w.model, "time_limit", iterations, method, rounds, len(work))
        keep = max(1000, len(work) // 2)
        if len(entering) > keep:
            entering = entering[np.argsort(-reduced[entering], kind="stable")[:keep]]
        entering = np.sort(entering).astype(np.intp)
        w.add(entering)
        work = np.concatenate([work, entering])
        in_work[entering] = True
    x = np.zeros(columns_f)
    x[work] = np.asarray(solution.col_value, dtype=np.float64)[w.x_at[work]]
    reduced[work] = col_dual[w.x_at[work]]
    return LpOptimum(
        status="optimal",
        status_text=w.model.status_text,
        x=x,
        row_dual=y[:rows_f],
        reduced=reduced,
        objective=w.model.objective(),
        iterations=iterations,
        method=method,
        options=dict(w.model.options),
        rounds=rounds,
        columns=len(work),
    )


def _price(base: Floats, d: Floats, z: float, room: float) -> tuple[Floats, Indices]:
    """Outside projects' reduced costs (s_i - A_i^T y - d_i w_i) and those that must enter.

    z > 0: every outside robust row is slack, w_i = 0. z = 0: each needs w_i = base_i / d_i to
    price out; a need above 1, or needs that together exceed what is left of Gamma, cannot be met:
    then the projects that need the most enter."""
    if z > PRICE_TOL:
        return base, np.flatnonzero(base > PRICE_TOL)
    positive = base > PRICE_TOL
    need = np.where(positive, base / np.where(d > 0, d, 1.0), 0.0)
    need[positive & (d <= 0)] = np.inf
    taken = np.minimum(need, 1.0)
    reduced = base - d * taken
    over = np.flatnonzero(need > 1.0 + PRICE_TOL)
    if len(over) or float(taken.sum()) <= room + PRICE_TOL:
        return reduced, over
    # Within 1 each, but together past Gamma: the largest needs enter until the rest fit.
    order = np.flatnonzero(positive)[np.argsort(-need[positive], kind="stable")]
    enough = np.searchsorted(np.cumsum(need[order]), float(taken.sum()) - room - PRICE_TOL)
    return reduced, order[: int(enough) + 1]


def _failed(
    f: Formulation, model: Model, status: str, iterations: int, method: str, rounds: int, seen: int
) -> LpOptimum:
    zeros = np.zeros(len(f.cost))
    return LpOptimum(status, model.status_text, zeros, np.zeros(len(f.row_names)), zeros.copy(),
                     0.0, iterations, method, dict(model.options), rounds, seen)  # fmt: skip


def priced(
    result: Result, scenario: Scenario, projects: ProjectColumns, *, time_limit_s: float
) -> Result:
    """With the robust objective: ``result`` with its price of robustness, against the same
    scenario solved for expected jobs within ``time_limit_s`` (what the robust solve left of the
    time limit), both ranges drawn with the same seed. Unchanged otherwise: with no draws asked (a
    sweep's ``draws: 0``), or when either solve finds no allocation; when no time is left or the
    comparison runs out of it, its message says the price was not computed."""
    u = scenario.uncertainty
    if not u.robust or u.draws < 1 or result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return result
    if time_limit_s <= 0:
        return _unpriced(result)
    from simulation.solve import MIP_REL_GAP, decide

    plain = replace(scenario, uncertainty=replace(u, objective="expected"))
    expected = decide(
        plain,
        projects,
        time_limit_s=time_limit_s,
        mip_rel_gap=MIP_REL_GAP,
        fixed_eur=None,
        budget_eur=None,
        whole_pool=True,
    )
    if expected.status == Status.TIME_LIMIT:
        return _unpriced(result)
    if expected.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return result
    mine = result.jobs_range
    if mine is None:  # with_ranges draws none for an allocation of nothing
        mine = uncertainty.monte_carlo(projects, np.asarray(result.allocation_eur), u)
    theirs = uncertainty.monte_carlo(projects, np.asarray(expected.allocation_eur), u)
    gamma = budget(u, projects)
    robustness = Robustness(
        budget=gamma,
        expected=theirs,
        expected_jobs_given_up=theirs.mean - mine.mean,
        p10_gained=mine.p10 - theirs.p10,
        worst_case_jobs=worst_case_jobs(projects, np.asarray(result.allocation_eur), u, gamma),
    )
    return replace(result, robustness=robustness)


def _unpriced(result: Result) -> Result:
    """The robust result as it is, its message saying why it carries no price of robustness."""
    note = " The price of robustness was not computed within the time limit."
    return replace(result, message=result.message + note)
