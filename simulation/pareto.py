"""The Pareto front of two criteria, by the epsilon-constraint method on one warm HiGHS model.

Each criterion k sums rate_k,i * x_i over the projects, rate_k,i being project i's jobs created,
jobs kept, tCO2e a year or investment per M EUR of aid requested (formulation.rates; x_i in M EUR,
so a partly funded project counts pro rata, as the jobs of a result do), under every constraint of
the scenario (formulation.build: floors, envelopes, co-funding, locks, forcing). Review rounds are
not played: the front allocates at once the money the rounds release, as their hindsight optimum
does, and says so in ``Front.note``. The front walks the second criterion y from its value at
the optimum of x up to its own maximum, in evenly spaced floors epsilon:

1. maximise x subject to y >= epsilon (the scenario's constraints all hold): X;
2. maximise y subject to x >= X minus a tiny tolerance: Y. This lexicographic second solve
   proves (X, Y) efficient: no allocation has more of both.

The model is loaded once. The first solves walk the floors upwards, only the floor row's bound
moving, so each is a few dual simplex pivots from the last basis; the second solves then walk
back, only the bound of the row holding x moving: the objective changes twice in all.

When the floor has a positive price p at the first optimum, the second solve needs no run: the
first solve's duals divided by p are feasible duals of the second problem with the same signs
(its reduced costs are the first ones over p, the row holding x takes 1/p), so the first optimum
is already the second one, and efficient (it maximises x + p * y). HiGHS runs the second solve
only when that price is zero or too small to trust (``always_second_solve`` runs it every time).

A floor the previous optimum already meets gives that point again without a solve; a point equal
to its neighbour is marked a duplicate, and one whose second solve stops short is unproven.

The leverage criterion is on the front as the investment it mobilises, in euros: a sum over the
projects, linear in the allocation as the epsilon-constraint method needs. Results report
leverage as a ratio (euros of investment per euro of public aid), which is not linear; the front
labels that axis "investment mobilised (EUR)" (LABELS, UNITS), never "leverage".
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from simulation import formulation, lp
from simulation.errors import EngineError
from simulation.highs import Model
from simulation.levers import CRITERIA, CRITERION_LABELS
from simulation.projects import ProjectColumns
from simulation.scenario import Mode, Scenario

Floats = npt.NDArray[np.float64]

MIN_POINTS, MAX_POINTS = 2, 200
# A point's status: proven efficient, the same point as its neighbour, its second solve stopped
# short (so efficiency is not proven), or its first solve failed.
STATUSES = ("efficient", "duplicate", "unproven", "infeasible", "time_limit", "error")
# Units of a criterion's total; investment is reported in euros (the solver works in M EUR).
UNITS: Mapping[str, str] = {
    "jobs_created": "jobs",
    "jobs_kept": "jobs",
    "co2_avoided_t": "tCO2e/year",
    "leverage": "EUR",
}
# What each axis measures: the results' labels, except leverage, whose front axis is the
# investment mobilised (a sum), not the results' ratio of investment to aid (module docstring).
LABELS: Mapping[str, str] = {**CRITERION_LABELS, "leverage": "investment mobilised"}
ROUNDS_NOTE = "review rounds are not played: the front allocates the released budget at once"
REPORT_SCALE: Mapping[str, float] = {"leverage": lp.M}
# The second solve keeps x within this much of the first one's optimum: no less than HiGHS's 1e-7
# feasibility tolerance on a criterion row, far below any difference a planner reads.
RELATIVE_TOL = 1e-9
ABSOLUTE_TOL = 1e-7
# A floor price proves a point only above this share of max rate_x / max rate_y (HiGHS's duals
# are exact to about 1e-7; the second solve's reduced costs are theirs divided by the price).
PRICE_SHARE = 1e-6


@dataclass(frozen=True)
class ParetoPoint:
    x_value: float  # criterion x's total, in UNITS[x]
    y_value: float
    efficient: bool
    status: str  # one of STATUSES
    spent_eur: int  # public aid allocated
    epsilon: float  # the floor on y this point was solved at, in UNITS[y]


@dataclass(frozen=True)
class Front:
    x: str
    y: str
    points: tuple[ParetoPoint, ...]
    solves: int
    time_s: float
    status: str = "optimal"  # the ends' solves; otherwise the front stops there (no points when
    # the optimum of x itself fails)
    method: str = ""
    relaxation: bool = False  # True when the scenario is all-or-nothing: points are its LP's
    note: str = ""  # what the front leaves out of the scenario (its review rounds), or ""


def check_front(x: str, y: str, points: int) -> None:
    """Refuses criteria or a point count no front could be drawn with (before any solve)."""
    for name, value in (("x", x), ("y", y)):
        if value not in CRITERIA:
            raise EngineError(name, f"must be one of {', '.join(CRITERIA)}, got {value!r}")
    if x == y:
        raise EngineError("y", f"must differ from x (both are {x!r}): a front needs two criteria")
    if not MIN_POINTS <= points <= MAX_POINTS:
        raise EngineError("points", f"give {MIN_POINTS} to {MAX_POINTS} points, got {points}")


@dataclass(frozen=True, eq=False)
class _Problem:
    """The scenario's LP with no objective, and two rows more: criterion x, then criterion y."""

    lower: Floats
    upper: Floats
    matrix: sp.csc_matrix
    row_lower: Floats
    row_upper: Floats
    row_names: tuple[str, ...]
    projects: npt.NDArray[np.intp]  # the project columns, in ProjectColumns order (then regional)
    rate_x: Floats  # per column (0 outside the projects)
    rate_y: Floats

    @property
    def x_row(self) -> int:
        return len(self.row_names) - 2

    @property
    def y_row(self) -> int:
        return len(self.row_names) - 1


def label(criterion: str) -> str:
    """An axis heading: "jobs created (jobs)", "investment mobilised (EUR)"."""
    return f"{LABELS[criterion]} ({UNITS[criterion]})"


def released_eur(scenario: Scenario) -> int:
    """The budget the front allocates: the money the review rounds release, if any."""
    if not scenario.rounds:
        return scenario.budget_eur
    released = sum(r.released(scenario.budget_eur) for r in scenario.rounds)
    return min(released, scenario.budget_eur)


def _note(scenario: Scenario) -> str:
    if not scenario.rounds:
        return ""
    return f"{ROUNDS_NOTE} ({released_eur(scenario) / lp.M:,.1f} M EUR)"


def _problem(scenario: Scenario, projects: ProjectColumns, x: str, y: str) -> _Problem:
    # Every lever's rows and bounds, no objective kept; review rounds not played (docstring).
    plain = replace(scenario, rounds=())
    f = formulation.build(plain, projects, budget_eur=released_eur(scenario))
    every = formulation.rates(projects)
    rate_x, rate_y = np.zeros(len(f.lower)), np.zeros(len(f.lower))
    rate_x[: f.n], rate_y[: f.n] = every[x], every[y]
    criteria = sp.csc_matrix(np.vstack([rate_x, rate_y]))
    return _Problem(
        lower=f.lower,
        upper=f.upper,
        matrix=sp.vstack([f.matrix, criteria], format="csc"),
        row_lower=np.concatenate([f.row_lower, [-math.inf, -math.inf]]),
        row_upper=np.concatenate([f.row_upper, [math.inf, math.inf]]),
        row_names=(*f.row_names, f"criterion_{x}", f"criterion_{y}"),
        projects=np.arange(f.n, dtype=np.intp),
        rate_x=rate_x,
        rate_y=rate_y,
    )


@dataclass(frozen=True, eq=False)
class _Solve:
    status: str
    values: Floats  # every column, empty unless optimal
    floor_price: float  # x lost per unit of y the floor row asks for (its dual, >= 0)


class _Solver:
    """One HiGHS model; each solve states its objective and the two criterion floors, and only
    what differs from the previous solve is passed on, so HiGHS starts from its last basis."""

    def __init__(self, problem: _Problem, deadline: float) -> None:
        self.problem = problem
        self.deadline = deadline
        self.columns = np.arange(len(problem.lower), dtype=np.intp)
        self.model = Model({})
        self.model.load(
            problem.rate_x,
            problem.lower,
            problem.upper,
            problem.matrix,
            problem.row_lower,
            problem.row_upper,
            problem.row_names,
        )
        self.objective = "x"
        self.floors = {problem.x_row: -math.inf, problem.y_row: -math.inf}
        self.solves = 0

    def maximise(
        self, objective: str, *, x_floor: float = -math.inf, y_floor: float = -math.inf
    ) -> _Solve:
        p = self.problem
        if objective != self.objective:
            self.model.change_costs(self.columns, p.rate_x if objective == "x" else p.rate_y)
            self.objective = objective
        for row, floor in ((p.x_row, x_floor), (p.y_row, y_floor)):
            if floor != self.floors[row]:
                self.model.change_row_bounds(row, floor, math.inf)
                self.floors[row] = floor
        remaining = self.deadline - time.perf_counter()
        if remaining <= 0:
            return _Solve("time_limit", np.zeros(0), 0.0)
        self.solves += 1
        status = self.model.run(remaining)
        if status != "optimal":
            return _Solve(status, np.zeros(0), 0.0)
        solution = self.model.solution()
        # A binding floor of a maximisation has a dual <= 0 in HiGHS's convention.
        price = -float(solution.row_dual[p.y_row])
        return _Solve(status, np.asarray(solution.col_value, dtype=np.float64), price)


def _tol(value: float) -> float:
    return max(ABSOLUTE_TOL, RELATIVE_TOL * abs(value))


def front(
    scenario: Scenario,
    projects: ProjectColumns,
    x: str,
    y: str,
    *,
    points: int = 50,
    time_limit_s: float = 30.0,
    always_second_solve: bool = False,
) -> Front:
    check_front(x, y, points)
    start = time.perf_counter()
    problem = _problem(scenario, projects, x, y)
    solver = _Solver(problem, start + time_limit_s)
    scale_x, scale_y = REPORT_SCALE.get(x, 1.0), REPORT_SCALE.get(y, 1.0)
    least_price = PRICE_SHARE * _largest(problem.rate_x) / max(_largest(problem.rate_y), 1e-300)

    def done(found: list[ParetoPoint], status: str = "optimal") -> Front:
        return Front(
            x=x,
            y=y,
            points=tuple(found),
            solves=solver.solves,
            time_s=time.perf_counter() - start,
            status=status,
            method=(
                f"epsilon-constraint: maximise {x} with {y} >= epsilon, then {y} with {x} held "
                "at that optimum (by HiGHS, or from the first solve's duals when the floor has a "
                "price); one HiGHS model, each solve started from the previous basis"
            ),
            relaxation=scenario.mode == Mode.ALL_OR_NOTHING,
            note=_note(scenario),
        )

    def point(values: Floats, status: str, epsilon: float) -> ParetoPoint:
        return ParetoPoint(
            x_value=float(problem.rate_x @ values) * scale_x,
            y_value=float(problem.rate_y @ values) * scale_y,
            efficient=status == "efficient",
            status=status,
            spent_eur=round(float(values[problem.projects].sum()) * lp.M),
            epsilon=epsilon * scale_y,
        )

    def second(first: _Solve) -> _Solve:
        reached = float(problem.rate_x @ first.values)
        return solver.maximise("y", x_floor=reached - _tol(reached))

    # The ends: the optimum of x with the most y it allows, then the most y at all.
    at_x = solver.maximise("x")
    if at_x.status != "optimal":
        return done([], at_x.status)
    proven = second(at_x)
    start_values = proven.values if proven.status == "optimal" else at_x.values
    y_low = float(problem.rate_y @ start_values)
    found = [point(start_values, "efficient" if proven.status == "optimal" else "unproven", y_low)]
    at_y = solver.maximise("y")
    if at_y.status != "optimal":
        return done(found, at_y.status)
    y_high = float(problem.rate_y @ at_y.values)
    # The last floor is y's maximum less the tolerance, which HiGHS can always meet.
    floors = [y_low + (y_high - y_low) * k / (points - 1) for k in range(1, points)]
    floors[-1] = max(min(floors[-1], y_high - _tol(y_high)), y_low)
    # First solves, floors rising. A floor the previous optimum meets keeps that optimum.
    firsts: list[_Solve] = []
    for epsilon in floors:
        last = firsts[-1] if firsts else _Solve("optimal", start_values, 0.0)
        if last.status == "optimal" and float(problem.rate_y @ last.values) >= epsilon:
            firsts.append(last)
        else:
            firsts.append(solver.maximise("x", y_floor=epsilon))
    # Second solves, from the last point back (the row holding x rises as x does).
    seconds: list[_Solve | None] = [None] * len(floors)
    for k in reversed(range(len(floors))):
        first = firsts[k]
        if first.status != "optimal":
            continue
        if not always_second_solve and first.floor_price >= least_price > 0:
            seconds[k] = first  # proven by its duals (module docstring)
        elif k + 1 < len(floors) and firsts[k + 1] is first and seconds[k + 1] is not None:
            seconds[k] = seconds[k + 1]  # the same first optimum: the same second one
        else:
            seconds[k] = second(first)
    for epsilon, first, proof in zip(floors, firsts, seconds, strict=True):
        if first.status != "optimal":
            found.append(ParetoPoint(0.0, 0.0, False, first.status, 0, epsilon * scale_y))
        elif proof is None or proof.status != "optimal":
            found.append(point(first.values, "unproven", epsilon))
        else:
            found.append(_unless_repeated(found, point(proof.values, "efficient", epsilon)))
    return done(found)


def cold_optimum(
    scenario: Scenario, projects: ProjectColumns, x: str, y: str, *, time_limit_s: float = 30.0
) -> float:
    """The front's first solve alone, on a fresh model: the most of x the scenario allows
    (NaN when the solve fails). What one point would cost without the warm start."""
    check_front(x, y, MIN_POINTS)
    problem = _problem(scenario, projects, x, y)
    at_x = _Solver(problem, time.perf_counter() + time_limit_s).maximise("x")
    if at_x.status != "optimal":
        return math.nan
    return float(problem.rate_x @ at_x.values) * REPORT_SCALE.get(x, 1.0)


def _largest(values: Floats) -> float:
    return float(np.abs(values).max()) if len(values) else 0.0


def _unless_repeated(found: list[ParetoPoint], new: ParetoPoint) -> ParetoPoint:
    """The point, or a duplicate when it is the last proven point again (x only falls and y only
    rises along the front, so a repeat can only be of the last one)."""
    proven = [p for p in found if p.efficient]
    if not proven:
        return new
    last = proven[-1]
    if abs(last.x_value - new.x_value) > _tol(new.x_value):
        return new
    if abs(last.y_value - new.y_value) > _tol(new.y_value):
        return new
    return ParetoPoint(new.x_value, new.y_value, False, "duplicate", new.spent_eur, new.epsilon)
