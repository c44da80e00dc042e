"""Several scenarios side by side: inputs that differ, outcomes and regions with deltas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from simulation.levers import Controls, Matching
from simulation.result import Result
from simulation.scenario import REGION_NAMES, Scenario

# Describe the file, not the allocation question: left out of the input differences.
NOT_INPUTS = ("version", "name", "title", "description", "base", "expect")
# What a lever left out of a file means: a file writes the controls and co-funding as a whole
# once one of their values is set, and the values it writes then that are these defaults differ
# from nothing in a scenario that leaves them out.
LEVER_DEFAULTS: Mapping[str, Any] = {
    **{f"controls.{key}": value for key, value in asdict(Controls()).items()},
    "co_funding.contributions": {},
    **{f"co_funding.matching.{key}": value for key, value in asdict(Matching()).items()},
}

OUTCOMES = (
    ("jobs", "jobs created", "jobs"),
    ("spent_eur", "spent", "EUR"),
    ("unspent_eur", "unspent", "EUR"),
    ("projects_funded", "projects funded", "projects"),
    ("fragile_share", "fragile share (euros)", "share"),
    ("fragile_project_share", "fragile share (projects)", "share"),
    ("decarbonisation_share", "decarbonisation share (euros)", "share"),
    ("decarbonisation_project_share", "decarbonisation share (projects)", "share"),
)


@dataclass(frozen=True)
class InputDifference:
    path: str  # "constraints.fragile_share_min"
    values: tuple[Any, ...]  # one per scenario; None where a scenario leaves it unset


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    unit: str
    values: tuple[float, ...]
    deltas: tuple[float, ...]  # against the first scenario, one per scenario (first is 0)


@dataclass(frozen=True)
class RegionComparison:
    code: str
    name: str
    allocated_eur: tuple[int, ...]
    jobs: tuple[float, ...]
    allocated_delta_eur: tuple[int, ...]
    jobs_delta: tuple[float, ...]


@dataclass(frozen=True)
class ProjectChange:
    """A project funded in some of the scenarios and not in others."""

    project_id: int
    allocated_eur: tuple[int, ...]  # one per scenario; 0 where unfunded or not competing


@dataclass(frozen=True)
class Comparison:
    names: tuple[str, ...]
    statuses: tuple[str, ...]
    inputs: tuple[InputDifference, ...]
    outcomes: tuple[Outcome, ...]
    regions: tuple[RegionComparison, ...]
    projects: tuple[ProjectChange, ...] = ()

    def rows(self) -> list[list[Any]]:
        """A wide table (header first) for CSV: section, item, unit, one column per scenario,
        then one delta column per scenario after the first."""
        others = self.names[1:]
        header = ["section", "item", "unit", *self.names]
        header += [f"delta {name} vs {self.names[0]}" for name in others]
        rows: list[list[Any]] = [header]
        blanks = [""] * len(others)
        rows.append(["outcome", "status", "", *self.statuses, *blanks])
        for diff in self.inputs:
            rows.append(["input", diff.path, "", *(_cell(v) for v in diff.values), *blanks])
        for outcome in self.outcomes:
            rows.append(
                ["outcome", outcome.name, outcome.unit, *outcome.values, *outcome.deltas[1:]]
            )
        for region in self.regions:
            item = f"{region.code} {region.name}"
            rows.append(
                [
                    "region allocated",
                    item,
                    "EUR",
                    *region.allocated_eur,
                    *region.allocated_delta_eur[1:],
                ]
            )
            rows.append(["region jobs", item, "jobs", *region.jobs, *region.jobs_delta[1:]])
        return rows


def compare(runs: Sequence[tuple[Scenario, Result]]) -> Comparison:
    """Compare ``runs`` (scenario and its result), deltas against the first."""
    if not runs:
        raise ValueError("compare needs at least one scenario")
    scenarios = [scenario for scenario, _ in runs]
    results = [result for _, result in runs]
    outcomes = []
    for name, label, unit in OUTCOMES:
        values = tuple(_number(getattr(result, name)) for result in results)
        deltas = tuple(value - values[0] for value in values)
        outcomes.append(Outcome(name, label, unit, values, deltas))
    return Comparison(
        names=_unique_names(scenarios),
        statuses=tuple(str(result.status) for result in results),
        inputs=input_differences(scenarios),
        outcomes=tuple(outcomes),
        regions=_regions(results),
        projects=project_changes(results),
    )


def project_changes(results: Sequence[Result]) -> tuple[ProjectChange, ...]:
    """Projects that enter or drop out between scenarios, largest allocation first."""
    funded = [
        dict(
            zip(
                r.project_ids[r.allocation_eur > 0].tolist(),
                r.allocation_eur[r.allocation_eur > 0].tolist(),
                strict=True,
            )
        )
        for r in results
    ]
    changed = {pid for run in funded for pid in run if any(pid not in other for other in funded)}
    rows = [ProjectChange(pid, tuple(int(run.get(pid, 0)) for run in funded)) for pid in changed]
    return tuple(sorted(rows, key=lambda row: (-max(row.allocated_eur), row.project_id)))


def input_differences(scenarios: Sequence[Scenario]) -> tuple[InputDifference, ...]:
    """Flattened field paths whose values are not the same in every scenario."""
    flat = [
        _flatten({k: v for k, v in s.to_dict().items() if k not in NOT_INPUTS}) for s in scenarios
    ]
    paths = sorted({path for values in flat for path in values}, key=_path_order)
    differences = []
    for path in paths:
        values = tuple(values.get(path) for values in flat)
        meant = [LEVER_DEFAULTS.get(path) if value is None else value for value in values]
        if any(value != meant[0] for value in meant):
            differences.append(InputDifference(path, values))
    return tuple(differences)


def _regions(results: Sequence[Result]) -> tuple[RegionComparison, ...]:
    by_run = [{region.code: region for region in result.regions} for result in results]
    codes = sorted({code for regions in by_run for code in regions})
    rows = []
    for code in codes:
        allocated = tuple(int(r[code].allocated_eur) if code in r else 0 for r in by_run)
        jobs = tuple(float(r[code].jobs) if code in r else 0.0 for r in by_run)
        rows.append(
            RegionComparison(
                code=code,
                name=REGION_NAMES.get(code, code),
                allocated_eur=allocated,
                jobs=jobs,
                allocated_delta_eur=tuple(a - allocated[0] for a in allocated),
                jobs_delta=tuple(j - jobs[0] for j in jobs),
            )
        )
    return tuple(rows)


def _unique_names(scenarios: Sequence[Scenario]) -> tuple[str, ...]:
    # The same file twice (or two files with one name) still needs two column headings.
    names: list[str] = []
    for scenario in scenarios:
        name = scenario.name
        count = 2
        while name in names:
            name = f"{scenario.name} ({count})"
            count += 1
        names.append(name)
    return tuple(names)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, path))
        elif isinstance(value, list):
            flat[path] = tuple(_plain(item) for item in value)
        else:
            flat[path] = _plain(value)
    return flat


def _plain(value: Any) -> Any:
    """A value as JSON holds it: a date (of a review round) as its ISO text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _path_order(path: str) -> tuple[int, str]:
    # Top-level money and mode first, then constraints, then project selection.
    for rank, prefix in enumerate(("budget_eur", "mode", "constraints", "projects")):
        if path.startswith(prefix):
            return rank, path
    return 9, path


def _number(value: Any) -> float:
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return value
