"""Robust benchmark: the robust LP (budget of uncertainty) against the expected-jobs LP, as ratios
in one run.

On the synthetic instances of bench/levers.py (bench/engine.py's 18 regions, 400 M EUR, fragile
and decarbonisation floors, regional envelopes, and the lever columns), each project's jobs
created given the declaration band's range (10th percentile 0.6x the figure, rounded, 90th the
figure) and a realisation rate of 0.8. Both LPs are solved on the same formulation: the
expected-jobs one by simulation.columns.solve_lp, the robust one by simulation.robust.solve_lp with
Gamma = sqrt(n) (the default); whole up to 2,000 projects, by column generation above. The bench
checks that the robust objective lies between the expected one and the one with every project at
its 10th percentile. Side by side, interleaved, each run repeated; the engine's whole solves
(general.solve, with binding constraints, explanations and next in line) too.

Run: .venv/bin/python bench/robust.py [--sizes 1600 160000] [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engine import BUDGET_EUR
from bench.levers import Runs, instance, interleaved, measure_and_print, ratio_row
from simulation import columns, general, robust
from simulation.columns import LpOptimum
from simulation.formulation import build
from simulation.highs import VERSION
from simulation.levers import Uncertainty
from simulation.projects import ProjectColumns
from simulation.scenario import Scenario

RATE = 0.8
LIMIT_S = 300.0
Lps = dict[str, Callable[[], LpOptimum]]


def banded(n: int) -> tuple[Scenario, ProjectColumns]:
    scenario, projects = instance(n)
    jobs = projects.jobs_created
    low = np.minimum(np.round(jobs * 0.6), jobs).astype(np.int64)
    return scenario, replace(projects, jobs_created_low=low, jobs_created_high=jobs.copy())


def interleaved_lps(runs: Lps, repeats: int) -> tuple[dict[str, list[float]], dict[str, LpOptimum]]:
    """bench/levers.py's interleaved, for LP solves."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    last: dict[str, LpOptimum] = {}
    for run in runs.values():
        run()  # warm-up
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            last[name] = run()
            times[name].append(time.perf_counter() - start)
    return times, last


def measure(n: int, repeats: int, rows: list[str], checks: list[str]) -> None:
    scenario, projects = banded(n)
    u = Uncertainty(realisation_rate=RATE, objective="robust")
    robust_scenario = replace(scenario, uncertainty=u)
    f = build(scenario, projects)
    d = robust.deviation(f, projects, u)
    gamma = robust.budget(u, projects)
    lps: Lps = {
        "expected": lambda: columns.solve_lp(f, LIMIT_S),
        "robust": lambda: robust.solve_lp(f, d, gamma, LIMIT_S),
    }
    times, last = interleaved_lps(lps, repeats)
    expected, worst = last["expected"], last["robust"]
    low_cost = np.concatenate([f.cost[: f.n] - d, f.cost[f.n :]])
    at_low = columns.solve_lp(replace(f, cost=low_cost), LIMIT_S)
    assert (expected.status, worst.status, at_low.status) == ("optimal",) * 3
    assert at_low.objective - 1e-6 <= worst.objective <= expected.objective + 1e-6
    rows.append(ratio_row(f"LP, {n:,} projects (Gamma = {gamma:.0f})", times, "robust", "expected"))
    checks.append(
        f"{n:,} projects: objective {expected.objective:,.1f} expected, "
        f"{worst.objective:,.1f} robust worst case, {at_low.objective:,.1f} all at their 10th "
        f"percentile; robust LP {worst.rounds} HiGHS run(s) over {worst.columns:,} of "
        f"{len(f.cost):,} columns ({worst.method})"
    )
    engines: Runs = {
        "expected": lambda: general.solve(scenario, projects, time_limit_s=LIMIT_S),
        "robust": lambda: general.solve(robust_scenario, projects, time_limit_s=LIMIT_S),
    }
    times, results = interleaved(engines, repeats)
    assert all(r.status == "optimal" for r in results.values())
    rows.append(ratio_row(f"general.solve, {n:,} projects", times, "robust", "expected"))
    given_up = results["expected"].jobs - results["robust"].jobs
    checks.append(f"{n:,} projects: the robust allocation gives up {given_up:,.1f} declared jobs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_600, 160_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1,600 projects, 3 repeats")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeats = [1_600], 3
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, HiGHS {VERSION}; "
        f"synthetic instances of bench/levers.py, {BUDGET_EUR / 1e6:g} M EUR, realisation rate "
        f"{RATE}; {args.repeats} interleaved runs after a warm-up",
        flush=True,
    )
    measure_and_print(measure, args.sizes, args.repeats, ("expected", "robust"))


if __name__ == "__main__":
    main()
