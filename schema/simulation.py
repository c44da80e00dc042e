"""What-if results over GraphQL; expected failures are members of the outcome unions."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import numpy as np
import strawberry
from strawberry import relay

from schema.pagination import Connection, page_from
from schema.scenarios import input_field
from schema.types import Euros, Info, Project, Territory, row_id
from simulation import compare as comparing
from simulation.curve import Curve
from simulation.explain import explain_at
from simulation.projects import Projects
from simulation.result import Result, Status
from simulation.scenario import REGION_NAMES, ScenarioError
from simulation.scenario import Scenario as ScenarioSpec


@strawberry.enum
class SimulationStatus(Enum):
    OPTIMAL = Status.OPTIMAL.value
    FEASIBLE = Status.FEASIBLE.value
    INFEASIBLE = Status.INFEASIBLE.value
    TIME_LIMIT = Status.TIME_LIMIT.value
    ERROR = Status.ERROR.value


@strawberry.type
class RegionOutcome:
    code: str
    name: str
    allocated_eur: Euros
    jobs: float
    projects_funded: int
    min_eur: Euros | None
    max_eur: Euros | None


@strawberry.type
class TerritoryOutcome:
    territory_id: strawberry.Private[str]
    region_code: str
    allocated_eur: Euros
    jobs: float
    projects_funded: int

    @strawberry.field
    async def territory(self, info: Info) -> Territory | None:
        row = await info.context.loaders.territory().load(self.territory_id)
        return None if row is None else Territory.from_model(row)


@strawberry.type(description="A constraint that holds the optimum back, priced in planner units.")
class BindingConstraint:
    name: str = strawberry.field(description='Stable: "budget", "fragile_share", "region_84_max"')
    label: str
    shadow_price: float = strawberry.field(description="Jobs gained per `unit` of relaxation.")
    unit: str
    text: str


@strawberry.type(description="A simple allocation rule computed beside the optimum.")
class Baseline:
    name: str
    label: str
    jobs: float
    spent_eur: Euros
    fragile_share: float
    decarbonisation_share: float
    feasible: bool
    violations: list[str]
    jobs_gained_by_optimum: float


@strawberry.type
class SolverInfo:
    name: str
    version: str
    method: str
    options_json: str
    time_s: float
    mip_gap: float | None
    iterations: int


@strawberry.type(description="One competing project in a result: its aid and why (not).")
class ProjectOutcome:
    project: Project | None
    allocated_eur: Euros
    funded: bool
    why_funded: str = strawberry.field(
        description="Why it is (not) funded, and what it would take to enter or leave."
    )
    jobs_needed: float | None = strawberry.field(description="More jobs it would need to enter.")
    aid_cut_eur: Euros | None = strawberry.field(description="Or how much less aid to ask for.")


@strawberry.type
class SimulationResult:
    scenario_name: str
    status: SimulationStatus
    message: str
    mode: str
    jobs: float
    spent_eur: Euros
    unspent_eur: Euros
    budget_eur: Euros
    fragile_share: float = strawberry.field(description="Share of euros (what floors use).")
    fragile_project_share: float = strawberry.field(description="Share of funded projects.")
    decarbonisation_share: float
    decarbonisation_project_share: float
    projects_funded: int
    unspent_reasons: list[str]
    regions: list[RegionOutcome]
    territories: list[TerritoryOutcome]
    binding_constraints: list[BindingConstraint]
    baselines: list[Baseline]
    solver: SolverInfo
    result: strawberry.Private[Result]
    projects_data: strawberry.Private[Projects]

    @strawberry.field(description="Funded projects, largest allocation first.")
    async def funded_projects(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ProjectOutcome]:
        page = page_from(first, after)
        allocation = self.result.allocation_eur
        funded = np.flatnonzero(allocation > 0)
        ordered = funded[np.lexsort((self.result.project_ids[funded], -allocation[funded]))]
        chosen = [int(i) for i in ordered[page.offset : page.offset + page.limit]]
        rows = await self._outcomes(info, chosen)
        return Connection.of(rows, len(funded), page, lambda row: row)

    @strawberry.field(description="Any competing project, funded or not, with its explanation.")
    async def project(self, info: Info, id: relay.GlobalID) -> ProjectOutcome | None:
        key = row_id(id.node_id) if id.type_name == "Project" else -1
        found = np.flatnonzero(self.projects_data.ids == key)
        if len(found) == 0:
            return None
        (outcome,) = await self._outcomes(info, [int(found[0])])
        return outcome

    async def _outcomes(self, info: Info, positions: list[int]) -> list[ProjectOutcome]:
        """Explanations of the projects at these positions, with their rows in one batch."""
        ids = [int(self.projects_data.ids[i]) for i in positions]
        rows = await info.context.loaders.project().load_many(ids)
        outcomes = []
        for i, row in zip(positions, rows, strict=True):
            why = explain_at(self.result, self.projects_data, i)
            outcomes.append(
                ProjectOutcome(
                    project=None if row is None else Project.from_model(row),
                    allocated_eur=Euros(why.allocated_eur),
                    funded=why.funded,
                    why_funded=why.text,
                    jobs_needed=why.jobs_needed,
                    aid_cut_eur=None if why.aid_cut_eur is None else Euros(why.aid_cut_eur),
                )
            )
        return outcomes

    @classmethod
    def of(cls, scenario: ScenarioSpec, result: Result, projects: Projects) -> SimulationResult:
        return cls(
            scenario_name=scenario.name,
            status=SimulationStatus(result.status.value),
            message=result.message,
            mode=result.mode,
            jobs=result.jobs,
            spent_eur=Euros(result.spent_eur),
            unspent_eur=Euros(result.unspent_eur),
            budget_eur=Euros(result.budget_eur),
            fragile_share=result.fragile_share,
            fragile_project_share=result.fragile_project_share,
            decarbonisation_share=result.decarbonisation_share,
            decarbonisation_project_share=result.decarbonisation_project_share,
            projects_funded=result.projects_funded,
            unspent_reasons=list(result.unspent_reasons),
            regions=[
                RegionOutcome(
                    code=r.code,
                    name=REGION_NAMES.get(r.code, r.code),
                    allocated_eur=Euros(r.allocated_eur),
                    jobs=r.jobs,
                    projects_funded=r.projects_funded,
                    min_eur=None if r.min_eur is None else Euros(r.min_eur),
                    max_eur=None if r.max_eur is None else Euros(r.max_eur),
                )
                for r in result.regions
            ],
            territories=[
                TerritoryOutcome(
                    territory_id=t.id,
                    region_code=t.region,
                    allocated_eur=Euros(t.allocated_eur),
                    jobs=t.jobs,
                    projects_funded=t.projects_funded,
                )
                for t in result.territories
            ],
            binding_constraints=[BindingConstraint(**vars(b)) for b in result.binding],
            baselines=[Baseline(**vars(b)) for b in result.baselines],
            solver=SolverInfo(
                name=result.solver.name,
                version=result.solver.version,
                method=result.solver.method,
                options_json=json.dumps(result.solver.options, default=str, sort_keys=True),
                time_s=result.solver.time_s,
                mip_gap=result.solver.mip_gap,
                iterations=result.solver.iterations,
            ),
            result=result,
            projects_data=projects,
        )


@strawberry.type
class Relaxation:
    name: str
    label: str
    current: float
    suggested: float
    text: str


@strawberry.type(
    description="No allocation meets every constraint: what conflicts and what to relax."
)
class Infeasible:
    scenario_name: str
    message: str
    conflicts: list[str] = strawberry.field(description="The conflicting constraints, in words.")
    conflict_names: list[str]
    relaxations: list[Relaxation] = strawberry.field(
        description="Smallest single changes that make the scenario feasible."
    )
    diagnosis_complete: bool = strawberry.field(
        description="False when the diagnosis stopped at the time limit: the conflicts still "
        "conflict but may not be the smallest set, and some relaxations were not searched."
    )

    @classmethod
    def of(cls, scenario: ScenarioSpec, result: Result) -> Infeasible:
        diagnosis = result.diagnosis
        return cls(
            scenario_name=scenario.name,
            message=result.message,
            conflicts=list(diagnosis.conflicts) if diagnosis else [],
            conflict_names=list(diagnosis.names) if diagnosis else [],
            relaxations=[
                Relaxation(**vars(r)) for r in (diagnosis.relaxations if diagnosis else ())
            ],
            diagnosis_complete=diagnosis.complete if diagnosis else False,
        )


@strawberry.type
class FieldProblem:
    path: str = strawberry.field(
        description="Scenario-file path, e.g. constraints.fragile_share_min"
    )
    field: str | None = strawberry.field(
        description="The ScenarioInput field, e.g. fragileShareMin"
    )
    message: str


@strawberry.type(description="The scenario itself is wrong; nothing was solved.")
class InvalidScenario:
    message: str
    problems: list[FieldProblem]

    @classmethod
    def of(cls, error: ScenarioError) -> InvalidScenario:
        problems = [
            FieldProblem(path=e.path, field=input_field(e.path), message=e.message)
            for e in error.errors
        ]
        return cls(message=str(error), problems=problems)


SimulationOutcome = Annotated[
    SimulationResult | Infeasible | InvalidScenario, strawberry.union("SimulationOutcome")
]


def outcome(scenario: ScenarioSpec, result: Result, projects: Projects) -> SimulationOutcome:
    if result.status is Status.INFEASIBLE:
        return Infeasible.of(scenario, result)
    return SimulationResult.of(scenario, result, projects)


@strawberry.type
class InputDifference:
    path: str
    values_json: list[str] = strawberry.field(description="One JSON value per scenario.")


@strawberry.type
class OutcomeRow:
    name: str
    label: str
    unit: str
    values: list[float]
    deltas: list[float] = strawberry.field(description="Against the first scenario.")


@strawberry.type
class RegionComparison:
    code: str
    name: str
    allocated_eur: list[Euros]
    jobs: list[float]
    allocated_delta_eur: list[Euros]
    jobs_delta: list[float]


@strawberry.type(description="A project that enters or drops out between the scenarios compared.")
class ProjectChange:
    project: Project | None
    allocated_eur: list[Euros] = strawberry.field(description="One per scenario.")
    funded: list[bool] = strawberry.field(description="One per scenario.")


@strawberry.type(description="Scenarios side by side; deltas are against the first.")
class Comparison:
    names: list[str]
    statuses: list[SimulationStatus]
    inputs: list[InputDifference]
    outcomes: list[OutcomeRow]
    regions: list[RegionComparison]
    runs: list[SimulationOutcome]
    changes: strawberry.Private[tuple[comparing.ProjectChange, ...]]

    @strawberry.field(
        description="Projects funded in some scenarios and not in others, largest first."
    )
    async def project_changes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ProjectChange]:
        page = page_from(first, after)
        chosen = self.changes[page.offset : page.offset + page.limit]
        rows = await info.context.loaders.project().load_many([c.project_id for c in chosen])
        changes = [
            ProjectChange(
                project=None if row is None else Project.from_model(row),
                allocated_eur=[Euros(v) for v in change.allocated_eur],
                funded=[v > 0 for v in change.allocated_eur],
            )
            for change, row in zip(chosen, rows, strict=True)
        ]
        return Connection.of(changes, len(self.changes), page, lambda row: row)

    @classmethod
    def of(cls, found: comparing.Comparison, runs: list[SimulationOutcome]) -> Comparison:
        return cls(
            names=list(found.names),
            statuses=[SimulationStatus(status) for status in found.statuses],
            inputs=[
                InputDifference(path=d.path, values_json=[json.dumps(v) for v in d.values])
                for d in found.inputs
            ],
            outcomes=[
                OutcomeRow(
                    name=o.name,
                    label=o.label,
                    unit=o.unit,
                    values=list(o.values),
                    deltas=list(o.deltas),
                )
                for o in found.outcomes
            ],
            regions=[
                RegionComparison(
                    code=r.code,
                    name=r.name,
                    allocated_eur=[Euros(v) for v in r.allocated_eur],
                    jobs=list(r.jobs),
                    allocated_delta_eur=[Euros(v) for v in r.allocated_delta_eur],
                    jobs_delta=list(r.jobs_delta),
                )
                for r in found.regions
            ],
            runs=runs,
            changes=found.projects,
        )


ComparisonOutcome = Annotated[Comparison | InvalidScenario, strawberry.union("ComparisonOutcome")]


@strawberry.enum
class CurveParameter(Enum):
    FRAGILE_SHARE_MIN = "fragile_share_min"
    DECARBONISATION_SHARE_MIN = "decarbonisation_share_min"
    BUDGET_EUR = "budget_eur"


@strawberry.type
class CurvePoint:
    value: float
    status: SimulationStatus
    jobs: float
    spent_eur: Euros
    fragile_share: float
    decarbonisation_share: float


@strawberry.type(description="Jobs against one parameter, re-solved from the previous point.")
class TradeOffCurve:
    parameter: CurveParameter
    points: list[CurvePoint]
    time_s: float
    method: str
    relaxation: bool = strawberry.field(description="All-or-nothing scenarios show their LP bound.")

    @classmethod
    def of(cls, curve: Curve) -> TradeOffCurve:
        return cls(
            parameter=CurveParameter(curve.parameter),
            points=[
                CurvePoint(
                    value=p.value,
                    status=SimulationStatus(p.status),
                    jobs=p.jobs,
                    spent_eur=Euros(p.spent_eur),
                    fragile_share=p.fragile_share,
                    decarbonisation_share=p.decarbonisation_share,
                )
                for p in curve.points
            ],
            time_s=curve.time_s,
            method=curve.method,
            relaxation=curve.relaxation,
        )


TradeOffOutcome = Annotated[TradeOffCurve | InvalidScenario, strawberry.union("TradeOffOutcome")]
