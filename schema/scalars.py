"""Custom GraphQL scalars."""

from __future__ import annotations

from typing import NewType

import strawberry

from simulation.scenario import MAX_EUR

Euros = NewType("Euros", int)


def parse_euros(value: object) -> int:
    """Whole euros only: 1.5, true or "12" are refused rather than rounded or cast, and so is
    anything past MAX_EUR, before int(): a JSON number past 64 bits arrives as a float, and
    int(1e30) would be read back as 1_000_000_000_000_000_019_884_624_838_656."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"Euros must be a whole number of euros, got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"Euros must be a whole number of euros, got {value!r}")
    if abs(value) > MAX_EUR:
        raise ValueError(f"Euros must be at most {MAX_EUR:_} either side of 0, got {value!r}")
    return int(value)


EUROS = strawberry.scalar(
    name="Euros",
    description="An amount of money in whole euros, as a JSON number (may exceed 32 bits).",
    serialize=int,
    parse_value=parse_euros,
)
