"""Share-floor curves by parametric simplex in numpy, from the basis HiGHS left.

When the whole budget is spent, fix the total-spend column s at the budget S and make it nonbasic:
the floor phi of row k then only moves the right-hand side (sum f_i x_i >= phi * S). The duals do
not depend on phi, so the basis stays dual feasible: a new floor leaves some basic variables out
of their bounds, and a few dual simplex pivots (with bound flipping, ratio test over the sifting
working set) restore optimality. The basis has a few dozen rows and a project's column is one of
4 x regions kinds, so a pivot costs a handful of numpy operations, far less than a HiGHS run.

Every point is returned with its proof: primal bounds hold and the rows add up (checked on the
problem's own matrix, not the updated basis products), every project's reduced cost has the
sign of its bound (those outside the working set checked per kind), and the price of s says
spending the budget (not less) is optimal, which is what makes fixing s exact. Otherwise the walk
gives up (None) and the caller re-solves with HiGHS.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulation import lp
from simulation.sifting import LpSolution, LpSolver

Floats = npt.NDArray[np.float64]

LOWER, BASIC, UPPER = -1, 0, 1
PRIMAL_TOL = 1e-7  # M EUR
RESIDUAL_TOL = 1e-6  # M EUR (one euro): A x + a_s s = r, recomputed from the problem's own matrix
DUAL_TOL = 1e-7  # jobs per M EUR, as the sifting pricing
PIVOT_TOL = 1e-9
MAX_PIVOTS = 2000
FIRST_HEAD = 64
REFACTOR = 32  # pivots between two fresh inverses of the basis (updates in between)


class FloorWalk:
    """A share floor (row ``row``) moved point by point by dual simplex pivots from HiGHS's basis.

    Variables are the n projects then the m row activities r = A x + a_s s.
    """

    def __init__(
        self,
        solver: LpSolver,
        row: int,
        basic: npt.NDArray[np.intp],
        state: npt.NDArray[np.int8],
        swapped: int,
        spend: float,
    ) -> None:
        p = solver.problem
        self.p = p
        self.work = solver.work.copy()
        self.n_all = p.n
        self.n = len(self.work)  # the walk sees the sifting working set; the others stay at 0
        self.m = len(p.row_names)
        self.row = row
        self.swapped = swapped  # the row whose activity became basic when s left the basis
        self.spend = spend
        self.a_s = solver.spend_column.copy()
        # A project's column depends only on its region, fragile and decarbonisation flags
        # (lp.build), so A^T v is a lookup in a table of at most 4 x regions columns.
        kind = p.region * 4 + p.fragile * 2 + p.decarbonisation
        self.kinds = 4 * len(p.region_codes)
        one = np.full(self.kinds, -1)
        one[kind] = np.arange(self.n_all)  # any project of each kind
        self.columns = np.zeros((self.m, self.kinds))
        self.columns[:, one >= 0] = p.matrix[:, one[one >= 0]].toarray()
        self.all_kind = kind
        self.matrix = p.matrix[:, self.work]  # for the residual check of every point
        self.kind = kind[self.work]
        # A project outside the working set stays at 0 while its reduced cost is <= 0, that is
        # while the best of its kind earns no more than the kind's column is worth at the duals.
        outside = p.cap > 0
        outside[self.work] = False
        self.outside_best = np.full(self.kinds, -np.inf)
        np.maximum.at(self.outside_best, kind[outside], p.jobs_per_meur[outside])
        self.jobs_per_meur = p.jobs_per_meur[self.work]
        self.lower = np.concatenate([np.zeros(self.n), solver.row_lower])
        self.upper = np.concatenate([p.cap[self.work], solver.row_upper])
        self.movable = self.upper > self.lower
        self.width = self.upper - self.lower
        self.c = np.concatenate([self.jobs_per_meur, np.zeros(self.m)])
        self.basic = basic
        self.state = state
        # The bound side as a sign (-1 lower, +1 upper), 0 for basic and fixed variables: a
        # reduced cost d is of the right sign when sign * d >= 0.
        self.sign = np.where(self.movable, state, 0).astype(np.float64)
        self.value = np.where(state == UPPER, self.upper, np.where(state == LOWER, self.lower, 0.0))
        self.pivots = 0
        # w = A_N x_N - r_N: everything but the basic variables and s in A x + a_s s - r = 0.
        self.w = self._combination(np.arange(self.n + self.m), self.value)
        self.b = np.column_stack([self._column(int(v)) for v in basic])
        self.binv = np.linalg.inv(self.b)
        self.lo, self.hi = self.lower[basic], self.upper[basic]
        self._refresh()

    @classmethod
    def start(cls, solver: LpSolver, row: int) -> FloorWalk | None:
        """From the optimal basis HiGHS holds for the working set, or None when it does not fit."""
        p = solver.problem
        model = solver.model
        if model is None:
            return None
        basic_cols, basic_rows = model.basic_variables()
        m, k = len(p.row_names), len(solver.work)
        if len(basic_cols) + len(basic_rows) != m or 0 not in basic_cols:
            return None  # the total spend s must be basic: it is about to be fixed
        if lp.BUDGET not in basic_rows:
            swapped, spend = lp.BUDGET, float(solver.row_upper[lp.BUDGET])
        elif lp.MIN_SPEND not in basic_rows:
            swapped, spend = lp.MIN_SPEND, float(solver.row_lower[lp.MIN_SPEND])
        else:
            return None  # s strictly between the minimum spend and the budget
        # Nonbasic variables sit on a bound: the side is read from the solution.
        values = model.values()[1:]
        cap = p.cap[solver.work]
        lower, upper = solver.row_lower, solver.row_upper
        activity = model.row_values()
        near_upper = np.isfinite(upper) & (
            ~np.isfinite(lower) | (np.abs(activity - upper) <= np.abs(activity - lower))
        )
        state = np.concatenate(
            [np.where(values > cap / 2, UPPER, LOWER), np.where(near_upper, UPPER, LOWER)]
        ).astype(np.int8)
        state[basic_cols[basic_cols > 0] - 1] = BASIC
        state[k + basic_rows] = BASIC
        state[k + swapped] = BASIC
        basic = np.flatnonzero(state == BASIC).astype(np.intp)
        bound = np.where(
            state == UPPER, np.concatenate([cap, upper]), np.concatenate([np.zeros(k), lower])
        )
        if len(basic) != m or not np.all(np.isfinite(bound[state != BASIC])):
            return None
        try:
            walk = cls(solver, row, basic, state, swapped, spend)
        except np.linalg.LinAlgError:
            return None
        return walk if walk.dual_feasible() else None

    @property
    def phi(self) -> float:
        return float(-self.a_s[self.row])

    def _column(self, v: int) -> Floats:
        if v < self.n:
            return np.asarray(self.columns[:, self.kind[v]], dtype=np.float64)
        column = np.zeros(self.m)
        column[v - self.n] = -1.0
        return column

    def _combination(self, v: npt.NDArray[np.intp], weights: Floats) -> Floats:
        """sum_j weights_j * column_j, for projects and row activities alike."""
        rows = v >= self.n
        out = -np.bincount(v[rows] - self.n, weights=weights[rows], minlength=self.m)
        by_kind = np.bincount(self.kind[v[~rows]], weights=weights[~rows], minlength=self.kinds)
        return np.asarray(out + self.columns @ by_kind, dtype=np.float64)

    def _refresh(self) -> None:
        self.proven: bool | None = None
        self.objective_nonbasic = float(self.c @ self.value)
        self.y = self.binv.T @ self.c[self.basic]
        self.worth = self.columns.T @ self.y  # y^T a_j for a project of each kind
        # Basic variables get ~0 here and sign 0, so they never count as dual infeasible.
        self.d = np.concatenate([self.jobs_per_meur - self.worth[self.kind], self.y])
        self.z = self.binv @ -(self.w + self.a_s * self.spend)

    def dual_feasible(self) -> bool:
        if (self.sign * self.d).min() < -DUAL_TOL:
            return False
        # A project outside the working set that would now earn: HiGHS re-sifts.
        return bool((self.outside_best - self.worth).max() <= DUAL_TOL)

    def _spend_optimal(self) -> bool:
        self.d_s = float(-(self.a_s @ self.y))  # depends on the floor: s is in the floor rows
        # s sits at the bound the swapped row had: the budget (from above) or the minimum spend.
        s_fixed = self.lower[self.n + lp.MIN_SPEND] >= self.upper[self.n + lp.BUDGET]
        if self.swapped == lp.BUDGET:
            return s_fixed or self.d_s >= -DUAL_TOL
        return s_fixed or self.d_s <= DUAL_TOL

    def move(self, phi: float) -> LpSolution | None:
        """The optimum at floor phi, or None when the walk cannot prove one."""
        self.a_s[self.row] = -phi
        self.z = self.binv @ -(self.w + self.a_s * self.spend)
        while True:
            over, under = self.z - self.hi, self.lo - self.z
            excess = np.maximum(over, under)
            p = int(np.argmax(excess))
            if excess[p] <= PRIMAL_TOL:
                return self._solution()
            if self.pivots >= MAX_PIVOTS or not self._pivot(p, bool(over[p] > 0), excess[p]):
                return None

    def _pivot(self, p: int, to_upper: bool, excess: float) -> bool:
        """One dual simplex iteration with bound flipping: basic variable p leaves the basis at
        the bound it violates."""
        rho = self.binv[p]
        alpha = np.concatenate([(self.columns.T @ rho)[self.kind], -rho])
        # Candidates move the leaving variable back towards its bound from the side they sit on.
        pull = self.sign * alpha if to_upper else -self.sign * alpha
        candidates = np.flatnonzero(pull < -PIVOT_TOL)
        size = np.abs(alpha[candidates])
        # Wrong-signed reduced costs within tolerance count as zero.
        ratio = np.maximum(self.sign[candidates] * self.d[candidates], 0.0) / size
        # Pass over candidates (each to its other bound) while the leaving variable stays
        # infeasible; the first that would overshoot enters the basis. Only the smallest ratios
        # are ever needed, so sort a growing head rather than all of them.
        head = FIRST_HEAD
        while True:
            if head < len(ratio) // 4:
                part = np.argpartition(ratio, head - 1)[:head]
                order = part[np.argsort(ratio[part], kind="stable")]
            else:
                order = np.argsort(ratio, kind="stable")
            width = self.width[candidates[order]]
            k = int(np.searchsorted(np.cumsum(size[order] * width), excess))
            if k < len(order):
                break
            if head >= len(ratio):
                return False  # no basis reaches this floor: infeasible, HiGHS will say so
            head *= 8
        q = int(candidates[order[k]])
        flips = candidates[order[:k]]
        if len(flips):
            shift = -self.sign[flips] * width[:k]
            self.w += self._combination(flips, shift)
            self.value[flips] += shift
            self.state[flips] = -self.state[flips]
            self.sign[flips] = -self.sign[flips]
        leaving = int(self.basic[p])
        bound = self.upper[leaving] if to_upper else self.lower[leaving]
        column = self._column(q)
        self.w += self._column(leaving) * bound - column * self.value[q]
        self.value[leaving], self.value[q] = bound, 0.0
        self.state[leaving] = UPPER if to_upper else LOWER
        self.sign[leaving] = self.state[leaving] if self.movable[leaving] else 0.0
        self.state[q], self.sign[q] = BASIC, 0.0
        self.basic[p] = q
        self.lo[p], self.hi[p] = self.lower[q], self.upper[q]
        self.b[:, p] = column
        self.pivots += 1
        entering = self.binv @ column
        if abs(entering[p]) < PIVOT_TOL or self.pivots % REFACTOR == 0:
            try:
                self.binv = np.linalg.inv(self.b)
            except np.linalg.LinAlgError:
                return False
        else:  # product-form update: row p divided by the pivot, eliminated from the others
            pivot_row = self.binv[p] / entering[p]
            self.binv -= np.outer(entering, pivot_row)
            self.binv[p] = pivot_row
        self._refresh()
        return True

    def _primal_holds(self, values: Floats) -> bool:
        """The point checked against the problem itself, not the basis products that made it:
        every row activity is what the projects and s add up to, and every bound holds."""
        x, r = values[: self.n], values[self.n :]
        residual = self.matrix @ x + self.a_s * self.spend - r
        within = (values >= self.lower - PRIMAL_TOL) & (values <= self.upper + PRIMAL_TOL)
        return bool(np.abs(residual).max() <= RESIDUAL_TOL and within.all())

    def _solution(self) -> LpSolution | None:
        # move() left every basic variable within its bounds; the duals change only at pivots.
        if self.proven is None:
            self.proven = self.dual_feasible()
            self.reduced = self.p.jobs_per_meur - self.worth[self.all_kind]
        if not self.proven or not self._spend_optimal():
            return None  # rounding, a project outside the working set, or a spend below budget
        values = self.value.copy()
        values[self.basic] = self.z
        if not self._primal_holds(values):
            return None  # the updated inverse drifted: HiGHS re-solves
        z = np.clip(self.z, self.lo, self.hi)
        values[self.basic] = z
        x = np.zeros(self.p.n)
        x[self.work] = values[: self.n]
        row_dual = self.y.copy()
        row_dual[self.swapped] = self.d_s  # the price the swapped row has with s basic
        return LpSolution(
            status="optimal",
            x=x,
            spend=self.spend,
            row_dual=row_dual,
            reduced=self.reduced,
            objective=float(self.c[self.basic] @ z + self.objective_nonbasic),
            iterations=self.pivots,
            rounds=0,
            columns=self.n,
            row_sums=values[self.n :] - self.a_s * self.spend,  # rows hold r = A x + a_s s
        )
