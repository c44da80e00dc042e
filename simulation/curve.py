"""Trade-off curves: re-solve over values of one parameter, each from the previous basis."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from simulation import general, lp, rounds
from simulation.diagnose import Aggregate
from simulation.errors import EngineError
from simulation.parametric import FloorWalk
from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Mode, Scenario, check_budgets
from simulation.sifting import LpSolution, LpSolver

PARAMETERS = ("fragile_share_min", "decarbonisation_share_min", "budget_eur")


@dataclass(frozen=True)
class CurvePoint:
    value: float
    status: str
    jobs: float
    spent_eur: int
    fragile_share: float
    decarbonisation_share: float


@dataclass(frozen=True)
class Curve:
    parameter: str
    points: tuple[CurvePoint, ...]
    time_s: float
    method: str
    relaxation: bool = False  # True when the scenario is all-or-nothing: points are its LP bound


def check_values(parameter: str, values: Sequence[float]) -> None:
    """Refuses a parameter or value that no point could be solved at (before any solve)."""
    if parameter not in PARAMETERS:
        raise EngineError("parameter", f"must be one of {', '.join(PARAMETERS)}, got {parameter!r}")
    if parameter == "budget_eur":
        check_budgets(values, "values")  # as `budget_eur` is checked, so a point never overspends
    for v in values:
        if parameter != "budget_eur" and not 0.0 <= v <= 1.0:
            raise EngineError("values", f"shares must be between 0 and 1, got {v}")


def trade_off_curve(
    scenario: Scenario,
    projects: ProjectColumns,
    parameter: str,
    values: Sequence[float],
    *,
    time_limit_s: float = 30.0,
) -> Curve:
    check_values(parameter, values)
    if scenario.uses_levers:
        return _lever_curve(scenario, projects, parameter, values, time_limit_s)
    start = time.perf_counter()
    deadline = start + time_limit_s
    p = lp.build(scenario, projects)
    agg = Aggregate(p, projects)
    state = {"limits": agg.limits}
    solver = LpSolver(p, feasible=lambda: agg.feasible(state["limits"]))
    share = scenario.constraints.min_spend_share
    points = []
    last = None
    walk: FloorWalk | None = None
    fresh = False  # HiGHS holds an optimal basis the walk may start from
    row = {"fragile_share_min": lp.FRAGILE, "decarbonisation_share_min": lp.DECARBONISATION}.get(
        parameter
    )
    for v in values:
        if parameter == "fragile_share_min":
            solver.set_floor(lp.FRAGILE, v)
            state["limits"] = replace(state["limits"], fragile_min=v)
        elif parameter == "decarbonisation_share_min":
            solver.set_floor(lp.DECARBONISATION, v)
            state["limits"] = replace(state["limits"], decarbonisation_min=v)
        else:
            solver.set_budget(v / lp.M, share * v / lp.M)
            state["limits"] = replace(
                state["limits"], budget_m=v / lp.M, min_spend_m=share * v / lp.M
            )
        if walk is None and fresh and row is not None:
            walk = FloorWalk.start(solver, row)  # only once a second point asks for it
        fresh = False
        sol = walk.move(v) if walk is not None else None
        if sol is None:
            walk = None
            if last is not None and _still_optimal(p, last, parameter, v, share):
                sol = last  # the changed rows have no price and still hold: same optimum
            else:
                sol = solver.solve(max(deadline - time.perf_counter(), 1e-3))
                last = sol if sol.status == "optimal" else None
                fresh = last is not None
        if sol.status == "optimal":
            spent, fragile, decarb = _shares(sol)
            points.append(
                CurvePoint(v, sol.status, sol.objective, round(spent * lp.M), fragile, decarb)
            )
        else:
            points.append(CurvePoint(v, sol.status, 0.0, 0, 0.0, 0.0))
    return Curve(
        parameter=parameter,
        points=tuple(points),
        time_s=time.perf_counter() - start,
        method=(
            f"LP re-solved from the previous basis ({solver.method}); share floors by "
            "parametric dual simplex in numpy from that basis, each point proven optimal"
        ),
        relaxation=scenario.mode == Mode.ALL_OR_NOTHING,
    )


def _lever_curve(
    scenario: Scenario,
    projects: ProjectColumns,
    parameter: str,
    values: Sequence[float],
    time_limit_s: float,
) -> Curve:
    """A scenario pulling a lever of format version 2: one solve per point by the engine that
    solves it (review rounds, or the general engine), each point a whole result of its own."""
    start = time.perf_counter()
    deadline = start + time_limit_s
    points = []
    for v in values:
        c = scenario.constraints
        if parameter == "budget_eur":
            point = replace(scenario, budget_eur=round(v))
        elif parameter == "fragile_share_min":
            point = replace(scenario, constraints=replace(c, fragile_share_min=float(v)))
        else:
            point = replace(scenario, constraints=replace(c, decarbonisation_share_min=float(v)))
        remaining = max(deadline - time.perf_counter(), 1e-3)
        if point.rounds:
            result = rounds.solve_rounds(point, projects, time_limit_s=remaining, mip_rel_gap=1e-3)
        else:
            result = general.solve(point, projects, time_limit_s=remaining)
        decided = result.status in (Status.OPTIMAL, Status.FEASIBLE)
        points.append(
            CurvePoint(
                v,
                str(result.status),
                result.jobs if decided else 0.0,
                result.spent_eur if decided else 0,
                result.fragile_share if decided else 0.0,
                result.decarbonisation_share if decided else 0.0,
            )
        )
    return Curve(
        parameter=parameter,
        points=tuple(points),
        time_s=time.perf_counter() - start,
        method="one solve per point by the engine of the levers the scenario pulls"
        + (" (review rounds)" if scenario.rounds else ""),
    )


def _still_optimal(p: lp.Problem, sol: LpSolution, parameter: str, v: float, share: float) -> bool:
    tol = 1e-9
    spend = float(sol.x.sum())
    if parameter == "budget_eur":
        rows: tuple[int, ...] = (lp.BUDGET, lp.MIN_SPEND)
        holds = share * v / lp.M - tol <= spend <= v / lp.M + tol
    else:
        row, flags = (
            (lp.FRAGILE, p.fragile)
            if parameter == "fragile_share_min"
            else (lp.DECARBONISATION, p.decarbonisation)
        )
        rows = (row,)
        holds = float(sol.x[flags].sum()) >= v * spend - tol
    return holds and all(abs(sol.row_dual[r]) <= 1e-9 for r in rows)


def _shares(sol: LpSolution) -> tuple[float, float, float]:
    spent = float(sol.row_sums[lp.TOTAL_SPEND])
    if spent <= 1e-9:
        return spent, 0.0, 0.0
    return (
        spent,
        float(sol.row_sums[lp.FRAGILE]) / spent,
        float(sol.row_sums[lp.DECARBONISATION]) / spent,
    )
