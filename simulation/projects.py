"""Candidate projects as column arrays, the engine's only view of the data.

Not the database row (``models.project.Project``, one project) nor the API's ``Project`` node: the
engine sees the competing projects as one set of equal-length numpy columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

# The territory of a project in no territory (a laureate outside every Territoire d'industrie).
NO_TERRITORY = ""
# Every column besides ids, one value per project.
COLUMNS = (
    "aid_requested_eur",
    "investment_eur",
    "jobs_created",
    "region",
    "territory",
    "fragile",
    "decarbonisation",
)
# Columns a caller may leave out: each has a neutral default (no jobs kept, no tCO2e avoided, no
# department or sector "", no record date NaT, no award 0; jobs created's 10th-90th range: the
# figure itself, declared rather than estimated) filled in by ``__post_init__``.
OPTIONAL = (
    "jobs_kept",
    "co2_avoided_t",
    "department",
    "sector",
    "record_date",
    "award_eur",
    "jobs_created_low",
    "jobs_created_high",
    "jobs_created_estimated",
)


@dataclass(frozen=True)
class ProjectColumns:
    """The candidate projects of a solve, column by column: position i of every array is project i.

    Money is in integer euros. ``region`` holds INSEE region codes ("84"),
    ``territory`` territory ids (``NO_TERRITORY``, "", for a project in none), ``fragile`` and
    ``decarbonisation`` booleans.

    Regions and territories are also coded as integers once, here, so that every solve groups
    projects with ``np.bincount`` instead of sorting strings: ``region_names`` holds the distinct
    codes in sorted order and ``region_index`` each project's position in it (likewise for
    territories); ``territory_region`` is the region of each territory's first project, and ""
    for the group of projects in no territory (which may span regions).
    """

    ids: npt.NDArray[np.int64]
    aid_requested_eur: npt.NDArray[np.int64]
    investment_eur: npt.NDArray[np.int64]
    jobs_created: npt.NDArray[np.int64]
    region: npt.NDArray[np.str_]
    territory: npt.NDArray[np.str_]
    fragile: npt.NDArray[np.bool_]
    decarbonisation: npt.NDArray[np.bool_]
    # Optional columns (OPTIONAL): left out, or empty, each takes its neutral default.
    jobs_kept: npt.NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    co2_avoided_t: npt.NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    department: npt.NDArray[np.str_] = field(default_factory=lambda: _empty(np.str_))  # "59"
    sector: npt.NDArray[np.str_] = field(default_factory=lambda: _empty(np.str_))  # filière
    # datetime64[D]; NaT: no date (a generated candidate, known from the first round on)
    record_date: npt.NDArray[np.datetime64] = field(default_factory=lambda: _empty("datetime64[D]"))
    award_eur: npt.NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    # The 10th and 90th percentiles of jobs created (data/estimates.py), and whether the figure is
    # a model's estimate (True) or declared: stated by the company, or generated as if it were.
    jobs_created_low: npt.NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    jobs_created_high: npt.NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    jobs_created_estimated: npt.NDArray[np.bool_] = field(default_factory=lambda: _empty(np.bool_))
    region_names: npt.NDArray[np.str_] = field(init=False, repr=False)
    region_index: npt.NDArray[np.intp] = field(init=False, repr=False)
    territory_names: npt.NDArray[np.str_] = field(init=False, repr=False)
    territory_index: npt.NDArray[np.intp] = field(init=False, repr=False)
    territory_region: npt.NDArray[np.str_] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        defaults = {
            "jobs_kept": np.zeros(n, np.int64),
            "co2_avoided_t": np.zeros(n, np.int64),
            "department": np.full(n, "", dtype=np.str_),
            "sector": np.full(n, "", dtype=np.str_),
            "record_date": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
            "award_eur": np.zeros(n, np.int64),
            "jobs_created_low": np.asarray(self.jobs_created, dtype=np.int64),
            "jobs_created_high": np.asarray(self.jobs_created, dtype=np.int64),
            "jobs_created_estimated": np.zeros(n, np.bool_),
        }
        for name, default in defaults.items():
            if n and len(getattr(self, name)) == 0:
                object.__setattr__(self, name, default)
        for name in (*COLUMNS, *OPTIONAL):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"ProjectColumns.{name}: has {len(getattr(self, name))} rows, ids has {n}"
                )
        region = np.asarray(self.region).astype(str)
        regions, region_index = np.unique(region, return_inverse=True)
        territories, first, territory_index = np.unique(
            np.asarray(self.territory).astype(str), return_index=True, return_inverse=True
        )
        coded = {
            "region_names": regions,
            "region_index": region_index.astype(np.intp),
            "territory_names": territories,
            "territory_index": territory_index.astype(np.intp),
            "territory_region": np.where(territories == NO_TERRITORY, "", region[first]),
        }
        for name, value in coded.items():
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, mask: npt.NDArray[np.bool_]) -> ProjectColumns:
        """The projects where ``mask`` is true, in the same order."""
        return ProjectColumns(
            ids=self.ids[mask],
            **{name: getattr(self, name)[mask] for name in (*COLUMNS, *OPTIONAL)},
        )


def _empty(dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    return np.zeros(0, dtype=dtype)
