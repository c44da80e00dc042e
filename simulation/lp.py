"""The allocation LP of DESIGN.md section 4, as sparse arrays with readable row names.

Money is in M EUR inside the solver so that every coefficient is of order one.
Column 0 of every solver model is ``total_spend`` (s); the floors read
``sum f_i x_i - phi * s >= 0`` so that a new floor is a single coefficient change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from simulation.errors import EngineError
from simulation.projects import ProjectColumns
from simulation.scenario import Scenario

M = 1e6
INF = math.inf

TOTAL_SPEND = 0
BUDGET = 1
MIN_SPEND = 2
FRAGILE = 3
DECARBONISATION = 4
FIRST_REGION = 5

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Envelope:
    code: str
    row: int
    min_m: float
    max_m: float


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything the solvers need; x columns follow the order of the ProjectColumns."""

    jobs_per_meur: Floats  # jobs per M EUR of aid
    cap: Floats  # M EUR: min(requested aid, intensity cap x investment)
    cap_eur: Ints
    fragile: Bools
    decarbonisation: Bools
    region: npt.NDArray[np.intp]  # index into region_codes
    region_codes: tuple[str, ...]
    envelopes: tuple[Envelope, ...]
    budget_m: float
    min_spend_m: float
    fragile_min: float
    decarbonisation_min: float
    max_aid_intensity: float | None
    row_names: tuple[str, ...]
    row_lower: Floats
    row_upper: Floats
    matrix: sp.csc_matrix  # rows x n, the x columns only
    spend_column: Floats  # the s column (dense, one value per row)

    @property
    def n(self) -> int:
        return len(self.jobs_per_meur)

    @cached_property
    def by_jobs_per_euro(self) -> npt.NDArray[np.intp]:
        """Projects from the most jobs per euro down, ties in input order (sorted once)."""
        return np.argsort(-self.jobs_per_meur, kind="stable").astype(np.intp)


def check(scenario: Scenario, projects: ProjectColumns) -> None:
    c = scenario.constraints
    if len(projects) == 0:
        raise EngineError("projects", "no project competes; select at least one")
    if scenario.budget_eur < 0:
        raise EngineError("budget_eur", f"must be >= 0, got {scenario.budget_eur}")
    for name in ("fragile_share_min", "decarbonisation_share_min", "min_spend_share"):
        value = getattr(c, name)
        if not 0.0 <= value <= 1.0 or math.isnan(value):
            raise EngineError(f"constraints.{name}", f"must be between 0 and 1, got {value}")
    if c.max_aid_intensity is not None and not 0.0 <= c.max_aid_intensity <= 1.0:
        raise EngineError(
            "constraints.max_aid_intensity", f"must be between 0 and 1, got {c.max_aid_intensity}"
        )
    for code, env in c.regions.items():
        for side in ("min_eur", "max_eur"):
            value = getattr(env, side)
            if value is not None and value < 0:
                raise EngineError(
                    f"constraints.regions.{code}.{side}", f"must be >= 0, got {value}"
                )
    for name in ("aid_requested_eur", "investment_eur", "jobs_created"):
        if np.any(getattr(projects, name) < 0):
            raise EngineError(f"projects.{name}", "must be >= 0 for every project")


def caps_eur(projects: ProjectColumns, max_aid_intensity: float | None) -> Ints:
    cap = projects.aid_requested_eur.astype(np.int64)
    if max_aid_intensity is not None:
        by_intensity = np.floor(projects.investment_eur * max_aid_intensity).astype(np.int64)
        cap = np.minimum(cap, by_intensity)
    return cap


def build(scenario: Scenario, projects: ProjectColumns) -> Problem:
    check(scenario, projects)
    c = scenario.constraints
    cap_eur = caps_eur(projects, c.max_aid_intensity)
    aid = projects.aid_requested_eur.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        jobs_per_meur = np.where(aid > 0, projects.jobs_created * M / np.maximum(aid, 1.0), 0.0)
    fragile = projects.fragile.astype(np.bool_)
    decarb = projects.decarbonisation.astype(np.bool_)
    region = projects.region_index
    region_codes = tuple(str(r) for r in projects.region_names)
    extra = tuple(sorted(code for code in c.regions if code not in region_codes))
    region_codes = region_codes + extra

    names = ["total_spend", "budget", "min_spend", "fragile_share", "decarbonisation_share"]
    budget_m = scenario.budget_eur / M
    min_spend_m = c.min_spend_share * budget_m
    lower = [0.0, -INF, min_spend_m, 0.0, 0.0]
    upper = [0.0, budget_m, INF, INF, INF]
    envelopes = []
    for code in sorted(c.regions):
        env = c.regions[code]
        if env.min_eur is None and env.max_eur is None:
            continue
        lo = 0.0 if env.min_eur is None else env.min_eur / M
        hi = INF if env.max_eur is None else env.max_eur / M
        envelopes.append(Envelope(code, len(names), lo, hi))
        names.append(f"region_{code}")
        lower.append(lo)
        upper.append(hi)

    n = len(projects)
    row_of_region = np.full(len(region_codes), -1, dtype=np.int64)
    for e in envelopes:
        row_of_region[region_codes.index(e.code)] = e.row
    env_row = row_of_region[region]
    per_col = 1 + fragile.astype(np.int64) + decarb + (env_row >= 0)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_col, out=indptr[1:])
    stacked = np.stack(
        [
            np.zeros(n, np.int64),
            np.where(fragile, FRAGILE, -1),
            np.where(decarb, DECARBONISATION, -1),
            env_row,
        ]
    ).T
    indices = stacked[stacked >= 0]  # row-major: per column, rows in increasing order
    matrix = sp.csc_matrix((np.ones(len(indices)), indices, indptr), shape=(len(names), n))
    spend = np.zeros(len(names))
    spend[TOTAL_SPEND] = -1.0
    spend[BUDGET] = 1.0
    spend[MIN_SPEND] = 1.0
    spend[FRAGILE] = -c.fragile_share_min
    spend[DECARBONISATION] = -c.decarbonisation_share_min
    return Problem(
        jobs_per_meur=jobs_per_meur.astype(np.float64),
        cap=cap_eur / M,
        cap_eur=cap_eur,
        fragile=fragile,
        decarbonisation=decarb,
        region=region.astype(np.intp),
        region_codes=region_codes,
        envelopes=tuple(envelopes),
        budget_m=budget_m,
        min_spend_m=min_spend_m,
        fragile_min=c.fragile_share_min,
        decarbonisation_min=c.decarbonisation_share_min,
        max_aid_intensity=c.max_aid_intensity,
        row_names=tuple(names),
        row_lower=np.array(lower),
        row_upper=np.array(upper),
        matrix=matrix,
        spend_column=spend,
    )
