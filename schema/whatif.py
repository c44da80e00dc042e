"""Query fields that run the engine: simulate, saved scenarios, comparison, trade-off curve."""

from __future__ import annotations

import strawberry

from schema.comparison import Comparison, ComparisonOutcome
from schema.curve import CurveParameter, TradeOffCurve, TradeOffOutcome
from schema.provenance import data_version, provenance
from schema.result import InvalidScenario, SimulationOutcome, outcome
from schema.scenarios import Catalogue, Scenario, ScenarioInput
from schema.types import Info
from simulation import compare
from simulation.curve import check_values
from simulation.errors import EngineError
from simulation.scenario import Scenario as ScenarioSpec
from simulation.scenario import ScenarioError

MAX_COMPARED = 6
MAX_CURVE_POINTS = 200


async def _run(info: Info, scenario: ScenarioSpec) -> SimulationOutcome:
    runner = info.context.runner
    async with info.context.sessions() as session:
        version = await info.context.version(session)
        projects = await runner.projects(session, scenario, version)
    data = data_version(version)
    try:
        result = await runner.solve(scenario, projects)
    except EngineError as error:
        return InvalidScenario.of(ScenarioError(error.field, error.message))
    info.context.solved(result.status)
    made_by = provenance(data, runner.time_limit_s, [result.mode])
    return outcome(scenario, result, projects, made_by)


@strawberry.type
class WhatIfQuery:
    @strawberry.field(description="Solve a what-if; fields left out come from `base`.")
    async def simulate(self, info: Info, scenario: ScenarioInput) -> SimulationOutcome:
        try:
            async with info.context.sessions() as session:
                spec = await Catalogue(session).resolve(scenario.to_data())
        except ScenarioError as error:
            return InvalidScenario.of(error)
        return await _run(info, spec)

    @strawberry.field(description="Saved (versioned) and shipped scenarios, by name.")
    async def scenarios(self, info: Info) -> list[Scenario]:
        async with info.context.sessions() as session:
            return await Catalogue(session).entries()

    @strawberry.field
    async def scenario(self, info: Info, name: str) -> Scenario | None:
        async with info.context.sessions() as session:
            return await Catalogue(session).entry(name)

    @strawberry.field(description="Solve a saved or shipped scenario by name.")
    async def run_scenario(self, info: Info, name: str) -> SimulationOutcome:
        try:
            async with info.context.sessions() as session:
                spec = await Catalogue(session).load(name)
        except ScenarioError as error:
            return InvalidScenario.of(error)
        return await _run(info, spec)

    @strawberry.field(description="Scenarios side by side: differing inputs, outcomes, regions.")
    async def compare_scenarios(self, info: Info, names: list[str]) -> ComparisonOutcome:
        if not 1 <= len(names) <= MAX_COMPARED:
            return InvalidScenario.of(
                ScenarioError("names", f"give 1 to {MAX_COMPARED} names, got {len(names)}")
            )
        try:
            async with info.context.sessions() as session:
                catalogue = Catalogue(session)
                specs = [await catalogue.load(name) for name in names]
        except ScenarioError as error:
            return InvalidScenario.of(error)
        runner = info.context.runner
        async with info.context.sessions() as session:  # closed before the solves
            version = await info.context.version(session)
            columns = [await runner.projects(session, spec, version) for spec in specs]
        data = data_version(version)
        runs, outcomes = [], []
        for spec, projects in zip(specs, columns, strict=True):
            result = await runner.solve(spec, projects)
            info.context.solved(result.status)
            runs.append((spec, result))
            made_by = provenance(data, runner.time_limit_s, [result.mode])
            outcomes.append(outcome(spec, result, projects, made_by))
        compared = compare.compare(runs)
        return Comparison.of(
            compared,
            runs=outcomes,
            changes=compared.projects,
            provenance=provenance(data, runner.time_limit_s, [r.mode for _, r in runs]),
        )

    @strawberry.field(description="Re-solve over values of one parameter (warm-started).")
    async def trade_off_curve(
        self, info: Info, scenario: ScenarioInput, parameter: CurveParameter, values: list[float]
    ) -> TradeOffOutcome:
        if not 1 <= len(values) <= MAX_CURVE_POINTS:
            return InvalidScenario.of(
                ScenarioError("values", f"give 1 to {MAX_CURVE_POINTS} values, got {len(values)}")
            )
        try:
            check_values(parameter.value, values)  # before waiting for a solver slot
            async with info.context.sessions() as session:
                spec = await Catalogue(session).resolve(scenario.to_data())
                version = await info.context.version(session)
                projects = await info.context.runner.projects(session, spec, version)
            data = data_version(version)
            curve = await info.context.runner.curve(spec, projects, parameter.value, values)
        except ScenarioError as error:
            return InvalidScenario.of(error)
        except EngineError as error:
            return InvalidScenario.of(ScenarioError(error.field, error.message))
        info.context.solved(*(point.status for point in curve.points))
        made_by = provenance(data, info.context.runner.time_limit_s, [str(spec.mode)], lp_only=True)
        return TradeOffCurve.of(curve, provenance=made_by)
