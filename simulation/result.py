"""What a solve returns: plain frozen dataclasses, exact money in integer euros."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # all-or-nothing stopped at the time limit with a proven gap
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"  # no allocation found in time
    ERROR = "error"  # the solver failed; message says how


@dataclass(frozen=True)
class RegionAllocation:
    code: str
    allocated_eur: int
    jobs: float
    projects_funded: int
    min_eur: int | None = None
    max_eur: int | None = None


@dataclass(frozen=True)
class TerritoryAllocation:
    id: str
    region: str
    allocated_eur: int
    jobs: float
    projects_funded: int


@dataclass(frozen=True)
class BindingConstraint:
    name: str  # stable: "budget", "fragile_share", "region_84_min", ...
    label: str  # as a planner says it
    shadow_price: float  # jobs gained per unit in `unit` (negative: jobs lost)
    unit: str
    text: str  # "+24.2 jobs per extra M EUR of budget"


@dataclass(frozen=True)
class Baseline:
    name: str
    jobs: float
    spent_eur: int
    fragile_share: float
    decarbonisation_share: float
    feasible: bool
    violations: tuple[str, ...]
    jobs_gained_by_optimum: float
    label: str = ""


@dataclass(frozen=True)
class Relaxation:
    name: str
    label: str
    current: float
    suggested: float
    text: str


@dataclass(frozen=True)
class Diagnosis:
    conflicts: tuple[str, ...]  # planner labels of an irreducible conflicting set
    relaxations: tuple[Relaxation, ...]
    names: tuple[str, ...] = ()  # stable names of the conflicting constraints
    # What the diagnosis proved before its deadline: the conflicts always conflict, but they are
    # the smallest such set only when irreducible; unsettled names the conflicting constraints
    # whose smallest relaxation was not searched or not decided in time.
    irreducible: bool = True
    unsettled: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.irreducible and not self.unsettled


@dataclass(frozen=True)
class SolverInfo:
    name: str
    version: str
    method: str
    options: Mapping[str, Any]
    time_s: float
    mip_gap: float | None = None
    iterations: int = 0


@dataclass(frozen=True, eq=False)
class Explanations:
    """Per-project LP prices, computed once per solve (vectorised): what explain_project words
    each project's outcome from."""

    jobs_per_meur: npt.NDArray[np.float64]  # jobs per M EUR of aid
    threshold: npt.NDArray[np.float64]  # jobs per M EUR a project must beat to be funded
    cap_eur: npt.NDArray[np.int64]
    source: str  # "LP optimum" or "LP relaxation"


@dataclass(frozen=True, eq=False)
class Result:
    """One solve's outcome. Per project it holds only columns (``allocation_eur`` in the order of
    ``project_ids``); ``explain.explain_project`` gives one project's outcome and its reasons."""

    status: Status
    message: str
    jobs: float
    spent_eur: int
    unspent_eur: int
    budget_eur: int
    fragile_share: float
    fragile_project_share: float
    decarbonisation_share: float
    decarbonisation_project_share: float
    projects_funded: int
    allocation_eur: npt.NDArray[np.int64]
    project_ids: npt.NDArray[np.int64]
    regions: tuple[RegionAllocation, ...]
    territories: tuple[TerritoryAllocation, ...]
    binding: tuple[BindingConstraint, ...]
    baselines: tuple[Baseline, ...]
    diagnosis: Diagnosis | None
    solver: SolverInfo
    mode: str = "continuous"
    floors_use: str = "euros"  # the floors are shares of euros spent, not of projects funded
    unspent_reasons: tuple[str, ...] = ()
    fractional_projects: int = 0
    explanations: Explanations | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("allocation_eur", "project_ids", "explanations"):
                continue
            out[f.name] = _plain(getattr(self, f.name))
        funded = np.flatnonzero(self.allocation_eur > 0)
        out["allocation"] = [
            {"project_id": int(self.project_ids[i]), "allocated_eur": int(self.allocation_eur[i])}
            for i in funded
        ]
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
