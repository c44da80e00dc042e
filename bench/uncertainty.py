"""Monte Carlo benchmark: a result's job range against drawing its random numbers, and a solve.

On bench/engine.py's synthetic instance (numpy-seeded) with jobs created's 10th-90th range added
as the data carries it: two projects in three declared (data/estimates.py's declaration band,
0.6x to 1.0x), one in three estimated (a 90th percentile about 10 times the 10th around the
figure, as docs/data.md prints for the estimation model). The scenario is solved once; then,
interleaved in one run and each repeated:

- floor: numpy drawing the same random numbers as the Monte Carlo (``rng.standard_normal`` of the
  same shape and dtype, in the same chunks), nothing else;
- monte_carlo: the range of the chosen allocation (10,000 draws by default), drawing its normals
  (the cache of simulation.uncertainty emptied first; 10,000 draws of 571 projects are more than
  it keeps anyway);
- range: the range a solve adds (``with_ranges``, levers.DRAWS draws), its normals drawn, and
  range_kept: the same with the normals kept from the run before (what the next solve of a
  process with the same seed and draws pays);
- solve: one cold solve of the scenario with the range it carries (normals drawn), solve_kept:
  the same with the normals kept, engine_only: the solve without its range.

Run: .venv/bin/python bench/uncertainty.py [--size 1600] [--draws 10000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engine import synthetic
from data.estimates import declared_range
from simulation import uncertainty
from simulation.levers import Uncertainty
from simulation.projects import ProjectColumns
from simulation.scenario import Scenario
from simulation.solve import _solve, solve

ESTIMATED_SHARE = 1 / 3
RATIOS = (
    ("monte_carlo", "floor"),  # at most 2
    ("monte_carlo", "solve"),
    ("range", "engine_only"),
    ("range_kept", "engine_only"),
    ("solve", "engine_only"),
    ("solve_kept", "engine_only"),
)
ESTIMATED_SPREAD = np.sqrt(10.4)  # 90th / 10th = 10.4 for estimated jobs created (docs/data.md)


def instance(n: int, seed: int = 1) -> tuple[Scenario, ProjectColumns]:
    """bench/engine.py's instance with jobs created's ranges."""
    scenario, projects = synthetic(n, seed)
    rng = np.random.default_rng([seed, 16])
    jobs = projects.jobs_created
    estimated = rng.random(n) < ESTIMATED_SHARE
    low, high = declared_range("jobs_created", jobs)
    wide_low = np.minimum(np.round(jobs / ESTIMATED_SPREAD), jobs).astype(np.int64)
    wide_high = np.maximum(np.round(jobs * ESTIMATED_SPREAD), jobs).astype(np.int64)
    projects = replace(
        projects,
        jobs_created_low=np.where(estimated, wide_low, low),
        jobs_created_high=np.where(estimated, wide_high, high),
        jobs_created_estimated=estimated,
    )
    return scenario, projects


def floor(projects: ProjectColumns, allocation: np.ndarray, u: Uncertainty) -> float:
    """numpy drawing what draw_totals draws: the same shape, dtype and chunks."""
    median, sigma = uncertainty.distribution(projects, u.realisation_rate)
    k = int(((allocation > 0) & (sigma > 0) & (median > 0)).sum())
    rng = np.random.default_rng(u.seed)
    step = max(1, uncertainty.CHUNK // u.draws)
    buffer = np.empty((min(step, k), u.draws), np.float32)
    for start in range(0, k, step):
        rng.standard_normal(out=buffer[: min(step, k - start)], dtype=np.float32)
    return float(buffer[0, 0])


def cold(run: Callable[[], object]) -> Callable[[], object]:
    """``run`` with the cache of normals emptied first: it draws them all itself."""

    def without_cache() -> object:
        uncertainty.forget()
        return run()

    return without_cache


def interleaved(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():  # warm-up
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=1600)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    scenario, projects = instance(args.size)
    result = solve(scenario, projects)
    allocation = result.allocation_eur
    u = replace(scenario.uncertainty, draws=args.draws)
    funded = int((allocation > 0).sum())

    def engine_only() -> object:
        return _solve(
            scenario,
            projects,
            time_limit_s=30.0,
            mip_rel_gap=1e-3,
            fixed_eur=None,
            budget_eur=None,
            whole_pool=True,
        )

    runs: dict[str, Callable[[], object]] = {
        "floor": lambda: floor(projects, allocation, u),
        "monte_carlo": cold(lambda: uncertainty.monte_carlo(projects, allocation, u)),
        "range": cold(lambda: uncertainty.with_ranges(result, scenario, projects)),
        "range_kept": lambda: uncertainty.with_ranges(result, scenario, projects),
        "solve": cold(lambda: solve(scenario, projects)),
        "solve_kept": lambda: solve(scenario, projects),
        "engine_only": engine_only,
    }
    times = interleaved(runs, args.repeats)
    r = uncertainty.monte_carlo(projects, allocation, u)
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
        f"{args.size:,} projects, {funded} funded, {int(projects.jobs_created_estimated.sum())} "
        f"estimated; Monte Carlo of {args.draws:,} draws, solves with their "
        f"{scenario.uncertainty.draws:,}-draw range; {args.repeats} interleaved runs"
    )
    print(f"jobs {result.jobs:,.0f} declared; {args.draws:,} draws: mean {r.mean:,.0f}, ", end="")
    print(f"p10 {r.p10:,.0f}, p50 {r.p50:,.0f}, p90 {r.p90:,.0f}")
    print("\n| run | median | best |\n|---|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values) * 1e3:.1f} ms | {min(values) * 1e3:.1f} ms |")
    print("\n| ratio | of medians | of bests |\n|---|---:|---:|")
    for top, bottom in RATIOS:
        of_medians = statistics.median(times[top]) / statistics.median(times[bottom])
        of_bests = min(times[top]) / min(times[bottom])
        print(f"| {top} / {bottom} | **{of_medians:.2f}** | {of_bests:.2f} |")


if __name__ == "__main__":
    main()
