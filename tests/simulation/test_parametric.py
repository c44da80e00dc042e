from dataclasses import replace

import numpy as np
import pytest

from simulation import lp
from simulation.curve import trade_off_curve
from simulation.parametric import FloorWalk
from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, RegionEnvelope, Scenario
from simulation.sifting import LpSolution, LpSolver
from tests.simulation.conftest import seeded_projects
from tests.simulation.test_solve_properties import linprog_jobs

M = 1_000_000


def seeded(n: int, seed: int = 3) -> ProjectColumns:
    return seeded_projects(
        n, seed=seed, territories=2, fragile_share=0.5, decarbonisation_share=0.3
    )


SCENARIO = Scenario(
    budget_eur=200 * M,
    constraints=Constraints(
        fragile_share_min=0.4,
        decarbonisation_share_min=0.2,
        regions={"93": RegionEnvelope(min_eur=30 * M, max_eur=70 * M)},
    ),
)


def cold(problem: lp.Problem, row: int, share: float) -> tuple[str, float]:
    solver = LpSolver(problem)
    solver.set_floor(row, share)
    solution = solver.solve(30.0)
    return solution.status, solution.objective


@pytest.mark.parametrize(
    ("row", "values"),
    [
        pytest.param(
            lp.DECARBONISATION,
            [0.25, 0.3, 0.35, 0.32, 0.5, 0.45, 0.6],
            id="decarbonisation-up-and-down",
        ),
        pytest.param(lp.FRAGILE, [0.45, 0.5, 0.6, 0.7, 0.55, 0.8], id="fragile"),
    ],
)
def test_walk_points_are_the_optima_highs_finds(row: int, values: list[float]) -> None:
    problem = lp.build(SCENARIO, seeded(3000))
    solver = LpSolver(problem)
    assert solver.solve(30.0).status == "optimal"
    walk = FloorWalk.start(solver, row)
    assert walk is not None
    pivoted = 0
    for value in values:
        before = walk.pivots
        point = walk.move(value)
        assert point is not None, value
        pivoted += walk.pivots > before
        status, objective = cold(problem, row, value)
        assert status == "optimal"
        assert point.objective == pytest.approx(objective, rel=1e-9, abs=1e-6)
        x = point.x
        assert np.all(x >= -1e-9) and np.all(x <= problem.cap + 1e-9)
        spent = x.sum()
        assert spent == pytest.approx(problem.budget_m)
        flags = problem.fragile if row == lp.FRAGILE else problem.decarbonisation
        assert x[flags].sum() >= value * spent - 1e-6
        assert point.row_sums[row] == pytest.approx(x[flags].sum())
    assert pivoted >= len(values) // 2  # the walk really moved the basis, not only the floor


def test_walk_gives_up_where_the_floor_cannot_be_met() -> None:
    projects = seeded(800)
    problem = lp.build(SCENARIO, projects)
    solver = LpSolver(problem)
    solver.solve(30.0)
    walk = FloorWalk.start(solver, lp.DECARBONISATION)
    assert walk is not None
    decarb_capacity = problem.cap[problem.decarbonisation].sum()
    # The whole budget cannot be 99 % decarbonising: the walk must not claim an optimum there.
    assert decarb_capacity < 0.99 * problem.budget_m
    assert walk.move(0.99) is None
    status, _ = cold(problem, lp.DECARBONISATION, 0.99)
    assert status in ("optimal", "infeasible")  # HiGHS decides: spend less, or no allocation


def test_walk_needs_the_budget_spent() -> None:
    projects = seeded(500)
    scenario = Scenario(budget_eur=10_000 * M, constraints=SCENARIO.constraints)
    problem = lp.build(scenario, projects)
    solver = LpSolver(problem)
    assert solver.solve(30.0).status == "optimal"
    assert FloorWalk.start(solver, lp.DECARBONISATION) is None  # far more budget than projects


def test_walk_refuses_a_point_whose_primal_residual_is_off() -> None:
    problem = lp.build(SCENARIO, seeded(3000))
    solver = LpSolver(problem)
    assert solver.solve(30.0).status == "optimal"
    walk = FloorWalk.start(solver, lp.DECARBONISATION)
    assert walk is not None
    assert walk.move(0.25) is not None
    # A drifted update of the nonbasic part: the basic values it yields no longer satisfy
    # A x + a_s s = r, though they may well sit within their bounds.
    walk.w[lp.FRAGILE] += 1e-3
    assert walk.move(0.3) is None


def test_curve_falls_back_to_highs_when_the_walk_drifts(monkeypatch: pytest.MonkeyPatch) -> None:
    projects = seeded(3000)
    values = [0.25, 0.3, 0.35, 0.4]
    base = Scenario(budget_eur=SCENARIO.budget_eur, constraints=SCENARIO.constraints)
    honest = trade_off_curve(base, projects, "decarbonisation_share_min", values)
    move = FloorWalk.move
    refused = []

    def drifting(self: FloorWalk, phi: float) -> LpSolution | None:
        self.w[lp.FRAGILE] += 1e-3
        point = move(self, phi)
        refused.append(point is None)
        return point

    monkeypatch.setattr(FloorWalk, "move", drifting)
    curve = trade_off_curve(base, projects, "decarbonisation_share_min", values)
    assert refused and all(refused)  # the walk was tried and every drifted point refused
    for point, expected in zip(curve.points, honest.points, strict=True):
        assert point.status == "optimal"
        assert point.jobs == pytest.approx(expected.jobs, rel=1e-9)


@pytest.mark.parametrize(
    ("parameter", "values"),
    [
        pytest.param("fragile_share_min", [0.45, 0.5, 0.6, 0.7, 0.55, 0.8], id="fragile"),
        pytest.param(
            "decarbonisation_share_min", [0.25, 0.3, 0.35, 0.32, 0.5, 0.45], id="decarbonisation"
        ),
    ],
)
def test_walked_curve_equals_plain_linprog(
    parameter: str, values: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    projects = seeded(3000)
    move = FloorWalk.move
    walked = []

    def counting(self: FloorWalk, phi: float) -> LpSolution | None:
        point = move(self, phi)
        walked.append(point is not None)
        return point

    monkeypatch.setattr(FloorWalk, "move", counting)
    base = Scenario(budget_eur=SCENARIO.budget_eur, constraints=SCENARIO.constraints)
    curve = trade_off_curve(base, projects, parameter, values)
    assert sum(walked) >= len(values) // 2  # most points came from the walk, not HiGHS
    for point in curve.points:
        scenario = replace(base, constraints=replace(base.constraints, **{parameter: point.value}))
        expected = linprog_jobs(scenario, projects)
        assert expected is not None
        assert point.status == "optimal"
        assert point.jobs == pytest.approx(expected, rel=1e-7)
