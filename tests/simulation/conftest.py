from collections.abc import Sequence

import numpy as np

from simulation.projects import Projects

Row = tuple[float, int, str, bool, bool]  # aid M EUR, jobs, region, fragile, decarbonisation


def projects_of(rows: Sequence[Row], investment_factor: float = 5.0) -> Projects:
    n = len(rows)
    aid = np.array([round(r[0] * 1e6) for r in rows], dtype=np.int64)
    return Projects(
        ids=np.arange(1, n + 1, dtype=np.int64),
        aid_requested_eur=aid,
        investment_eur=(aid * investment_factor).astype(np.int64),
        jobs_created=np.array([r[1] for r in rows], dtype=np.int64),
        region=np.array([r[2] for r in rows]),
        territory=np.array([f"{r[2]}-t{i % 2}" for i, r in enumerate(rows)]),
        fragile=np.array([r[3] for r in rows], dtype=np.bool_),
        decarbonisation=np.array([r[4] for r in rows], dtype=np.bool_),
    )
