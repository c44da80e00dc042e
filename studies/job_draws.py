"""A large Monte Carlo job's draws, batch by batch: each batch's seed and size, its totals (the
whole allocation and each region's funded projects) stored as float64 bytes, and the result rows
over every batch's totals. Used by studies.jobs; draw_batch runs on a Dask worker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from simulation import uncertainty
from simulation.levers import Uncertainty
from simulation.projects import ProjectColumns

MONTE_CARLO_BATCH = 100_000  # draws per batch: a few seconds of work at 1,600 projects
ALL = "all"


def batch_seed(seed: int, batch: int) -> int:
    """Batch 0 draws with the scenario's seed (one batch is uncertainty.monte_carlo exactly);
    batch b >= 1 with a seed of its own, drawn from the entropy (seed, b)."""
    if batch == 0:
        return seed
    return int(np.random.SeedSequence([seed, batch]).generate_state(1)[0])


def batch_sizes(draws: int, batch: int = MONTE_CARLO_BATCH) -> list[int]:
    """Draws of each Monte Carlo batch: full batches, then the rest (7 by 3: [3, 3, 1])."""
    return [min(batch, draws - start) for start in range(0, draws, batch)]


def draw_batch(
    projects: ProjectColumns, allocation_eur: np.ndarray, rate: float | None, draws: int, seed: int
) -> dict[str, np.ndarray]:
    """One batch's totals: every funded project (as uncertainty.monte_carlo draws them), and
    each region's funded projects on their own. Runs on a Dask worker."""
    totals = {ALL: uncertainty.draw_totals(projects, allocation_eur, rate, draws, seed)}
    funded = np.asarray(allocation_eur) > 0
    for region in np.unique(projects.region[funded]):
        mask = funded & (projects.region == region)
        part = projects.take(mask)
        totals[str(region)] = uncertainty.draw_totals(
            part, np.asarray(allocation_eur)[mask], rate, draws, seed
        )
    return totals


def encode_totals(totals: Mapping[str, np.ndarray]) -> tuple[list[str], bytes]:
    """A batch's totals as stored: their names ("all" first) and the draws as float64 bytes,
    one name after the other."""
    names = [ALL, *sorted(set(totals) - {ALL})]
    stacked = np.stack([np.asarray(totals[name], dtype="<f8") for name in names])
    return names, stacked.tobytes()


def decode_totals(names: Sequence[str], draws: int, data: bytes) -> dict[str, np.ndarray]:
    stacked = np.frombuffer(data, dtype="<f8").reshape(len(names), draws)
    return dict(zip(names, stacked, strict=True))


def range_rows(
    batches: Sequence[tuple[Mapping[str, Any], bytes]], u: Uncertainty, draws: int
) -> list[dict[str, Any]]:
    """The result rows over every batch's totals (its hidden row: data and draws): "all" first,
    then the regions by code. Decodes and sorts every draw: call it off the event loop."""
    decoded = [
        (int(data["draws"]), decode_totals(data["regions"], int(data["draws"]), raw))
        for data, raw in batches
    ]
    names = sorted({name for _, totals in decoded for name in totals} - {ALL})
    rows = []
    for name in [ALL, *names]:
        totals = np.concatenate([found.get(name, np.zeros(size)) for size, found in decoded])
        found = uncertainty.jobs_range(
            totals, draws=draws, seed=u.seed, rate=u.realisation_rate, target_jobs=u.target_jobs
        )
        rows.append(
            {
                "region": name,
                "mean": found.mean,
                "p10": found.p10,
                "p50": found.p50,
                "p90": found.p90,
                "target_probability": found.target_probability,
                "draws": draws,
            }
        )
    return rows
