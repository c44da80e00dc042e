"""Sobol sensitivity indices of a scenario's expected jobs to its parameters (SALib).

The samples are Saltelli's extension of the Sobol' sequence (SALib.sample.sobol), the indices
SALib.analyze.sobol's first-order (S1) and total (ST) ones with bootstrap confidence intervals.
The model output of a sample is the expected jobs created of the allocation the engine chooses
there: each funded project's mean jobs (simulation.uncertainty.mean_jobs, at the sample's
realisation rate) times the share of its request it gets, so the realisation rate counts even
though the engine's objective is the declared figure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation import uncertainty
from simulation.errors import EngineError
from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Scenario
from simulation.solve import solve
from studies.cluster import map_batches
from studies.errors import StudyError
from studies.grid import WHOLE, check_name, scenario_at
from studies.sweep import default_batch_size

if TYPE_CHECKING:
    from distributed import Client

MIN_SAMPLES = 8
MAX_SAMPLES = 2**16
DECIDED = (str(Status.OPTIMAL), str(Status.FEASIBLE))


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total indices per parameter, with their 95 % confidence half-widths."""

    names: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]
    s1: tuple[float, ...]
    s1_conf: tuple[float, ...]
    st: tuple[float, ...]
    st_conf: tuple[float, ...]
    samples: int  # N, the base sample
    evaluations: int  # N * (parameters + 2) solves
    seed: int
    jobs_mean: float  # the output's mean and spread over the samples
    jobs_std: float


def parse_range(text: str) -> tuple[str, tuple[float, float]]:
    """``"fragile_share_min=0.5:0.8"``: the parameter and its range (low below high)."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise StudyError("parameters", f"expected NAME=LOW:HIGH, got {text!r}")
    check_name(name, "parameters")
    field = f"parameters.{name}"
    parts = spec.split(":")
    if len(parts) != 2:
        raise StudyError(field, f"expected LOW:HIGH, got {spec.strip()!r}")
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        raise StudyError(field, f"not two numbers: {spec.strip()!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise StudyError(field, f"must be finite numbers, got {spec.strip()!r}")
    if not low < high:
        raise StudyError(field, f"the low end must be below the high end, got {low:g}:{high:g}")
    return name, (low, high)


def check(scenario: Scenario, ranges: Mapping[str, tuple[float, float]], samples: int) -> None:
    if not ranges:
        raise StudyError("parameters", "give at least one, e.g. fragile_share_min=0.5:0.8")
    if isinstance(samples, bool) or not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise StudyError(
            "samples", f"must be between {MIN_SAMPLES} and {MAX_SAMPLES:,}, got {samples}"
        )
    if samples & (samples - 1):  # Sobol' sequences keep their balance at powers of 2 only
        below = 1 << (samples.bit_length() - 1)
        raise StudyError("samples", f"must be a power of 2 (e.g. {below} or {below * 2})")
    for name, (low, high) in ranges.items():
        check_name(name, "parameters")
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise StudyError(f"parameters.{name}", f"must be finite, low below high: {low}:{high}")
        for end in (low, high):
            try:
                scenario_at(scenario, {name: _value(name, end)})
            except StudyError as error:
                raise StudyError(f"parameters.{name}", error.message) from None


def _value(name: str, value: float) -> float:
    return float(round(value)) if name in WHOLE else float(value)


def evaluate_batch(
    scenario_data: dict[str, Any],
    projects: ProjectColumns,
    names: Sequence[str],
    batch: list[tuple[int, list[float]]],
) -> list[tuple[int, str, float]]:
    """(index, status, expected jobs) of each sample; NaN jobs when it is not solved."""
    scenario = Scenario.from_dict(scenario_data, source=None)
    return [(i, *_expected_jobs(scenario, projects, names, values)) for i, values in batch]


def _expected_jobs(
    scenario: Scenario, projects: ProjectColumns, names: Sequence[str], values: Sequence[float]
) -> tuple[str, float]:
    point = {name: _value(name, v) for name, v in zip(names, values, strict=True)}
    try:
        at = scenario_at(scenario, point)
        # The solve's own Monte Carlo range is not used here: one draw keeps it cheap.
        result = solve(replace(at, uncertainty=replace(at.uncertainty, draws=1)), projects)
    except (StudyError, EngineError):
        return "error", math.nan
    if str(result.status) not in DECIDED:
        return str(result.status), math.nan
    mean = uncertainty.mean_jobs(projects, at.uncertainty.realisation_rate)
    aid = projects.aid_requested_eur.astype(np.float64)
    share = np.divide(result.allocation_eur, aid, out=np.zeros_like(aid), where=aid > 0)
    return str(result.status), float(mean @ share)


def sobol(
    scenario: Scenario,
    projects: ProjectColumns,
    ranges: Mapping[str, tuple[float, float]],
    *,
    samples: int,
    seed: int,
    client: Client | None,
) -> SobolIndices:
    """Sobol indices of expected jobs over ``ranges`` (uniform), ``samples`` * (k + 2) solves,
    on ``client`` in batches when given, here otherwise.

    Every sample must be solved: a sample the engine finds infeasible has no jobs to attribute,
    and leaving it out (or counting it as 0) would bias every index. So infeasible samples are
    counted and refused with one example; narrow the ranges to where the scenario is feasible."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    check(scenario, ranges, samples)
    names = list(ranges)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(ranges[n]) for n in names]}
    x = sample.sample(problem, samples, calc_second_order=False, seed=seed)
    data = scenario.to_dict()
    size = default_batch_size(len(x))
    batches = {
        b: [(i, [float(v) for v in x[i]]) for i in range(start, min(start + size, len(x)))]
        for b, start in enumerate(range(0, len(x), size))
    }
    outcomes: list[tuple[int, str, float]] = []
    if client is None:
        for batch in batches.values():
            outcomes += evaluate_batch(data, projects, names, batch)
    else:
        for _, rows in map_batches(client, evaluate_batch, data, projects, names, batches):
            outcomes += rows
    outcomes.sort()
    statuses = [status for _, status, _ in outcomes]
    y = np.array([jobs for _, _, jobs in outcomes])
    _refuse_unsolved(names, x, statuses)
    if float(np.std(y)) == 0.0:
        raise StudyError(
            "parameters",
            f"expected jobs do not move over these ranges (every sample gives {y[0]:,.1f}): "
            "no index to compute",
        )
    # SALib reads a bootstrap seed of 0 as none: the analysis is seeded with seed + 1.
    found = analyze.analyze(problem, y, calc_second_order=False, seed=seed + 1)
    return SobolIndices(
        names=tuple(names),
        ranges=tuple(ranges[n] for n in names),
        s1=tuple(float(v) for v in found["S1"]),
        s1_conf=tuple(float(v) for v in found["S1_conf"]),
        st=tuple(float(v) for v in found["ST"]),
        st_conf=tuple(float(v) for v in found["ST_conf"]),
        samples=samples,
        evaluations=len(y),
        seed=seed,
        jobs_mean=float(y.mean()),
        jobs_std=float(y.std()),
    )


def _refuse_unsolved(names: Sequence[str], x: np.ndarray[Any, Any], statuses: list[str]) -> None:
    unsolved = [i for i, status in enumerate(statuses) if status not in DECIDED]
    if not unsolved:
        return
    counts = Counter(statuses[i] for i in unsolved)
    told = ", ".join(f"{n} {status}" for status, n in counts.most_common())
    example = ", ".join(f"{n}={_value(n, v):g}" for n, v in zip(names, x[unsolved[0]], strict=True))
    raise StudyError(
        "parameters",
        f"{len(unsolved)} of {len(statuses)} samples are not solved ({told}; e.g. at "
        f"{example}): Sobol indices need every sample, so none are computed; narrow the ranges "
        "to where the scenario is feasible",
    )


def chart(indices: SobolIndices, path: Path) -> None:
    """S1 and ST of each parameter as bars with their confidence intervals, to a PNG."""
    import io

    from matplotlib.figure import Figure

    from models.scenario_files import write_atomic

    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    x = np.arange(len(indices.names))
    width = 0.38
    axes.bar(
        x - width / 2,
        indices.s1,
        width,
        yerr=indices.s1_conf,
        capsize=4,
        label="first order (S1)",
        color="#0072B2",
    )
    axes.bar(
        x + width / 2,
        indices.st,
        width,
        yerr=indices.st_conf,
        capsize=4,
        label="total (ST)",
        color="#E69F00",
    )
    axes.set_xticks(x, indices.names, rotation=15, ha="right")
    axes.set_ylabel("share of the variance of expected jobs")
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_title(
        f"Sobol indices of expected jobs ({indices.evaluations:,} solves, "
        f"N = {indices.samples}, 95 % intervals)"
    )
    axes.legend(loc="upper right")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_atomic(path, buffer.getvalue())
