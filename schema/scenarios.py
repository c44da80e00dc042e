"""Scenarios over GraphQL: the input that mirrors a scenario file, and the catalogue of names.

A name is looked up among the shipped files first, then saved scenarios (database, versioned):
shipped names are never saved (models.scenario), and a row saved before that rule never shadows
the file, so a name means the same scenario in `scenarios`, `scenario` and `runScenario`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import UNSET

from models import scenario as saved
from models import scenario_files
from schema.lever_inputs import (
    LEVER_INPUT_FIELDS,
    CoFundingInput,
    ControlsInput,
    DepartmentEnvelopeInput,
    ObjectiveWeightsInput,
    RoundInput,
    SectorFloorInput,
    TerritoryEnvelopeInput,
    UncertaintyInput,
    envelopes,
    levers_data,
    put,
    uses_levers,
)
from schema.lever_settings import (
    CoFundingSetting,
    ControlsSetting,
    DepartmentEnvelopeSetting,
    EurosSetting,
    ObjectiveWeightsSetting,
    RoundsSetting,
    SectorFloorSetting,
    Setting,
    ShareSetting,
    TerritoryEnvelopeSetting,
    UncertaintySetting,
    bounds,
    lever_settings,
    origin_in,
)
from schema.scalars import Euros
from schema.types import Info
from simulation import files, inputs
from simulation.scenario import REGION_NAMES, ScenarioError
from simulation.scenario import Scenario as ScenarioSpec

ANNOUNCED = "france-relance-2020"
SHIPPED = saved.SHIPPED


@strawberry.enum
class Mode(Enum):
    CONTINUOUS = "continuous"
    ALL_OR_NOTHING = "all_or_nothing"


@strawberry.enum(description="Which projects compete by where they come from.")
class ProjectPool(Enum):
    LAUREATES = strawberry.enum_value("laureates", description="The fund's laureates only.")
    GENERATED = strawberry.enum_value("generated", description="Generated candidates only.")
    BOTH = strawberry.enum_value("both", description="Laureates and generated candidates.")


@strawberry.input(description="A regional envelope: money the region must get at least or most.")
class RegionEnvelopeInput:
    region_code: str
    min_eur: Euros | None = None
    max_eur: Euros | None = None


@strawberry.input(description="Which projects compete (empty: all of the base's selection).")
class ProjectSelectionInput:
    phase: int | None = strawberry.field(
        default=UNSET,
        description="Only projects in a territory of this phase (a project in no territory is "
        "left out); null: every project, in a territory or not.",
    )
    regions: list[str] | None = UNSET
    sectors: list[str] | None = UNSET
    origin: ProjectPool | None = strawberry.field(
        default=UNSET, description="Laureates, generated candidates or both; null: BOTH."
    )


@strawberry.input(
    description=(
        "A what-if, mirroring a scenario file. Fields left out come from `base`, which defaults "
        f"to the programme as announced ({ANNOUNCED!r}: 400 M EUR, 69 % fragile share, phase 1)."
    )
)
class ScenarioInput:
    name: str = "what-if"
    title: str | None = UNSET
    description: str | None = UNSET
    base: str | None = strawberry.field(
        default=UNSET, description="Saved or shipped scenario to change; null for none."
    )
    budget_eur: Euros | None = UNSET
    mode: Mode | None = UNSET
    fragile_share_min: float | None = strawberry.field(
        default=UNSET, description="Floor on the share of euros spent in fragile territories."
    )
    decarbonisation_share_min: float | None = strawberry.field(
        default=UNSET, description="Floor on the share of euros spent on decarbonisation."
    )
    max_aid_intensity: float | None = strawberry.field(
        default=UNSET, description="Cap on aid as a share of each project's investment."
    )
    min_spend_share: float | None = strawberry.field(
        default=UNSET, description="Commit at least this share of the budget."
    )
    region_envelopes: list[RegionEnvelopeInput] | None = strawberry.field(
        default=UNSET,
        description="Merged over the base's envelopes region by region and bound by bound: a "
        "bound given here replaces the base's, the others stay.",
    )
    projects: ProjectSelectionInput | None = UNSET
    # Format version 2 (schema.lever_inputs)
    fragile_project_share_min: float | None = strawberry.field(
        default=UNSET, description="Floor on the share of funded projects in fragile territories."
    )
    department_envelopes: list[DepartmentEnvelopeInput] | None = strawberry.field(
        default=UNSET, description="Merged over the base's department by department."
    )
    territory_envelopes: list[TerritoryEnvelopeInput] | None = strawberry.field(
        default=UNSET, description="Merged over the base's territory by territory."
    )
    sector_floors: list[SectorFloorInput] | None = strawberry.field(
        default=UNSET, description="Merged over the base's sector by sector; add up to 1 at most."
    )
    objective_weights: ObjectiveWeightsInput | None = strawberry.field(
        default=UNSET, description="What the allocation maximises; null: jobs created only."
    )
    co_funding: CoFundingInput | None = UNSET
    rounds: list[RoundInput] | None = strawberry.field(
        default=UNSET, description="Review rounds, dates increasing; replace the base's."
    )
    controls: ControlsInput | None = UNSET
    uncertainty: UncertaintyInput | None = UNSET

    def to_data(self) -> dict[str, Any]:
        """The scenario-file dictionary of what was given (only changed fields, like a file);
        ScenarioError for what a dictionary cannot hold (a region given twice)."""
        data: dict[str, Any] = {"version": 2 if uses_levers(self) else 1, "name": self.name}
        data["base"] = ANNOUNCED if self.base is UNSET else self.base
        for key in ("title", "description", "budget_eur"):
            put(data, key, getattr(self, key))
        if self.mode is not UNSET:
            data["mode"] = None if self.mode is None else self.mode.value
        constraints: dict[str, Any] = {}
        for key in (
            "fragile_share_min",
            "decarbonisation_share_min",
            "max_aid_intensity",
            "min_spend_share",
        ):
            put(constraints, key, getattr(self, key))
        if self.region_envelopes is not UNSET:
            constraints["regions"] = envelopes(
                self.region_envelopes or [],
                lambda envelope: envelope.region_code,
                "constraints.regions",
                "regionEnvelopes",
            )
        if self.projects is not UNSET and self.projects is not None:
            selection: dict[str, Any] = {}
            for key in ("phase", "regions", "sectors"):
                put(selection, key, getattr(self.projects, key))
            origin = self.projects.origin
            put(selection, "origin", origin.value if isinstance(origin, ProjectPool) else origin)
            data["projects"] = selection
        levers_data(self, data, constraints)
        if constraints:
            data["constraints"] = constraints
        return data


# GraphQL input field for each scenario-file path, so clients can point at the field at fault.
INPUT_FIELDS = {
    "budget_eur": "budgetEur",
    "constraints.fragile_share_min": "fragileShareMin",
    "constraints.decarbonisation_share_min": "decarbonisationShareMin",
    "constraints.max_aid_intensity": "maxAidIntensity",
    "constraints.min_spend_share": "minSpendShare",
    "constraints.regions": "regionEnvelopes",
    "projects": "projects",
    **LEVER_INPUT_FIELDS,
}


def input_field(path: str) -> str | None:
    for prefix, name in INPUT_FIELDS.items():
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return name
    return path.split(".")[0].split("[")[0] or None


@strawberry.enum
class ScenarioSource(Enum):
    SAVED = "saved"
    SHIPPED = "shipped"


@strawberry.type(description="Aid at most this share of each project's investment.")
class AidCapSetting(Setting):
    value: float | None = strawberry.field(description="Null: no cap.")


@strawberry.type
class ModeSetting(Setting):
    value: Mode


@strawberry.type
class PhaseSetting(Setting):
    value: int | None = strawberry.field(description="Null: both phases.")


@strawberry.type
class PoolSetting(Setting):
    value: ProjectPool


@strawberry.type
class NamesSetting(Setting):
    value: list[str] = strawberry.field(description="Empty: all.")


@strawberry.type(description="A regional envelope; each bound says who set it (null: none).")
class RegionEnvelopeSetting:
    region_code: str
    region_name: str
    min_eur: EurosSetting | None
    max_eur: EurosSetting | None


@strawberry.type
class ProjectSelectionSetting:
    phase: PhaseSetting
    regions: NamesSetting
    sectors: NamesSetting
    origin: PoolSetting


@strawberry.type(
    description="A scenario's inputs after its base chain is applied, named as in ScenarioInput."
)
class ResolvedScenario:
    name: str
    base: str | None
    budget_eur: EurosSetting
    mode: ModeSetting
    fragile_share_min: ShareSetting
    decarbonisation_share_min: ShareSetting
    max_aid_intensity: AidCapSetting
    min_spend_share: ShareSetting
    region_envelopes: list[RegionEnvelopeSetting]
    projects: ProjectSelectionSetting
    # Format version 2 (schema.lever_settings)
    fragile_project_share_min: ShareSetting = strawberry.field(
        description="Floor on the share of funded projects in fragile territories."
    )
    department_envelopes: list[DepartmentEnvelopeSetting] = strawberry.field(
        description="Envelopes of public aid per department; empty: none."
    )
    territory_envelopes: list[TerritoryEnvelopeSetting] = strawberry.field(
        description="Envelopes of public aid per territory; empty: none."
    )
    sector_floors: list[SectorFloorSetting] = strawberry.field(
        description="Floors on the share of the euros spent per sector; empty: none."
    )
    objective_weights: ObjectiveWeightsSetting = strawberry.field(
        description="What the allocation maximises."
    )
    co_funding: CoFundingSetting = strawberry.field(
        description="Regional money beside the State's budget and its matching rule."
    )
    rounds: RoundsSetting = strawberry.field(description="Review rounds; empty: one decision.")
    controls: ControlsSetting = strawberry.field(
        description="Awards kept, projects forced in or out, how many next in line a result lists."
    )
    uncertainty: UncertaintySetting

    @classmethod
    def of(cls, spec: ScenarioSpec) -> ResolvedScenario:
        """The inputs of ``spec``, with the origins its resolution recorded."""
        origin = origin_in(spec)

        def share(key: str) -> ShareSetting:
            value = getattr(spec.constraints, key)
            return ShareSetting(value=value, **origin(f"constraints.{key}"))

        selection = spec.projects
        return cls(
            name=spec.name,
            base=spec.base,
            budget_eur=EurosSetting(value=Euros(spec.budget_eur), **origin("budget_eur")),
            mode=ModeSetting(value=Mode(spec.mode.value), **origin("mode")),
            fragile_share_min=share("fragile_share_min"),
            decarbonisation_share_min=share("decarbonisation_share_min"),
            max_aid_intensity=AidCapSetting(
                value=spec.constraints.max_aid_intensity,
                **origin("constraints.max_aid_intensity"),
            ),
            min_spend_share=share("min_spend_share"),
            region_envelopes=[
                RegionEnvelopeSetting(
                    region_code=code,
                    region_name=REGION_NAMES.get(code, code),
                    **bounds(origin, f"constraints.regions.{code}", envelope),
                )
                for code, envelope in spec.constraints.regions.items()
            ],
            projects=ProjectSelectionSetting(
                phase=PhaseSetting(value=selection.phase, **origin("projects.phase")),
                regions=NamesSetting(value=list(selection.regions), **origin("projects.regions")),
                sectors=NamesSetting(value=list(selection.sectors), **origin("projects.sectors")),
                origin=PoolSetting(
                    value=ProjectPool(selection.origin), **origin("projects.origin")
                ),
            ),
            **lever_settings(spec, origin),
        )


@strawberry.type(description="A named scenario: saved by a planner (versioned) or shipped.")
class Scenario:
    name: str
    title: str
    description: str
    source: ScenarioSource
    version: int | None = strawberry.field(description="Saved only; send it back to save.")
    updated_at: dt.datetime | None
    yaml: str = strawberry.field(description="The scenario file as written.")

    @strawberry.field(
        description="Every input after the base chain is applied, with where it was set; null "
        "when the scenario does not resolve (its file or a base is not valid)."
    )
    async def inputs(self, info: Info) -> ResolvedScenario | None:
        async with info.context.sessions() as session:
            try:
                spec = await Catalogue(session).load(self.name)
            except ScenarioError:
                return None
        return ResolvedScenario.of(spec)


class Catalogue:
    """Saved scenarios (database) and shipped files, looked up by name; the bases are read
    once per catalogue (several loads share them), so make a new one after a write."""

    def __init__(self, session: AsyncSession, folder: Path = SHIPPED) -> None:
        self.session = session
        self.folder = folder
        self._bases: scenario_files.Bases | None = None

    async def bases(self) -> scenario_files.Bases:
        if self._bases is None:
            self._bases = await saved.saved_bases(self.session, self.folder)
        return self._bases

    async def entries(self) -> list[Scenario]:
        shipped = [_shipped_entry(path) for path in scenario_files.scenario_paths(self.folder)]
        found = {entry.name: entry for entry in shipped if entry is not None}
        for row in await saved.list_scenarios(self.session):
            found.setdefault(row.name, _saved_entry(row))
        return sorted(found.values(), key=lambda entry: entry.name)

    async def entry(self, name: str) -> Scenario | None:
        shipped = (_shipped_entry(path) for path in scenario_files.scenario_paths(self.folder))
        found = next((e for e in shipped if e is not None and e.name == name), None)
        if found is not None:
            return found
        row = await saved.get_scenario(self.session, name)
        return None if row is None else _saved_entry(row)

    async def load(self, name: str) -> ScenarioSpec:
        bases = await self.bases()
        found = bases.find(name)
        if found is None:
            known = ", ".join(bases.names())
            raise ScenarioError("name", f"no saved or shipped scenario {name!r} (known: {known})")
        source, data = found
        return _with_origins(files.load_data(data, source=source, bases=bases), data, bases)

    def is_shipped(self, name: str) -> bool:
        return saved.is_shipped(name, self.folder)

    async def resolve(self, data: dict[str, Any]) -> ScenarioSpec:
        bases = await self.bases()
        return _with_origins(files.load_data(data, source="scenario", bases=bases), data, bases)


def _with_origins(
    spec: ScenarioSpec, data: dict[str, Any], bases: scenario_files.Bases
) -> ScenarioSpec:
    """``spec`` knowing which scenario of its base chain wrote each input."""

    def find(name: str) -> dict[str, Any] | None:
        found = bases.find(name)
        return None if found is None else found[1]

    written = inputs.written_by(inputs.chain(data, find))
    return dataclasses.replace(spec, origins=written)


def _saved_entry(row: saved.SavedScenario) -> Scenario:
    data = files.parse_text(row.body, source=row.name)
    return Scenario(
        name=row.name,
        title=row.title,
        description=str(data.get("description") or ""),
        source=ScenarioSource.SAVED,
        version=row.version,
        updated_at=row.updated_at,
        yaml=row.body,
    )


def _shipped_entry(path: Path) -> Scenario | None:
    try:
        data = scenario_files.read_data(path)  # parsed once while the file is unchanged
        text = path.read_text(encoding="utf-8")
    except (OSError, ScenarioError):
        return None
    return Scenario(
        name=str(data.get("name") or path.stem),
        title=str(data.get("title") or ""),
        description=str(data.get("description") or "").strip(),
        source=ScenarioSource.SHIPPED,
        version=None,
        updated_at=None,
        yaml=text,
    )
