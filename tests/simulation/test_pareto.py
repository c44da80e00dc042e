import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import linprog

from simulation import pareto
from simulation.errors import EngineError
from simulation.formulation import rates
from simulation.levers import Controls, Round
from simulation.pareto import Front, cold_optimum, front
from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of, seeded_projects

M = 1_000_000


def with_co2(
    projects: ProjectColumns, co2: list[int], kept: list[int] | None = None
) -> ProjectColumns:
    n = len(projects)
    return replace(
        projects,
        co2_avoided_t=np.array(co2, dtype=np.int64),
        jobs_kept=np.array(kept if kept is not None else [0] * n, dtype=np.int64),
    )


# Three projects of 10 M EUR each, a 15 M EUR budget, no floor:
#   A: 100 jobs, 0 tCO2e      (10 jobs, 0 t per M EUR)
#   B: 50 jobs, 500 tCO2e     (5 jobs, 50 t per M EUR)
#   C: 10 jobs, 1,000 tCO2e   (1 job, 100 t per M EUR)
# Most jobs: A in full and half of B: 125 jobs, 250 t (the only optimum, so y_low = 250).
# Most tCO2e: C in full and half of B: 1,250 t, 35 jobs.
# Along the front, euros move where they lose the fewest jobs per tonne gained:
#   B -> C loses 4 / 50 = 0.08 job per t (B's 5 M EUR): (125, 250) -> (105, 500);
#   A -> C loses 9 / 100 = 0.09 (5 M EUR, C is then full): -> (60, 1000);
#   A -> B loses 5 / 50 = 0.1 (the last 5 M EUR of A): -> (35, 1250).
# Six points: floors 250, 450, 650, 850, 1050, 1250 t, and at each the most jobs:
#   450: 125 - 0.08 * 200 = 109;  650: 105 - 0.09 * 150 = 91.5;  850: 105 - 0.09 * 350 = 73.5;
#   1050: 60 - 0.1 * 50 = 55;  1250: 35.
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, True), (10, 10, "11", False, True)]
ABC_CO2 = [0, 500, 1000]
ABC_FRONT = [(125, 250), (109, 450), (91.5, 650), (73.5, 850), (55, 1050), (35, 1250)]


def abc() -> ProjectColumns:
    return with_co2(projects_of(ABC), ABC_CO2)


@pytest.mark.parametrize("always_second_solve", [False, True], ids=["duals-proof", "highs"])
def test_hand_solved_front(always_second_solve: bool) -> None:
    result = front(
        Scenario(budget_eur=15 * M),
        abc(),
        "jobs_created",
        "co2_avoided_t",
        points=6,
        always_second_solve=always_second_solve,
    )
    assert result.status == "optimal"
    assert [(p.x_value, p.y_value) for p in result.points] == [
        (pytest.approx(x, abs=1e-4), pytest.approx(y, abs=1e-3)) for x, y in ABC_FRONT
    ]
    assert [p.epsilon for p in result.points] == pytest.approx([250, 450, 650, 850, 1050, 1250])
    assert all(p.efficient and p.status == "efficient" for p in result.points)
    assert {p.spent_eur for p in result.points} == {15 * M}


def test_the_front_walks_the_other_way_with_the_criteria_swapped() -> None:
    # Most tCO2e first (1,250 t, 35 jobs), then the jobs from 35 up to 125, e.g. at 80 jobs:
    # on the segment (60 jobs, 1,000 t) -> (105, 500), 1000 - (80 - 60) / 0.09 = 777.8 t.
    result = front(Scenario(budget_eur=15 * M), abc(), "co2_avoided_t", "jobs_created", points=3)
    assert [(p.x_value, p.y_value) for p in result.points] == [
        (pytest.approx(1250, abs=1e-3), pytest.approx(35, abs=1e-6)),
        (pytest.approx(1000 - 20 / 0.09, abs=1e-3), pytest.approx(80, abs=1e-6)),
        (pytest.approx(250, abs=1e-3), pytest.approx(125, abs=1e-4)),
    ]


def test_the_scenarios_levers_hold_at_every_point() -> None:
    # A (id 1) forced out: the most jobs are B in full and C's first 5 M EUR: 50 + 5 = 55 jobs,
    # 500 + 500 = 1,000 t; the most tCO2e are unchanged (C and half of B: 1,250 t, 35 jobs).
    scenario = Scenario(budget_eur=15 * M, controls=Controls(force_out=(1,)))
    result = front(scenario, abc(), "jobs_created", "co2_avoided_t", points=2)
    assert [(p.x_value, p.y_value) for p in result.points] == [
        (pytest.approx(55, abs=1e-4), pytest.approx(1000, abs=1e-3)),
        (pytest.approx(35, abs=1e-4), pytest.approx(1250, abs=1e-3)),
    ]


def test_leverage_is_the_investment_mobilised_in_euros() -> None:
    # Investment is 5 x the aid requested; A is 10 M EUR asking 2 M EUR (cap 2), B 10 M asking
    # 10 M. With 4 M EUR: most jobs from A (2 M, 10 jobs) then B (2 M, 2 jobs); the investment
    # mobilised pro rata to aid is 5 x 4 M = 20 M EUR at every point: nothing to trade.
    projects = replace(
        projects_of([(2, 10, "84", False, False), (10, 10, "84", False, False)]),
        investment_eur=np.array([10 * M, 10 * M], dtype=np.int64),
    )
    result = front(Scenario(budget_eur=4 * M), projects, "jobs_created", "leverage", points=2)
    first = result.points[0]
    # A: 2 M EUR of 2 M asked mobilises its 10 M; B: 2 M of 10 M asked mobilises 2 M.
    assert first.x_value == pytest.approx(10 + 2)
    assert first.y_value == pytest.approx(12 * M)
    assert rates(projects)["leverage"] == pytest.approx([5.0, 1.0])


def test_criteria_that_agree_give_one_point_and_duplicates() -> None:
    # Jobs kept are twice the jobs created project by project: the most of one is the most of
    # the other, so the front is one point repeated.
    projects = with_co2(projects_of(ABC), ABC_CO2, kept=[200, 100, 20])
    result = front(Scenario(budget_eur=15 * M), projects, "jobs_created", "jobs_kept", points=4)
    assert [p.status for p in result.points] == ["efficient", "duplicate", "duplicate", "duplicate"]
    assert {(round(p.x_value, 6), round(p.y_value, 6)) for p in result.points} == {(125, 250)}


def test_a_criterion_no_project_has_is_one_point() -> None:
    # No project keeps any job: 0 jobs kept whatever the allocation, so the only efficient point
    # is the most tCO2e (C and half of B: 1,250 t), and every floor on tCO2e repeats it.
    result = front(Scenario(budget_eur=15 * M), abc(), "jobs_kept", "co2_avoided_t", points=3)
    assert [(p.x_value, p.y_value, p.status) for p in result.points] == [
        (0.0, pytest.approx(1250), "efficient"),
        (0.0, pytest.approx(1250), "duplicate"),
        (0.0, pytest.approx(1250), "duplicate"),
    ]


def test_first_point_is_the_engines_optimum_of_jobs() -> None:
    projects = seeded_projects(
        300, seed=7, territories=6, fragile_share=0.6, decarbonisation_share=0.4
    )
    rng = np.random.default_rng(7)
    projects = replace(projects, co2_avoided_t=(rng.random(len(projects)) * 5_000).astype(np.int64))
    scenario = Scenario(
        budget_eur=40 * M,
        constraints=Constraints(
            fragile_share_min=0.65,
            decarbonisation_share_min=0.3,
            regions={"84": RegionEnvelope(min_eur=5 * M, max_eur=15 * M)},
        ),
    )
    result = front(scenario, projects, "jobs_created", "co2_avoided_t", points=10)
    engine = solve(scenario, projects)
    assert result.points[0].x_value == pytest.approx(engine.jobs, rel=1e-9)
    assert cold_optimum(scenario, projects, "jobs_created", "co2_avoided_t") == pytest.approx(
        engine.jobs, rel=1e-9
    )
    xs = [p.x_value for p in result.points if p.efficient]
    ys = [p.y_value for p in result.points if p.efficient]
    assert xs == sorted(xs, reverse=True) and ys == sorted(ys)


def small_instance() -> tuple[Scenario, ProjectColumns]:
    rng = np.random.default_rng(11)
    n = 9
    rows = [
        (
            float(rng.uniform(0.5, 3.0)),
            int(rng.integers(1, 60)),
            str(rng.choice(["11", "84"])),
            bool(rng.random() < 0.6),
            bool(rng.random() < 0.5),
        )
        for _ in range(n)
    ]
    projects = with_co2(projects_of(rows), [int(v) for v in rng.integers(0, 2_000, n)])
    scenario = Scenario(
        budget_eur=8 * M,
        constraints=Constraints(
            fragile_share_min=0.5, regions={"84": RegionEnvelope(max_eur=5 * M)}
        ),
    )
    return scenario, projects


def grid_points(scenario: Scenario, projects: ProjectColumns) -> list[tuple[float, float]]:
    """(jobs, tCO2e) of many LP optima, by scipy's linprog on the LP written out here: weighted
    sums of the two criteria and floors on either, over a grid."""
    r = rates(projects)
    jobs, co2 = r["jobs_created"], r["co2_avoided_t"]
    cap = projects.aid_requested_eur / M
    fragile = projects.fragile.astype(float)
    phi = scenario.constraints.fragile_share_min
    in_84 = (projects.region == "84").astype(float)
    a_ub = [np.ones(len(cap)), phi - fragile, in_84]
    b_ub = [scenario.budget_eur / M, 0.0, 5.0]
    bounds = list(zip(np.zeros(len(cap)), cap, strict=True))

    def best(cost: np.ndarray, rows: list[np.ndarray], rhs: list[float]) -> np.ndarray | None:
        res = linprog(-cost, A_ub=np.array(a_ub + rows), b_ub=b_ub + rhs, bounds=bounds)
        return res.x if res.status == 0 else None

    found = []
    for w in np.linspace(0, 1, 21):
        x = best(w * jobs / jobs.max() + (1 - w) * co2 / co2.max(), [], [])
        assert x is not None
        found.append(x)
    top_co2 = float(co2 @ found[0])
    top_jobs = float(jobs @ found[-1])
    for share in np.linspace(0, 1, 41):
        for cost, other, top in ((jobs, co2, top_co2), (co2, jobs, top_jobs)):
            x = best(cost, [-other], [-share * top])
            if x is not None:
                found.append(x)
    return [(float(jobs @ x), float(co2 @ x)) for x in found]


def test_no_grid_point_dominates_an_efficient_point() -> None:
    scenario, projects = small_instance()
    result = front(scenario, projects, "jobs_created", "co2_avoided_t", points=25)
    efficient = [p for p in result.points if p.efficient]
    assert len(efficient) >= 10
    grid = grid_points(scenario, projects)
    for p in efficient:
        tol_x, tol_y = 1e-8 * p.x_value + 1e-6, 1e-8 * p.y_value + 1e-6  # solvers' tolerances
        for jobs, co2 in grid:
            dominates = (
                jobs >= p.x_value - tol_x
                and co2 >= p.y_value - tol_y
                and (jobs > p.x_value + tol_x or co2 > p.y_value + tol_y)
            )
            assert not dominates, (p, jobs, co2)
    # and the front reaches both ends of the grid
    assert efficient[0].x_value == pytest.approx(max(j for j, _ in grid), rel=1e-8)
    assert efficient[-1].y_value == pytest.approx(max(c for _, c in grid), rel=1e-8)


def test_duals_proofs_equal_highs_second_solves() -> None:
    scenario, projects = small_instance()
    quick = front(scenario, projects, "jobs_created", "co2_avoided_t", points=25)
    every = front(
        scenario, projects, "jobs_created", "co2_avoided_t", points=25, always_second_solve=True
    )
    assert quick.solves < every.solves
    assert [p.status for p in quick.points] == [p.status for p in every.points]
    for a, b in zip(quick.points, every.points, strict=True):
        assert a.x_value == pytest.approx(b.x_value, rel=1e-6)
        assert a.y_value == pytest.approx(b.y_value, rel=1e-6)


def test_an_infeasible_scenario_has_no_front() -> None:
    scenario = Scenario(
        budget_eur=15 * M,
        constraints=Constraints(regions={"84": RegionEnvelope(min_eur=12 * M)}),  # A asks 10
    )
    result = front(scenario, abc(), "jobs_created", "co2_avoided_t")
    assert (result.status, result.points) == ("infeasible", ())


def test_a_spent_time_limit_stops_before_any_point() -> None:
    result = front(
        Scenario(budget_eur=15 * M), abc(), "jobs_created", "co2_avoided_t", time_limit_s=0.0
    )
    assert isinstance(result, Front)
    assert (result.status, result.points, result.solves) == ("time_limit", (), 0)


def test_points_past_the_time_limit_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # The clock runs out after 5 solves: the optimum of x, its second solve, the most of y and
    # the floors 450 and 650 (proven by their prices); the floors 850 to 1,250 are not solved.
    real = pareto._Solver.maximise

    def limited(self: pareto._Solver, objective: str, **floors: float) -> pareto._Solve:
        if self.solves >= 5:
            self.deadline = 0.0
        return real(self, objective, **floors)

    monkeypatch.setattr(pareto._Solver, "maximise", limited)
    result = front(Scenario(budget_eur=15 * M), abc(), "jobs_created", "co2_avoided_t", points=6)
    assert [p.status for p in result.points] == ["efficient"] * 3 + ["time_limit"] * 3
    assert [p.x_value for p in result.points[:3]] == pytest.approx([125, 109, 91.5])
    assert not any(p.efficient for p in result.points[3:])


def test_all_or_nothing_fronts_are_their_lp_relaxation() -> None:
    scenario = Scenario(budget_eur=15 * M, mode=Mode.ALL_OR_NOTHING)
    result = front(scenario, abc(), "jobs_created", "co2_avoided_t", points=6)
    assert result.relaxation
    assert result.points[1].x_value == pytest.approx(109)  # half projects: the LP's points


@pytest.mark.parametrize(
    ("x", "y", "points", "field", "message"),
    [
        pytest.param("jobs_created", "jobs_created", 50, "y", "must differ from x", id="same"),
        pytest.param("jobs", "co2_avoided_t", 50, "x", "must be one of jobs_created", id="x"),
        pytest.param("jobs_created", "co2", 50, "y", "got 'co2'", id="y"),
        pytest.param("jobs_created", "co2_avoided_t", 1, "points", "give 2 to 200", id="1"),
        pytest.param("jobs_created", "co2_avoided_t", 201, "points", "got 201", id="201"),
    ],
)
def test_bad_input_names_the_argument(
    x: str, y: str, points: int, field: str, message: str
) -> None:
    with pytest.raises(EngineError, match=message) as caught:
        front(Scenario(budget_eur=15 * M), abc(), x, y, points=points)
    assert caught.value.field == field


def test_review_rounds_are_not_played_and_the_front_says_so() -> None:
    # A 20 M EUR budget whose two rounds release 25 % and 50 % of it: 5 + 10 = 15 M EUR, the
    # budget of the hand-solved front above. Unplayed rounds allocate the released money at once,
    # so the front is that front, and its note says the rounds were not played.
    rounds = (
        Round(dt.date(2021, 4, 1), release_share=0.25),
        Round(dt.date(2021, 10, 1), release_share=0.5),
    )
    result = front(Scenario(budget_eur=20 * M, rounds=rounds), abc(), "jobs_created",
                   "co2_avoided_t", points=6)  # fmt: skip
    assert [(p.x_value, p.y_value) for p in result.points] == [
        (pytest.approx(x, abs=1e-4), pytest.approx(y, abs=1e-3)) for x, y in ABC_FRONT
    ]
    assert {p.spent_eur for p in result.points} == {15 * M}
    assert result.note == (
        "review rounds are not played: the front allocates the released budget at once (15.0 M EUR)"
    )
    plain = front(Scenario(budget_eur=15 * M), abc(), "jobs_created", "co2_avoided_t", points=2)
    assert plain.note == ""


def test_the_leverage_axis_is_the_investment_mobilised_in_euros() -> None:
    # Leverage on a front is the investment mobilised (linear, as the method needs), labelled
    # so, not the results' ratio. ABC's investments: 10 M EUR of aid at the rates of
    # projects_of; the most investment with 15 M EUR is the projects of highest investment per
    # euro of aid, in euros (the solver's M EUR times 1e6).
    projects = abc()
    result = front(Scenario(budget_eur=15 * M), projects, "leverage", "jobs_created", points=2)
    invest = rates(projects)["leverage"]  # M EUR of investment per M EUR of aid
    best = sorted(invest, reverse=True)
    assert result.points[0].x_value == pytest.approx((best[0] * 10 + best[1] * 5) * M)
    assert pareto.UNITS["leverage"] == "EUR"
    assert pareto.label("leverage") == "investment mobilised (EUR)"
    assert pareto.label("jobs_created") == "jobs created (jobs)"
