"""The rows of generated projects, as column arrays (``data.generator`` draws them).

Pure data: the columns of the ``project`` table, plus the first review's awards and ranking
(``data.first_review``), which are not columns of that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from data.estimates import FIGURES
from simulation.projects import ProjectColumns

Strings = npt.NDArray[np.str_]
Nullable = npt.NDArray[np.object_]  # values or None
Integers = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ProjectRows:
    """One row per project, as column arrays (the columns of the ``project`` table plus the
    first review). Money in integer euros; nullable columns are object arrays of values or None."""

    id: Integers
    origin: Strings  # "generated"
    laureate_id: Nullable
    name: list[str]
    company_name: Nullable
    siren: Nullable
    company_size: Nullable
    record_date: Nullable
    employees: Nullable
    territory_id: Strings
    phase2_territory_id: Nullable
    region_code: Strings
    department_code: Strings
    commune_code: Strings
    postal_code: Nullable
    latitude: Nullable
    longitude: Nullable
    location_precision: Strings  # "generated": placed in a commune, no position
    density_level: Nullable
    sector: Strings
    investment_eur: Integers
    investment_eur_source: Strings
    investment_eur_low: Integers
    investment_eur_high: Integers
    aid_requested_eur: Integers
    aid_requested_eur_source: Strings
    aid_requested_eur_low: Integers
    aid_requested_eur_high: Integers
    jobs_created: Integers
    jobs_created_source: Strings
    jobs_created_low: Integers
    jobs_created_high: Integers
    jobs_kept: Integers
    jobs_kept_source: Strings
    jobs_kept_low: Integers
    jobs_kept_high: Integers
    decarbonisation: npt.NDArray[np.bool_]
    co2_avoided_t: Integers
    co2_avoided_t_source: Strings
    co2_avoided_t_low: Integers
    co2_avoided_t_high: Integers
    fragile: npt.NDArray[np.bool_]
    qpv: npt.NDArray[np.bool_]
    zrr: npt.NDArray[np.bool_]  # the rural flag, stand-in for ZRR
    afr: npt.NDArray[np.bool_]  # always False: no commune list of the AFR map exists
    action_coeur_de_ville: npt.NDArray[np.bool_]
    first_review: npt.NDArray[np.bool_]  # awarded in the first review, in full
    # The first review's ranking (log jobs per euro plus noise for the other criteria): later
    # reviews extend the awards down this ranking (`later_review`).
    review_score: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.id)

    def engine_columns(self) -> ProjectColumns:
        """The engine's view of these projects (benchmarks solve generated pools directly)."""
        return ProjectColumns(
            ids=self.id,
            aid_requested_eur=self.aid_requested_eur,
            investment_eur=self.investment_eur,
            jobs_created=self.jobs_created,
            region=self.region_code,
            territory=self.territory_id,
            fragile=self.fragile,
            decarbonisation=self.decarbonisation,
            jobs_kept=self.jobs_kept,
            co2_avoided_t=self.co2_avoided_t,
            department=self.department_code,
            sector=self.sector,
            jobs_created_low=self.jobs_created_low,
            jobs_created_high=self.jobs_created_high,
            jobs_created_estimated=self.jobs_created_source == "estimated",
        )

    # Every column of the project table, in the order above.
    COLUMNS = (
        "id",
        "origin",
        "laureate_id",
        "name",
        "company_name",
        "siren",
        "company_size",
        "record_date",
        "employees",
        "territory_id",
        "phase2_territory_id",
        "region_code",
        "department_code",
        "commune_code",
        "postal_code",
        "latitude",
        "longitude",
        "location_precision",
        "density_level",
        "sector",
        *(
            f"{figure}{part}"
            for figure in FIGURES
            if figure != "co2_avoided_t"
            for part in ("", "_source", "_low", "_high")
        ),
        "decarbonisation",
        *(f"co2_avoided_t{part}" for part in ("", "_source", "_low", "_high")),
        "fragile",
        "qpv",
        "zrr",
        "afr",
        "action_coeur_de_ville",
    )

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows for ``session.execute(insert(Project), rows)`` (plain Python values)."""
        columns = [getattr(self, c) for c in self.COLUMNS]
        values = [c if isinstance(c, list) else c.tolist() for c in columns]
        return [dict(zip(self.COLUMNS, row, strict=True)) for row in zip(*values, strict=True)]
