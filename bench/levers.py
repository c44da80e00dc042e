"""Levers benchmark: the general engine against the version-1 engine, as ratios in one run.

On the synthetic instances of bench/engine.py (numpy-seeded, 18 regions, 400 M EUR, fragile
floor 69 % and decarbonisation floor 42 % of euros, every region in [0.5, 1.6] x weight x
budget), with the columns the levers read added here: jobs kept, tCO2e avoided, a department
(five per region), a sector, a record date in 2021 (a quarter of the projects in each quarter)
and, for 20 projects, an award already made. Side by side, interleaved, each run repeated:

1. Neutral levers through the general engine (``solve(..., budget_eur=scenario.budget_eur)``
   sends the very same problem to simulation.general) against the version-1 engine (sifting),
   continuous and all-or-nothing; the bench checks that both find the same jobs.
2. Every lever pulled at once (weights on three criteria, co-funding in three regions with the
   rule ``requires`` at rate 1, department and sector floors, a fragile project-share floor,
   20 awards locked, 2 projects forced in and 2 forced out) against the version-1 solve of the
   same base scenario.
3. Four review rounds (25 % of the budget each, one a quarter) against one plain solve of the
   same scenario, and how many solves the rounds ran.
4. An infeasible lever scenario (region 84's minimum needs more State money than the budget
   leaves once each regional euro needs a State euro) against the same scenario with the
   matching rate at 0, which is feasible: the diagnosis's time against one feasible solve.

Run: .venv/bin/python bench/levers.py [--sizes 1600 16000] [--repeats 7] [--large 160000]
     [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engine import BUDGET_EUR, synthetic
from simulation.highs import VERSION
from simulation.levers import CoFunding, Controls, Matching, Objective, Round
from simulation.projects import ProjectColumns
from simulation.result import Result, Status
from simulation.rounds import solve_rounds
from simulation.scenario import Mode, RegionEnvelope, Scenario
from simulation.solve import MIP_REL_GAP, solve

SECTORS = ("Agroalimentaire", "Chimie", "Métallurgie", "Bois", "Automobile", "Santé")
SECTOR_WEIGHTS = (0.2, 0.15, 0.25, 0.1, 0.2, 0.1)
QUARTERS = (dt.date(2021, 4, 1), dt.date(2021, 7, 1), dt.date(2021, 10, 1), dt.date(2022, 1, 1))
LARGE_LIMIT_S = 60.0
Runs = dict[str, Callable[[], Result]]


def instance(n: int, seed: int = 1) -> tuple[Scenario, ProjectColumns]:
    """bench/engine.py's instance with the optional columns the levers read."""
    scenario, base = synthetic(n, seed)
    rng = np.random.default_rng([seed, 2])
    jobs = base.jobs_created.astype(float)
    co2 = base.investment_eur / 1e6 * rng.lognormal(np.log(40.0), 0.8, n)
    co2 *= np.where(base.decarbonisation, 3.0, 1.0)
    departments = base.region_index * 5 + rng.integers(1, 6, n)
    awarded = np.zeros(n, np.int64)
    locked = rng.choice(n, size=20, replace=False)
    awarded[locked] = base.aid_requested_eur[locked] // 2
    projects = replace(
        base,
        jobs_kept=(jobs * rng.lognormal(np.log(1.5), 0.5, n)).round().astype(np.int64),
        co2_avoided_t=co2.round().astype(np.int64),
        department=np.char.zfill(departments.astype(str), 2),
        sector=np.array(SECTORS)[rng.choice(len(SECTORS), size=n, p=SECTOR_WEIGHTS)],
        record_date=np.datetime64("2021-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]"),
        award_eur=awarded,
    )
    return scenario, projects


def every_lever(scenario: Scenario, projects: ProjectColumns) -> Scenario:
    free = np.flatnonzero(projects.award_eur == 0)
    c = scenario.constraints
    return replace(
        scenario,
        objective=Objective({"jobs_created": 1.0, "jobs_kept": 0.25, "co2_avoided_t": 0.5}),
        co_funding=CoFunding(
            {"84": 25_000_000, "32": 20_000_000, "11": 30_000_000}, Matching("requires", 1.0)
        ),
        constraints=replace(
            c,
            fragile_project_share_min=0.6,
            departments={
                "28": RegionEnvelope(min_eur=5_000_000),
                "59": RegionEnvelope(max_eur=8_000_000),
            },
            sectors={"Agroalimentaire": 0.15, "Bois": 0.05},
        ),
        controls=Controls(
            lock_awards=True,
            force_in=tuple(int(i) for i in projects.ids[free[:2]]),
            force_out=tuple(int(i) for i in projects.ids[free[2:4]]),
        ),
    )


def without_minimums(scenario: Scenario) -> Scenario:
    """The regions' minimums bind every round: a region with a few projects cannot meet its
    minimum with the quarter of them recorded in the first quarter. Rounds keep the maximums."""
    c = scenario.constraints
    regions = {code: RegionEnvelope(max_eur=e.max_eur) for code, e in c.regions.items()}
    return replace(scenario, constraints=replace(c, regions=regions))


def quarterly(scenario: Scenario) -> Scenario:
    return replace(scenario, rounds=tuple(Round(date, release_share=0.25) for date in QUARTERS))


def impossible_minimum(scenario: Scenario, projects: ProjectColumns, rate: float) -> Scenario:
    """Region 84 must receive 90 % of what its projects ask, half of it paid by the region; the
    budget is a third of that minimum. At matching rate 1 each regional euro needs a State euro,
    so the minimum needs more State money than the budget has: infeasible. At rate 0 the
    region's money may pay its projects alone: feasible."""
    in_84 = projects.region == "84"
    minimum = int(0.9 * projects.aid_requested_eur[in_84].sum())
    return replace(
        scenario,
        budget_eur=minimum // 3,
        constraints=replace(
            scenario.constraints,
            regions={"84": RegionEnvelope(min_eur=minimum)},
            decarbonisation_share_min=0.0,
        ),
        co_funding=CoFunding({"84": minimum}, Matching("requires", rate)),
    )


def measure_and_print(
    measure: Callable[[int, int, list[str], list[str]], None],
    sizes: list[int],
    repeats: int,
    sides: tuple[str, str],
) -> None:
    """Each size measured (``measure`` appends table rows and check lines), then the table of
    both sides' medians and bests with their ratios, then the checks."""
    rows: list[str] = []
    checks: list[str] = []
    for n in sizes:
        measure(n, repeats, rows, checks)
        print(f"measured {n:,}", file=sys.stderr, flush=True)
    a, b = sides
    print(
        f"| run | {a}, median | {b}, median | ratio of medians "
        f"| {a}, best | {b}, best | ratio of bests |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    print()
    for check in checks:
        print(check)


def interleaved(runs: Runs, repeats: int) -> tuple[dict[str, list[float]], dict[str, Result]]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    last: dict[str, Result] = {}
    for run in runs.values():
        run()  # warm-up: imports, the first HiGHS instance
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            last[name] = run()
            times[name].append(time.perf_counter() - start)
    return times, last


def ratio_row(label: str, times: dict[str, list[float]], top: str, bottom: str) -> str:
    med_top, med_bottom = statistics.median(times[top]), statistics.median(times[bottom])
    best_top, best_bottom = min(times[top]), min(times[bottom])
    return (
        f"| {label} | {med_bottom * 1000:.1f} ms | {med_top * 1000:.1f} ms "
        f"| **{med_top / med_bottom:.2f}** | {best_bottom * 1000:.1f} ms "
        f"| {best_top * 1000:.1f} ms | {best_top / best_bottom:.2f} |"
    )


def same_jobs(general: Result, version_1: Result, all_or_nothing: bool) -> str:
    a, b = general.jobs, version_1.jobs
    if all_or_nothing:
        gaps = [r.solver.mip_gap or 0.0 for r in (general, version_1)]
        tolerance, what = max(MIP_REL_GAP, *gaps), "within the MIP gap"
    else:
        tolerance, what = 1e-6, "rel 1e-6"
    difference = abs(a - b) / max(abs(b), 1.0)
    verdict = "same jobs" if difference <= tolerance else "DIFFERENT JOBS"
    assert difference <= tolerance, (a, b, tolerance)
    return f"{verdict} ({what}): {a:,.1f} / {b:,.1f}, relative difference {difference:.1e}"


def measure(n: int, repeats: int, rows: list[str], checks: list[str]) -> None:
    scenario, projects = instance(n)
    aon = replace(scenario, mode=Mode.ALL_OR_NOTHING)
    levers = every_lever(scenario, projects)
    plain = without_minimums(scenario)
    rounds = quarterly(plain)
    solves = [0]

    def counted(*args: object, **kwargs: object) -> Result:
        solves[0] += 1
        return solve(*args, **kwargs)  # type: ignore[arg-type]

    infeasible = impossible_minimum(scenario, projects, 1.0)
    feasible = impossible_minimum(scenario, projects, 0.0)
    budget = scenario.budget_eur
    runs: Runs = {
        "v1": lambda: solve(scenario, projects),
        "general": lambda: solve(scenario, projects, budget_eur=budget),
        "v1 aon": lambda: solve(aon, projects),
        "general aon": lambda: solve(aon, projects, budget_eur=budget),
        "levers": lambda: solve(levers, projects),
        "plain": lambda: solve(plain, projects),
        "rounds": lambda: solve_rounds(rounds, projects, solve=counted),
        "feasible": lambda: solve(feasible, projects),
        "infeasible": lambda: solve(infeasible, projects),
    }
    times, last = interleaved(runs, repeats)
    assert last["levers"].status == Status.OPTIMAL, last["levers"].message
    assert last["feasible"].status == Status.OPTIMAL, last["feasible"].message
    assert last["infeasible"].status == Status.INFEASIBLE, last["infeasible"].message
    diagnosis = last["infeasible"].diagnosis
    assert diagnosis is not None
    per_run = solves[0] // (repeats + 1)
    size = f"{n:,}"
    rows += [
        ratio_row(
            f"{size}: neutral levers, general / version 1, continuous", times, "general", "v1"
        ),
        ratio_row(
            f"{size}: neutral levers, general / version 1, all-or-nothing",
            times,
            "general aon",
            "v1 aon",
        ),
        ratio_row(f"{size}: every lever / version 1", times, "levers", "v1"),
        ratio_row(
            f"{size}: four rounds ({per_run} solves) / one plain solve", times, "rounds", "plain"
        ),
        ratio_row(
            f"{size}: infeasible, diagnosis / feasible twin", times, "infeasible", "feasible"
        ),
        ratio_row(f"{size}: infeasible, diagnosis / version 1", times, "infeasible", "v1"),
    ]
    checks += [
        f"{size}, continuous: {same_jobs(last['general'], last['v1'], False)}",
        f"{size}, all-or-nothing: {same_jobs(last['general aon'], last['v1 aon'], True)}",
        f"{size}, every lever: {last['levers'].jobs:,.1f} jobs, "
        f"{last['levers'].spent_eur / 1e6:,.1f} M EUR spent (State and regions)",
        f"{size}, rounds: {solves[0]} solves in {repeats + 1} runs ({per_run} a run), "
        f"{last['rounds'].jobs:,.1f} jobs against {last['plain'].jobs:,.1f} in one solve",
        f"{size}, infeasible: conflicts {', '.join(diagnosis.names)}",
    ]


def large(n: int) -> str:
    """The continuous general LP once, if it answers within LARGE_LIMIT_S, against version 1."""
    scenario, projects = instance(n)
    start = time.perf_counter()
    version_1 = solve(scenario, projects)
    t_v1 = time.perf_counter() - start
    start = time.perf_counter()
    general = solve(scenario, projects, budget_eur=scenario.budget_eur, time_limit_s=LARGE_LIMIT_S)
    t_general = time.perf_counter() - start
    if general.status != Status.OPTIMAL or t_general > LARGE_LIMIT_S:
        return (
            f"{n:,}, continuous: the general engine did not answer within {LARGE_LIMIT_S:g} s "
            f"({general.status}, {t_general:.1f} s); version 1 took {t_v1 * 1000:.0f} ms"
        )
    return (
        f"{n:,}, continuous, one run each: general {t_general:.2f} s, version 1 "
        f"{t_v1 * 1000:.0f} ms, ratio {t_general / t_v1:.1f}; "
        f"{same_jobs(general, version_1, False)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_600, 16_000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--large", type=int, default=160_000, help="0: skip")
    parser.add_argument("--quick", action="store_true", help="1,600 projects, 3 repeats")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeats, args.large = [1_600], 3, 0
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, HiGHS {VERSION}; "
        f"synthetic instances of bench/engine.py, {BUDGET_EUR / 1e6:g} M EUR; "
        f"{args.repeats} interleaved runs after a warm-up",
        flush=True,
    )
    measure_and_print(measure, args.sizes, args.repeats, ("reference", "measured"))
    if args.large:
        print(large(args.large))


if __name__ == "__main__":
    main()
