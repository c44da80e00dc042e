"""The general engine's LP, by column generation above a few thousand projects.

Few projects are fractional at the optimum and most of the others sit at 0: HiGHS sees a working
set of columns (the regional columns, every column whose bounds a lock or forcing sets, the best
projects by score, and the best members of each floor, envelope minimum and matching rule), the
other columns are priced in numpy from the row duals (cost - A^T y), and those that would improve
the objective enter until none is left. Columns left out sit at their lower bound 0, so the final
basis is optimal for the whole formulation. Below SIFT_ABOVE projects the whole formulation goes
to HiGHS at once, which is faster there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulation.formulation import Floats, Formulation
from simulation.highs import Model

Indices = npt.NDArray[np.intp]

# Measured on bench/levers.py's instances (whole solves): the whole formulation is faster at 1,000
# projects, both take the same time at 1,600-2,000, the working set is faster from 3,000 (5,000:
# 2x) (see docs/benchmarks.md).
SIFT_ABOVE = 2000
PRICE_TOL = 1e-7  # HiGHS's own dual feasibility tolerance
# HiGHS's presolve costs more than it saves on these few dense rows (4x at 16,000 projects).
OPTIONS: dict[str, object] = {"presolve": "off"}
WHOLE = "HiGHS simplex on the whole formulation"
SIFTED = (
    "column generation over the whole formulation: HiGHS simplex on a working set of columns, "
    "numpy pricing of the others"
)


@dataclass(frozen=True, eq=False)
class LpOptimum:
    status: str  # "optimal", "infeasible", "time_limit" or "error"
    status_text: str  # HiGHS's own words for the last run's status
    x: Floats  # per column of the formulation, M EUR (zeros unless optimal)
    row_dual: Floats  # per row
    reduced: Floats  # per column: cost - A^T y, HiGHS's column duals
    objective: float
    iterations: int
    method: str
    options: dict[str, object]
    rounds: int  # HiGHS runs
    columns: int  # columns HiGHS saw at the end


def solve_lp(f: Formulation, time_limit_s: float, *, sift_above: int = SIFT_ABOVE) -> LpOptimum:
    """The continuous optimum of ``f``: the whole formulation up to ``sift_above`` projects,
    column generation above."""
    if f.n <= sift_above or f.n == 0:
        return _whole(f, time_limit_s)
    return _sifted(f, time_limit_s)


def _whole(f: Formulation, time_limit_s: float) -> LpOptimum:
    model = Model(OPTIONS)
    model.load(f.cost, f.lower, f.upper, f.matrix, f.row_lower, f.row_upper, f.row_names)
    status = model.run(time_limit_s)
    if status != "optimal":
        return _failed(f, model, status, model.iterations(), WHOLE, 1, len(f.cost))
    solution = model.solution()
    return LpOptimum(
        status=status,
        status_text=model.status_text,
        x=np.asarray(solution.col_value, dtype=np.float64),
        row_dual=np.asarray(solution.row_dual, dtype=np.float64),
        reduced=np.asarray(solution.col_dual, dtype=np.float64),
        objective=model.objective(),
        iterations=model.iterations(),
        method=WHOLE,
        options=dict(model.options),
        rounds=1,
        columns=len(f.cost),
    )


def _sifted(f: Formulation, time_limit_s: float) -> LpOptimum:
    deadline = time.perf_counter() + time_limit_s
    columns = len(f.cost)
    by_column = f.matrix.T.tocsr()  # pricing: reduced = cost - A^T y
    work = working_set(f)
    in_work = np.zeros(columns, dtype=np.bool_)
    in_work[work] = True
    model = Model(OPTIONS)
    sub = f.matrix[:, work]
    model.load(f.cost[work], f.lower[work], f.upper[work], sub, f.row_lower, f.row_upper,
               f.row_names)  # fmt: skip
    # Only a column outside the working set with room above its lower bound 0 can enter.
    can_enter = f.upper > 0
    iterations = 0
    rounds = 0
    while True:
        rounds += 1
        status = model.run(deadline - time.perf_counter())
        iterations += model.iterations()
        if status == "infeasible" and len(work) < columns:
            # The working set cannot meet a floor or an envelope: give HiGHS every column.
            rest = np.flatnonzero(~in_work).astype(np.intp)
            _add(model, f, rest)
            work = np.concatenate([work, rest])
            in_work[rest] = True
            continue
        if status != "optimal":
            return _failed(f, model, status, iterations, SIFTED, rounds, len(work))
        solution = model.solution()
        y = np.asarray(solution.row_dual, dtype=np.float64)
        reduced = f.cost - by_column @ y
        entering = np.flatnonzero((reduced > PRICE_TOL) & ~in_work & can_enter)
        if len(entering) == 0:
            break
        if time.perf_counter() > deadline:
            return _failed(f, model, "time_limit", iterations, SIFTED, rounds, len(work))
        # Many at once early on would load HiGHS with columns a later price would not pick.
        keep = max(1000, len(work) // 2)
        if len(entering) > keep:
            entering = entering[np.argsort(-reduced[entering], kind="stable")[:keep]]
        entering = np.sort(entering).astype(np.intp)
        _add(model, f, entering)
        work = np.concatenate([work, entering])
        in_work[entering] = True
    x = np.zeros(columns)
    x[work] = np.asarray(solution.col_value, dtype=np.float64)
    reduced[work] = np.asarray(solution.col_dual, dtype=np.float64)
    return LpOptimum(
        status="optimal",
        status_text=model.status_text,
        x=x,
        row_dual=y,
        reduced=reduced,
        objective=model.objective(),
        iterations=iterations,
        method=SIFTED,
        options=dict(model.options),
        rounds=rounds,
        columns=len(work),
    )


def _add(model: Model, f: Formulation, cols: Indices) -> None:
    model.add_columns(f.cost[cols], f.lower[cols], f.upper[cols], f.matrix[:, cols])


def _failed(
    f: Formulation, model: Model, status: str, iterations: int, method: str, rounds: int, seen: int
) -> LpOptimum:
    zeros = np.zeros(len(f.cost))
    return LpOptimum(
        status=status,
        status_text=model.status_text,
        x=zeros,
        row_dual=np.zeros(len(f.row_names)),
        reduced=zeros.copy(),
        objective=0.0,
        iterations=iterations,
        method=method,
        options=dict(model.options),
        rounds=rounds,
        columns=seen,
    )


def working_set(f: Formulation) -> Indices:
    """The columns HiGHS sees first, sorted.

    Always: the regional columns, and every column whose bounds a lock or forcing sets (a column
    left out sits at 0, which such a column may not). Then the best projects by score until their
    caps reach 1.5x the money (the budget and the contributions), and for each row with a lower
    bound (a floor, an envelope's minimum, a matching rule, the minimum spend) the best projects
    that count towards it until they can meet it twice over (a floor: the same 1.5x the money)."""
    n = f.n
    cap = f.free_upper[:n]
    money = 1.5 * max(f.budget_m + float(f.free_upper[n:].sum()), 1e-6)
    order = np.argsort(-f.cost[:n], kind="stable")
    rank = np.empty(n, dtype=np.intp)
    rank[order] = np.arange(n)
    parts = [
        np.arange(n, len(f.cost)),
        np.flatnonzero((f.lower > 0) | (f.upper != f.free_upper)),
        _best(order, cap, money),
    ]
    rows = f.matrix.tocsr()
    for r in np.flatnonzero(np.isfinite(f.row_lower)):
        cols = rows.indices[rows.indptr[r] : rows.indptr[r + 1]]
        values = rows.data[rows.indptr[r] : rows.indptr[r + 1]]
        project = cols < n
        counts = project & (values > 0)
        by_score = np.argsort(rank[cols[counts]], kind="stable")
        members = cols[counts][by_score]
        towards = values[counts][by_score] * cap[members]  # what each can do for the row
        lower = float(f.row_lower[r])
        if lower <= 0 and not (values < 0).any():
            continue  # met at 0: an envelope with a maximum only
        # A matching rule: what its regional columns may take away from the row.
        taken = -float((values[~project] * f.upper[cols[~project]]).sum())
        if lower > 0:  # an envelope's minimum, the minimum spend
            parts.append(_best(members, towards, 2.0 * lower))
        elif taken > 0:  # no more than a floor would take either
            parts.append(
                _best(members, towards, 2.0 * taken)[: len(_best(members, cap[members], money))]
            )
        else:  # a floor on a share
            parts.append(_best(members, cap[members], money))
    return np.unique(np.concatenate(parts)).astype(np.intp)


def _best(members: Indices, weights: Floats, amount: float) -> Indices:
    """The first of ``members`` (best first) until their weights reach ``amount``."""
    total = np.cumsum(weights)
    return members[: int(np.searchsorted(total, amount)) + 1]
