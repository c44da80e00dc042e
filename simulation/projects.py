"""Candidate projects as column arrays, the engine's only view of the data.

Not the database row (``models.project.Project``, one project) nor the API's ``Project`` node: the
engine sees the competing projects as one set of equal-length numpy columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    region_names: npt.NDArray[np.str_] = field(init=False, repr=False)
    region_index: npt.NDArray[np.intp] = field(init=False, repr=False)
    territory_names: npt.NDArray[np.str_] = field(init=False, repr=False)
    territory_index: npt.NDArray[np.intp] = field(init=False, repr=False)
    territory_region: npt.NDArray[np.str_] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in COLUMNS:
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
            ids=self.ids[mask], **{name: getattr(self, name)[mask] for name in COLUMNS}
        )
