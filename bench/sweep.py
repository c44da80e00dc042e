"""Sweep benchmark: 2,000 solves on a local Dask cluster of 2 worker processes against the same
sweep in one process.

On 1,600 projects made by data.generator.generate_projects (the seed's generator, real phase-1
geography when the reference folder is present), under the announced fund's rules (400 M EUR,
69 % of the euros in fragile territories), a grid of fragile_share_min (0.50 to 0.89 by 0.01)
by budget_eur (200 to 445 M EUR by 5 M): 40 x 50 = 2,000 solves. The sequential run calls
studies.sweep.solve_batch batch after batch in this process; the cluster run is
studies.sweep.run (parts and the final Parquet and CSV written) on a cluster already started
(its start is timed apart), in rounds that alternate which goes first. The tables must be
identical. The target is a ratio >= 1.6.

Run: .venv/bin/python bench/sweep.py [--projects 1600] [--workers 2] [--batch-size K]
     [--fragile 0.5:0.89:0.01] [--budget 2e8:4.45e8:5e6] [--draws 0] [--rounds 2]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pareto import SCENARIO, generated  # noqa: E402
from studies.cluster import client  # noqa: E402
from studies.grid import parse_axis  # noqa: E402
from studies.sweep import Sweep, run, sequential  # noqa: E402

TARGET = 1.6


def same(a: object, b: object) -> bool:
    nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return nan or a == b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=1_600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--fragile", default="0.5:0.89:0.01")
    parser.add_argument("--budget", default="2e8:4.45e8:5e6")
    parser.add_argument("--draws", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    projects = generated(args.projects)
    axes = (
        parse_axis(f"fragile_share_min={args.fragile}"),
        parse_axis(f"budget_eur={args.budget}"),
    )
    sweep = Sweep(SCENARIO, axes, draws=args.draws, batch_size=args.batch_size)
    count = len(sweep.points())
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} cores; {len(projects):,} generated "
        f"projects, {SCENARIO.name} rules; {count:,} solves in {len(sweep.batches())} batches "
        f"of {sweep.size}, draws {args.draws}"
    )
    warm = Sweep(SCENARIO, (parse_axis("budget_eur=4e8"),))
    sequential(warm, projects)  # imports, the first HiGHS instance
    times: dict[str, list[float]] = {"one process": [], "cluster": []}
    start = time.perf_counter()
    with client(workers=args.workers) as cluster, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter() - start
        run(warm, projects, cluster, Path(folder) / "warm", progress=False)
        # Interleaved (one process first, then the cluster first) so that both meet the same
        # load of a shared machine.
        for r in range(args.rounds):
            for name in ("one process", "cluster") if r % 2 == 0 else ("cluster", "one process"):
                start = time.perf_counter()
                if name == "cluster":
                    table = run(sweep, projects, cluster, Path(folder) / f"s{r}", progress=False)
                    rows = table.table.to_pylist()
                else:
                    expected = sequential(sweep, projects)
                times[name].append(time.perf_counter() - start)
                load = os.getloadavg()[0]  # other work on a shared machine slows either side
                print(
                    f"round {r + 1}, {name + ':':<12} {times[name][-1]:7.1f} s  (load average "
                    f"{load:.1f} on {os.cpu_count()} cores)",
                    flush=True,
                )
            identical = len(rows) == len(expected) and all(
                row.keys() == want.keys() and all(same(row[k], want[k]) for k in want)
                for row, want in zip(rows, expected, strict=True)
            )
            assert identical, "the cluster's table differs from the sequential run"
    one, many = times["one process"], times["cluster"]
    print(
        f"one process {sum(one) / len(one):.1f} s a sweep ({sum(one) / len(one) / count * 1000:.1f}"
        f" ms a solve); {args.workers} worker processes {sum(many) / len(many):.1f} s (cluster "
        f"started in {started:.1f} s, not counted)"
    )
    print(
        f"speed-up: {sum(one) / sum(many):.2f}x over {args.rounds} rounds, "
        f"{min(one) / min(many):.2f}x best against best (target >= {TARGET:g}); batch size "
        f"{sweep.size}; tables identical in every round ({count:,} rows, "
        f"{table.infeasible} infeasible)"
    )


if __name__ == "__main__":
    main()
