"""Exports benchmark: writing a result as a workbook or a CSV against solving it.

On bench/engine.py's synthetic instance (1,600 projects by default, every funded project named),
interleaved in one run and each repeated:

- solve: one cold solve of the scenario (with the range its result carries);
- tables: the export's tables of that result (summary, constraints, regions, territories, funded
  projects), in French;
- workbook: tables written as the .xlsx file (XlsxWriter), tables: included;
- csv: tables written as the French CSV, tables included.

Ratios are medians over the repeats, measured side by side on the same machine.

Run: .venv/bin/python bench/exports.py [--size 1600] [--repeats 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engine import synthetic
from exports.cells import Names, ProjectName, Stamp
from exports.csvfile import csv_bytes
from exports.tables import result_tables
from exports.workbook import workbook_bytes
from simulation.solve import solve

RATIOS = (("workbook", "solve"), ("csv", "solve"), ("tables", "solve"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1600)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    scenario, projects = synthetic(args.size)
    result = solve(scenario, projects)
    funded = result.project_ids[result.allocation_eur > 0]
    names = Names(
        territories={str(t): f"Territoire {t}" for t in set(projects.territory.tolist())},
        projects={
            int(pid): ProjectName(f"Projet {pid}", f"Société {pid}", "generated") for pid in funded
        },
    )
    stamp = Stamp(data=None, generated_at=dt.datetime.now(dt.UTC))

    def tables() -> object:
        return result_tables(scenario, result, projects, names, stamp, "fr")

    runs: dict[str, Callable[[], object]] = {
        "solve": lambda: solve(scenario, projects),
        "tables": tables,
        "workbook": lambda: workbook_bytes(tables()),  # type: ignore[arg-type]
        "csv": lambda: csv_bytes(tables(), "fr"),  # type: ignore[arg-type]
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    sizes: dict[str, int] = {}
    for _ in range(args.repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            made = run()
            times[name].append(time.perf_counter() - started)
            if isinstance(made, bytes):
                sizes[name] = len(made)
    print(f"{platform.python_implementation()} {platform.python_version()}, {args.size} projects,")
    print(f"{len(funded)} funded, {args.repeats} repeats (medians)")
    for name, values in times.items():
        size = f", {sizes[name] / 1024:.0f} KiB" if name in sizes else ""
        print(f"  {name:9s} {statistics.median(values) * 1000:8.1f} ms{size}")
    for top, bottom in RATIOS:
        ratio = statistics.median(times[top]) / statistics.median(times[bottom])
        print(f"  {top} / {bottom} = {ratio:.2f}")


if __name__ == "__main__":
    main()
