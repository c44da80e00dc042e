"""The levers of format version 2: each faulty value is named by its path, with what is allowed."""

import datetime as dt
from typing import Any

import pytest

from simulation.files import load_text
from simulation.levers import CoFunding, Controls, Matching, Objective, Round
from simulation.scenario import Scenario, ScenarioErrors

V2 = {"version": 2}


def error_lines(data: object) -> list[str]:
    with pytest.raises(ScenarioErrors) as caught:
        Scenario.from_dict(data, source="a.yaml")
    return str(caught.value).splitlines()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"objective": {"weights": {"jobs_created": 1}}},
            ["a.yaml: objective: needs version: 2"],
            id="objective",
        ),
        pytest.param(
            {"co_funding": None, "rounds": [], "controls": {}},
            [
                "a.yaml: co_funding: needs version: 2",
                "a.yaml: rounds: needs version: 2",
                "a.yaml: controls: needs version: 2",
            ],
            id="even-empty",
        ),
        pytest.param(
            {"constraints": {"fragile_share_min": 0.5, "sectors": {"Chimie": 0.1}}},
            ["a.yaml: constraints.sectors: needs version: 2"],
            id="constraint",
        ),
        pytest.param(
            {"constraints": {"fragile_project_share_min": 0.69, "departments": {"59": None}}},
            [
                "a.yaml: constraints.fragile_project_share_min: needs version: 2",
                "a.yaml: constraints.departments: needs version: 2",
            ],
            id="constraints",
        ),
    ],
)
def test_a_version_2_key_in_a_version_1_file_is_refused(
    data: dict[str, Any], expected: list[str]
) -> None:
    assert error_lines({"version": 1, **data}) == expected


def test_the_version_gate_reports_with_the_other_faults() -> None:
    lines = error_lines({"version": 1, "budget_eur": 0, "rounds": [{"date": 5}]})
    assert lines[0] == "a.yaml: rounds: needs version: 2"
    assert "a.yaml: budget_eur: must be positive, got 0" in lines


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"objective": {"weights": {"jobs_created": 0, "leverage": 0}}},
            "objective.weights: give at least one weight above 0",
            id="weights-all-zero",
        ),
        pytest.param(
            {"objective": {"weights": {}}},
            "objective.weights: give at least one weight above 0",
            id="weights-empty",
        ),
        pytest.param(
            {"objective": {"weights": {"jobs_created": 1, "leverage": -0.5}}},
            "objective.weights.leverage: must be at least 0, got -0.5",
            id="weight-negative",
        ),
        pytest.param(
            {"objective": {"weights": {"co2": 1}}},
            "objective.weights.co2: unknown criterion 'co2'; did you mean 'co2_avoided_t'? "
            "(allowed: jobs_created, jobs_kept, co2_avoided_t, leverage)",
            id="weight-unknown",
        ),
        pytest.param(
            {"objective": {"weights": {"jobs_kept": "high"}}},
            "objective.weights.jobs_kept: must be a number, got 'high'",
            id="weight-text",
        ),
        pytest.param(
            {"objective": {"weights": [1, 0]}},
            "objective.weights: must be a mapping of criterion to weight, got a list",
            id="weights-list",
        ),
        pytest.param(
            {"co_funding": {"contributions": {"99": 5_000_000}}},
            "co_funding.contributions.99: not an INSEE region code: '99' (allowed: 01, 02, 03, "
            "04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94, 987, 988)",
            id="contribution-unknown-region",
        ),
        pytest.param(
            {"co_funding": {"contributions": {"84": 0}}},
            "co_funding.contributions.84: must be positive, got 0",
            id="contribution-zero",
        ),
        pytest.param(
            {"co_funding": {"matching": {"rate": 1.5}}},
            "co_funding.matching.rate: must be between 0 and 1, got 1.5",
            id="rate-above-one",
        ),
        pytest.param(
            {"co_funding": {"matching": {"rate": -0.1}}},
            "co_funding.matching.rate: must be between 0 and 1, got -0.1",
            id="rate-negative",
        ),
        pytest.param(
            {"co_funding": {"matching": {"rule": "matches"}}},
            "co_funding.matching.rule: must be one of requires, follows, got 'matches'",
            id="rule-unknown",
        ),
        pytest.param(
            {"co_funding": {"matching": {"rule": "follow"}}},
            "co_funding.matching.rule: must be one of requires, follows, got 'follow'; did you "
            "mean 'follows'?",
            id="rule-typo",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01"}]},
            "rounds[0]: give release_share (of the budget) or release_eur",
            id="round-no-release",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01", "release_share": 0.4, "release_eur": 1}]},
            "rounds[0]: give release_share or release_eur, not both",
            id="round-two-releases",
        ),
        pytest.param(
            {"rounds": [{"release_share": 0.4}]},
            "rounds[0]: missing 'date' (the round's day, like 2021-04-01)",
            id="round-no-date",
        ),
        pytest.param(
            {"rounds": [{"date": "1 April 2021", "release_share": 1}]},
            "rounds[0].date: must be a date like 2021-04-01, got '1 April 2021'",
            id="date-words",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-02-30", "release_share": 1}]},
            "rounds[0].date: not a date: '2021-02-30' (day is out of range for month)",
            id="date-impossible",
        ),
        pytest.param(
            {"rounds": [{"date": 20210401, "release_share": 1}]},
            "rounds[0].date: must be a date like 2021-04-01, got 20210401",
            id="date-number",
        ),
        pytest.param(
            {"rounds": [{"date": dt.datetime(2021, 4, 1, 9, 30), "release_share": 1}]},
            "rounds[0].date: must be a day like 2021-04-01, got the date and time "
            "2021-04-01 09:30:00",
            id="date-and-time",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01", "release_share": 1, "reserve_share": 1}]},
            "rounds[0].reserve_share: must be between 0 and 1 (excluded), got 1",
            id="reserve-one",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01", "release_share": 40}]},
            "rounds[0].release_share: must be between 0 and 1, got 40 (shares are fractions: "
            "40 % is 0.4)",
            id="release-percent",
        ),
        pytest.param(
            {"rounds": {"date": "2021-04-01"}},
            "rounds: must be a list, got a mapping",
            id="rounds-mapping",
        ),
        pytest.param(
            {"rounds": [{"date": "2021-04-01", "release_share": 1, "when": 1}]},
            "rounds[0].when: unknown key 'when' (allowed: date, release_share, release_eur, "
            "reserve_share)",
            id="round-unknown-key",
        ),
        pytest.param(
            {"controls": {"lock_awards": "yes"}},
            "controls.lock_awards: must be true or false, got 'yes'",
            id="lock-text",
        ),
        pytest.param(
            {"controls": {"force_in": [12, "twelve"]}},
            "controls.force_in[1]: must be a project id (a whole number), got 'twelve'",
            id="force-in-text",
        ),
        pytest.param(
            {"controls": {"force_out": [0]}},
            "controls.force_out[0]: must be at least 1, got 0",
            id="force-out-zero",
        ),
        pytest.param(
            {"controls": {"force_in": [2**63]}},
            "controls.force_in[0]: must be at most 9_223_372_036_854_775_807, got "
            "9_223_372_036_854_775_808",
            id="force-in-past-int64",
        ),
        pytest.param(
            {"controls": {"next_in_line": 101}},
            "controls.next_in_line: must be from 0 to 100, got 101",
            id="next-in-line-above",
        ),
        pytest.param(
            {"controls": {"awards_until": "2021-06-30"}},
            "controls.awards_until: applies only with lock_awards: true",
            id="until-without-lock",
        ),
        pytest.param(
            {"controls": {"force_in": [12, 15], "force_out": [3, 15]}},
            "controls.force_out[1]: project 15 is also in force_in: force it in or out, not both",
            id="forced-both-ways",
        ),
        pytest.param(
            {"controls": {"force_in": [12, 12]}},
            "controls.force_in[1]: project 12 is listed twice",
            id="forced-twice",
        ),
        pytest.param(
            {"constraints": {"fragile_project_share_min": 69}},
            "constraints.fragile_project_share_min: must be between 0 and 1, got 69 (shares "
            "are fractions: 69 % is 0.69)",
            id="project-share-percent",
        ),
        pytest.param(
            {"constraints": {"departments": {"5900": {"max_eur": 1}}}},
            "constraints.departments.5900: not an INSEE department code: '5900' (two digits, "
            "2A or 2B for Corsica, three for overseas: '59', '2A', '974')",
            id="department-unknown",
        ),
        pytest.param(
            {"constraints": {"departments": {59: {"max_eur": 1}}}},
            'constraints.departments.59: department codes must be quoted text ("59"), got the '
            "number 59",
            id="department-unquoted",
        ),
        pytest.param(
            {"constraints": {"departments": {"59": {"min_eur": 5, "max_eur": 1}}}},
            "constraints.departments.59: min_eur (5) is above max_eur (1)",
            id="department-min-above-max",
        ),
        pytest.param(
            {"constraints": {"territories": {"p1-ti-0101": {}}}},
            "constraints.territories.p1-ti-0101: give min_eur, max_eur or both",
            id="territory-empty",
        ),
        pytest.param(
            {"constraints": {"sectors": {"Chimie": 1.2}}},
            "constraints.sectors.Chimie: must be between 0 and 1, got 1.2",
            id="sector-above-one",
        ),
        pytest.param(
            {"constraints": {"sectors": {"Chimie": 0.6, "Agroalimentaire": 0.5}}},
            "constraints.sectors: the sector floors add up to 1.1, above 1",
            id="sectors-above-one",
        ),
    ],
)
def test_invalid_levers_name_the_path_and_what_is_allowed(
    data: dict[str, Any], expected: str
) -> None:
    assert error_lines({**V2, **data}) == [f"a.yaml: {expected}"]


def test_rounds_must_be_in_date_order() -> None:
    rounds = [
        {"date": "2021-04-01", "release_share": 0.4},
        {"date": "2021-03-01", "release_share": 0.3},
        {"date": "2021-03-01", "release_share": 0.3},
    ]
    assert error_lines({**V2, "rounds": rounds}) == [
        "a.yaml: rounds[1].date: 2021-03-01 is not after rounds[0].date 2021-04-01",
        "a.yaml: rounds[2].date: 2021-03-01 is not after rounds[1].date 2021-03-01",
    ]


def test_releases_may_not_add_up_above_the_budget() -> None:
    # 0.5 * 400 M + 250 M = 450 M > 400 M; the shares are of budget_eur.
    rounds = [
        {"date": "2021-04-01", "release_share": 0.5},
        {"date": "2021-07-01", "release_eur": 250_000_000},
    ]
    assert error_lines({**V2, "budget_eur": 400_000_000, "rounds": rounds}) == [
        "a.yaml: rounds: release 450,000,000 EUR in all, above the budget 400,000,000"
    ]
    # 0.5 * 400 M + 200 M is the whole budget: allowed, and so is releasing less.
    rounds[1]["release_eur"] = 200_000_000
    assert len(Scenario.from_dict({**V2, "rounds": rounds}).rounds) == 2
    rounds[1]["release_eur"] = 1
    assert len(Scenario.from_dict({**V2, "rounds": rounds}).rounds) == 2


def test_sector_floors_may_add_up_to_exactly_one() -> None:
    sectors = {"Chimie": 0.7, "Agroalimentaire": 0.3}
    scenario = Scenario.from_dict({**V2, "constraints": {"sectors": sectors}})
    assert scenario.constraints.sectors == sectors


def test_dates_come_from_yaml_or_as_iso_text() -> None:
    text = "version: 2\nrounds:\n  - {date: 2021-04-01, release_share: 1}\n"
    from_yaml = load_text(text, source="f")
    from_json = Scenario.from_dict({**V2, "rounds": [{"date": "2021-04-01", "release_share": 1}]})
    assert from_yaml.rounds == from_json.rounds == (Round(dt.date(2021, 4, 1), release_share=1.0),)
    assert isinstance(from_json.rounds[0].date, dt.date)


def test_every_lever_is_read_into_the_engine_dataclasses() -> None:
    text = """
version: 2
objective:
  weights: {jobs_created: 1, jobs_kept: 0.25, co2_avoided_t: 0.5, leverage: 0}
constraints:
  fragile_project_share_min: 0.69
  departments: {"59": {max_eur: 20_000_000}, "2A": {min_eur: 1}}
  territories: {"p1-ti-0101": {min_eur: 1_000_000}}
  sectors: {"Agroalimentaire": 0.15}
co_funding:
  contributions: {"84": 25_000_000, "32": 20_000_000}
  matching: {rule: follows, rate: 1.0}
rounds:
  - {date: 2021-04-01, release_share: 0.4}
  - {date: 2021-07-01, release_share: 0.3, reserve_share: 0.2}
  - {date: 2022-04-01, release_eur: 120_000_000}
controls:
  lock_awards: true
  awards_until: 2021-06-30
  force_in: [12, 15]
  force_out: [3]
  next_in_line: 5
"""
    scenario = load_text(text, source="f")
    # a weight of 0 is left out: only the criteria that count remain
    assert scenario.objective == Objective(
        {"jobs_created": 1.0, "jobs_kept": 0.25, "co2_avoided_t": 0.5}
    )
    c = scenario.constraints
    assert c.fragile_project_share_min == 0.69
    assert set(c.departments) == {"59", "2A"}
    assert c.departments["59"].max_eur == 20_000_000
    assert c.territories["p1-ti-0101"].min_eur == 1_000_000
    assert c.sectors == {"Agroalimentaire": 0.15}
    assert scenario.co_funding == CoFunding(
        {"32": 20_000_000, "84": 25_000_000}, Matching("follows", 1.0)
    )
    assert scenario.rounds == (
        Round(dt.date(2021, 4, 1), release_share=0.4),
        Round(dt.date(2021, 7, 1), release_share=0.3, reserve_share=0.2),
        Round(dt.date(2022, 4, 1), release_eur=120_000_000),
    )
    assert [r.released(scenario.budget_eur) for r in scenario.rounds] == [
        160_000_000,
        120_000_000,
        120_000_000,
    ]
    assert scenario.controls == Controls(
        lock_awards=True,
        awards_until=dt.date(2021, 6, 30),
        force_in=(12, 15),
        force_out=(3,),
        next_in_line=5,
    )
    assert scenario.uses_levers


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"objective": {"weights": {"jobs_created": 3, "leverage": 0}}}, id="jobs"),
        pytest.param({"objective": None, "co_funding": None}, id="nulls"),
        pytest.param({"co_funding": {"matching": {"rule": "follows", "rate": 1}}}, id="rule"),
        pytest.param({"rounds": [], "controls": {"next_in_line": 3}}, id="listing"),
        pytest.param({"constraints": {"sectors": {}, "departments": {"59": None}}}, id="empty"),
    ],
)
def test_levers_left_neutral_pull_nothing(data: dict[str, Any]) -> None:
    assert not Scenario.from_dict({**V2, **data}).uses_levers


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"objective": {"weights": {"jobs_kept": 1}}}, id="weights"),
        pytest.param({"co_funding": {"contributions": {"84": 1}}}, id="contribution"),
        pytest.param({"rounds": [{"date": "2021-04-01", "release_share": 1}]}, id="round"),
        pytest.param({"controls": {"lock_awards": True}}, id="lock"),
        pytest.param({"controls": {"force_out": [3]}}, id="force-out"),
        pytest.param({"constraints": {"fragile_project_share_min": 0.5}}, id="project-share"),
        pytest.param({"constraints": {"territories": {"t": {"max_eur": 1}}}}, id="territory"),
        pytest.param({"constraints": {"sectors": {"Chimie": 0.1}}}, id="sector"),
    ],
)
def test_each_lever_pulled_alone_counts(data: dict[str, Any]) -> None:
    assert Scenario.from_dict({**V2, **data}).uses_levers
