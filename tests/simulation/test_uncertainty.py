"""Job ranges: each project's log-normal from its 10th-90th range, the Monte Carlo of a total."""

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from simulation import uncertainty
from simulation.levers import Round, Uncertainty
from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Constraints, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of, seeded_projects

Z90 = 1.2815515655446004
M = 1_000_000


def ranged(
    values: list[int], lows: list[int], highs: list[int], estimated: list[bool]
) -> ProjectColumns:
    """Projects of 1 M EUR of aid each with the given jobs created and 10th-90th ranges."""
    base = projects_of([(1.0, v, "84", False, False) for v in values])
    return replace(
        base,
        jobs_created_low=np.array(lows, dtype=np.int64),
        jobs_created_high=np.array(highs, dtype=np.int64),
        jobs_created_estimated=np.array(estimated, dtype=np.bool_),
    )


# 0: declared 10 jobs, band 6..10 (data/estimates.py DECLARED_BAND 0.6x..1.0x)
# 1: estimated 20 jobs, model range 6..60
# 2: declared 0 jobs (0..0)
# 3: declared 1 job, band rounded to 0..2: the low of 0 counts as 0.5
# 4: declared 5 jobs without spread (5..5)
FIVE = ranged(
    [10, 20, 0, 1, 5], [6, 6, 0, 0, 5], [10, 60, 0, 2, 5], [False, True, False, False, False]
)


def test_hand_computed_medians_and_sigmas_without_a_rate() -> None:
    median, sigma = uncertainty.distribution(FIVE, None)
    # declared: sqrt(6 * 10) = 7.745966692414834, ln(10 / 6) / (2 * 1.2815515655446004)
    #   = 0.5108256237659907 / 2.5631031310892008 = 0.1992996760723059
    # estimated: sqrt(6 * 60) = 18.973665961010276, ln(10) / 2.5631... = 0.8983583473738543
    # zero: 0, 0; rounded low: sqrt(0.5 * 2) = 1, ln(2 / 0.5) / 2.5631... = 0.5408656188293053
    # no spread: sqrt(5 * 5) = 5, ln(1) = 0
    assert median == pytest.approx([7.745966692414834, 18.973665961010276, 0, 1, 5], rel=1e-12)
    assert sigma == pytest.approx(
        [0.1992996760723059, 0.8983583473738543, 0, 0.5408656188293053, 0], rel=1e-12
    )


def test_a_rate_moves_declared_medians_only() -> None:
    median, sigma = uncertainty.distribution(FIVE, 0.8)
    # declared: 10 * 0.8 = 8, 1 * 0.8, 5 * 0.8; the estimate keeps its model's median.
    assert median == pytest.approx([8.0, 18.973665961010276, 0, 0.8, 4.0], rel=1e-12)
    assert sigma == pytest.approx(uncertainty.distribution(FIVE, None)[1], rel=1e-12)


def test_an_estimate_s_10th_percentile_is_the_data_s_low() -> None:
    low = uncertainty.low_jobs(FIVE, None)
    # sqrt(low * high) * exp(-Z90 * ln(high / low) / (2 Z90)) = sqrt(low * high) * sqrt(low / high)
    assert low[1] == pytest.approx(6.0, rel=1e-12)
    assert low[0] == pytest.approx(6.0, rel=1e-12)  # without a rate a declared figure's too
    assert low[2] == 0 and low[4] == 5
    assert uncertainty.low_jobs(FIVE, 0.8)[0] == pytest.approx(8 * 0.6 / math.sqrt(0.6))


def test_mean_jobs_is_the_log_normal_mean() -> None:
    mean = uncertainty.mean_jobs(FIVE, None)
    # estimated: 18.97367 * exp(0.898358**2 / 2) = 18.97367 * exp(0.403524) = 18.97367 * 1.497083
    assert mean[1] == pytest.approx(18.973665961010276 * math.exp(0.8983583473738543**2 / 2))
    assert mean[1] == pytest.approx(28.4053, abs=1e-4)
    assert mean[2] == 0 and mean[4] == 5


def single(index: int, draws: int, rate: float | None = None) -> np.ndarray:
    allocation = np.zeros(5, dtype=np.int64)
    allocation[index] = M
    return uncertainty.draw_totals(FIVE, allocation, rate, draws, seed=11)


@pytest.mark.parametrize(("index", "rate"), [(1, None), (0, 0.8), (3, None)])
def test_one_project_s_draws_follow_its_log_normal(index: int, rate: float | None) -> None:
    draws = 100_000
    totals = single(index, draws, rate)
    median, sigma = uncertainty.distribution(FIVE, rate)
    law = stats.lognorm(s=sigma[index], scale=median[index])
    assert totals.mean() == pytest.approx(law.mean(), abs=4 * law.std() / math.sqrt(draws))
    for q in (0.1, 0.5, 0.9):
        # A quantile's standard error: sqrt(q (1 - q) / n) / density at the quantile.
        error = math.sqrt(q * (1 - q) / draws) / law.pdf(law.ppf(q))
        assert np.quantile(totals, q) == pytest.approx(law.ppf(q), abs=4 * error)


def test_a_project_without_spread_or_jobs_draws_nothing() -> None:
    assert (single(4, 50) == 5.0).all()
    assert (single(2, 50) == 0.0).all()


def test_jobs_count_pro_rata_to_the_allocation() -> None:
    full = uncertainty.draw_totals(FIVE, np.full(5, M), None, 1_000, seed=3)
    half = uncertainty.draw_totals(FIVE, np.full(5, M // 2), None, 1_000, seed=3)
    assert half == pytest.approx(full / 2, rel=1e-6)


def many(n: int = 400, estimated_share: float = 0.3) -> tuple[ProjectColumns, np.ndarray]:
    projects = seeded_projects(
        n, seed=5, territories=4, fragile_share=0.5, decarbonisation_share=0.4
    )
    jobs = np.maximum(projects.jobs_created, 1)
    rng = np.random.default_rng(8)
    estimated = rng.random(n) < estimated_share
    projects = replace(
        projects,
        jobs_created=jobs,
        jobs_created_low=np.where(estimated, np.round(jobs / 3), np.round(jobs * 0.6)).astype(
            np.int64
        ),
        jobs_created_high=np.where(estimated, jobs * 3, jobs).astype(np.int64),
        jobs_created_estimated=estimated,
    )
    allocation = (projects.aid_requested_eur * rng.uniform(0.2, 1.0, n)).astype(np.int64)
    return projects, allocation


def test_a_sum_of_many_is_close_to_normal() -> None:
    # Declared figures only (sigma about 0.2): the total of 400 is close to normal.
    projects, allocation = many(estimated_share=0.0)
    share = allocation / projects.aid_requested_eur
    median, sigma = uncertainty.distribution(projects, 0.8)
    mean = float((median * np.exp(sigma**2 / 2) * share).sum())
    var = float(((np.exp(sigma**2) - 1) * (median * share) ** 2 * np.exp(sigma**2)).sum())
    sd = math.sqrt(var)
    draws = 20_000
    u = Uncertainty(realisation_rate=0.8, draws=draws, seed=1)
    r = uncertainty.monte_carlo(projects, allocation, u)
    assert r.mean == pytest.approx(mean, abs=4 * sd / math.sqrt(draws))
    assert mean == pytest.approx(float(uncertainty.mean_jobs(projects, 0.8) @ share))
    # Normal approximation, with the total's skewness (cumulants add: a log-normal's third is
    # (w - 1)**2 (w + 2) median**3 w**1.5, w = exp(sigma**2)) as Cornish-Fisher's first term:
    # quantile z -> z + (z**2 - 1) skew / 6. The sampling error at 20,000 draws is 0.012 sd.
    w = np.exp(sigma**2)
    third = ((w - 1) ** 2 * (w + 2) * (median * share) ** 3 * w**1.5).sum()
    skew = float(third) / sd**3
    assert 0.1 < skew < 0.3  # a few large projects weigh in: not quite normal

    def quantile(z: float) -> float:
        return mean + sd * (z + (z**2 - 1) * skew / 6)

    assert r.p10 == pytest.approx(quantile(-Z90), abs=0.05 * sd)
    assert r.p50 == pytest.approx(quantile(0.0), abs=0.05 * sd)
    assert r.p90 == pytest.approx(quantile(Z90), abs=0.05 * sd)
    # The plain normal approximation is off by the skewness's share only.
    assert abs(r.p10 - (mean - Z90 * sd)) < 0.1 * sd
    assert (r.draws, r.seed, r.realisation_rate) == (draws, 1, 0.8)


def test_the_same_seed_gives_the_same_figures_and_another_seed_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    projects, allocation = many()
    u = Uncertainty(draws=3_000, seed=4)
    first = uncertainty.draw_totals(projects, allocation, None, 3_000, 4)
    assert (uncertainty.draw_totals(projects, allocation, None, 3_000, 4) == first).all()
    assert uncertainty.monte_carlo(projects, allocation, u) == uncertainty.monte_carlo(
        projects, allocation, u
    )
    other = uncertainty.draw_totals(projects, allocation, None, 3_000, 5)
    assert not np.allclose(other, first)
    # The cache of normals changes no figure: drawn afresh, the stream gives the very same
    # totals; in chunks of 7 blocks, the same up to the order of the float32 sums.
    uncertainty.forget()
    monkeypatch.setattr(uncertainty, "CACHE", 0)
    assert (uncertainty.draw_totals(projects, allocation, None, 3_000, 4) == first).all()
    monkeypatch.setattr(uncertainty, "CHUNK", 7 * 3_000)
    chunked = uncertainty.draw_totals(projects, allocation, None, 3_000, 4)
    assert chunked == pytest.approx(first, rel=1e-5)
    assert not np.allclose(chunked, other)


def test_only_funded_projects_are_drawn() -> None:
    projects, allocation = many()
    allocation[::3] = 0
    before = uncertainty.draw_totals(projects, allocation, None, 2_000, 9)
    # An unfunded project's range, made wide, changes no draw.
    low = projects.jobs_created_low.copy()
    high = projects.jobs_created_high.copy()
    low[::3] = 0
    high[::3] *= 50
    wider = replace(projects, jobs_created_low=low, jobs_created_high=high)
    assert (uncertainty.draw_totals(wider, allocation, None, 2_000, 9) == before).all()
    # A funded one's does.
    high[1] *= 50
    wider = replace(projects, jobs_created_low=low, jobs_created_high=high)
    assert not (uncertainty.draw_totals(wider, allocation, None, 2_000, 9) == before).all()


def test_nothing_funded_draws_zero() -> None:
    totals = uncertainty.draw_totals(FIVE, np.zeros(5, dtype=np.int64), None, 10, 0)
    assert (totals == 0).all() and totals.shape == (10,)


def test_target_probability() -> None:
    # Four draws: 1, 2, 3, 4 jobs; at least 3 in two of them.
    totals = np.array([1.0, 2.0, 3.0, 4.0])
    r = uncertainty.jobs_range(totals, draws=4, seed=0, rate=None, target_jobs=3)
    assert r.target_probability == 0.5
    assert (r.mean, r.p50) == (2.5, 2.5)
    assert r.p10 == pytest.approx(1.3)  # linear interpolation: 1 + 0.1 * 3
    assert uncertainty.jobs_range(totals, draws=4, seed=0, rate=None, target_jobs=0) == replace(
        r, target_jobs=0, target_probability=1.0
    )
    none = uncertainty.jobs_range(totals, draws=4, seed=0, rate=None, target_jobs=None)
    assert none.target_probability is None
    projects, allocation = many()
    huge = Uncertainty(target_jobs=10**9, draws=500)
    assert uncertainty.monte_carlo(projects, allocation, huge).target_probability == 0.0
    reachable = Uncertainty(target_jobs=1, draws=500)
    assert uncertainty.monte_carlo(projects, allocation, reachable).target_probability == 1.0


# a: 10 jobs per M EUR, b: 5 (fragile), c: 2 (decarbonising); 10 M EUR each.
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]


def test_solve_results_carry_their_range() -> None:
    projects = projects_of(ABC)
    # Without ranges in the data every figure is certain: the range is the engine's jobs.
    # Budget 15 M EUR: a in full (100 jobs), half of b (25 jobs) = 125 jobs.
    result = solve(Scenario(budget_eur=15 * M), projects)
    assert result.jobs == pytest.approx(125.0)
    assert result.jobs_range is not None
    r = result.jobs_range
    assert (r.mean, r.p10, r.p50, r.p90) == pytest.approx((125.0,) * 4)
    assert (r.draws, r.seed, r.target_probability) == (2_000, 0, None)
    # A realisation rate of 0.8 and a target: 0.8 * 125 = 100 jobs, reached in every draw.
    u = Uncertainty(realisation_rate=0.8, target_jobs=100)
    rated = solve(Scenario(budget_eur=15 * M, uncertainty=u), projects)
    assert rated.jobs == pytest.approx(125.0)  # the engine still maximises the declared jobs
    assert rated.jobs_range is not None
    assert rated.jobs_range.p50 == pytest.approx(100.0)
    assert rated.jobs_range.target_probability == 1.0
    # With spreads, the general engine's and the rounds' results carry one too.
    spread = replace(
        projects,
        jobs_created_low=np.array([60, 30, 12]),
        jobs_created_high=np.array([100, 50, 20]),
    )
    general = solve(Scenario(budget_eur=15 * M), spread, budget_eur=15 * M)
    assert general.jobs_range is not None
    assert general.jobs_range.p10 < general.jobs_range.p50 < general.jobs_range.p90
    # The band's median is sqrt(0.6) of the figure: 125 * 0.7746 = 96.8 jobs.
    assert general.jobs_range.p50 == pytest.approx(125 * math.sqrt(0.6), rel=0.01)
    rounds = (Round(date=dt.date(2021, 6, 1), release_share=1.0),)
    rounded = solve(Scenario(budget_eur=15 * M, rounds=rounds), spread)
    assert rounded.status == Status.OPTIMAL
    assert rounded.jobs_range is not None


def test_results_without_an_allocation_have_no_range() -> None:
    projects = projects_of(ABC)
    # Spend all 15 M EUR on fragile projects: only b's 10 M EUR are fragile.
    infeasible = solve(
        Scenario(
            budget_eur=15 * M, constraints=Constraints(fragile_share_min=1.0, min_spend_share=1.0)
        ),
        projects,
    )
    assert infeasible.status == Status.INFEASIBLE
    assert infeasible.jobs_range is None
    scenario = Scenario(budget_eur=15 * M)
    assert uncertainty.with_ranges(infeasible, scenario, projects) is infeasible
    # A solved result with no draws asked (as a sweep may) keeps no range either.
    solved = solve(scenario, projects)
    none = replace(scenario, uncertainty=Uncertainty(draws=0))
    bare = replace(solved, jobs_range=None)
    assert uncertainty.with_ranges(bare, none, projects) is bare


def test_the_documented_sampling_error_of_the_10th_percentile() -> None:
    # docs/uncertainty.md: +/- 0.038 sd at 2,000 draws; sqrt(0.09 / 2000) / pdf(Z90)
    # = 0.006708 / 0.175498 = 0.03822.
    assert uncertainty.standard_error_p10(2_000) == pytest.approx(0.03822, abs=1e-5)
    assert uncertainty.standard_error_p10(2_000) == pytest.approx(
        math.sqrt(0.09 / 2_000) / stats.norm.pdf(stats.norm.ppf(0.9))
    )
    # Over many seeds, the 10th percentile of 2,000 normal draws spreads by about that much.
    rng = np.random.default_rng(0)
    p10 = np.percentile(rng.standard_normal((400, 2_000)), 10, axis=1)
    assert p10.std() == pytest.approx(uncertainty.standard_error_p10(2_000), rel=0.15)
