from dataclasses import replace

import numpy as np
import pytest

from simulation.compare import compare, input_differences
from simulation.result import RegionAllocation, Result, SolverInfo, Status
from simulation.scenario import Constraints, ProjectSelection, RegionEnvelope, Scenario


def result(jobs: float, spent: int, regions: dict[str, tuple[int, float]], **kw: object) -> Result:
    fields: dict[str, object] = {
        "status": Status.OPTIMAL,
        "message": "",
        "jobs": jobs,
        "spent_eur": spent,
        "unspent_eur": 400 - spent,
        "budget_eur": 400,
        "fragile_share": 0.7,
        "fragile_project_share": 0.6,
        "decarbonisation_share": 0.2,
        "decarbonisation_project_share": 0.25,
        "projects_funded": 10,
        "allocation_eur": np.zeros(0, np.int64),
        "project_ids": np.zeros(0, np.int64),
        "regions": tuple(
            RegionAllocation(code, allocated_eur=eur, jobs=j, projects_funded=1)
            for code, (eur, j) in regions.items()
        ),
        "territories": (),
        "binding": (),
        "baselines": (),
        "diagnosis": None,
        "solver": SolverInfo("HiGHS", "1", "simplex", {}, 0.01),
    }
    fields.update(kw)
    return Result(**fields)  # type: ignore[arg-type]


BASE = Scenario(name="base", constraints=Constraints(fragile_share_min=0.69))
PUSH = replace(
    BASE,
    name="push",
    title="another title is not an input",
    base="base",
    constraints=Constraints(
        fragile_share_min=0.69,
        decarbonisation_share_min=0.5,
        regions={"94": RegionEnvelope(max_eur=5)},
    ),
)


def test_input_differences_are_flattened_paths_in_order() -> None:
    top_up = replace(BASE, name="top", budget_eur=700_000_000)
    differences = input_differences([BASE, PUSH, top_up])
    assert [(d.path, d.values) for d in differences] == [
        ("budget_eur", (400_000_000, 400_000_000, 700_000_000)),
        ("constraints.decarbonisation_share_min", (0.0, 0.5, 0.0)),
        ("constraints.regions.94.max_eur", (None, 5, None)),
    ]


def test_the_project_origin_is_an_input_that_differs() -> None:
    laureates = replace(BASE, name="real", projects=ProjectSelection(origin="laureates"))
    differences = input_differences([BASE, laureates])
    # None: the scenario leaves it to its default (both)
    assert [(d.path, d.values) for d in differences] == [("projects.origin", (None, "laureates"))]


def test_same_inputs_have_no_differences() -> None:
    assert input_differences([BASE, replace(BASE, name="copy", title="Copy")]) == ()


def test_outcomes_side_by_side_with_deltas_against_the_first() -> None:
    comparison = compare(
        [
            (BASE, result(1000.0, 400, {"84": (300, 800.0), "94": (100, 200.0)})),
            (PUSH, result(900.5, 390, {"84": (390, 900.5)})),
        ]
    )
    assert comparison.names == ("base", "push")
    jobs = comparison.outcomes[0]
    assert (jobs.name, jobs.values, jobs.deltas) == ("jobs", (1000, 900.5), (0, -99.5))
    spent = comparison.outcomes[1]
    assert (spent.values, spent.deltas) == ((400, 390), (0, -10))
    corse = comparison.regions[1]
    assert (corse.code, corse.name, corse.allocated_eur, corse.allocated_delta_eur) == (
        "94",
        "Corse",
        (100, 0),
        (0, -100),
    )
    assert corse.jobs_delta == (0, -200.0)


def test_rows_are_a_wide_table_for_csv() -> None:
    comparison = compare(
        [
            (BASE, result(1000.0, 400, {"84": (400, 1000.0)})),
            (PUSH, result(900.0, 400, {"84": (400, 900.0)}, status=Status.INFEASIBLE)),
        ]
    )
    rows = comparison.rows()
    assert rows[0] == ["section", "item", "unit", "base", "push", "delta push vs base"]
    assert rows[1] == ["outcome", "status", "", "optimal", "infeasible", ""]
    assert ["input", "constraints.regions.94.max_eur", "", "", 5, ""] in rows
    assert ["outcome", "jobs", "jobs", 1000, 900, -100] in rows
    assert ["region jobs", "84 Auvergne-Rhône-Alpes", "jobs", 1000.0, 900.0, -100.0] in rows
    assert {len(row) for row in rows} == {6}


def test_the_same_scenario_twice_gets_two_columns() -> None:
    run = (BASE, result(1.0, 1, {}))
    assert compare([run, run]).names == ("base", "base (2)")


def test_nothing_to_compare_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one scenario"):
        compare([])


def test_projects_that_enter_or_drop_out_are_listed_largest_first() -> None:
    ids = np.array([1, 2, 3, 4], np.int64)
    first = result(10, 300, {}, project_ids=ids, allocation_eur=np.array([100, 200, 0, 0]))
    second = result(9, 350, {}, project_ids=ids, allocation_eur=np.array([100, 0, 50, 300]))
    changes = compare([(BASE, first), (replace(BASE, name="other"), second)]).projects
    assert [(c.project_id, c.allocated_eur) for c in changes] == [
        (4, (0, 300)),
        (2, (200, 0)),
        (3, (0, 50)),
    ]


def test_the_levers_that_differ_are_inputs_that_differ() -> None:
    from datetime import date

    from simulation.levers import CoFunding, Controls, Matching, Objective, Round

    levers = replace(
        BASE,
        name="levers",
        budget_eur=557_000_000,
        objective=Objective({"jobs_created": 1.0, "co2_avoided_t": 0.5}),
        co_funding=CoFunding({"84": 13_400_000}, Matching("requires", 1.0)),
        rounds=(Round(date(2021, 4, 1), release_share=1.0),),
        controls=Controls(force_out=(3,)),
    )
    differences = {d.path: d.values for d in input_differences([BASE, levers])}
    # The file of `levers` writes its controls and matching rule whole; the values that are the
    # defaults (no lock, no project forced in, 10 next in line, the rule `requires`) are what
    # BASE means by leaving them out: no difference.
    assert differences == {
        "budget_eur": (400_000_000, 557_000_000),
        # BASE leaves the objective to its default, so its file writes no weights at all.
        "objective.weights.jobs_created": (None, 1.0),
        "objective.weights.co2_avoided_t": (None, 0.5),
        "co_funding.contributions.84": (None, 13_400_000),
        "co_funding.matching.rate": (None, 1.0),
        "rounds": (None, ({"date": "2021-04-01", "release_share": 1.0},)),
        "controls.force_out": (None, (3,)),
    }
    follows = replace(levers, name="follows", co_funding=CoFunding({}, Matching("follows", 0.0)))
    differences = {d.path: d.values for d in input_differences([BASE, follows])}
    assert differences["co_funding.matching.rule"] == (None, "follows")
    assert "co_funding.matching.rate" not in differences  # 0, the default
    assert "co_funding.contributions" not in differences  # none, as BASE
