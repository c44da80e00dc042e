from collections.abc import Sequence

import numpy as np

from simulation.projects import ProjectColumns

Row = tuple[float, int, str, bool, bool]  # aid M EUR, jobs, region, fragile, decarbonisation


def projects_of(rows: Sequence[Row], investment_factor: float = 5.0) -> ProjectColumns:
    n = len(rows)
    aid = np.array([round(r[0] * 1e6) for r in rows], dtype=np.int64)
    return ProjectColumns(
        ids=np.arange(1, n + 1, dtype=np.int64),
        aid_requested_eur=aid,
        investment_eur=(aid * investment_factor).astype(np.int64),
        jobs_created=np.array([r[1] for r in rows], dtype=np.int64),
        region=np.array([r[2] for r in rows]),
        territory=np.array([f"{r[2]}-t{i % 2}" for i, r in enumerate(rows)]),
        fragile=np.array([r[3] for r in rows], dtype=np.bool_),
        decarbonisation=np.array([r[4] for r in rows], dtype=np.bool_),
    )


def seeded_projects(
    n: int,
    *,
    seed: int,
    territories: int,
    fragile_share: float,
    decarbonisation_share: float,
) -> ProjectColumns:
    """Random projects: lognormal aid (2e4..2e7 EUR), ~25 jobs per M EUR, three regions."""
    rng = np.random.default_rng(seed)
    aid = np.clip(rng.lognormal(np.log(0.4e6), 1.0, n), 2e4, 2e7).round().astype(np.int64)
    return ProjectColumns(
        ids=np.arange(1, n + 1, dtype=np.int64),
        aid_requested_eur=aid,
        investment_eur=aid * 5,
        jobs_created=(aid / 1e6 * rng.lognormal(np.log(25), 0.6, n)).round().astype(np.int64),
        region=rng.choice(np.array(["11", "84", "93"]), n),
        territory=rng.choice(np.array([f"t{i}" for i in range(1, territories + 1)]), n),
        fragile=rng.random(n) < fragile_share,
        decarbonisation=rng.random(n) < decarbonisation_share,
    )
