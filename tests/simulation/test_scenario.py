import datetime as dt
import math
from types import SimpleNamespace

import pytest

from simulation.files import dump, parse_text
from simulation.scenario import (
    Constraints,
    Expectation,
    Mode,
    ProjectSelection,
    RegionEnvelope,
    Scenario,
    ScenarioError,
    ScenarioErrors,
    Tolerance,
    merge,
)

FULL = {
    "version": 1,
    "name": "decarbonisation-push",
    "title": "Priorité à la décarbonation",
    "description": "La moitié des euros à des projets de décarbonation.",
    "base": "france-relance-2020",
    "budget_eur": 400_000_000,
    "mode": "all_or_nothing",
    "constraints": {
        "fragile_share_min": 0.69,
        "decarbonisation_share_min": 0.5,
        "max_aid_intensity": 0.3,
        "min_spend_share": 0.95,
        "regions": {"94": {"max_eur": 5_000_000}, "84": {"min_eur": 20_000_000}},
    },
    "projects": {
        "phase": 1,
        "regions": ["84", "94"],
        "sectors": ["chemistry"],
        "origin": "laureates",
    },
    "expect": {
        "status": "optimal",
        "jobs": {"value": 16400, "rel_tol": 0.01},
        "spent_eur": {"value": 400_000_000, "abs_tol": 1},
    },
}


def error_lines(data: object) -> list[str]:
    with pytest.raises(ScenarioErrors) as caught:
        Scenario.from_dict(data, source="a.yaml")
    return str(caught.value).splitlines()


def test_empty_mapping_gives_the_programme_defaults() -> None:
    scenario = Scenario.from_dict({})
    assert scenario == Scenario()
    assert scenario.budget_eur == 400_000_000
    assert scenario.mode is Mode.CONTINUOUS


def test_full_scenario_parses_every_field() -> None:
    scenario = Scenario.from_dict(FULL)
    assert scenario.mode is Mode.ALL_OR_NOTHING
    assert scenario.constraints == Constraints(
        fragile_share_min=0.69,
        decarbonisation_share_min=0.5,
        max_aid_intensity=0.3,
        min_spend_share=0.95,
        regions={"84": RegionEnvelope(min_eur=20_000_000), "94": RegionEnvelope(max_eur=5_000_000)},
    )
    assert scenario.projects == ProjectSelection(
        phase=1, regions=("84", "94"), sectors=("chemistry",), origin="laureates"
    )
    assert scenario.expect is not None
    assert scenario.expect.figures["jobs"] == Tolerance(16400, rel_tol=0.01)


def test_both_kinds_of_project_compete_by_default() -> None:
    assert Scenario.from_dict({}).projects.origin == "both"
    assert "projects" not in Scenario.from_dict({}).to_dict()


@pytest.mark.parametrize("origin", ["laureates", "generated", "both"])
def test_origin_round_trips(origin: str) -> None:
    scenario = Scenario.from_dict({"projects": {"origin": origin}})
    assert scenario.projects.origin == origin
    assert Scenario.from_dict(scenario.to_dict()) == scenario


def test_a_child_changes_the_origin_and_null_gives_both_back() -> None:
    base = {"name": "base", "projects": {"phase": 1, "origin": "laureates"}}
    child = Scenario.from_dict(merge(base, {"name": "child", "projects": {"origin": "generated"}}))
    assert child.projects == ProjectSelection(phase=1, origin="generated")
    reset = Scenario.from_dict(merge(base, {"name": "child", "projects": {"origin": None}}))
    assert reset.projects == ProjectSelection(phase=1, origin="both")


def test_to_dict_round_trips() -> None:
    scenario = Scenario.from_dict(FULL)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert list(scenario.to_dict())[:2] == ["version", "name"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"constraints": {"fragile_share_min": 1.4}},
            "a.yaml: constraints.fragile_share_min: must be between 0 and 1, got 1.4",
            id="share-above-one",
        ),
        pytest.param(
            {"constraints": {"fragile_share_min": 69}},
            "a.yaml: constraints.fragile_share_min: must be between 0 and 1, got 69 "
            "(shares are fractions: 69 % is 0.69)",
            id="share-as-percent",
        ),
        pytest.param(
            {"constraints": {"decarbonisation_share_min": float("nan")}},
            "a.yaml: constraints.decarbonisation_share_min: must be a finite number, got nan",
            id="nan",
        ),
        pytest.param(
            {"constraints": {"min_spend_share": True}},
            "a.yaml: constraints.min_spend_share: must be a number, got true",
            id="bool-as-number",
        ),
        pytest.param(
            {"constraints": {"max_aid_intensity": 0}},
            "a.yaml: constraints.max_aid_intensity: must be between 0 (excluded) and 1, got 0",
            id="zero-intensity-cap",
        ),
        pytest.param(
            {"budget_eur": -5},
            "a.yaml: budget_eur: must be positive, got -5",
            id="negative-budget",
        ),
        pytest.param(
            {"budget_eur": "4e8"},
            "a.yaml: budget_eur: must be a whole number of euros, got '4e8' "
            "(write 400_000_000 or 400000000)",
            id="budget-as-text",
        ),
        pytest.param(
            {"budget_eur": 1.5},
            "a.yaml: budget_eur: must be a whole number of euros, got 1.5",
            id="fractional-euros",
        ),
        pytest.param(
            {"budget_eur": float("inf")},
            "a.yaml: budget_eur: must be a whole number of euros, got inf",
            id="infinite-budget",
        ),
        pytest.param(
            {"budget_eur": 10**13},
            "a.yaml: budget_eur: must be at most 1_000_000_000_000 euros, got 10_000_000_000_000",
            id="absurd-budget",
        ),
        pytest.param(
            {"mode": "all-or-nothing"},
            "a.yaml: mode: must be one of continuous, all_or_nothing, got 'all-or-nothing'; "
            "did you mean 'all_or_nothing'?",
            id="mode-typo",
        ),
        pytest.param(
            {"version": 3},
            "a.yaml: version: unsupported format version 3; this tool reads 1 and 2",
            id="future-version",
        ),
        pytest.param(
            {"name": "France Relance"},
            "a.yaml: name: must be a name of lower-case letters, digits, '-' or '_' "
            "(at most 64, starting with a letter or digit), got 'France Relance'",
            id="name-with-spaces",
        ),
        pytest.param(
            {"constraints": {"regions": {"99": {"min_eur": 1}}}},
            "a.yaml: constraints.regions.99: not an INSEE region code: '99' "
            "(allowed: 01, 02, 03, 04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94, "
            "987, 988)",
            id="unknown-region",
        ),
        pytest.param(
            {"projects": {"regions": ["Corse"]}},
            "a.yaml: projects.regions[0]: not an INSEE region code: 'Corse'; did you mean '94' "
            "(Corse)? (allowed: 01, 02, 03, 04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, "
            "93, 94, 987, 988)",
            id="region-name-for-code",
        ),
        pytest.param(
            {"constraints": {"regions": {84: {"min_eur": 1}}}},
            'a.yaml: constraints.regions.84: region codes must be quoted text ("84"), '
            "got the number 84",
            id="unquoted-region-code",
        ),
        pytest.param(
            {"constraints": {"regions": {"84": {"min_eur": 9, "max_eur": 3}}}},
            "a.yaml: constraints.regions.84: min_eur (9) is above max_eur (3)",
            id="min-above-max",
        ),
        pytest.param(
            {"constraints": {"regions": {"84": {"max_eur": -3}}}},
            "a.yaml: constraints.regions.84.max_eur: must be at least 0 (money is never "
            "negative), got -3",
            id="negative-envelope",
        ),
        pytest.param(
            {"constraints": {"regions": {"84": {}}}},
            "a.yaml: constraints.regions.84: give min_eur, max_eur or both",
            id="empty-envelope",
        ),
        pytest.param(
            {"constraints": {"fragile_share": 0.69}},
            "a.yaml: constraints.fragile_share: unknown key 'fragile_share'; did you mean "
            "'fragile_share_min'? (allowed: fragile_share_min, decarbonisation_share_min, "
            "max_aid_intensity, min_spend_share, regions, fragile_project_share_min, departments, "
            "territories, sectors)",
            id="unknown-key-hint",
        ),
        pytest.param(
            {"budget": 1},
            "a.yaml: budget: unknown key 'budget'; did you mean 'budget_eur'? (allowed: version, "
            "name, title, description, base, budget_eur, mode, constraints, projects, expect, "
            "objective, co_funding, rounds, controls, uncertainty)",
            id="unknown-top-key",
        ),
        pytest.param(
            {"constraints": [0.69]},
            "a.yaml: constraints: must be a mapping of keys, got a list",
            id="list-for-mapping",
        ),
        pytest.param(
            ["not", "a", "mapping"],
            "a.yaml: (top level): must be a mapping of keys, got a list",
            id="top-level-list",
        ),
        pytest.param(
            {"projects": {"phase": 3}},
            "a.yaml: projects.phase: must be 1, 2 or null (both), got 3",
            id="bad-phase",
        ),
        pytest.param(
            {"projects": {"origin": "laureate"}},
            "a.yaml: projects.origin: must be one of laureates, generated, both, got "
            "'laureate'; did you mean 'laureates'?",
            id="bad-origin",
        ),
        pytest.param(
            {"projects": {"origin": ["laureates"]}},
            "a.yaml: projects.origin: must be one of laureates, generated, both, got a list",
            id="origin-as-list",
        ),
        pytest.param(
            {"projects": {"regions": "84"}},
            "a.yaml: projects.regions: must be a list, got '84'",
            id="regions-not-a-list",
        ),
        pytest.param(
            {"expect": {"status": "solved"}},
            "a.yaml: expect.status: must be one of optimal, feasible, infeasible, time_limit, "
            "error, got 'solved'",
            id="bad-expected-status",
        ),
        pytest.param(
            {"expect": {"jobs": 16400}},
            "a.yaml: expect.jobs: must be a mapping like {value: 16400, rel_tol: 0.01}, got 16400",
            id="bare-expected-figure",
        ),
        pytest.param(
            {"expect": {"jobs": {"rel_tol": 0.01}}},
            "a.yaml: expect.jobs: missing 'value' (the expected figure)",
            id="expected-figure-without-value",
        ),
        pytest.param(
            {"expect": {"jobs": {"value": 1, "rel_tol": -0.1}}},
            "a.yaml: expect.jobs.rel_tol: must be at least 0, got -0.1",
            id="negative-tolerance",
        ),
    ],
)
def test_invalid_fields_name_the_path_and_what_is_allowed(data: object, expected: str) -> None:
    assert error_lines(data) == [expected]


def test_all_problems_are_reported_together() -> None:
    lines = error_lines(
        {"budget_eur": -1, "mode": "fast", "constraints": {"fragile_share_min": 2, "oops": 1}}
    )
    assert [line.split(": ")[1] for line in lines] == [
        "budget_eur",
        "mode",
        "constraints.oops",
        "constraints.fragile_share_min",
    ]


def test_errors_carry_path_and_source() -> None:
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict({"budget_eur": 0}, source="x.yaml")
    assert caught.value.path == "budget_eur"
    assert caught.value.source == "x.yaml"
    assert caught.value.errors[0].message == "must be positive, got 0"


def test_merge_changes_only_what_the_child_writes() -> None:
    base = {
        "name": "base",
        "title": "Base",
        "budget_eur": 400_000_000,
        "constraints": {"fragile_share_min": 0.69, "regions": {"84": {"min_eur": 1}}},
        "expect": {"status": "optimal"},
    }
    child = {
        "name": "child",
        "base": "base",
        "budget_eur": 700_000_000,
        "constraints": {"decarbonisation_share_min": 0.3, "regions": {"94": {"max_eur": 5}}},
    }
    merged = merge(base, child)
    assert merged == {
        "name": "child",
        "base": "base",
        "budget_eur": 700_000_000,
        "constraints": {
            "fragile_share_min": 0.69,
            "decarbonisation_share_min": 0.3,
            "regions": {"84": {"min_eur": 1}, "94": {"max_eur": 5}},
        },
    }


def test_merge_null_removes_the_base_value() -> None:
    base = {"constraints": {"max_aid_intensity": 0.3, "regions": {"84": {"min_eur": 1}}}}
    child = {"constraints": {"max_aid_intensity": None, "regions": {"84": None}}}
    scenario = Scenario.from_dict(merge(base, child))
    assert scenario.constraints.max_aid_intensity is None
    assert scenario.constraints.regions == {}


@pytest.mark.parametrize(
    ("tolerance", "actual", "allowed"),
    [
        pytest.param(Tolerance(100, rel_tol=0.01), 101, True, id="rel-edge"),
        pytest.param(Tolerance(100, rel_tol=0.01), 101.5, False, id="rel-outside"),
        pytest.param(Tolerance(0.69, abs_tol=0.005), 0.694, True, id="abs-inside"),
        pytest.param(Tolerance(0.69, abs_tol=0.005), 0.70, False, id="abs-outside"),
        pytest.param(Tolerance(5), 5, True, id="exact"),
        pytest.param(Tolerance(5), 5.1, False, id="exact-miss"),
        pytest.param(Tolerance(5, rel_tol=1), math.nan, False, id="nan-never-passes"),
    ],
)
def test_tolerance(tolerance: Tolerance, actual: float, allowed: bool) -> None:
    assert tolerance.allows(actual) is allowed


def test_expectation_failures_name_each_figure() -> None:
    expect = Expectation(
        status="optimal",
        figures={"jobs": Tolerance(1000, rel_tol=0.01), "spent_eur": Tolerance(400, abs_tol=1)},
    )
    good = SimpleNamespace(status="optimal", message="", jobs=1005.0, spent_eur=400)
    bad = SimpleNamespace(status="infeasible", message="no", jobs=900.0, spent_eur=400)
    assert expect.failures(good) == ()
    assert expect.failures(bad) == (
        "status: expected optimal, got infeasible (no)",
        "jobs: expected 1000 ± 1.00%, got 900",
    )


def test_expected_conflicts_are_looked_up_in_the_diagnosis() -> None:
    expect = Expectation(status="infeasible", conflicts=("budget", "region_94"))
    diagnosis = SimpleNamespace(
        conflicts=("Budget", "Minimum spend"), names=("budget", "min_spend")
    )
    result = SimpleNamespace(status="infeasible", message="", diagnosis=diagnosis)
    assert expect.failures(result) == (
        "conflicts: expected region_94 among them, got Budget, Minimum spend, budget, min_spend",
    )
    diagnosis = SimpleNamespace(conflicts=("Budget",), names=("budget", "region_94"))
    assert expect.failures(SimpleNamespace(status="infeasible", diagnosis=diagnosis)) == ()


# ---- format version 2: the levers ------------------------------------------------------------

EVERY_LEVER = {
    **FULL,
    "version": 2,
    "objective": {"weights": {"jobs_created": 1, "jobs_kept": 0.25, "co2_avoided_t": 0.5}},
    "constraints": {
        **FULL["constraints"],  # type: ignore[dict-item]
        "fragile_project_share_min": 0.69,
        "departments": {"59": {"max_eur": 20_000_000}, "2A": {"min_eur": 1}},
        "territories": {"p1-ti-0101": {"min_eur": 1_000_000, "max_eur": 9_000_000}},
        "sectors": {"Agroalimentaire": 0.15, "Chimie": 0.05},
    },
    "co_funding": {
        "contributions": {"84": 25_000_000, "32": 20_000_000},
        "matching": {"rule": "follows", "rate": 0.5},
    },
    "rounds": [
        {"date": "2021-04-01", "release_share": 0.4},
        {"date": "2021-07-01", "release_share": 0.3, "reserve_share": 0.2},
        {"date": "2022-04-01", "release_eur": 120_000_000},
    ],
    "controls": {
        "lock_awards": True,
        "awards_until": "2021-06-30",
        "force_in": [12, 15],
        "force_out": [3],
        "next_in_line": 0,
    },
}


def test_every_lever_round_trips() -> None:
    scenario = Scenario.from_dict(EVERY_LEVER)
    data = scenario.to_dict()
    assert data["version"] == 2
    assert Scenario.from_dict(data) == scenario
    assert data["rounds"][0] == {"date": dt.date(2021, 4, 1), "release_share": 0.4}
    assert data["controls"]["awards_until"] == dt.date(2021, 6, 30)
    # and through YAML text, where the dates are YAML dates
    text = dump(scenario)
    assert "- date: 2021-04-01\n" in text
    assert Scenario.from_dict(parse_text(text, source="dumped")) == scenario


@pytest.mark.parametrize(
    "lever",
    ["objective", "co_funding", "rounds", "controls"],
)
def test_each_section_round_trips_alone(lever: str) -> None:
    scenario = Scenario.from_dict({"version": 2, lever: EVERY_LEVER[lever]})
    data = scenario.to_dict()
    assert set(data) & {"objective", "co_funding", "rounds", "controls"} == {lever}
    assert Scenario.from_dict(data) == scenario


def test_a_scenario_without_levers_is_written_as_version_1() -> None:
    scenario = Scenario.from_dict({**FULL, "version": 2})
    data = scenario.to_dict()
    assert data["version"] == 1
    assert not {"objective", "co_funding", "rounds", "controls"} & set(data)
    assert list(data["constraints"]) == [
        "fragile_share_min",
        "decarbonisation_share_min",
        "max_aid_intensity",
        "min_spend_share",
        "regions",
    ]
    # jobs-only weights are the version-1 objective, however they are written
    weighted = Scenario.from_dict({"version": 2, "objective": {"weights": {"jobs_created": 5}}})
    assert not weighted.uses_levers
    assert Scenario.from_dict(weighted.to_dict()) == weighted


def test_a_version_1_child_keeps_the_levers_of_its_version_2_base() -> None:
    base = {"version": 2, "name": "base", "co_funding": {"contributions": {"84": 5_000_000}}}
    child = {"version": 1, "name": "child", "base": "base", "budget_eur": 300_000_000}
    Scenario.from_dict(child)  # the child alone is a valid version-1 file
    merged = merge(base, child)
    assert merged["version"] == 2
    scenario = Scenario.from_dict(merged)
    assert scenario.co_funding.contributions == {"84": 5_000_000}
    assert scenario.budget_eur == 300_000_000


def test_a_child_merges_weights_and_contributions_key_by_key_and_replaces_rounds() -> None:
    base = {
        "version": 2,
        "objective": {"weights": {"jobs_created": 1, "jobs_kept": 1}},
        "co_funding": {"contributions": {"84": 5_000_000, "32": 1_000_000}},
        "rounds": [{"date": "2021-04-01", "release_share": 0.5}],
    }
    child = {
        "version": 2,
        "objective": {"weights": {"jobs_kept": None, "leverage": 2}},
        "co_funding": {"contributions": {"32": None}, "matching": {"rate": 1}},
        "rounds": [{"date": "2021-05-01", "release_share": 1}],
    }
    scenario = Scenario.from_dict(merge(base, child))
    assert scenario.objective.weights == {"jobs_created": 1.0, "leverage": 2.0}
    assert scenario.co_funding.contributions == {"84": 5_000_000}
    assert scenario.co_funding.matching.rate == 1.0
    assert [r.date for r in scenario.rounds] == [dt.date(2021, 5, 1)]


def test_a_smaller_budget_in_a_child_is_checked_against_the_inherited_releases() -> None:
    base = {"version": 2, "rounds": [{"date": "2021-04-01", "release_eur": 300_000_000}]}
    lines = error_lines(merge(base, {"version": 2, "budget_eur": 200_000_000}))
    assert lines == ["a.yaml: rounds: release 300,000,000 EUR in all, above the budget 200,000,000"]
