"""The robust objective (budget of uncertainty): LP, column generation, engine and price."""

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from simulation import columns, general, robust, uncertainty
from simulation.formulation import Formulation, build
from simulation.levers import Round, Uncertainty
from simulation.projects import ProjectColumns
from simulation.result import Result, Status
from simulation.scenario import Mode, Scenario
from tests.simulation.conftest import projects_of, seeded_projects
from tests.simulation.test_columns import every_lever, with_lever_columns

M = 1_000_000
ROBUST = Uncertainty(objective="robust", robust_budget=1.0)


def tiny() -> ProjectColumns:
    """Three projects of 1 M EUR each: 10, 8 and 6 jobs, whose 10th percentiles (the low ends of
    their ranges, no realisation rate) are 2, 7 and 6 jobs."""
    rows = [(1.0, 10, "84", True, True), (1.0, 8, "84", True, True), (1.0, 6, "84", True, True)]
    projects = projects_of(rows)
    return replace(
        projects,
        jobs_created_low=np.array([2, 7, 6], dtype=np.int64),
        jobs_created_high=projects.jobs_created.copy(),
    )


def test_a_hand_solved_case() -> None:
    # s = (10, 8, 6) jobs per M EUR, d = (8, 1, 0), x_i in [0, 1] M EUR, x1 + x2 + x3 <= 2.
    # Gamma = 1: the worst case is s.x - max_i d_i x_i. With x2 = 1 and x3 = 1 - x1 it reads
    # 14 + 4 x1 - max(8 x1, 1): rising up to x1 = 1/8 (13.5), falling after. Any other split
    # does no better (x2 < 1 loses 2 per M EUR moved to x3 and gains nothing on the max), so the
    # optimum is x = (1/8, 1, 7/8): 13.5 jobs in the worst case, against 10 for the expected-jobs
    # allocation (1, 1, 0) (18 - 8). One more M EUR would go to project 3 (6 jobs, no fall).
    projects = tiny()
    scenario = Scenario(budget_eur=2 * M, uncertainty=ROBUST)
    f = build(scenario, projects)
    d = robust.deviation(f, projects, ROBUST)
    assert d == pytest.approx([8.0, 1.0, 0.0])
    optimum = robust.solve_lp(f, d, 1.0, 10.0)
    assert optimum.status == "optimal"
    assert optimum.objective == pytest.approx(13.5)
    assert optimum.x[:3] == pytest.approx([0.125, 1.0, 0.875])
    assert optimum.row_dual[f.group("budget").rows[0]] == pytest.approx(6.0)  # type: ignore[union-attr]
    result = general.solve(scenario, projects)
    assert result.status == Status.OPTIMAL
    assert list(result.allocation_eur) == [125_000, 1_000_000, 875_000]
    assert result.jobs == pytest.approx(1.25 + 8 + 5.25)
    assert "robust (budget of uncertainty Gamma = 1)" in result.solver.method
    price = next(b for b in result.binding if b.name == "budget")
    assert price.unit == "jobs in the worst case per M EUR"
    assert price.text.startswith("+6.0 jobs in the worst case per extra M EUR of budget")
    assert robust.worst_case_jobs(projects, result.allocation_eur, ROBUST, 1.0) == pytest.approx(
        13.5
    )


def test_all_or_nothing_solves_the_robust_milp() -> None:
    # Whole projects, two of three: {1, 2} keeps 18 - 8 = 10 jobs in the worst case, {1, 3}
    # 16 - 8 = 8, {2, 3} 14 - 1 = 13: the robust choice is {2, 3}, the expected-jobs one {1, 2}.
    projects = tiny()
    scenario = Scenario(budget_eur=2 * M, mode=Mode.ALL_OR_NOTHING, uncertainty=ROBUST)
    result = general.solve(scenario, projects)
    assert result.status == Status.OPTIMAL
    assert list(result.allocation_eur) == [0, M, M]
    plain = general.solve(replace(scenario, uncertainty=Uncertainty()), projects)
    assert list(plain.allocation_eur) == [M, M, 0]


def lever_instance(n: int, seed: int, budget_m: float) -> tuple[Formulation, ProjectColumns]:
    """seeded_projects with every lever, and 10th percentiles at 30-100 % of the figure."""
    projects = seeded_projects(
        n, seed=seed, territories=8, fragile_share=0.5, decarbonisation_share=0.35
    )
    projects = with_lever_columns(projects, seed)
    rng = np.random.default_rng([seed, 11])
    low = np.floor(projects.jobs_created * rng.uniform(0.3, 1.0, n)).astype(np.int64)
    projects = replace(projects, jobs_created_low=low)
    return build(every_lever(projects, "requires", 1.0, budget_m), projects), projects


@pytest.mark.parametrize("gamma", [2.0, 40.0, 1e6])
def test_column_generation_finds_the_whole_robust_optimum(gamma: float) -> None:
    # 3,000 projects, about 1,300 in the working set; Gamma 1e6 leaves z at 0, where outside
    # projects price with their robust rows binding.
    f, projects = lever_instance(3000, seed=3, budget_m=100)
    d = robust.deviation(f, projects, Uncertainty(objective="robust"))
    whole = robust.solve_lp(f, d, gamma, 60.0, sift_above=10**9)
    sifted = robust.solve_lp(f, d, gamma, 60.0, sift_above=1000)
    assert (whole.status, sifted.status) == ("optimal", "optimal")
    assert sifted.method.startswith(f"robust (budget of uncertainty Gamma = {gamma:.4g})")
    assert sifted.columns < len(f.cost)
    assert sifted.objective == pytest.approx(whole.objective, rel=1e-7)
    assert sifted.x == pytest.approx(whole.x, abs=1e-6)


def test_column_generation_brings_in_what_the_robust_rows_need(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # From the bare columns only (regional, locked, forced), every other project enters by price.
    f, projects = lever_instance(600, seed=4, budget_m=15)
    d = robust.deviation(f, projects, Uncertainty(objective="robust"))
    bare = np.flatnonzero(
        (np.arange(len(f.cost)) >= f.n) | (f.lower > 0) | (f.upper != f.free_upper)
    )
    monkeypatch.setattr(robust, "working_set", lambda _: bare.astype(np.intp))
    for gamma in (3.0, 1e6):
        whole = robust.solve_lp(f, d, gamma, 60.0, sift_above=10**9)
        sifted = robust.solve_lp(f, d, gamma, 60.0, sift_above=100)
        assert sifted.rounds > 1
        assert sifted.objective == pytest.approx(whole.objective, rel=1e-7)
        assert sifted.x == pytest.approx(whole.x, abs=1e-6)
        if gamma == 3.0:
            # z > 0: an unfunded project's robust row is slack, its dual 0, so the reduced costs
            # are unique. With z = 0 the row binds at x_i = 0 and its dual may be anything in
            # [0, 1] that keeps the sum within Gamma: the two solves may pick different ones.
            assert sifted.reduced[: f.n] == pytest.approx(whole.reduced[: f.n], abs=1e-6)


def test_a_budget_of_zero_is_the_expected_jobs_allocation() -> None:
    # Gamma = 0: z costs nothing and covers every fall, so the robust LP is f's own.
    f, projects = lever_instance(500, seed=5, budget_m=20)
    d = robust.deviation(f, projects, Uncertainty(objective="robust"))
    expected = columns.solve_lp(f, 30.0)
    zero = robust.solve_lp(f, d, 0.0, 30.0)
    assert zero.objective == pytest.approx(expected.objective, rel=1e-9)
    assert zero.x == pytest.approx(expected.x, abs=1e-7)
    assert zero.row_dual == pytest.approx(expected.row_dual, abs=1e-7)


def test_a_huge_budget_maximises_every_project_at_its_low() -> None:
    # Gamma above the number of projects: every funded project falls at once, so the robust
    # objective is the jobs at the 10th percentiles, s_i - d_i per M EUR.
    projects = seeded_projects(400, seed=6, territories=4, fragile_share=0.5,
                               decarbonisation_share=0.35)  # fmt: skip
    rng = np.random.default_rng(6)
    low = np.floor(projects.jobs_created * rng.uniform(0.3, 1.0, 400)).astype(np.int64)
    projects = replace(projects, jobs_created_low=low)
    u = Uncertainty(objective="robust", robust_budget=1e6)
    scenario = Scenario(budget_eur=20 * M, uncertainty=u)
    f = build(scenario, projects)
    d = robust.deviation(f, projects, u)
    at_low = replace(projects, jobs_created=low)
    expected_low = columns.solve_lp(build(replace(scenario, uncertainty=Uncertainty()), at_low), 30)
    huge = robust.solve_lp(f, d, 1e6, 30.0)
    assert huge.objective == pytest.approx(expected_low.objective, rel=1e-9)
    assert huge.x == pytest.approx(expected_low.x, abs=1e-7)


def test_a_rate_moves_the_tenth_percentile() -> None:
    # Declared figure 10 with a range 6..10 and a rate 0.8: median 8, sigma ln(10/6) / (2 Z90),
    # 10th percentile 8 sqrt(6/10) = 6.197: d = 10 - 6.197 per M EUR.
    projects = replace(
        projects_of([(1.0, 10, "84", True, True)]),
        jobs_created_low=np.array([6]),
        jobs_created_high=np.array([10]),
    )
    u = Uncertainty(objective="robust", realisation_rate=0.8)
    f = build(Scenario(budget_eur=M, uncertainty=u), projects)
    assert robust.deviation(f, projects, u) == pytest.approx([10 - 8 * np.sqrt(0.6)])
    assert robust.budget(u, projects) == 1.0
    assert robust.budget(replace(u, robust_budget=2.5), projects) == 2.5


def test_protection_takes_the_largest_falls_and_a_fraction_of_the_next() -> None:
    assert robust.protection(np.array([1.0, 5.0, 3.0]), 1.5) == pytest.approx(5 + 0.5 * 3)
    assert robust.protection(np.array([1.0, 5.0, 3.0]), 10) == pytest.approx(9)
    x = np.array([0.5, 1.0, 0.0])
    # lifted: z is the 2nd largest fall with Gamma 1.5, p what each exceeds it by.
    assert robust.lifted(x, np.array([4.0, 1.0, 3.0]), 1.5) == pytest.approx(
        [0.5, 1, 0, 1, 0, 0, 1]
    )


def test_rounds_decide_with_the_robust_objective() -> None:
    projects = tiny()
    dates = np.array(["2021-01-10", "2021-01-10", "2021-05-10"], dtype="datetime64[D]")
    projects = replace(projects, record_date=dates)
    rounds = (Round(dt.date(2021, 3, 1), release_share=0.5), Round(dt.date(2021, 9, 1), 0.5))
    scenario = Scenario(budget_eur=2 * M, rounds=rounds, uncertainty=ROBUST)
    from simulation.solve import solve

    result = solve(scenario, projects)
    assert result.status == Status.OPTIMAL
    # March knows projects 1 and 2 and has 1 M EUR: with x2 = 1 - x1 the worst case reads
    # 8 + 2 x1 - max(8 x1, 1 - x1): 7 + 3 x1 up to x1 = 1/9 (7.33), 8 - 6 x1 after, so
    # x = (1/9, 8/9). September adds 1 M EUR: project 3 (6 jobs, no fall) takes it all.
    assert list(result.allocation_eur) == [111_111, 888_889, 1_000_000]


def test_the_price_of_robustness() -> None:
    _, projects = lever_instance(400, seed=7, budget_m=20)
    u = Uncertainty(objective="robust", draws=500, seed=3, realisation_rate=0.8)
    scenario = replace(every_lever(projects, "requires", 1.0, 20), uncertainty=u)
    from simulation.solve import solve

    result = solve(scenario, projects)
    assert result.status == Status.OPTIMAL and result.robustness is not None
    r = result.robustness
    plain = solve(replace(scenario, uncertainty=replace(u, objective="expected")), projects)
    assert plain.robustness is None
    assert plain.jobs_range is not None and result.jobs_range is not None
    assert r.expected == plain.jobs_range  # the same seed, the same draws
    assert r.expected_jobs_given_up == pytest.approx(plain.jobs_range.mean - result.jobs_range.mean)
    assert r.p10_gained == pytest.approx(result.jobs_range.p10 - plain.jobs_range.p10)
    assert r.budget == pytest.approx(np.sqrt(400))
    low = uncertainty.low_jobs(projects, 0.8)
    fall = (projects.jobs_created - low) * result.allocation_eur / projects.aid_requested_eur
    worst = result.jobs - robust.protection(fall, r.budget)
    assert r.worst_case_jobs == pytest.approx(worst, rel=1e-9)


def test_an_infeasible_robust_scenario_is_diagnosed_as_its_constraints() -> None:
    # Region 84 must receive 3 M EUR from a 2 M EUR budget: the robust rows change nothing to
    # that, and the diagnosis names the same conflict as with the expected-jobs objective.
    from simulation.scenario import Constraints, RegionEnvelope

    constraints = Constraints(regions={"84": RegionEnvelope(min_eur=3 * M)})
    scenario = Scenario(budget_eur=2 * M, constraints=constraints, uncertainty=ROBUST)
    result = general.solve(scenario, tiny())
    plain = general.solve(replace(scenario, uncertainty=Uncertainty()), tiny())
    assert result.status == plain.status == Status.INFEASIBLE
    assert result.diagnosis is not None and plain.diagnosis is not None
    assert result.diagnosis.conflicts == plain.diagnosis.conflicts
    assert "budget" in result.diagnosis.names


def test_explanations_count_the_fall_in_the_worst_case() -> None:
    # The hand-solved case at x = (1/8, 1, 7/8): x1, x3 and z (= 1, both falls 8/8 and 1 x 1
    # equal it) are basic; the budget and both robust rows bind. x3 (d3 = 0) gives the budget's
    # price y = 6; x1 gives 10 - 6 - 8 w1 = 0, w1 = 1/2; z gives w1 + w2 = Gamma = 1, w2 = 1/2.
    # Project 2, at its cap, has reduced cost 8 - 6 - 1 x 1/2 = 1.5: its threshold is 6.5 jobs
    # per M EUR, its fall's share of the worst case on top of the budget's price.
    result = general.solve(Scenario(budget_eur=2 * M, uncertainty=ROBUST), tiny())
    explanations = result.explanations
    assert explanations is not None
    assert explanations.jobs_per_meur == pytest.approx([10, 8, 6])
    assert explanations.threshold == pytest.approx([10.0, 6.5, 6.0])


def test_no_draws_no_price_of_robustness() -> None:
    # A sweep asks for no Monte Carlo (draws 0): the robust allocation alone, no second solve.
    from simulation.solve import solve

    u = replace(ROBUST, draws=0)
    result = solve(Scenario(budget_eur=2 * M, uncertainty=u), tiny())
    assert list(result.allocation_eur) == [125_000, 1_000_000, 875_000]
    assert result.robustness is None and result.jobs_range is None


def test_the_engine_gives_the_same_robust_answer_by_column_generation() -> None:
    _, projects = lever_instance(600, seed=8, budget_m=15)
    u = Uncertainty(objective="robust", robust_budget=5.0)
    scenario = replace(every_lever(projects, "requires", 1.0, 15), uncertainty=u)
    whole = general.solve(scenario, projects, sift_above=10**9)
    sifted = general.solve(scenario, projects, sift_above=100)
    assert "column generation" in sifted.solver.method
    assert sifted.jobs == pytest.approx(whole.jobs, rel=1e-9)
    assert [b.name for b in sifted.binding] == [b.name for b in whole.binding]
    assert [b.shadow_price for b in sifted.binding] == pytest.approx(
        [b.shadow_price for b in whole.binding]
    )
    assert sifted.binding and all("in the worst case" in b.unit for b in sifted.binding)


def test_whole_projects_keep_the_most_in_the_worst_case() -> None:
    # All-or-nothing: the robust MILP's allocation keeps at least as many jobs in the worst case
    # as the expected-jobs MILP's (up to the MIP gap), and no more than the robust LP bound.
    projects = seeded_projects(
        300, seed=9, territories=4, fragile_share=0.5, decarbonisation_share=0.35
    )
    rng = np.random.default_rng(9)
    low = np.floor(projects.jobs_created * rng.uniform(0.2, 1.0, 300)).astype(np.int64)
    projects = replace(projects, jobs_created_low=low)
    u = Uncertainty(objective="robust", robust_budget=8.0)
    scenario = Scenario(budget_eur=20 * M, mode=Mode.ALL_OR_NOTHING, uncertainty=u)
    result = general.solve(scenario, projects)
    plain = general.solve(replace(scenario, uncertainty=Uncertainty()), projects)
    assert result.status == plain.status == Status.OPTIMAL
    f = build(scenario, projects)
    bound = robust.solve_lp(f, robust.deviation(f, projects, u), 8.0, 30).objective
    worst = robust.worst_case_jobs(projects, result.allocation_eur, u, 8.0)
    theirs = robust.worst_case_jobs(projects, plain.allocation_eur, u, 8.0)
    assert theirs * (1 - 1e-3) <= worst <= bound + 1e-6
    assert worst > theirs  # the two choices differ here
    funded = result.allocation_eur > 0
    assert (result.allocation_eur[funded] == projects.aid_requested_eur[funded]).all()


class _Clock:
    """simulation.solve's clock, pushed ``spent_s`` forward by the first solve (the robust one):
    the time limit's accounting without waiting for it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, spent_s: float) -> None:
        import time

        import simulation.solve as solve_module

        self.offset = 0.0
        self.limits: list[float] = []
        real_solve, real_clock = solve_module.decide, time.perf_counter

        def solved(*args: Any, time_limit_s: float, **kwargs: Any) -> Result:
            self.limits.append(time_limit_s)
            result = real_solve(*args, time_limit_s=time_limit_s, **kwargs)
            if len(self.limits) == 1:
                self.offset += spent_s
            return result

        clock = SimpleNamespace(perf_counter=lambda: real_clock() + self.offset)
        monkeypatch.setattr(solve_module, "decide", solved)
        monkeypatch.setattr(solve_module, "time", clock)


def test_the_expected_jobs_comparison_gets_what_the_robust_solve_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The robust solve takes 25 s of a 30 s limit: the comparison gets at most the 5 s left, so
    # the whole simulate stays within the limit.
    from simulation.solve import solve

    clock = _Clock(monkeypatch, spent_s=25.0)
    result = solve(Scenario(budget_eur=2 * M, uncertainty=ROBUST), tiny(), time_limit_s=30.0)
    assert clock.limits[0] == 30.0
    assert len(clock.limits) == 2 and 0 < clock.limits[1] <= 5.0
    assert result.robustness is not None
    assert "price of robustness" not in result.message


def test_no_time_left_no_price_of_robustness(monkeypatch: pytest.MonkeyPatch) -> None:
    # The robust solve used the whole limit: no comparison solve, the robust result as it is,
    # its message saying why the price is missing.
    from simulation.solve import solve

    clock = _Clock(monkeypatch, spent_s=31.0)
    result = solve(Scenario(budget_eur=2 * M, uncertainty=ROBUST), tiny(), time_limit_s=30.0)
    assert clock.limits == [30.0]
    assert result.status == Status.OPTIMAL and result.robustness is None
    assert list(result.allocation_eur) == [125_000, 1_000_000, 875_000]
    assert result.jobs_range is not None
    assert result.message.endswith(
        " The price of robustness was not computed within the time limit."
    )


def test_a_comparison_out_of_time_leaves_no_price(monkeypatch: pytest.MonkeyPatch) -> None:
    # The expected-jobs solve runs out of time: no price, said so, the robust allocation kept.
    import simulation.solve as solve_module

    real_solve = solve_module.decide

    def out_of_time(scenario: Scenario, *args: Any, **kwargs: Any) -> Result:
        result = real_solve(scenario, *args, **kwargs)
        if scenario.uncertainty.robust:
            return result
        return replace(result, status=Status.TIME_LIMIT)

    monkeypatch.setattr(solve_module, "decide", out_of_time)
    result = solve_module.solve(Scenario(budget_eur=2 * M, uncertainty=ROBUST), tiny())
    assert result.status == Status.OPTIMAL and result.robustness is None
    assert list(result.allocation_eur) == [125_000, 1_000_000, 875_000]
    assert "price of robustness was not computed within the time limit" in result.message
