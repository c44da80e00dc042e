"""A result, an infeasible or invalid outcome, or a comparison, as typed tables: what the
workbook (exports.workbook) and the CSV file (exports.csvfile) write, sheet by sheet.

The figures come from the same objects as the GraphQL answer (the engine's Result, its per-project
explanations, simulation.compare), so a table says what the API says. Names of territories and
projects come from the database (exports.names).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from exports.cells import (
    Cell,
    Column,
    Kind,
    Names,
    Plain,
    ProjectName,
    Stamp,
    Table,
    Typed,
    columns_of,
    kind_of,
    scenario_words,
    stamp_rows,
    summary_table,
)
from exports.comparison import comparison_tables
from exports.labels import CONSTRAINTS_FR, LABELS, LANGS, SHEETS, WORDS, Lang
from simulation.explain import explain_at
from simulation.projects import ProjectColumns
from simulation.result import BindingConstraint, Relaxation, Result, Status
from simulation.scenario import REGION_NAMES, Scenario

__all__ = [
    "LABELS",
    "LANGS",
    "SHEETS",
    "Cell",
    "Column",
    "Kind",
    "Lang",
    "Names",
    "Problem",
    "ProjectName",
    "Stamp",
    "Table",
    "Typed",
    "comparison_tables",
    "infeasible_tables",
    "invalid_tables",
    "kind_of",
    "result_tables",
]


# ---- a result --------------------------------------------------------------------------------


def result_tables(
    scenario: Scenario,
    result: Result,
    projects: ProjectColumns,
    names: Names,
    stamp: Stamp,
    lang: Lang = "fr",
) -> list[Table]:
    """Summary, binding constraints, regions, territories and funded projects of a solved
    scenario (an infeasible one: infeasible_tables)."""
    if result.status is Status.INFEASIBLE:
        return infeasible_tables(scenario, result, stamp, lang)
    return [
        _result_summary(scenario, result, stamp, lang),
        _constraints(result.binding, lang),
        _regions(result, lang),
        _territories(result, names, lang),
        _funded(result, projects, names, lang),
    ]


def _result_summary(scenario: Scenario, result: Result, stamp: Stamp, lang: Lang) -> Table:
    ranged = result.jobs_range
    rows: list[tuple[str, Plain, Kind]] = [
        ("scenario", scenario_words(scenario.name, lang), "text"),
        ("status", WORDS[lang][str(result.status)], "text"),
        ("message", result.message, "text"),
        ("jobs", result.jobs, "decimal"),
        ("jobs_mean", None if ranged is None else ranged.mean, "decimal"),
        ("jobs_p10", None if ranged is None else ranged.p10, "decimal"),
        ("jobs_p90", None if ranged is None else ranged.p90, "decimal"),
        ("spent_eur", result.spent_eur, "euros"),
        ("budget_eur", result.budget_eur, "euros"),
        ("unspent_eur", result.unspent_eur, "euros"),
    ]
    if result.funding is not None and result.funding.regional_eur:
        rows.append(("regional_eur", result.funding.regional_eur, "euros"))
    rows += [
        ("fragile_share", result.fragile_share, "share"),
        ("fragile_project_share", result.fragile_project_share, "share"),
        ("decarbonisation_share", result.decarbonisation_share, "share"),
        ("projects_funded", result.projects_funded, "int"),
        *stamp_rows(stamp, lang),
    ]
    return summary_table(lang, rows)


# Before an English sentence of the engine in a French table whose other rows are French.
ENGINE_ENGLISH = "(texte du moteur, en anglais)"


def constraint_words(binding: BindingConstraint, lang: Lang) -> tuple[str, str, str]:
    """The constraint, its price's unit and the sentence, in ``lang``; English: the engine's."""
    if lang == "en":
        return binding.label, binding.unit, binding.text
    name = binding.name
    label = CONSTRAINTS_FR.get(name)
    if label is None and name.startswith("region_") and name.endswith(("_min", "_max")):
        code = name.removeprefix("region_")[:-4]
        side = "plancher" if name.endswith("_min") else "plafond"
        label = f"l'enveloppe {side} de la région {REGION_NAMES.get(code, code)}"
    units = {"jobs per percentage point": "per_point", "jobs per M EUR": "per_meur"}
    unit_key = units.get(binding.unit)
    if label is None or unit_key is None:
        # A lever without French words (a sector floor, a department's envelope, a score in
        # jobs-equivalents...): the engine's English, said to be so.
        return binding.label, binding.unit, f"{ENGINE_ENGLISH} {binding.text}"
    unit = WORDS["fr"][unit_key]
    price = f"{binding.shadow_price:+.1f}".replace(".", ",").replace("-", "−")
    if unit_key == "per_point":
        return label, unit, f"{price} emplois par point {_of(label)}"
    return label, unit, f"{price} emplois par M€ de plus pour {label}"


def _of(label: str) -> str:
    """ "le plancher" -> "du plancher", "la dépense" -> "de la dépense"."""
    return "du " + label[3:] if label.startswith("le ") else "de " + label


def _constraints(binding: Sequence[BindingConstraint], lang: Lang) -> Table:
    columns = columns_of(
        lang,
        ("name", "text"),
        ("constraint", "text"),
        ("shadow_price", "decimal"),
        ("unit", "text"),
        ("text", "text"),
    )
    rows: list[tuple[Cell, ...]] = []
    for b in binding:
        label, unit, text = constraint_words(b, lang)
        rows.append((b.name, label, b.shadow_price, unit, text))
    return Table(SHEETS[lang]["constraints"], columns, rows)


def _regions(result: Result, lang: Lang) -> Table:
    columns = columns_of(
        lang,
        ("code", "text"),
        ("region", "text"),
        ("allocated_eur", "euros"),
        ("jobs", "decimal"),
        ("projects_funded", "int"),
        ("min_eur", "euros"),
        ("max_eur", "euros"),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            r.code,
            REGION_NAMES.get(r.code, r.code),
            r.allocated_eur,
            r.jobs,
            r.projects_funded,
            r.min_eur,
            r.max_eur,
        )
        for r in result.regions
    ]
    return Table(SHEETS[lang]["regions"], columns, rows)


def _territories(result: Result, names: Names, lang: Lang) -> Table:
    columns = columns_of(
        lang,
        ("territory_id", "text"),
        ("territory", "text"),
        ("region", "text"),
        ("allocated_eur", "euros"),
        ("jobs", "decimal"),
        ("projects_funded", "int"),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            t.id,
            names.territories.get(t.id, t.id),
            REGION_NAMES.get(t.region, t.region),
            t.allocated_eur,
            t.jobs,
            t.projects_funded,
        )
        for t in result.territories
    ]
    return Table(SHEETS[lang]["territories"], columns, rows)


def funded_positions(result: Result) -> list[int]:
    """Positions of the funded projects, largest allocation first, then by id (the order of the
    API's fundedProjects)."""
    allocation = result.allocation_eur
    funded = np.flatnonzero(allocation > 0)
    ordered = funded[np.lexsort((result.project_ids[funded], -allocation[funded]))]
    return [int(i) for i in ordered]


def _funded(result: Result, projects: ProjectColumns, names: Names, lang: Lang) -> Table:
    words = WORDS[lang]
    regional = result.regional_eur
    keys: list[tuple[str, Kind]] = [
        ("project_id", "id"),
        ("project", "text"),
        ("company", "text"),
        ("origin", "text"),
        ("region", "text"),
        ("territory", "text"),
        ("aid_requested_eur", "euros"),
        ("allocated_eur", "euros"),
    ]
    if regional is not None:
        keys += [("state_eur", "euros"), ("regional_eur", "euros")]
    keys += [
        ("jobs_declared", "int"),
        ("jobs_nature", "text"),
        ("jobs_low", "int"),
        ("jobs_high", "int"),
        ("jobs_counted", "decimal"),
        ("fragile", "text"),
        ("decarbonisation", "text"),
        ("jobs_per_meur", "decimal"),
        ("threshold", "decimal"),
        ("why_funded", "text"),
    ]
    prices = result.explanations
    rows: list[tuple[Cell, ...]] = []
    for i in funded_positions(result):
        pid = int(projects.ids[i])
        known = names.projects.get(pid)
        allocated = int(result.allocation_eur[i])
        aid = int(projects.aid_requested_eur[i])
        jobs = int(projects.jobs_created[i])
        territory = str(projects.territory[i])
        region = str(projects.region[i])
        split: tuple[Cell, ...] = ()
        if regional is not None:
            split = (allocated - int(regional[i]), int(regional[i]))
        explanation = explain_at(result, projects, i)
        rows.append(
            (
                pid,
                None if known is None else known.name,
                None if known is None else known.company,
                None if known is None else words[known.origin],
                REGION_NAMES.get(region, region),
                names.territories.get(territory, territory) or None,
                aid,
                allocated,
                *split,
                jobs,
                words["estimated" if projects.jobs_created_estimated[i] else "declared"],
                int(projects.jobs_created_low[i]),
                int(projects.jobs_created_high[i]),
                jobs * allocated / aid if aid > 0 else 0.0,
                words["yes" if projects.fragile[i] else "no"],
                words["yes" if projects.decarbonisation[i] else "no"],
                None if prices is None else float(prices.jobs_per_meur[i]),
                explanation.threshold,
                explanation.text,
            )
        )
    return Table(SHEETS[lang]["projects"], columns_of(lang, *keys), rows)


# ---- an infeasible result, an invalid scenario -----------------------------------------------


def infeasible_tables(scenario: Scenario, result: Result, stamp: Stamp, lang: Lang) -> list[Table]:
    """What conflicts and what to relax, and whether the diagnosis is complete (the API's
    Infeasible; no diagnosis at all counts as partial, as its diagnosisComplete)."""
    diagnosis = result.diagnosis
    complete = diagnosis is not None and diagnosis.complete
    diagnosed = "diagnosis_complete" if complete else "diagnosis_partial"
    summary = summary_table(
        lang,
        [
            ("scenario", scenario_words(scenario.name, lang), "text"),
            ("status", WORDS[lang]["infeasible"], "text"),
            ("message", result.message, "text"),
            ("diagnosis", WORDS[lang][diagnosed], "text"),
            ("spent_eur", 0, "euros"),
            ("budget_eur", result.budget_eur, "euros"),
            *stamp_rows(stamp, lang),
        ],
    )
    conflicts = diagnosis.conflicts if diagnosis else ()
    stable = diagnosis.names if diagnosis else ()
    conflict_rows: list[tuple[Cell, ...]] = [
        (name, label) for label, name in itertools.zip_longest(conflicts, stable)
    ]
    conflict_table = Table(
        SHEETS[lang]["conflicts"],
        columns_of(lang, ("name", "text"), ("conflict", "text")),
        conflict_rows,
    )
    relaxations = diagnosis.relaxations if diagnosis else ()
    relaxation_table = Table(
        SHEETS[lang]["relaxations"],
        columns_of(
            lang,
            ("name", "text"),
            ("engine_constraint", "text"),
            ("current", "decimal"),
            ("suggested", "decimal"),
            ("unit", "text"),
            ("engine_text", "text"),
        ),
        [_relaxation(r, lang) for r in relaxations],
    )
    return [summary, conflict_table, relaxation_table]


def _relaxation(r: Relaxation, lang: Lang) -> tuple[Cell, ...]:
    kind: Kind = r.unit  # as the API's Relaxation.unit
    current, suggested = Typed(r.current, kind), Typed(r.suggested, kind)
    return (r.name, r.label, current, suggested, WORDS[lang][kind], r.text)


@dataclass(frozen=True)
class Problem:
    path: str  # scenario-file path: "constraints.fragile_share_min"
    field: str | None  # the ScenarioInput field: "fragileShareMin"
    message: str


def invalid_tables(
    name: str, message: str, problems: Sequence[Problem], stamp: Stamp, lang: Lang
) -> list[Table]:
    """A scenario that is itself wrong: nothing was solved; each problem names its field."""
    summary = summary_table(
        lang,
        [
            ("scenario", scenario_words(name, lang), "text"),
            ("status", WORDS[lang]["invalid"], "text"),
            ("message", message, "text"),
            *stamp_rows(stamp, lang),
        ],
    )
    rows: list[tuple[Cell, ...]] = [(p.path, p.field, p.message) for p in problems]
    columns = columns_of(lang, ("path", "text"), ("field", "text"), ("message", "text"))
    return [summary, Table(SHEETS[lang]["problems"], columns, rows)]
