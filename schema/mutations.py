"""Mutations: saving and deleting scenarios, with an API key and optimistic versioning."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import scenario as saved
from schema.auth import HasApiKey
from schema.jobs import JobMutation
from schema.result import InvalidScenario
from schema.scenarios import Catalogue, Scenario, ScenarioInput
from schema.types import Info
from simulation import files
from simulation.scenario import ScenarioError


@strawberry.type(description="Refused: the scenario changed since you read it (or is gone).")
class StaleScenario:
    name: str
    message: str
    expected_version: int | None
    current_version: int | None = strawberry.field(description="Null when it no longer exists.")


@strawberry.type
class ScenarioDeleted:
    name: str


@strawberry.type(
    description="Refused: other saved scenarios use this one as their base; delete or re-base "
    "them first."
)
class ScenarioInUse:
    name: str
    message: str
    dependants: list[str] = strawberry.field(description="The saved scenarios based on it.")


SaveOutcome = Annotated[
    Scenario | StaleScenario | InvalidScenario, strawberry.union("SaveScenarioOutcome")
]
DeleteOutcome = Annotated[
    ScenarioDeleted | StaleScenario | ScenarioInUse, strawberry.union("DeleteScenarioOutcome")
]


@strawberry.type
class Mutation(JobMutation):
    @strawberry.mutation(
        permission_classes=[HasApiKey],
        description=(
            "Save a scenario. Leave expectedVersion out to create one; to change one, send the "
            "version you read: a newer version on the server refuses the save."
        ),
    )
    async def save_scenario(
        self, info: Info, scenario: ScenarioInput, expected_version: int | None = None
    ) -> SaveOutcome:
        try:
            data = scenario.to_data()
        except ScenarioError as error:
            return InvalidScenario.of(error)
        async with info.context.sessions() as session, session.begin():
            catalogue = Catalogue(session)
            try:  # a shipped scenario's name is refused here, as on the command line
                row = await saved.save_scenario(
                    session,
                    files.dump(data),
                    expected_version,
                    source="scenario",
                    bases=await catalogue.bases(),
                )
            except ScenarioError as error:
                return InvalidScenario.of(error)
            except saved.ScenarioExistsError as error:
                return StaleScenario(
                    name=scenario.name,
                    message=str(error),
                    expected_version=None,
                    current_version=error.current,
                )
            except saved.ScenarioNotFoundError as error:
                return _gone(scenario.name, expected_version, error)
            except saved.StaleScenarioError as error:
                return StaleScenario(
                    name=error.name,
                    message=str(error),
                    expected_version=error.expected,
                    current_version=error.current,
                )
            entry = await catalogue.entry(row.name)
        assert entry is not None
        return entry

    @strawberry.mutation(
        permission_classes=[HasApiKey],
        description=(
            "Delete a saved scenario, at the version you read; refused while other saved "
            "scenarios use it as their base."
        ),
    )
    async def delete_scenario(self, info: Info, name: str, expected_version: int) -> DeleteOutcome:
        async with info.context.sessions() as session, session.begin():
            try:
                await saved.delete_scenario(session, name, expected_version)
            except saved.ScenarioInUseError as error:
                return ScenarioInUse(
                    name=name, message=str(error), dependants=list(error.dependants)
                )
            except saved.ScenarioNotFoundError as error:
                return _gone(name, expected_version, error)
            except saved.StaleScenarioError as error:
                return StaleScenario(
                    name=name,
                    message=str(error),
                    expected_version=expected_version,
                    current_version=error.current,
                )
        return ScenarioDeleted(name=name)


def _gone(name: str, expected_version: int | None, error: Exception) -> StaleScenario:
    return StaleScenario(
        name=name,
        message=f"{error}: it was deleted, or never saved",
        expected_version=expected_version,
        current_version=None,
    )
