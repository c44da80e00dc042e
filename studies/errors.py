"""What a study refuses or fails on, told with the field at fault."""

from __future__ import annotations


class StudyError(ValueError):
    """A study's input is wrong, or its work failed: ``field`` names what ("grid.budget_eur",
    "draws", "batch 3", "TERRITOIRES_DASK_SCHEDULER"), ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
