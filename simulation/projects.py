"""Candidate projects as column arrays, the engine's only view of the data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Projects:
    """One row per candidate project; every array has the same length.

    Money is in integer euros. ``region`` holds INSEE region codes ("84"),
    ``territory`` territory ids, ``fragile`` and ``decarbonisation`` booleans.
    """

    ids: npt.NDArray[np.int64]
    aid_requested_eur: npt.NDArray[np.int64]
    investment_eur: npt.NDArray[np.int64]
    jobs_created: npt.NDArray[np.int64]
    region: npt.NDArray[np.str_]
    territory: npt.NDArray[np.str_]
    fragile: npt.NDArray[np.bool_]
    decarbonisation: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in (
            "aid_requested_eur",
            "investment_eur",
            "jobs_created",
            "region",
            "territory",
            "fragile",
            "decarbonisation",
        ):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"Projects.{name}: has {len(getattr(self, name))} rows, ids has {n}"
                )

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, mask: npt.NDArray[np.bool_]) -> Projects:
        """The projects where ``mask`` is true, in the same order."""
        return Projects(
            ids=self.ids[mask],
            aid_requested_eur=self.aid_requested_eur[mask],
            investment_eur=self.investment_eur[mask],
            jobs_created=self.jobs_created[mask],
            region=self.region[mask],
            territory=self.territory[mask],
            fragile=self.fragile[mask],
            decarbonisation=self.decarbonisation[mask],
        )
