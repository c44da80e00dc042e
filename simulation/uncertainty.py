"""Ranges on a result's jobs: each project's jobs created is log-normal, drawn by Monte Carlo.

A project's jobs created is ``median * exp(sigma * Z)`` with Z standard normal. Its spread comes
from the project's own 10th-90th range (``ProjectColumns.jobs_created_low`` / ``_high``, see
data/estimates.py): on the log scale the range is ``2 * Z90 * sigma`` wide. Its median depends on
where the figure comes from:

- declared (stated by the company, or generated as if it were): ``value * realisation_rate`` when
  the scenario sets a rate, else the band's geometric middle ``sqrt(low * high)``;
- estimated (``jobs_created_estimated``): the estimation model's predictive interval is
  log-normal, so its median is ``sqrt(low * high)`` too.

Bounds are rounded to one job, so a low of 0 with a high above it stands for a 10th percentile
somewhere under half a job: it counts as 0.5 (``ROUNDED_LOW``). A figure of 0 jobs stays 0 (median
0, spread 0), as the engine counts it. Projects are independent. docs/uncertainty.md explains it.
"""

from __future__ import annotations

import math
import threading
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from simulation.levers import Uncertainty
from simulation.projects import ProjectColumns
from simulation.result import JobsRange, Result, Status
from simulation.scenario import Scenario

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

Z90 = 1.2815515655446004  # the standard normal's 90th percentile
# A 10th percentile rounded to 0 jobs under a 90th above it: somewhere in [0, 0.5), taken at 0.5.
ROUNDED_LOW = 0.5
# Normal numbers processed at once, at most: 2**20 float32 are 4 MB, small enough to bound the
# memory, large enough that numpy's per-call cost vanishes.
CHUNK = 1 << 20
PERCENTILES = (10.0, 50.0, 90.0)


def distribution(projects: ProjectColumns, rate: float | None) -> tuple[Floats, Floats]:
    """(median, sigma) of each project's jobs created (see the module's docstring)."""
    value = projects.jobs_created.astype(np.float64)
    high = np.maximum(projects.jobs_created_high.astype(np.float64), 0.0)
    low = projects.jobs_created_low.astype(np.float64)
    low = np.where((low <= 0) & (high > 0), ROUNDED_LOW, low)
    high = np.maximum(high, low)  # a high under ROUNDED_LOW (0) leaves no spread
    spread = high > 0
    safe_low = np.where(spread, low, 1.0)
    safe_high = np.where(spread, high, 1.0)
    sigma = np.log(safe_high / safe_low) / (2 * Z90)
    middle = np.sqrt(safe_low * safe_high)
    median = middle
    if rate is not None:
        median = np.where(projects.jobs_created_estimated, middle, value * rate)
    zero = (value <= 0) | ~spread
    return np.where(zero, 0.0, median), np.where(zero, 0.0, sigma)


def low_jobs(projects: ProjectColumns, rate: float | None) -> Floats:
    """Each project's 10th percentile of jobs created."""
    median, sigma = distribution(projects, rate)
    return median * np.exp(-Z90 * sigma)


def mean_jobs(projects: ProjectColumns, rate: float | None) -> Floats:
    """Each project's expected jobs created: a log-normal's mean, median * exp(sigma**2 / 2)."""
    median, sigma = distribution(projects, rate)
    return median * np.exp(sigma**2 / 2)


def draw_totals(
    projects: ProjectColumns, allocation_eur: Ints, rate: float | None, draws: int, seed: int
) -> Floats:
    """Total jobs created of each draw (shape ``(draws,)``).

    Only funded projects are drawn, in their order in ``projects``; each draws its jobs at full
    aid and creates ``allocation / aid_requested`` of them (pro rata, as the engine counts).
    Projects without spread add their median to every draw without drawing. The k-th project
    drawn takes the k-th block of ``draws`` numbers of the seed's stream of float32 standard
    normals (half the memory traffic of float64, and numpy draws them faster; the sums are exact
    to about 1e-5, far inside the sampling error). Blocks are processed a few at a time
    (``CHUNK`` numbers at most), so memory stays bounded, and the stream, not the chunks, decides
    the figures: the same seed gives the same totals.
    """
    median, sigma = distribution(projects, rate)
    aid = projects.aid_requested_eur.astype(np.float64)
    funded = np.asarray(allocation_eur) > 0
    share = np.zeros(len(aid))
    share[funded] = np.asarray(allocation_eur, dtype=np.float64)[funded] / aid[funded]
    scaled = median * share  # each funded project's median jobs, at its allocation
    drawn = funded & (sigma > 0) & (scaled > 0)
    totals = np.full(draws, float(scaled[funded & ~drawn].sum()))
    weight = scaled[drawn].astype(np.float32)  # float64 weights would copy every block
    spread = sigma[drawn].astype(np.float32)[:, None]
    k = len(weight)
    if not k:
        return totals
    stream = normals(seed, draws, k)
    rng = np.random.default_rng(seed) if stream is None else None
    step = max(1, CHUNK // draws)
    buffer = np.empty((min(step, k), draws), np.float32)
    for start in range(0, k, step):
        stop = min(start + step, k)
        z = buffer[: stop - start]
        if stream is None:
            assert rng is not None
            rng.standard_normal(out=z, dtype=np.float32)
            z *= spread[start:stop]
        else:
            np.multiply(stream[start:stop], spread[start:stop], out=z)
        np.exp(z, out=z)
        # einsum, not weight @ z: BLAS would spread a product this small over threads, which on
        # a busy machine costs more than the product itself.
        totals += np.einsum("j,ji->i", weight[start:stop], z)
    return totals


class _Stream:
    """The first blocks of a seed's stream of standard normals, one row of ``draws`` a block."""

    def __init__(self, seed: int, draws: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.blocks = np.empty((0, draws), np.float32)

    def first(self, k: int) -> npt.NDArray[np.float32]:
        missing = k - len(self.blocks)
        if missing > 0:
            more = self.rng.standard_normal((missing, self.blocks.shape[1]), dtype=np.float32)
            self.blocks = np.concatenate([self.blocks, more]) if len(self.blocks) else more
            self.blocks.flags.writeable = False
        return self.blocks[:k]


# Solves in one process mostly draw with the same seed and draws (a sweep, the rounds of a
# review, the robust objective's comparison): the stream's first blocks are kept for them, up to
# CACHE numbers in all (the default 2,000 draws of 2,000 funded projects). A larger Monte Carlo
# streams through CHUNK-sized buffers instead, which is faster once: no large array to allocate.
# A block's numbers do not depend on whether they were kept.
CACHE = 1 << 22  # float32: 16 MB
_streams: dict[tuple[int, int], _Stream] = {}
_lock = threading.Lock()


def normals(seed: int, draws: int, k: int) -> npt.NDArray[np.float32] | None:
    """The first ``k`` blocks of ``draws`` normals of ``seed``'s stream, shape ``(k, draws)``,
    read-only; None when they would not fit in the cache."""
    if k * draws > CACHE:
        return None
    with _lock:
        stream = _streams.get((seed, draws))
        held = 0 if stream is None else len(stream.blocks)
        kept = sum(s.blocks.size for s in _streams.values())
        if kept + max(k - held, 0) * draws > CACHE:
            _streams.clear()
            stream = None
        if stream is None:
            stream = _streams[(seed, draws)] = _Stream(seed, draws)
        return stream.first(k)


def forget() -> None:
    """Empty the cache of normals (the next draw starts from the seed again)."""
    with _lock:
        _streams.clear()


def jobs_range(
    totals: Floats, *, draws: int, seed: int, rate: float | None, target_jobs: int | None
) -> JobsRange:
    """Mean and 10th/50th/90th percentiles of the drawn totals; with a target, the share of
    draws that reach it."""
    p10, p50, p90 = (float(q) for q in np.percentile(totals, PERCENTILES))
    probability = None if target_jobs is None else float(np.mean(totals >= target_jobs))
    return JobsRange(
        mean=float(totals.mean()),
        p10=p10,
        p50=p50,
        p90=p90,
        draws=draws,
        seed=seed,
        realisation_rate=rate,
        target_jobs=target_jobs,
        target_probability=probability,
    )


def monte_carlo(projects: ProjectColumns, allocation_eur: Ints, u: Uncertainty) -> JobsRange:
    """The range of ``allocation_eur``'s jobs created under ``u``'s rate, draws and seed."""
    totals = draw_totals(projects, allocation_eur, u.realisation_rate, u.draws, u.seed)
    return jobs_range(
        totals,
        draws=u.draws,
        seed=u.seed,
        rate=u.realisation_rate,
        target_jobs=u.target_jobs,
    )


def with_ranges(result: Result, scenario: Scenario, projects: ProjectColumns) -> Result:
    """``result`` with ``jobs_range`` filled when it allocated something (status optimal or
    feasible); unchanged otherwise, and when the scenario asks for no draws (``draws`` 0, as a
    sweep may)."""
    u = scenario.uncertainty
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE) or u.draws < 1:
        return result
    allocation = np.asarray(result.allocation_eur)
    if len(allocation) != len(projects.ids) or not (allocation > 0).any():
        return result
    return replace(result, jobs_range=monte_carlo(projects, allocation, u))


def standard_error_p10(draws: int) -> float:
    """The 10th percentile's standard error over ``draws`` draws of a normal total, in standard
    deviations of the total: sqrt(0.1 * 0.9 / draws) / pdf(Z90)."""
    density = math.exp(-(Z90**2) / 2) / math.sqrt(2 * math.pi)
    return math.sqrt(0.09 / draws) / density
