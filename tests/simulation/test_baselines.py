"""The vectorised baselines against the plain loops they replace, on random instances.

The reference functions below are the rules written one project at a time: the vectorised
walk must give the very same allocations, to the last bit, whatever the instance.
"""

import math

import numpy as np
import pytest

from simulation import baselines, lp
from simulation.baselines import EPS
from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, RegionEnvelope, Scenario

Floats = np.ndarray


def order_by_jobs_per_euro(p: lp.Problem) -> np.ndarray:
    return np.lexsort((np.arange(p.n), -p.jobs_per_meur))


def reference_greedy(p: lp.Problem, all_or_nothing: bool) -> Floats:
    order = order_by_jobs_per_euro(p)
    cap = p.cap[order]
    if not all_or_nothing:
        before = np.cumsum(cap) - cap
        take = np.clip(p.budget_m - before, 0.0, cap)
    else:
        take = np.zeros(p.n)
        left = p.budget_m
        for k, c in enumerate(cap.tolist()):
            if c <= left + EPS:
                take[k] = c
                left -= c
    x = np.zeros(p.n)
    x[order] = take
    return x


def reference_greedy_with_floors(p: lp.Problem, all_or_nothing: bool) -> Floats:
    """Best jobs per euro first, in phases keeping the floors and envelopes, one by one."""
    order = order_by_jobs_per_euro(p).tolist()
    region_min = np.zeros(len(p.region_codes))
    region_max = np.full(len(p.region_codes), math.inf)
    for env in p.envelopes:
        region_min[p.region_codes.index(env.code)] = env.min_m
        region_max[p.region_codes.index(env.code)] = env.max_m
    lo, hi = region_min.tolist(), region_max.tolist()
    cap = p.cap.tolist()
    region = p.region.tolist()
    fragile = p.fragile.tolist()
    decarb = p.decarbonisation.tolist()
    phi, delta, budget = p.fragile_min, p.decarbonisation_min, p.budget_m
    x = [0.0] * p.n
    in_region = [0.0] * len(p.region_codes)
    total = {"spent": 0.0, "fragile": 0.0, "decarb": 0.0}

    def visit(i: int, quota: str | None, target: float, keep_floors: bool) -> bool:
        if total["spent"] >= budget - EPS:
            return True
        if quota in ("fragile", "decarb") and total[str(quota)] >= target - EPS:
            return True
        r = region[i]
        room = cap[i] - x[i]
        if quota == "region" and in_region[r] >= lo[r] - EPS:
            return False
        t = min(room, budget - total["spent"], hi[r] - in_region[r])
        if quota in ("fragile", "decarb"):
            t = min(t, target - total[quota]) if not all_or_nothing else t
        if not keep_floors:
            left = budget - total["spent"]
            if not fragile[i]:
                t = min(t, left - max(phi * budget - total["fragile"], 0.0))
            if not decarb[i]:
                t = min(t, left - max(delta * budget - total["decarb"], 0.0))
        if keep_floors and not fragile[i] and phi > 0:
            t = min(t, (total["fragile"] - phi * total["spent"]) / phi)
        if keep_floors and not decarb[i] and delta > 0:
            t = min(t, (total["decarb"] - delta * total["spent"]) / delta)
        if t <= EPS or (all_or_nothing and t < room - EPS):
            return False
        x[i] += t
        in_region[r] += t
        total["spent"] += t
        total["fragile"] += t if fragile[i] else 0.0
        total["decarb"] += t if decarb[i] else 0.0
        return False

    def run(candidates: list[int], quota: str | None, target: float, keep_floors: bool) -> None:
        for i in candidates:
            if visit(i, quota, target, keep_floors):
                return

    run([i for i in order if lo[region[i]] > 0], "region", 0.0, False)
    run([i for i in order if fragile[i]], "fragile", phi * budget, False)
    run([i for i in order if decarb[i]], "decarb", delta * budget, False)
    run(order, None, 0.0, True)
    return np.array(x)


REGIONS = np.array(["01", "11", "24", "84", "93", "94"])


def random_problem(seed: int) -> lp.Problem:
    """Instances that reach every branch: ties in jobs per euro, empty and tiny requests, budgets
    from scarce to ample, floors from none to all, envelopes that bind low and high."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 1500))
    regions = REGIONS[: int(rng.integers(1, len(REGIONS) + 1))]
    aid = np.clip(rng.lognormal(np.log(0.5e6), 1.2, n), 0, 3e7).round().astype(np.int64)
    aid[rng.random(n) < 0.02] = 0
    aid[rng.random(n) < 0.02] = int(rng.integers(1, 50))  # a few euros: below EPS in M EUR
    jobs = (aid / 1e6 * rng.lognormal(np.log(20), 0.8, n)).round().astype(np.int64)
    tied = rng.random(n) < 0.2
    aid[tied], jobs[tied] = 400_000, 8  # identical jobs per euro: order by position
    projects = ProjectColumns(
        ids=np.arange(1, n + 1, dtype=np.int64),
        aid_requested_eur=aid,
        investment_eur=(aid * rng.uniform(2, 10, n)).astype(np.int64),
        jobs_created=jobs,
        region=rng.choice(regions, n),
        territory=rng.choice(np.array(["a", "b", "c"]), n),
        fragile=rng.random(n) < rng.uniform(0, 1),
        decarbonisation=rng.random(n) < rng.uniform(0, 1),
    )
    total_m = aid.sum() / 1e6
    budget_m = total_m * float(rng.choice([0.01, 0.1, 0.3, 0.7, 1.0, 1.5]))

    def share() -> float:
        return float(rng.choice([0.0, 1.0, round(rng.uniform(0, 1), 3), rng.uniform(0, 1)]))

    envelopes = {}
    for code in rng.choice(regions, int(rng.integers(0, len(regions) + 1)), replace=False):
        low = rng.choice([None, 0.0, rng.uniform(0, 0.4)])
        high = rng.choice([None, 0.0, rng.uniform(0, 0.5), rng.uniform(0.2, 2.0)])
        envelopes[str(code)] = RegionEnvelope(
            min_eur=None if low is None else round(float(low) * budget_m * 1e6),
            max_eur=None if high is None else round(float(high) * budget_m * 1e6),
        )
    kappa = None if rng.random() < 0.5 else float(rng.uniform(0.05, 0.5))
    scenario = Scenario(
        budget_eur=round(budget_m * 1e6),
        constraints=Constraints(
            fragile_share_min=share(),
            decarbonisation_share_min=share(),
            max_aid_intensity=kappa,
            regions=envelopes,
        ),
    )
    return lp.build(scenario, projects)


SEEDS = range(120)


@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["continuous", "all-or-nothing"])
@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_with_floors_allocates_as_the_project_by_project_rule(
    seed: int, all_or_nothing: bool
) -> None:
    p = random_problem(seed)
    np.testing.assert_array_equal(
        baselines.greedy_with_floors(p, all_or_nothing),
        reference_greedy_with_floors(p, all_or_nothing),
    )


@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["continuous", "all-or-nothing"])
@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_allocates_as_the_project_by_project_rule(seed: int, all_or_nothing: bool) -> None:
    p = random_problem(seed)
    np.testing.assert_array_equal(
        baselines.greedy(p, all_or_nothing), reference_greedy(p, all_or_nothing)
    )


@pytest.mark.parametrize(
    ("window", "rounds"),
    [pytest.param(1, 1, id="one-by-one"), pytest.param(3, 2, id="tiny-windows")],
)
@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["continuous", "all-or-nothing"])
def test_small_windows_and_few_rounds_give_the_same_allocations(
    window: int, rounds: int, all_or_nothing: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows that end before the phase does, and rounds that prove only part of a window.
    monkeypatch.setattr(baselines, "FIRST_WINDOW", window)
    monkeypatch.setattr(baselines, "ROUNDS", rounds)
    for seed in range(0, 120, 7):
        p = random_problem(seed)
        np.testing.assert_array_equal(
            baselines.greedy_with_floors(p, all_or_nothing),
            reference_greedy_with_floors(p, all_or_nothing),
        )
        np.testing.assert_array_equal(
            baselines.greedy(p, all_or_nothing), reference_greedy(p, all_or_nothing)
        )
