"""Engine benchmark on synthetic instances (numpy-seeded; no database, no reference data).

The instances are synthetic, after docs/notes on the optimisation experiment: 18 regions with
fixed weights, lognormal investments (median 2.5 M EUR), requested aid 10-30 % of investment,
60 % fragile, 40 % decarbonising, about 4 jobs per M EUR of investment (10 % fewer when fragile),
regional envelopes [0.5, 1.6] x weight x budget, 69 % fragile floor, 42 % decarbonisation floor.

Run: .venv/bin/python bench/engine.py [--sizes 1600 16000 160000]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.projects import Projects
from simulation.scenario import Constraints, RegionEnvelope, Scenario

REGIONS = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
OVERSEAS = ("01", "02", "03", "04", "06")
WEIGHTS = np.array([14, 5, 7, 8, 10, 10, 6, 5, 10, 9, 12, 6, 1, 1, 1, 1, 1, 0.5])
BUDGET_EUR = 400_000_000


def synthetic(n: int, seed: int = 1) -> tuple[Scenario, Projects]:
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
    projects = Projects(
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
