"""Scenarios side by side as tables: outcomes, the inputs that differ, regions and the projects
that enter or leave, one column per scenario and deltas against the first (the API's
compareScenarios)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from exports.cells import Cell, Column, Kind, Names, Table, Typed
from exports.labels import LABELS, OUTCOME_LABELS, SHEETS, WORDS, Lang
from simulation.compare import Comparison
from simulation.scenario import REGION_NAMES

UNIT_KINDS: Mapping[str, Kind] = {
    "jobs": "decimal",
    "EUR": "euros",
    "share": "share",
    "projects": "int",
}
# Inputs known by their path in the scenario file (simulation.compare.input_differences).
EURO_INPUTS = ("co_funding.contributions.",)  # a region's contribution, in euros
SHARE_SECTIONS = ("constraints.sectors.",)  # a sector's floor, a share of the euros
SHARE_INPUTS = ("max_aid_intensity", "rate", "realisation_rate")  # rate: co_funding.matching
ID_INPUTS = ("seed",)


def comparison_tables(comparison: Comparison, names: Names, lang: Lang = "fr") -> list[Table]:
    """Outcomes, the inputs that differ, regions and the projects that enter or leave, one
    column per scenario and deltas against the first (the API's compareScenarios)."""
    labels = LABELS[lang]
    first, others = comparison.names[0], comparison.names[1:]
    deltas = [f"{labels['delta']} {name} {labels['vs']} {first}" for name in others]
    outcome_rows: list[tuple[Cell, ...]] = [
        (
            labels["status"],
            "",
            *(WORDS[lang][s] for s in comparison.statuses),
            *[None] * len(others),
        ),
    ]
    for o in comparison.outcomes:
        kind = UNIT_KINDS[o.unit]
        outcome_rows.append(
            (
                OUTCOME_LABELS[lang].get(o.name, o.label),
                WORDS[lang][o.unit],
                *(Typed(v, kind) for v in o.values),
                *(Typed(d, kind) for d in o.deltas[1:]),
            )
        )
    headers = (labels["indicator"], labels["unit"], *comparison.names, *deltas)
    outcomes = Table(SHEETS[lang]["outcomes"], tuple(Column(h) for h in headers), outcome_rows)
    inputs = Table(
        SHEETS[lang]["inputs"],
        (Column(labels["input"]), *(Column(name) for name in comparison.names)),
        [(d.path, *(_input_cell(d.path, v) for v in d.values)) for d in comparison.inputs],
    )
    region_columns = (
        Column(labels["code"]),
        Column(labels["region"]),
        *(Column(f"{labels['allocated_eur']} {n}", "euros") for n in comparison.names),
        *(Column(f"{labels['jobs']} {n}", "decimal") for n in comparison.names),
        *(Column(f"{labels['allocated_eur']} {d}", "euros") for d in deltas),
        *(Column(f"{labels['jobs']} {d}", "decimal") for d in deltas),
    )
    regions = Table(
        SHEETS[lang]["compared_regions"],
        region_columns,
        [
            (
                r.code,
                REGION_NAMES.get(r.code, r.name),
                *r.allocated_eur,
                *r.jobs,
                *r.allocated_delta_eur[1:],
                *r.jobs_delta[1:],
            )
            for r in comparison.regions
        ],
    )
    project_columns = (
        Column(labels["project_id"], "id"),
        Column(labels["project"]),
        Column(labels["origin"]),
        *(Column(f"{labels['allocated_eur']} {n}", "euros") for n in comparison.names),
    )
    project_rows: list[tuple[Cell, ...]] = []
    for change in comparison.projects:
        known = names.projects.get(change.project_id)
        project_rows.append(
            (
                change.project_id,
                None if known is None else known.name,
                None if known is None else WORDS[lang][known.origin],
                *change.allocated_eur,
            )
        )
    projects = Table(SHEETS[lang]["compared_projects"], project_columns, project_rows)
    return [outcomes, inputs, regions, projects]


def input_kind(path: str, value: int | float) -> Kind:
    """What an input's number is, by its path in the scenario file: euros (``*_eur``, a
    region's contribution), a share of 0 to 1 (``*_share*``, a sector's floor, the aid-intensity
    cap, the matching rate, the realisation rate), an identifier (the draws' seed), else a
    count or a decimal."""
    field = path.rsplit(".", 1)[-1]
    if field.endswith("_eur") or path.startswith(EURO_INPUTS):
        return "euros"
    if "_share" in field or field in SHARE_INPUTS or path.startswith(SHARE_SECTIONS):
        return "share"
    if field in ID_INPUTS:
        return "id"
    return "int" if isinstance(value, int) else "decimal"


def _input_cell(path: str, value: object) -> Cell:
    """An input's value as a scenario file holds it: numbers of their kind (input_kind), lists
    and objects as JSON text, unset as empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        kind = input_kind(path, value)
        return Typed(int(value) if kind == "euros" else value, kind)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
