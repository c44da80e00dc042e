"""The continuous LP, solved by sifting: only a handful of projects are fractional at the optimum.

HiGHS sees a working set of columns (the best projects by jobs per euro, per floor and per
envelope); reduced costs of every other project are priced in numpy from the row duals, and
projects that would improve the objective are added until none is left. The final basis is then
optimal for the whole problem, and the model stays loaded so that changes re-solve from it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from simulation import lp
from simulation.highs import Model

Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]

SIFT_ABOVE = 0  # sifting pays off from a few hundred projects up
PRICE_TOL = 1e-7


@dataclass(frozen=True, eq=False)
class LpSolution:
    status: str  # "optimal", "infeasible", "time_limit" or a solver message
    x: Floats  # M EUR, one per project
    spend: float
    row_dual: Floats  # jobs per unit of row bound (M EUR)
    reduced: Floats  # jobs per M EUR a project gains (<0: it would cost)
    objective: float
    iterations: int
    rounds: int
    columns: int
    row_sums: Floats  # A x per row: euros in all, to fragile, to decarbonising, per envelope


class LpSolver:
    def __init__(
        self,
        problem: lp.Problem,
        options: dict[str, Any] | None = None,
        feasible: Callable[[], bool] | None = None,
    ) -> None:
        self.problem = problem
        # Exact and cheap (aggregate LP): lets an infeasible scenario stop before the full model.
        self.feasible = feasible
        self.options: dict[str, Any] = dict(options or {})
        self.row_lower = problem.row_lower.copy()
        self.row_upper = problem.row_upper.copy()
        self.spend_column = problem.spend_column.copy()
        self.model: Model | None = None
        self.pending: dict[int, float] = {}  # spend-column coefficients HiGHS has not seen yet
        self.work = np.zeros(0, dtype=np.intp)
        self.in_work = np.zeros(problem.n, dtype=np.bool_)
        self.by_row = problem.matrix.T.tocsr()  # pricing: reduced = jobs_per_meur - A^T y
        self.method = (
            "dual simplex"
            if problem.n <= SIFT_ABOVE
            else "sifting: HiGHS simplex on a working set, numpy pricing"
        )

    def set_floor(self, row: int, share: float) -> None:
        # Passed on to HiGHS at the next solve only: curve points proven without HiGHS skip it.
        self.spend_column[row] = -share
        self.pending[row] = -share

    def set_budget(self, budget_m: float, min_spend_m: float) -> None:
        self.row_upper[lp.BUDGET] = budget_m
        self.row_lower[lp.MIN_SPEND] = min_spend_m
        if self.model is not None:
            self.model.change_row_bounds(lp.BUDGET, -np.inf, budget_m)
            self.model.change_row_bounds(lp.MIN_SPEND, min_spend_m, np.inf)

    def _initial(self) -> Indices:
        p = self.problem
        if p.n <= SIFT_ABOVE:
            return np.arange(p.n, dtype=np.intp)
        order = p.by_jobs_per_euro
        target = 1.5 * max(self.row_upper[lp.BUDGET], 1e-6)

        def top(mask: npt.NDArray[np.bool_] | None, amount: float) -> Indices:
            # The best projects of the mask until their aid reaches amount: looked for in a
            # prefix of the order that grows until it holds them (a prefix of a running sum
            # is the running sum of the prefix).
            length = 1024
            while True:
                idx = order[:length] if mask is None else order[:length][mask[order[:length]]]
                total = np.cumsum(p.cap[idx])
                if length >= p.n or (len(total) and total[-1] >= amount):
                    return idx[: int(np.searchsorted(total, amount)) + 1]
                length *= 4

        parts = [
            top(None, target),
            top(p.fragile, target),
            top(p.decarbonisation, target),
            top(p.fragile & p.decarbonisation, target),
        ]
        for env in p.envelopes:
            if env.code in p.region_codes:
                in_region = p.region == p.region_codes.index(env.code)
                parts.append(top(in_region, 2.0 * max(env.min_m, 0.05 * target)))
        return np.unique(np.concatenate(parts)).astype(np.intp)

    def _load(self, cols: Indices) -> Model:
        p = self.problem
        model = Model(self.options)
        sub = p.matrix[:, cols]
        spend = sp.csc_matrix(self.spend_column.reshape(-1, 1))
        matrix = sp.hstack([spend, sub], format="csc")
        model.load(
            np.concatenate([[0.0], p.jobs_per_meur[cols]]),
            np.zeros(len(cols) + 1),
            np.concatenate([[np.inf], p.cap[cols]]),
            matrix,
            self.row_lower,
            self.row_upper,
            p.row_names,
        )
        return model

    def _add(self, cols: Indices) -> None:
        assert self.model is not None
        p = self.problem
        self.model.add_columns(
            p.jobs_per_meur[cols], np.zeros(len(cols)), p.cap[cols], p.matrix[:, cols]
        )
        self.work = np.concatenate([self.work, cols])
        self.in_work[cols] = True

    def solve(self, time_limit_s: float) -> LpSolution:
        p = self.problem
        deadline = time.perf_counter() + time_limit_s
        if self.model is None:
            self.work = self._initial()
            self.in_work[:] = False
            self.in_work[self.work] = True
            self.model = self._load(self.work)
        model = self.model
        for row, value in self.pending.items():
            model.change_coeff(row, 0, value)
        self.pending.clear()
        iterations = 0
        rounds = 0
        while True:
            rounds += 1
            status = model.run(deadline - time.perf_counter())
            iterations += model.iterations()
            if status == "infeasible" and len(self.work) < p.n:
                if self.feasible is not None and not self.feasible():
                    return self._empty(status, iterations, rounds)
                # The working set cannot meet an envelope or a floor: give HiGHS everyone.
                self._add(np.flatnonzero(~self.in_work).astype(np.intp))
                continue
            if status != "optimal":
                return self._empty(status, iterations, rounds)
            solution = model.solution()
            y = np.asarray(solution.row_dual, dtype=np.float64)
            reduced = p.jobs_per_meur - self.by_row @ y
            entering = np.flatnonzero((reduced > PRICE_TOL) & ~self.in_work & (p.cap > 0))
            if len(entering) == 0:
                break
            if time.perf_counter() > deadline:
                return self._empty("time_limit", iterations, rounds)
            keep = max(1000, len(self.work) // 2)
            if len(entering) > keep:
                entering = entering[np.argsort(-reduced[entering], kind="stable")[:keep]]
            self._add(np.sort(entering).astype(np.intp))
        values = np.asarray(solution.col_value, dtype=np.float64)
        row_value = np.asarray(solution.row_value, dtype=np.float64)
        x = np.zeros(p.n)
        x[self.work] = np.clip(values[1:], 0.0, p.cap[self.work])
        return LpSolution(
            status="optimal",
            x=x,
            spend=float(values[0]),
            row_dual=y,
            reduced=reduced,
            objective=model.objective(),
            iterations=iterations,
            rounds=rounds,
            columns=len(self.work),
            row_sums=row_value - self.spend_column * values[0],
        )

    def _empty(self, status: str, iterations: int, rounds: int) -> LpSolution:
        n = self.problem.n
        rows = len(self.problem.row_names)
        return LpSolution(
            status,
            np.zeros(n),
            0.0,
            np.zeros(rows),
            np.zeros(n),
            0.0,
            iterations,
            rounds,
            len(self.work),
            np.zeros(rows),
        )
