"""Engine benchmark on synthetic instances (numpy-seeded; no database, no reference data).

The instances are synthetic, after docs/notes on the optimisation experiment: 18 regions with
fixed weights, lognormal investments (median 2.5 M EUR), requested aid 10-30 % of investment,
60 % fragile, 40 % decarbonising, about 4 jobs per M EUR of investment (10 % fewer when fragile),
regional envelopes [0.5, 1.6] x weight x budget, 69 % fragile floor, 42 % decarbonisation floor.

Peers of the continuous LP: plain scipy linprog on its own dense-row formulation, HiGHS on the
engine's own sparse formulation (simulation/lp.py) without sifting, the engine's LP by sifting,
and the whole solve(); solve() is also set against an argsort of jobs per euro.

Run: .venv/bin/python bench/engine.py [--sizes 1600 16000 160000]
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

from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario

REGIONS = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
OVERSEAS = ("01", "02", "03", "04", "06")
WEIGHTS = np.array([14, 5, 7, 8, 10, 10, 6, 5, 10, 9, 12, 6, 1, 1, 1, 1, 1, 0.5])
BUDGET_EUR = 400_000_000


def synthetic(n: int, seed: int = 1) -> tuple[Scenario, ProjectColumns]:
    rng = np.random.default_rng(seed)
    codes = np.array(REGIONS + OVERSEAS)
    weights = WEIGHTS / WEIGHTS.sum()
    region = rng.choice(len(codes), size=n, p=weights)
    investment = np.clip(rng.lognormal(np.log(2.5e6), 1.0, n), 1e5, 1e8).round()
    rate = rng.uniform(0.10, 0.30, n)
    fragile = rng.random(n) < 0.60
    decarbonisation = rng.random(n) < 0.40
    jobs = investment / 1e6 * rng.lognormal(np.log(4.0), 0.6, n) * np.where(fragile, 0.9, 1.0)
    territory = np.char.add(np.char.add(codes[region], "-"), rng.integers(0, 12, n).astype(str))
    projects = ProjectColumns(
        ids=np.arange(1, n + 1, dtype=np.int64),
        aid_requested_eur=(investment * rate).round().astype(np.int64),
        investment_eur=investment.astype(np.int64),
        jobs_created=np.maximum(jobs.round(), 0).astype(np.int64),
        region=codes[region],
        territory=territory,
        fragile=fragile,
        decarbonisation=decarbonisation,
    )
    envelopes = {
        str(code): RegionEnvelope(
            min_eur=int(0.5 * w * BUDGET_EUR), max_eur=int(1.6 * w * BUDGET_EUR)
        )
        for code, w in zip(codes, weights, strict=True)
    }
    scenario = Scenario(
        name=f"synthetic-{n}",
        budget_eur=BUDGET_EUR,
        constraints=Constraints(
            fragile_share_min=0.69, decarbonisation_share_min=0.42, regions=envelopes
        ),
    )
    return scenario, projects


def plain_linprog(scenario: Scenario, projects: ProjectColumns) -> tuple[float, float]:
    """The same LP through scipy.optimize.linprog(method="highs"), M EUR, sparse rows."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    c = scenario.constraints
    start = time.perf_counter()
    aid = projects.aid_requested_eur / 1e6
    jobs_per_m = projects.jobs_created / aid
    n = len(projects)
    f = projects.fragile.astype(float)
    d = projects.decarbonisation.astype(float)
    rows = [np.ones(n), c.fragile_share_min - f, c.decarbonisation_share_min - d]
    bounds = [scenario.budget_eur / 1e6, 0.0, 0.0]
    for code, env in c.regions.items():
        in_r = (projects.region == code).astype(float)
        if env.min_eur is not None:
            rows.append(-in_r)
            bounds.append(-env.min_eur / 1e6)
        if env.max_eur is not None:
            rows.append(in_r)
            bounds.append(env.max_eur / 1e6)
    a_ub = vstack([csr_matrix(r) for r in rows]).tocsr()
    box = np.column_stack([np.zeros(n), aid])
    res = linprog(-jobs_per_m, A_ub=a_ub, b_ub=bounds, bounds=box, method="highs")
    return time.perf_counter() - start, float(-res.fun)


def highs_on_engine_lp(scenario: Scenario, projects: ProjectColumns) -> tuple[float, float]:
    """The engine's own LP (simulation/lp.py: the spend column and every project's column, the
    same sparse matrix and row bounds) handed whole to HiGHS: no sifting."""
    import scipy.sparse as sp

    from simulation import lp
    from simulation.highs import Model

    start = time.perf_counter()
    p = lp.build(scenario, projects)
    spend = sp.csc_matrix(p.spend_column.reshape(-1, 1))
    model = Model({})
    model.load(
        np.concatenate([[0.0], p.jobs_per_meur]),
        np.zeros(p.n + 1),
        np.concatenate([[np.inf], p.cap]),
        sp.hstack([spend, p.matrix], format="csc"),
        p.row_lower,
        p.row_upper,
        p.row_names,
    )
    status = model.run(3600.0)
    assert status == "optimal", status
    return time.perf_counter() - start, model.objective()


def engine_lp(scenario: Scenario, projects: ProjectColumns) -> tuple[float, float]:
    """The same LP as the engine solves it inside solve(): build, then sifting."""
    from simulation import lp
    from simulation.sifting import LpSolver

    start = time.perf_counter()
    solution = LpSolver(lp.build(scenario, projects)).solve(3600.0)
    assert solution.status == "optimal", solution.status
    return time.perf_counter() - start, solution.objective


def solve_against_argsort(
    scenario: Scenario, projects: ProjectColumns, rounds: int = 7
) -> tuple[float, float]:
    """Best of interleaved runs: solve(), and an argsort of the projects' jobs per euro (the
    floor of any method that ranks them)."""
    from simulation.solve import solve

    best_solve = best_sort = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        np.argsort(-(projects.jobs_created / projects.aid_requested_eur))
        best_sort = min(best_sort, time.perf_counter() - start)
        start = time.perf_counter()
        solve(scenario, projects)
        best_solve = min(best_solve, time.perf_counter() - start)
    return best_solve, best_sort


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def measure(n: int, curve_values: list[float]) -> tuple[str, str]:
    from simulation.result import Result
    from simulation.solve import solve, trade_off_curve

    scenario, projects = synthetic(n)
    repeats = 3 if n <= 16000 else 1
    solve(scenario, projects)  # warm-up: imports and the first HiGHS instance
    t_lp, lp_out = timed(lambda: plain_linprog(scenario, projects), repeats)
    t_highs, highs_out = timed(lambda: highs_on_engine_lp(scenario, projects), repeats)
    t_sift, sift_out = timed(lambda: engine_lp(scenario, projects), repeats)
    t_engine, result = timed(lambda: solve(scenario, projects), repeats)
    best_solve, best_sort = solve_against_argsort(scenario, projects)
    aon_scenario = replace(scenario, mode=Mode.ALL_OR_NOTHING)
    t_aon, aon = timed(lambda: solve(aon_scenario, projects, time_limit_s=120, mip_rel_gap=1e-4), 1)
    t_aon3, aon3 = timed(lambda: solve(aon_scenario, projects, time_limit_s=120), 1)
    decarb = "decarbonisation_share_min"
    t_cold, _ = timed(lambda: trade_off_curve(scenario, projects, decarb, [0.42]), repeats)
    t_curve, _ = timed(lambda: trade_off_curve(scenario, projects, decarb, curve_values), repeats)
    assert isinstance(result, Result) and isinstance(lp_out, tuple)
    assert isinstance(highs_out, tuple) and isinstance(sift_out, tuple)
    assert isinstance(aon, Result) and isinstance(aon3, Result)

    def whole(t: float, r: Result) -> str:
        gap = "n/a" if r.solver.mip_gap is None else f"{100 * r.solver.mip_gap:.4f} %"
        return f"{t:.3f} s ({r.status}), {t / t_engine:.2f}x | {gap} | {r.jobs:,.1f}"

    lp_row = (
        f"| {n:,} | {t_lp:.3f} s | {t_highs:.3f} s | {t_sift:.3f} s | {t_engine:.3f} s "
        f"| {t_highs / t_lp:.3f} | {t_sift / t_highs:.3f} | {t_engine / t_lp:.3f} "
        f"| {result.jobs:,.1f} / {highs_out[1]:,.1f} / {lp_out[1]:,.1f} "
        f"| {1000 * best_sort:.1f} ms | {1000 * best_solve:.1f} ms | {best_solve / best_sort:.1f} |"
    )
    other_row = (
        f"| {n:,} | {whole(t_aon, aon)} | {whole(t_aon3, aon3)} "
        f"| {t_curve:.3f} s | {t_cold:.3f} s | {t_curve / t_cold:.2f} |"
    )
    return lp_row, other_row


def table(header: str, rows: list[str]) -> None:
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for row in rows:
        print(row)


def main() -> None:
    parser = argparse.ArgumentParser(description="Engine benchmark on synthetic instances")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1600, 16000, 160000])
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    curve_values = [float(v) for v in np.linspace(0.30, 0.60, 50)]
    rows = []
    for n in args.sizes:
        rows.append(measure(n, curve_values))
        print(f"measured {n:,}", file=sys.stderr, flush=True)
    table(
        "| N | plain linprog | HiGHS on the engine's LP | engine LP (sifting) | engine solve() "
        "| HiGHS engine's LP / linprog | sifting / HiGHS engine's LP | engine / linprog "
        "| jobs (engine / HiGHS engine's LP / linprog) "
        "| argsort | solve(), best of 7 | solve() / argsort (target <= 10 at 160k) |",
        [lp_row for lp_row, _ in rows],
    )
    print()
    table(
        "| N | all-or-nothing (gap 0.01 %), x engine | gap | jobs "
        "| all-or-nothing (default gap 0.1 %), x engine | gap | jobs "
        "| curve, 50 points | cold (1 point) | curve / cold |",
        [other_row for _, other_row in rows],
    )


if __name__ == "__main__":
    main()
