"""Trade-off curves over GraphQL, mirroring the engine's (simulation.curve)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.mirror import Mirror, mirror
from schema.provenance import Provenance
from schema.result import InvalidScenario, SimulationStatus
from simulation import curve


@strawberry.enum
class CurveParameter(Enum):
    FRAGILE_SHARE_MIN = "fragile_share_min"
    DECARBONISATION_SHARE_MIN = "decarbonisation_share_min"
    BUDGET_EUR = "budget_eur"


@mirror(curve.CurvePoint)
class CurvePoint(Mirror):
    status: SimulationStatus


@mirror(
    curve.Curve,
    name="TradeOffCurve",
    description="Jobs against one parameter, re-solved from the previous point.",
    descriptions={"relaxation": "All-or-nothing scenarios show their LP bound."},
)
class TradeOffCurve(Mirror):
    parameter: CurveParameter
    provenance: Provenance


TradeOffOutcome = Annotated[TradeOffCurve | InvalidScenario, strawberry.union("TradeOffOutcome")]
