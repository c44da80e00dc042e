import time
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint
from scipy.optimize import milp as scipy_milp

from simulation import lp as lp_model
from simulation import milp
from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario
from simulation.sifting import LpSolver
from simulation.solve import solve
from tests.simulation.conftest import projects_of, seeded_projects

M = 1_000_000


def seeded(n: int, seed: int = 7) -> ProjectColumns:
    return seeded_projects(
        n, seed=seed, territories=4, fragile_share=0.6, decarbonisation_share=0.4
    )


SCENARIO = Scenario(
    budget_eur=60 * M,
    constraints=Constraints(
        fragile_share_min=0.69,
        decarbonisation_share_min=0.4,
        regions={"93": RegionEnvelope(min_eur=10 * M, max_eur=15 * M)},
    ),
)


@pytest.mark.parametrize(
    "n", [pytest.param(300, id="300-projects"), pytest.param(3000, id="3000-projects")]
)
def test_all_or_nothing_is_whole_below_the_lp_and_within_its_gap(n: int) -> None:
    projects = seeded(n)
    lp = solve(SCENARIO, projects)
    all_or_nothing = solve(
        Scenario(
            budget_eur=SCENARIO.budget_eur,
            mode=Mode.ALL_OR_NOTHING,
            constraints=SCENARIO.constraints,
        ),
        projects,
    )
    assert all_or_nothing.status in (Status.OPTIMAL, Status.FEASIBLE)
    cap = projects.aid_requested_eur
    assert np.all((all_or_nothing.allocation_eur == 0) | (all_or_nothing.allocation_eur == cap))
    assert all_or_nothing.jobs <= lp.jobs + 1e-6
    gap = all_or_nothing.solver.mip_gap
    assert gap is not None and gap < 1e-3
    # The reported gap is against a valid bound, which the LP optimum can never exceed.
    assert (
        lp.jobs - all_or_nothing.jobs <= gap * lp.jobs / (1 - gap) + 1e-6
        or all_or_nothing.status == Status.OPTIMAL
    )
    assert lp.fractional_projects <= 5


def test_all_or_nothing_respects_a_short_time_limit() -> None:
    projects = seeded(3000)
    sc = Scenario(
        budget_eur=SCENARIO.budget_eur, mode=Mode.ALL_OR_NOTHING, constraints=SCENARIO.constraints
    )
    start = time.perf_counter()
    result = solve(sc, projects, time_limit_s=0.3, mip_rel_gap=0.0)
    assert time.perf_counter() - start < 2.0
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.TIME_LIMIT)


def exact_jobs(problem: lp_model.Problem) -> float:
    """The all-or-nothing optimum by scipy.optimize.milp (HiGHS), written on whole projects."""
    cap = problem.cap
    # Row activities with s = sum of the aid given: A x + a_s s, x_i = cap_i z_i.
    rows = problem.matrix.toarray() * cap + problem.spend_column[:, None] * cap[None, :]
    tol = 1e-9
    milp_result = scipy_milp(
        -(problem.jobs_per_meur * cap),
        constraints=LinearConstraint(rows, problem.row_lower - tol, problem.row_upper + tol),
        integrality=np.ones(problem.n),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    assert milp_result.status == 0
    return float(-milp_result.fun)


SMALL = Scenario(
    budget_eur=8 * M,
    constraints=Constraints(
        fragile_share_min=0.69,
        decarbonisation_share_min=0.4,
        regions={"93": RegionEnvelope(min_eur=1_500_000, max_eur=3 * M)},
    ),
)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("gap", [pytest.param(0.0, id="exact"), pytest.param(1e-2, id="gap-1%")])
def test_reduced_cost_fixing_keeps_best_below_the_optimum_below_the_bound(
    seed: int, gap: float
) -> None:
    problem = lp_model.build(SMALL, seeded(60, seed=seed))
    relaxed = LpSolver(problem).solve(30.0)
    assert relaxed.status == "optimal"
    found = milp.solve(problem, relaxed, 30.0, gap, first_free=1)
    assert found.status == "optimal"
    # The proof leaned on fixing: some projects were never freed.
    assert found.fixed > 0
    exact = exact_jobs(problem)
    assert found.objective <= exact + 1e-6
    assert exact <= found.bound + 1e-6
    assert found.bound - found.objective <= gap * found.bound + 1e-6


def test_the_bound_holds_whatever_the_sign_of_the_reduced_costs() -> None:
    # P1 (60 jobs for 6 M EUR) and P2 (54 for 6) compete for 10 M EUR; P3 (32 for 4) and four
    # projects without jobs wait at 0. The LP funds P1 and 4 M EUR of P2 (96 jobs); whole
    # projects do best with P1 and P3 (92 jobs), which moves a project the LP left at 0.
    rows = [(6, 60, "84", False, False), (6, 54, "84", False, False)]
    rows += [(4, 32, "84", False, False)] + [(2, 0, "84", False, False)] * 4
    problem = lp_model.build(Scenario(budget_eur=10 * M), projects_of(rows))
    relaxed = LpSolver(problem).solve(30.0)
    assert relaxed.objective == pytest.approx(96.0)
    # Prices off the LP's own (a loose solver tolerance, exaggerated): P1 at its cap now shows a
    # negative reduced cost. Its absolute value is no loss: dropping P1 gains at these prices.
    prices = relaxed.row_dual * 20 / 9
    loose = replace(
        relaxed, row_dual=prices, reduced=problem.jobs_per_meur - problem.matrix.T @ prices
    )
    assert loose.reduced[0] < 0 < loose.x[0]
    found = milp.solve(problem, loose, 30.0, 1e-6, first_free=1)
    assert found.objective == pytest.approx(92.0)
    assert found.bound >= 92.0 - 1e-6
