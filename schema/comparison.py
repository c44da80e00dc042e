"""Scenarios side by side over GraphQL, mirroring the engine's comparison (simulation.compare)."""

from __future__ import annotations

import json
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from schema.mirror import Mirror, mirror
from schema.pagination import Connection, page_from
from schema.provenance import Provenance
from schema.result import InvalidScenario, SimulationOutcome, SimulationStatus, Unit
from schema.types import Info, ProjectNode
from simulation import compare


@mirror(compare.InputDifference)
class InputDifference(Mirror):
    values: list[JSON | None] = strawberry.field(
        description="One value per scenario, as in a scenario file; null where it is unset."
    )

    @strawberry.field(
        description="One JSON value per scenario.", deprecation_reason="Use `values`."
    )
    def values_json(self) -> list[str]:
        return [json.dumps(value) for value in self.values]


# The engine's outcome units (simulation.compare.OUTCOMES) as the API's closed set.
OUTCOME_UNITS = {
    "share": Unit.SHARE,
    "EUR": Unit.EUROS,
    "jobs": Unit.JOBS,
    "projects": Unit.PROJECTS,
}


@mirror(compare.Outcome, name="OutcomeRow", descriptions={"deltas": "Against the first scenario."})
class OutcomeRow(Mirror):
    unit: str = strawberry.field(deprecation_reason="Use `measuredIn`, an enum.")

    @strawberry.field(description="What `values` and `deltas` are in.")
    def measured_in(self) -> Unit:
        return OUTCOME_UNITS[self.unit]


@mirror(compare.RegionComparison)
class RegionComparison(Mirror):
    pass


@mirror(
    compare.ProjectChange,
    exclude=("project_id",),
    description="A project that enters or drops out between the scenarios compared.",
    descriptions={"allocated_eur": "One per scenario."},
)
class ProjectChange(Mirror):
    project: ProjectNode | None
    funded: list[bool] = strawberry.field(description="One per scenario.")


@mirror(
    compare.Comparison,
    exclude=("projects",),
    description="Scenarios side by side; deltas are against the first.",
)
class Comparison(Mirror):
    statuses: list[SimulationStatus]
    runs: list[SimulationOutcome]
    provenance: Provenance
    changes: strawberry.Private[tuple[compare.ProjectChange, ...]]

    @strawberry.field(
        description="Projects funded in some scenarios and not in others, largest first."
    )
    async def project_changes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProjectChange]:
        page = page_from(first, after, last, before).within(len(self.changes))
        chosen = self.changes[page.offset : page.offset + page.limit]
        rows = await info.context.loaders.project().load_many([c.project_id for c in chosen])
        changes = [
            ProjectChange.of(
                change,
                project=None if row is None else ProjectNode.from_model(row),
                funded=[v > 0 for v in change.allocated_eur],
            )
            for change, row in zip(chosen, rows, strict=True)
        ]
        return Connection.of(changes, len(self.changes), page, lambda row: row)


ComparisonOutcome = Annotated[Comparison | InvalidScenario, strawberry.union("ComparisonOutcome")]
