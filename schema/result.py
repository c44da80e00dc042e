"""What a solve answers over GraphQL; expected failures are members of the outcome union.

The types mirror the engine's result dataclasses (schema.mirror): they declare only what the API
adds or names differently.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import numpy as np
import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from schema.mirror import Mirror, mirror, mirror_enum
from schema.pagination import Connection, page_from
from schema.provenance import Provenance
from schema.ranges import JobsRange, Robustness
from schema.scalars import Euros
from schema.scenarios import Mode, ResolvedScenario, input_field
from schema.types import Info, ProjectNode, Territory, row_id
from simulation import result as engine
from simulation.explain import ProjectExplanation, explain_at
from simulation.projects import ProjectColumns
from simulation.result import Result, Status
from simulation.scenario import REGION_NAMES, ScenarioError
from simulation.scenario import Scenario as ScenarioSpec


@mirror_enum(Status)
@strawberry.enum
class SimulationStatus(Enum):
    OPTIMAL = Status.OPTIMAL.value
    FEASIBLE = Status.FEASIBLE.value
    INFEASIBLE = Status.INFEASIBLE.value
    TIME_LIMIT = Status.TIME_LIMIT.value
    ERROR = Status.ERROR.value


@strawberry.enum(description="What a quantity is measured in.")
class Unit(Enum):
    SHARE = strawberry.enum_value("share", description="A fraction, from 0 to 1.")
    EUROS = strawberry.enum_value("euros", description="Whole euros.")
    JOBS = strawberry.enum_value("jobs", description="Jobs created.")
    PROJECTS = strawberry.enum_value("projects", description="A number of projects.")


@mirror(engine.RegionAllocation)
class RegionOutcome(Mirror):
    code: str

    @strawberry.field
    def name(self) -> str:
        return REGION_NAMES.get(self.code, self.code)


@mirror(engine.TerritoryAllocation, renames={"id": "territory_id", "region": "region_code"})
class TerritoryOutcome(Mirror):
    territory_id: strawberry.Private[str]

    @strawberry.field
    async def territory(self, info: Info) -> Territory | None:
        row = await info.context.loaders.territory().load(self.territory_id)
        return None if row is None else Territory.from_model(row)


@mirror(
    engine.BindingConstraint,
    description="A constraint that holds the optimum back, priced in planner units.",
    descriptions={
        "name": 'Stable: "budget", "fragile_share", "region_84_max"',
        "shadow_price": "What one more unit of the constraint's own `unit` gains (positive) or "
        "costs (negative) in the objective: one extra M EUR of the budget, of an envelope's "
        "maximum or of its minimum; floors (shares) are priced per percentage point of raising "
        "them, so a binding floor's price is negative. In jobs created with jobs-only weights, "
        "in jobs-equivalents when the objective weighs other criteria (`unit` says which).",
    },
)
class BindingConstraint(Mirror):
    pass


@mirror(engine.Baseline, description="A simple allocation rule computed beside the optimum.")
class Baseline(Mirror):
    pass


@mirror(engine.SolverInfo)
class SolverInfo(Mirror):
    options: JSON = strawberry.field(description="The solver's options, as it was given them.")

    @strawberry.field(deprecation_reason="Use `options`, a JSON value.")
    def options_json(self) -> str:
        return json.dumps(self.options, sort_keys=True)


@mirror(
    ProjectExplanation,
    exclude=("project_id", "threshold"),
    renames={"text": "why_funded"},
    description="One competing project in a result: its aid and why (not).",
    descriptions={
        "why_funded": "Why it is (not) funded, and what it would take to enter or leave.",
        "jobs_needed": "More jobs it would need to enter.",
        "aid_cut_eur": "Or how much less aid to ask for.",
    },
)
class ProjectOutcome(Mirror):
    project: ProjectNode | None
    regional_eur: Euros | None = strawberry.field(
        description="The regional euros in its aid (the rest is the State's); null: no region "
        "contributes."
    )


@mirror(
    engine.Criterion,
    description="One criterion of the allocation, reported whatever the objective's weights.",
    descriptions={
        "name": "Stable: jobs_created, jobs_kept, co2_avoided_t or leverage.",
        "label": 'As a planner says it: "jobs secured".',
        "value": "In `unit`: jobs, tCO2e avoided a year, or euros of investment per euro of "
        "public aid (leverage).",
        "weight": "Its weight in the objective, normalised to sum 1 (0: reported only).",
    },
)
class Criterion(Mirror):
    pass


@mirror(
    engine.RegionFunding,
    description="Who pays in one region: the State and the region's own contribution.",
    descriptions={
        "state_eur": "The State's euros (from the budget) to the region's projects.",
        "regional_eur": "The region's own euros used, on its projects only.",
        "contribution_eur": "What the region offered.",
        "investment_eur": "Investment mobilised, pro rata to the aid each project receives.",
        "leverage": "Investment mobilised per euro of public aid (State and region); 0 with no "
        "aid.",
    },
)
class RegionFunding(Mirror):
    code: str

    @strawberry.field
    def name(self) -> str:
        return REGION_NAMES.get(self.code, self.code)


@mirror(
    engine.Funding,
    description="Who pays: the State (the budget) and the regions' contributions.",
    descriptions={
        "state_eur": "The State's euros spent (what the budget pays).",
        "regional_eur": "The regions' euros spent.",
        "investment_eur": "Investment mobilised, pro rata to the aid each project receives.",
        "leverage": "Investment mobilised per euro of public aid.",
        "rule": "The matching rule: requires (each regional euro needs `rate` State euros "
        "beside it in its region) or follows (at most `rate` regional euros per State euro); "
        '"" (the empty string) when no region contributes: then the State pays everything, '
        "regionalEur is 0.",
        "rate": "The matching rule's rate, 0 to 1.",
        "regions": "The split in each region.",
    },
)
class Funding(Mirror):
    pass


@mirror(
    engine.NextInLine,
    description="An unfunded project close to entering, and what it would need.",
    descriptions={
        "score": "Its objective per M EUR of aid (jobs per M EUR with jobs-only weights).",
        "threshold": "The score per M EUR it must beat to enter.",
        "jobs_needed": "More jobs it would need to enter.",
        "aid_cut_eur": "Or how much less aid to ask for.",
        "text": "What it would need to enter, in words.",
    },
)
class NextInLine(Mirror):
    project_id: int = strawberry.field(
        description="The project's database id (`project` gives the project)."
    )

    @strawberry.field
    async def project(self, info: Info) -> ProjectNode | None:
        row = await info.context.loaders.project().load(self.project_id)
        return None if row is None else ProjectNode.from_model(row)


@mirror(
    engine.RoundOutcome,
    description="One review round, against the hindsight optimum.",
    descriptions={
        "index": "1 for the first round.",
        "date": "The review's date (ISO): it decides with the projects recorded before it.",
        "released_eur": "Money released at this round.",
        "available_eur": "Released now plus what earlier rounds left.",
        "reserve_eur": "Held back for later rounds.",
        "spent_eur": "Awarded in this round.",
        "projects_known": "Projects recorded before the round's date.",
        "projects_funded": "Projects funded in this round.",
        "jobs": "Jobs created by this round's awards.",
        "cumulative_jobs": "Jobs created by the awards of this round and the earlier ones.",
        "hindsight_jobs": "The most jobs with every project known by this round and the money "
        "released by then, decided at once.",
        "jobs_lost": "hindsightJobs - cumulativeJobs: jobs lost to deciding round by round.",
        "budget_shadow_price": "What one extra M EUR for this round would gain: jobs created "
        "with jobs-only weights, jobs-equivalents when the objective weighs other criteria (the "
        "round's `budget` row price).",
    },
)
class RoundOutcome(Mirror):
    status: SimulationStatus


@mirror(
    engine.RegionHindsight,
    description="One region's jobs, round by round and in hindsight.",
    descriptions={
        "jobs": "Jobs created in the region by the rounds' awards.",
        "hindsight_jobs": "Jobs created there by the hindsight optimum.",
        "jobs_lost": "hindsightJobs - jobs.",
    },
)
class RegionHindsight(Mirror):
    code: str

    @strawberry.field
    def name(self) -> str:
        return REGION_NAMES.get(self.code, self.code)


@mirror(
    engine.Rounds,
    description="Deciding round by round against the hindsight optimum that knows every project.",
    descriptions={
        "jobs": "Jobs created by every round's awards.",
        "hindsight_jobs": "The most jobs with every project known from the start and the "
        "money the rounds release in all (not the whole budget when they release less), decided "
        "at once.",
        "jobs_lost": "hindsightJobs - jobs: what deciding as projects arrive costs.",
        "without_reserve_jobs": "Jobs of the same rounds with no reserve (null: no round holds "
        "a reserve).",
        "reserve_recovers": "jobs - withoutReserveJobs: what the reserve policy recovers.",
    },
)
class Rounds(Mirror):
    pass


@mirror(
    Result,
    exclude=(
        "allocation_eur",
        "project_ids",
        "diagnosis",
        "floors_use",
        "fractional_projects",
        "explanations",
        "regional_eur",
    ),
    renames={"binding": "binding_constraints"},
    descriptions={
        "spent_eur": "Public aid allocated: the State's euros and the regions' (Funding splits "
        "them).",
        "unspent_eur": "The State's budget left unspent (budgetEur minus the State's euros "
        "spent); the regions' unused contributions are not in it.",
        "budget_eur": "The State's budget; regional contributions come on top of it.",
        "fragile_share": "Share of euros (what floors use).",
        "fragile_project_share": "Share of funded projects.",
        "territories": "Sums per phase-1 or phase-2 territory; projects in no territory are in "
        "none of them (their region's sums count them).",
    },
)
class SimulationResult(Mirror):
    mode: Mode
    scenario_name: str
    inputs: ResolvedScenario = strawberry.field(
        description="The scenario that produced this result: each input and where it was set."
    )
    provenance: Provenance
    jobs_range: JobsRange | None = strawberry.field(
        description="The jobs created as a range, estimated by Monte Carlo over each funded "
        "project's distribution (null: nothing allocated, or no draws asked)."
    )
    robustness: Robustness | None = strawberry.field(
        description="With the robust objective, the price of robustness against the "
        "expected-jobs allocation (null: another objective, no draws asked, or not computed "
        "within the time limit, as the message then says)."
    )
    result: strawberry.Private[Result]
    projects_data: strawberry.Private[ProjectColumns]

    @strawberry.field(description="Funded projects, largest allocation first.")
    async def funded_projects(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProjectOutcome]:
        allocation = self.result.allocation_eur
        funded = np.flatnonzero(allocation > 0)
        page = page_from(first, after, last, before).within(len(funded))
        ordered = funded[np.lexsort((self.result.project_ids[funded], -allocation[funded]))]
        chosen = [int(i) for i in ordered[page.offset : page.offset + page.limit]]
        rows = await self._outcomes(info, chosen)
        return Connection.of(rows, len(funded), page, lambda row: row)

    @strawberry.field(description="Any competing project, funded or not, with its explanation.")
    async def project(self, info: Info, id: relay.GlobalID) -> ProjectOutcome | None:
        key = row_id(id.node_id) if id.type_name == "Project" else -1
        positions = np.flatnonzero(self.projects_data.ids == key)
        if len(positions) == 0:
            return None
        (outcome,) = await self._outcomes(info, [int(positions[0])])
        return outcome

    async def _outcomes(self, info: Info, positions: list[int]) -> list[ProjectOutcome]:
        """Explanations of the projects at these positions, with their rows in one batch."""
        ids = [int(self.projects_data.ids[i]) for i in positions]
        rows = await info.context.loaders.project().load_many(ids)
        regional = self.result.regional_eur
        return [
            ProjectOutcome.of(
                explain_at(self.result, self.projects_data, i),
                project=None if row is None else ProjectNode.from_model(row),
                regional_eur=None if regional is None else int(regional[i]),
            )
            for i, row in zip(positions, rows, strict=True)
        ]


@mirror(engine.Relaxation, descriptions={"suggested": "The smallest value that is feasible."})
class Relaxation(Mirror):
    unit: Unit = strawberry.field(description="What `current` and `suggested` are in.")


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
    provenance: Provenance

    @classmethod
    def of(cls, scenario: ScenarioSpec, result: Result, provenance: Provenance) -> Infeasible:
        diagnosis = result.diagnosis
        relaxations = diagnosis.relaxations if diagnosis else ()
        return cls(
            scenario_name=scenario.name,
            message=result.message,
            conflicts=list(diagnosis.conflicts) if diagnosis else [],
            conflict_names=list(diagnosis.names) if diagnosis else [],
            relaxations=[Relaxation.of(r, unit=Unit(r.unit)) for r in relaxations],
            diagnosis_complete=diagnosis.complete if diagnosis else False,
            provenance=provenance,
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


def outcome(
    scenario: ScenarioSpec, result: Result, projects: ProjectColumns, provenance: Provenance
) -> SimulationOutcome:
    if result.status is Status.INFEASIBLE:
        return Infeasible.of(scenario, result, provenance)
    return SimulationResult.of(
        result,
        scenario_name=scenario.name,
        inputs=ResolvedScenario.of(scenario),
        provenance=provenance,
        result=result,
        projects_data=projects,
    )
