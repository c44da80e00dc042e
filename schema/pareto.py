"""Pareto fronts over GraphQL, mirroring the engine's (simulation.pareto)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.mirror import Mirror, mirror
from schema.provenance import Provenance, data_version, provenance
from schema.result import InvalidScenario, SimulationStatus
from schema.scenarios import Catalogue, ScenarioInput
from schema.types import Info
from simulation import pareto
from simulation.errors import EngineError
from simulation.scenario import ScenarioError


@strawberry.enum(description="A criterion of an allocation, as results report them.")
class CriterionName(Enum):
    JOBS_CREATED = "jobs_created"
    JOBS_KEPT = "jobs_kept"
    CO2_AVOIDED_T = "co2_avoided_t"
    LEVERAGE = "leverage"


@strawberry.enum(description="Whether a point of a Pareto front is proven efficient.")
class ParetoStatus(Enum):
    EFFICIENT = strawberry.enum_value("efficient", description="No allocation has more of both.")
    DUPLICATE = strawberry.enum_value("duplicate", description="The previous point again.")
    UNPROVEN = strawberry.enum_value(
        "unproven", description="Its second solve stopped short: efficiency is not proven."
    )
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@mirror(
    pareto.ParetoPoint,
    descriptions={
        "x_value": "Criterion x's total, in xUnit: jobs, tCO2e a year, or for LEVERAGE the "
        "investment mobilised in EUR (a sum the epsilon-constraint method can bound, not the "
        "results' ratio of investment per euro of aid).",
        "y_value": "Criterion y's total, in yUnit (LEVERAGE: the investment mobilised, in EUR).",
        "epsilon": "The floor on criterion y this point was solved at, in y's unit.",
        "spent_eur": "Public aid allocated (State and regional).",
    },
)
class ParetoPoint(Mirror):
    status: ParetoStatus


@mirror(
    pareto.Front,
    name="ParetoFront",
    description="The most of criterion x at evenly spaced floors on criterion y, warm-started.",
    descriptions={
        "status": "How the solves of its two ends ended; no points unless OPTIMAL or TIME_LIMIT.",
        "relaxation": "All-or-nothing scenarios show their LP's front.",
        "note": 'What the front leaves out of the scenario, or "": with review rounds, '
        '"review rounds are not played: the front allocates the released budget at once" '
        "and the money released.",
    },
)
class ParetoFront(Mirror):
    x: CriterionName
    y: CriterionName
    status: SimulationStatus
    x_unit: str = strawberry.field(
        description="Unit of xValue: jobs, tCO2e/year, or EUR for LEVERAGE (the investment "
        "mobilised)."
    )
    y_unit: str = strawberry.field(description="Unit of yValue, as xUnit.")
    provenance: Provenance


ParetoOutcome = Annotated[ParetoFront | InvalidScenario, strawberry.union("ParetoOutcome")]


def _statuses(front: pareto.Front) -> list[str]:
    """The front's solves as result statuses: only a complete front is a final answer."""
    proven = {"efficient": "optimal", "duplicate": "optimal", "unproven": "time_limit"}
    return [front.status, *(proven.get(p.status, p.status) for p in front.points)]


@strawberry.type
class ParetoQuery:
    @strawberry.field(
        description="The Pareto front of two criteria by the epsilon-constraint method: each "
        "point the most of x with y at a floor, proven efficient or marked otherwise."
    )
    async def pareto_front(
        self,
        info: Info,
        scenario: ScenarioInput,
        x: CriterionName,
        y: CriterionName,
        points: int = 50,
    ) -> ParetoOutcome:
        runner = info.context.runner
        try:
            pareto.check_front(x.value, y.value, points)  # before waiting for a solver slot
            async with info.context.sessions() as session:
                spec = await Catalogue(session).resolve(scenario.to_data())
                version = await info.context.version(session)
                projects = await runner.projects(session, spec, version)
            data = data_version(version)
            front = await runner.pareto(spec, projects, x.value, y.value, points)
        except ScenarioError as error:
            return InvalidScenario.of(error)
        except EngineError as error:
            return InvalidScenario.of(ScenarioError(error.field, error.message))
        info.context.solved(*_statuses(front))
        made_by = provenance(data, runner.time_limit_s, [str(spec.mode)], lp_only=True)
        units = {"x_unit": pareto.UNITS[front.x], "y_unit": pareto.UNITS[front.y]}
        return ParetoFront.of(front, provenance=made_by, **units)
