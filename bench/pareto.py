"""Pareto front benchmark: 50 warm-started points against one cold solve of the same LP.

On 1,600 projects made by data.generator.generate_projects (the seed's generator, real phase-1
geography when the reference folder is present, with their jobs kept and tCO2e), under the
announced fund's rules (400 M EUR, 69 % of the euros in fragile territories), side by side in
one process, interleaved: one cold solve (the LP of the front built and loaded into a fresh
HiGHS model, then solved for the most jobs), the front of 50 points, and the same front with
HiGHS running every point's second (lexicographic) solve instead of proving it from the first
solve's duals. The target is 50 points in at most 3 cold solves' time.

Run: .venv/bin/python bench/pareto.py [--projects 1600] [--repeats 9] [--x jobs_created]
     [--y co2_avoided_t]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.generator import generate_projects  # noqa: E402
from data.reference import load_geography  # noqa: E402
from data.synthetic import synthetic_geography  # noqa: E402
from settings import Settings  # noqa: E402
from simulation.highs import VERSION  # noqa: E402
from simulation.levers import CRITERIA  # noqa: E402
from simulation.pareto import cold_optimum, front  # noqa: E402
from simulation.projects import ProjectColumns  # noqa: E402
from simulation.scenario import Constraints, Scenario  # noqa: E402

POINTS = 50
TARGET = 3.0
SCENARIO = Scenario(
    name="france-relance-2020",
    budget_eur=400_000_000,
    constraints=Constraints(fragile_share_min=0.69),
)


def generated(count: int) -> ProjectColumns:
    settings = Settings()
    data_dir = settings.data_dir
    geography = load_geography(data_dir) if data_dir.is_dir() else synthetic_geography()
    return generate_projects(geography, count, settings.seed).engine_columns()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=1_600)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--x", choices=CRITERIA, default="jobs_created")
    parser.add_argument("--y", choices=CRITERIA, default="co2_avoided_t")
    args = parser.parse_args()
    projects = generated(args.projects)
    x, y = args.x, args.y
    times: dict[str, list[float]] = {"cold": [], "front": [], "every second solve": []}
    runs: dict[str, Callable[[], object]] = {
        "cold": lambda: cold_optimum(SCENARIO, projects, x, y),
        "front": lambda: front(SCENARIO, projects, x, y, points=POINTS),
        "every second solve": lambda: front(
            SCENARIO, projects, x, y, points=POINTS, always_second_solve=True
        ),
    }
    for run in runs.values():
        run()  # warm-up: imports, the first HiGHS instance
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    warm = front(SCENARIO, projects, x, y, points=POINTS)
    every = front(SCENARIO, projects, x, y, points=POINTS, always_second_solve=True)
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, HiGHS {VERSION}; "
        f"{len(projects):,} generated projects, {SCENARIO.name} rules, front of {x} and {y}"
    )
    print(f"{'':<20} {'median':>9} {'min':>9}  solves")
    solves = {"cold": 1, "front": warm.solves, "every second solve": every.solves}
    for name, seconds in times.items():
        print(
            f"{name:<20} {statistics.median(seconds) * 1000:7.1f} ms {min(seconds) * 1000:6.1f} ms"
            f"  {solves[name]}"
        )
    cold, best_cold = statistics.median(times["cold"]), min(times["cold"])
    for name in ("front", "every second solve"):
        ratio = statistics.median(times[name]) / cold
        best = min(times[name]) / best_cold
        print(
            f"{POINTS} points ({name}) / cold solve: {ratio:.2f} (medians of {args.repeats}), "
            f"{best:.2f} (best of each)"
        )
    print(f"  (target <= {TARGET:g})")
    proven = sum(p.efficient for p in warm.points)
    print(
        f"points proven efficient: {proven} of {len(warm.points)} ({every.solves} HiGHS solves "
        f"when every second solve runs, {warm.solves} with the duals' proofs)"
    )


if __name__ == "__main__":
    main()
