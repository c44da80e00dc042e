"""The tables of a result, an infeasible outcome, an invalid scenario and a comparison, on
three projects whose optimum is worked out by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import cast

import numpy as np
import pytest

from exports.comparison import input_kind
from exports.labels import WHAT_IF, Lang
from exports.tables import (
    LABELS,
    SHEETS,
    Column,
    Kind,
    Names,
    Problem,
    ProjectName,
    Stamp,
    Table,
    Typed,
    comparison_tables,
    constraint_words,
    infeasible_tables,
    invalid_tables,
    result_tables,
)
from schema.result import Unit
from schema.scenarios import ScenarioInput
from simulation.compare import compare
from simulation.explain import explain_at
from simulation.result import BindingConstraint, Relaxation, Result, Status
from simulation.scenario import Constraints, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of

M = 1_000_000
# a: 10 jobs per M EUR (region 84), b: 5 (fragile, region 11), c: 2 (decarbonising, region 11);
# each asks 10 M EUR. With 15 M EUR the optimum funds a in full and b with the 5 M EUR left:
# 100 + 5 x 5 = 125 jobs; one more M EUR would go to b: the budget is worth +5.0 jobs per M EUR.
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]
PROJECTS = projects_of(ABC)
NAMES = Names(
    territories={"84-t0": "Ain industriel", "11-t1": "Val d'Oise"},
    projects={
        1: ProjectName("Usine A", "Société A", "laureate"),
        2: ProjectName("Atelier B", None, "generated"),
    },
)
STAMP = Stamp(data=None, generated_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))


def scenario(budget_m: float = 15, name: str = "hand", **constraints: object) -> Scenario:
    return Scenario(
        name=name, budget_eur=round(budget_m * M), constraints=Constraints(**constraints)
    )  # type: ignore[arg-type]


def by_name(tables: list[Table]) -> dict[str, Table]:
    return {table.name: table for table in tables}


def summary(table: Table) -> dict[str, object]:
    """The summary's values by label, unwrapped."""
    return {
        str(label): value.value if isinstance(value, Typed) else value
        for label, value in table.rows
    }


def test_result_tables_hold_the_hand_solved_optimum_in_french() -> None:
    sc = scenario()
    result = solve(sc, PROJECTS)
    tables = result_tables(sc, result, PROJECTS, NAMES, STAMP, "fr")
    fr = SHEETS["fr"]
    assert [t.name for t in tables] == [
        fr["summary"],
        fr["constraints"],
        fr["regions"],
        fr["territories"],
        fr["projects"],
    ]
    found = by_name(tables)
    values = summary(found["Synthèse"])
    labels = LABELS["fr"]
    assert values[labels["status"]] == "optimal"
    assert values[labels["jobs"]] == pytest.approx(125.0)
    assert values[labels["spent_eur"]] == 15 * M
    assert values[labels["budget_eur"]] == 15 * M
    assert values[labels["unspent_eur"]] == 0
    assert values[labels["fragile_share"]] == pytest.approx(5 / 15)  # b's 5 M EUR of 15
    assert values[labels["projects_funded"]] == 2
    assert values[labels["generated_at"]] == "2026-01-02 03:04:05"
    assert values[labels["data"]] == "aucun jeu de données enregistré"
    # Each summary value carries its own kind: euros, shares, jobs.
    kinds = {str(label): value.kind for label, value in found["Synthèse"].rows}  # type: ignore[union-attr]
    assert kinds[labels["spent_eur"]] == "euros"
    assert kinds[labels["fragile_share"]] == "share"
    assert kinds[labels["jobs"]] == "decimal"

    (budget,) = found["Contraintes"].rows
    assert budget[0] == "budget"
    assert budget[2] == pytest.approx(5.0, abs=1e-6)
    assert budget[4] == "+5,0 emplois par M€ de plus pour le budget"

    regions = {row[0]: row for row in found["Régions"].rows}
    assert regions["84"][1:5] == ("Auvergne-Rhône-Alpes", 10 * M, pytest.approx(100.0), 1)
    assert regions["11"][2:5] == (5 * M, pytest.approx(25.0), 1)

    funded = found["Projets financés"]
    headers = [column.header for column in funded.columns]
    rows = [dict(zip(headers, row, strict=True)) for row in funded.rows]
    assert [row["Identifiant projet"] for row in rows] == [1, 2]  # largest allocation first
    a, b = rows
    assert (a["Projet"], a["Entreprise"], a["Origine"]) == ("Usine A", "Société A", "lauréat")
    assert b["Origine"] == "généré (données simulées)"
    assert a["Territoire"] == "Ain industriel"
    assert (a["Aide demandée (€)"], a["Aide attribuée (€)"]) == (10 * M, 10 * M)
    assert b["Aide attribuée (€)"] == 5 * M
    assert b["Emplois comptés (au prorata de l'aide)"] == pytest.approx(25.0)  # 50 x 5 / 10
    assert a["Nature du chiffre d'emplois"] == "déclaré"  # no estimate in these columns
    assert (a["Fourchette basse (emplois)"], a["Fourchette haute (emplois)"]) == (100, 100)
    assert b["Territoire fragile"] == "oui" and a["Territoire fragile"] == "non"
    assert (
        a["Pourquoi financé (texte du moteur, en anglais)"] == explain_at(result, PROJECTS, 0).text
    )


def test_english_words_and_the_estimated_nature_of_a_figure() -> None:
    estimated = projects_of(ABC)
    object.__setattr__(estimated, "jobs_created_estimated", np.array([True, False, False]))
    object.__setattr__(estimated, "jobs_created_low", np.array([60, 40, 10], dtype=np.int64))
    sc = scenario()
    result = solve(sc, estimated)
    found = by_name(result_tables(sc, result, estimated, NAMES, STAMP, "en"))
    assert list(found) == ["Summary", "Constraints", "Regions", "Territories", "Funded projects"]
    (budget,) = found["Constraints"].rows
    assert budget[4] == result.binding[0].text  # the engine's words in English
    first = found["Funded projects"].rows[0]
    assert "estimated" in first and "laureate" in first and 60 in first


def test_a_raised_floor_is_priced_per_point() -> None:
    # The fragile floor at 50 %: a 7.5 and b 7.5 M EUR (112.5 jobs). One point more moves
    # 0.15 M EUR from a (10 jobs/M) to b (5 jobs/M): -0.75 jobs per point.
    sc = scenario(fragile_share_min=0.5)
    result = solve(sc, PROJECTS)
    rows = {
        row[0]: row
        for row in by_name(result_tables(sc, result, PROJECTS, NAMES, STAMP))["Contraintes"].rows
    }
    assert rows["fragile_share"][2] == pytest.approx(-0.75, abs=1e-6)
    assert rows["fragile_share"][3] == "emplois par point de pourcentage"
    text = str(rows["fragile_share"][4])  # "−0,7" or "−0,8": -0.75 rounded to one decimal
    assert text.startswith("−0,") and "," in text and "." not in text
    assert text.endswith(" emplois par point du plancher territoires fragiles (part des euros)")


def test_an_infeasible_result_says_what_conflicts_and_what_to_relax() -> None:
    # Region 11's projects ask 20 M EUR in all: a 25 M EUR floor for it cannot be met.
    sc = scenario(40, regions={"11": RegionEnvelope(min_eur=25 * M)})
    result = solve(sc, PROJECTS)
    assert result.status == Status.INFEASIBLE
    found = by_name(result_tables(sc, result, PROJECTS, NAMES, STAMP, "fr"))
    assert list(found) == ["Synthèse", "Conflits", "Relâchements"]
    values = summary(found["Synthèse"])
    assert str(values["Statut"]).startswith("infaisable")
    assert values["Message du moteur (en anglais)"] == result.message
    assert "region_11_min" in [row[0] for row in found["Conflits"].rows]
    relaxed = {row[0]: row for row in found["Relâchements"].rows}
    floor = relaxed["region_11_min"]
    assert floor[2] == Typed(25 * M, "euros")
    assert isinstance(floor[3], Typed) and floor[3].kind == "euros"
    assert floor[3].value == pytest.approx(20 * M, rel=1e-6)  # all its projects ask


def test_an_invalid_scenario_lists_each_problem_with_its_field() -> None:
    problems = [Problem("constraints.fragile_share_min", "fragileShareMin", "must be at most 1")]
    found = by_name(invalid_tables("essai", "scenario: bad", problems, STAMP, "en"))
    assert list(found) == ["Summary", "Problems"]
    assert summary(found["Summary"])["Status"] == "invalid scenario: nothing was solved"
    assert found["Problems"].rows == [
        ("constraints.fragile_share_min", "fragileShareMin", "must be at most 1")
    ]


def test_comparison_tables_hold_values_and_deltas_against_the_first() -> None:
    # 15 M EUR: 125 jobs (a, half of b); 40 M EUR: every project in full, 170 jobs; c enters.
    low, high = scenario(15, "low"), scenario(40, "high")
    runs = [(low, solve(low, PROJECTS)), (high, solve(high, PROJECTS))]
    found = by_name(comparison_tables(compare(runs), NAMES, "fr"))
    assert list(found) == ["Indicateurs", "Entrées", "Régions", "Projets"]
    outcomes = {row[0]: row for row in found["Indicateurs"].rows}
    assert outcomes["Statut"][2:4] == ("optimal", "optimal")
    jobs = outcomes["Emplois créés"]
    assert [cell.value for cell in jobs[2:]] == pytest.approx([125, 170, 45])  # type: ignore[union-attr]
    assert found["Entrées"].rows == [("budget_eur", Typed(15 * M, "euros"), Typed(40 * M, "euros"))]
    regions = {row[0]: row for row in found["Régions"].rows}
    # region 11: 5 then 20 M EUR, 25 then 70 jobs; deltas 15 M EUR and 45 jobs
    assert regions["11"][2:] == (
        5 * M,
        20 * M,
        pytest.approx(25),
        pytest.approx(70),
        15 * M,
        pytest.approx(45),
    )
    changes = {row[0]: row for row in found["Projets"].rows}
    assert changes[3][3:] == (0, 10 * M)
    assert 1 not in changes and 2 not in changes  # funded in both


def test_comparison_inputs_are_typed_by_what_they_are() -> None:
    # The fragile floor and the aid-intensity cap are shares (a percent format: 0.69 reads
    # 69,0 %), the budget euros.
    low = scenario(15, "low")
    high = scenario(20, "high", fragile_share_min=0.69, max_aid_intensity=0.5)
    runs = [(low, solve(low, PROJECTS)), (high, solve(high, PROJECTS))]
    inputs = {
        row[0]: row[1:] for row in by_name(comparison_tables(compare(runs), NAMES))["Entrées"].rows
    }
    assert inputs["budget_eur"] == (Typed(15 * M, "euros"), Typed(20 * M, "euros"))
    assert inputs["constraints.fragile_share_min"] == (Typed(0.0, "share"), Typed(0.69, "share"))
    assert inputs["constraints.max_aid_intensity"] == (None, Typed(0.5, "share"))


@pytest.mark.parametrize(
    ("path", "value", "kind"),
    [
        ("budget_eur", 400 * M, "euros"),
        ("constraints.regions.84.min_eur", 20 * M, "euros"),
        ("co_funding.contributions.84", 13_400_000, "euros"),
        ("constraints.fragile_share_min", 0.69, "share"),
        ("constraints.fragile_project_share_min", 0.5, "share"),
        ("constraints.min_spend_share", 0.9, "share"),
        ("constraints.max_aid_intensity", 0.5, "share"),
        ("constraints.sectors.Chimie", 0.05, "share"),
        ("co_funding.matching.rate", 1.0, "share"),
        ("uncertainty.realisation_rate", 0.8, "share"),
        ("uncertainty.seed", 12345, "id"),
        ("uncertainty.draws", 1000, "int"),
        ("controls.next_in_line", 10, "int"),
        ("uncertainty.robust_budget", 200.0, "decimal"),
    ],
)
def test_an_input_kind_follows_its_path(path: str, value: float, kind: str) -> None:
    assert input_kind(path, value) == kind


def test_project_ids_are_identifiers_and_region_codes_text() -> None:
    sc = scenario()
    found = by_name(result_tables(sc, solve(sc, PROJECTS), PROJECTS, NAMES, STAMP))
    funded = found["Projets financés"]
    assert funded.columns[0] == Column("Identifiant projet", "id")
    assert found["Régions"].columns[0] == Column("Code", "text")
    low, high = scenario(15, "low"), scenario(40, "high")
    runs = [(low, solve(low, PROJECTS)), (high, solve(high, PROJECTS))]
    compared = by_name(comparison_tables(compare(runs), NAMES))
    assert compared["Projets"].columns[0] == Column("Identifiant projet", "id")
    assert compared["Régions"].columns[0] == Column("Code", "text")


def infeasible_corner() -> tuple[Scenario, Result]:
    # Region 11's projects ask 20 M EUR in all: a 25 M EUR floor for it cannot be met.
    sc = scenario(40, regions={"11": RegionEnvelope(min_eur=25 * M)})
    result = solve(sc, PROJECTS)
    assert result.status == Status.INFEASIBLE and result.diagnosis is not None
    return sc, result


def test_an_infeasible_summary_says_whether_its_diagnosis_is_complete() -> None:
    sc, result = infeasible_corner()
    assert result.diagnosis is not None and result.diagnosis.complete  # three projects: quick
    values = summary(by_name(infeasible_tables(sc, result, STAMP, "fr"))["Synthèse"])
    assert str(values["Diagnostic"]).startswith("complet :")
    # Stopped at the time limit: not irreducible, a relaxation not searched (as the API's
    # Infeasible.diagnosisComplete false).
    partial = replace(result.diagnosis, irreducible=False, unsettled=("region_11_min",))
    cut = replace(result, diagnosis=partial)
    values = summary(by_name(infeasible_tables(sc, cut, STAMP, "fr"))["Synthèse"])
    assert str(values["Diagnostic"]).startswith("partiel : arrêté à la limite de temps")
    english = summary(by_name(infeasible_tables(sc, cut, STAMP, "en"))["Summary"])
    assert str(english["Diagnosis"]).startswith("partial: stopped at the time limit")
    none = summary(infeasible_tables(sc, replace(result, diagnosis=None), STAMP, "en")[0])
    assert str(none["Diagnosis"]).startswith("partial")


def test_french_headers_say_which_texts_are_the_engines_english() -> None:
    sc, result = infeasible_corner()
    found = by_name(infeasible_tables(sc, result, STAMP, "fr"))
    engine = "(texte du moteur, en anglais)"
    assert [c.header for c in found["Conflits"].columns] == [
        "Nom",
        f"Contrainte en conflit {engine}",
    ]
    headers = [c.header for c in found["Relâchements"].columns]
    assert headers[1] == f"Contrainte {engine}" and headers[5] == f"En clair {engine}"
    (relaxed,) = [row for row in found["Relâchements"].rows if row[0] == "region_11_min"]
    assert relaxed[1] == result.diagnosis.relaxations[0].label  # type: ignore[union-attr]
    english = by_name(infeasible_tables(sc, result, STAMP, "en"))
    assert [c.header for c in english["Relaxations"].columns][1::4] == ["Constraint", "In words"]


@pytest.mark.parametrize(("lang", "word"), [("fr", "simulation"), ("en", "what-if")])
def test_an_unnamed_what_if_is_called_a_simulation(lang: Lang, word: str) -> None:
    what_if = scenario(name=WHAT_IF)
    solved = result_tables(what_if, solve(what_if, PROJECTS), PROJECTS, NAMES, STAMP, lang)
    assert summary(solved[0])[LABELS[lang]["scenario"]] == word
    invalid = invalid_tables(WHAT_IF, "scenario: bad", [], STAMP, lang)
    assert summary(invalid[0])[LABELS[lang]["scenario"]] == word
    named = scenario(name="essai")
    kept = result_tables(named, solve(named, PROJECTS), PROJECTS, NAMES, STAMP, lang)
    assert summary(kept[0])[LABELS[lang]["scenario"]] == "essai"


def test_the_what_if_name_is_the_scenario_inputs_default() -> None:
    assert ScenarioInput().name == WHAT_IF


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("budget", "euros"),
        ("min_spend", "euros"),
        ("region_94_min", "euros"),
        ("fragile_share", "share"),
        ("max_aid_intensity", "share"),
    ],
)
def test_a_relaxation_is_written_in_the_apis_unit(name: str, unit: str) -> None:
    relaxation = Relaxation(name, "a limit", 0.5, 0.25, "relax it")
    assert relaxation.unit == unit == Unit(unit).value  # the API's Relaxation.unit
    sc, result = infeasible_corner()
    assert result.diagnosis is not None
    diagnosis = replace(result.diagnosis, relaxations=(relaxation,))
    tables = infeasible_tables(sc, replace(result, diagnosis=diagnosis), STAMP, "fr")
    (row,) = by_name(tables)["Relâchements"].rows
    kind = cast(Kind, unit)
    assert row[2:5] == (Typed(0.5, kind), Typed(0.25, kind), {"euros": "€", "share": "part"}[unit])


def test_a_constraint_without_french_words_says_its_text_is_the_engines_english() -> None:
    text = "+2.0 jobs-equivalents per point of the Chimie sector floor"
    sector = BindingConstraint(
        "sector_Chimie",
        "the Chimie sector floor",
        2.0,
        "jobs-equivalents per percentage point",
        text,
    )
    assert constraint_words(sector, "fr") == (
        "the Chimie sector floor",
        "jobs-equivalents per percentage point",
        f"(texte du moteur, en anglais) {text}",
    )
    assert constraint_words(sector, "en")[2] == text
    budget = BindingConstraint("budget", "the budget", 5.0, "jobs per M EUR", "+5.0 jobs ...")
    assert constraint_words(budget, "fr")[2] == "+5,0 emplois par M€ de plus pour le budget"
