"""The scenario format is declared once: the JSON Schema and the checks come from one model."""

import json
from pathlib import Path

import jsonschema
import pytest

from simulation.files import json_schema_text, load_text
from simulation.levers import CRITERIA, MATCHING_RULES
from simulation.scenario import MAX_EUR, Scenario, ScenarioError
from simulation.scenario_model import ExpectModel, ScenarioModel, json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schema_file_is_the_generated_one() -> None:
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "generated file: run `territoires schema --output ...`"
    assert (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8") == (
        json_schema_text()
    )


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"version": 1, "budjet_eur": 1}, id="unknown-key"),
        pytest.param({"version": 1, "constraints": {"fragile_share_min": 1.4}}, id="share"),
        pytest.param({"version": 1, "constraints": {"regions": {"99": {}}}}, id="region"),
        pytest.param({"version": 3}, id="version"),
        pytest.param({"name": "a"}, id="no-version"),
    ],
)
def test_schema_rejects_what_the_parser_rejects(data: dict[str, object]) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    assert list(validator.iter_errors(data))
    with pytest.raises(ScenarioError):
        load_text(json.dumps(data), source="f")


def test_schema_lists_the_models_fields_in_their_order() -> None:
    schema = json_schema()
    assert list(schema["properties"]) == list(ScenarioModel.model_fields)
    expect = schema["$defs"]["Expect"]["properties"]
    assert list(expect) == list(ExpectModel.model_fields)


def test_schema_publishes_the_project_origins() -> None:
    origin = json_schema()["$defs"]["Selection"]["properties"]["origin"]
    named, null = origin["anyOf"]
    assert named == {"type": "string", "enum": ["laureates", "generated", "both"]}
    assert null == {"type": "null"}
    assert origin["default"] == "both"
    assert "laureates" in origin["description"]


def accepted_by_schema(data: dict[str, object]) -> bool:
    return jsonschema.Draft202012Validator(json_schema()).is_valid(data)


def accepted_by_model(data: dict[str, object]) -> bool:
    try:
        Scenario.from_dict(data)
    except ScenarioError:
        return False
    return True


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"constraints": {"fragile_share_min": 1.0}}, id="share-at-one"),
        pytest.param({"constraints": {"fragile_share_min": 1.0001}}, id="share-above-one"),
        pytest.param({"constraints": {"fragile_share_min": -0.0001}}, id="share-below-zero"),
        pytest.param({"constraints": {"max_aid_intensity": 0}}, id="cap-zero"),
        pytest.param({"constraints": {"max_aid_intensity": 0.01}}, id="cap-small"),
        pytest.param({"constraints": {"max_aid_intensity": None}}, id="cap-null"),
        pytest.param({"budget_eur": MAX_EUR}, id="budget-at-max"),
        pytest.param({"budget_eur": MAX_EUR + 1}, id="budget-above-max"),
        pytest.param({"budget_eur": 0}, id="budget-zero"),
        pytest.param({"constraints": {"regions": {"84": {"max_eur": 0}}}}, id="envelope-zero"),
        pytest.param({"constraints": {"regions": {"84": {"max_eur": -1}}}}, id="envelope-neg"),
        pytest.param({"constraints": {"regions": {"84": {}}}}, id="envelope-empty"),
        pytest.param({"constraints": {"regions": {"84": None}}}, id="envelope-removed"),
        pytest.param({"title": "x" * 200}, id="title-200"),
        pytest.param({"title": "x" * 201}, id="title-201"),
        pytest.param({"name": "a" * 64}, id="name-64"),
        pytest.param({"name": "a" * 65}, id="name-65"),
        pytest.param({"name": "-a"}, id="name-dash-first"),
        pytest.param({"mode": "all_or_nothing"}, id="mode"),
        pytest.param({"mode": "fast"}, id="mode-unknown"),
        pytest.param({"projects": {"phase": 2}}, id="phase-2"),
        pytest.param({"projects": {"phase": 3}}, id="phase-3"),
        pytest.param({"projects": {"regions": ["94"]}}, id="region"),
        pytest.param({"projects": {"regions": ["99"]}}, id="region-unknown"),
        pytest.param({"projects": {"sectors": [""]}}, id="sector-empty"),
        pytest.param({"projects": {"origin": "laureates"}}, id="origin"),
        pytest.param({"projects": {"origin": "LAUREATES"}}, id="origin-upper-case"),
        pytest.param({"projects": {"origin": None}}, id="origin-null"),
        pytest.param({"expect": {"jobs": {"value": 1, "abs_tol": -1}}}, id="tolerance-negative"),
        pytest.param({"expect": {"jobs": {"rel_tol": 0.1}}}, id="tolerance-no-value"),
        pytest.param({"expect": {"status": "optimal"}}, id="status"),
        pytest.param({"expect": {"status": "solved"}}, id="status-unknown"),
        pytest.param({"expect": {"figure": 1}}, id="expect-unknown-key"),
    ],
)
def test_schema_and_checks_agree(data: dict[str, object]) -> None:
    document = {"version": 1, **data}
    assert accepted_by_schema(document) == accepted_by_model(document)


ROUND = {"date": "2021-04-01", "release_share": 0.5}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"objective": {"weights": {"jobs_kept": 1}}}, id="weight"),
        pytest.param({"objective": {"weights": {"jobs_kept": -1}}}, id="weight-negative"),
        pytest.param({"objective": {"weights": {"co2": 1}}}, id="weight-unknown"),
        pytest.param({"co_funding": {"contributions": {"84": 1}}}, id="contribution"),
        pytest.param({"co_funding": {"contributions": {"99": 1}}}, id="contribution-region"),
        pytest.param({"co_funding": {"contributions": {"84": 0}}}, id="contribution-zero"),
        pytest.param({"co_funding": {"matching": {"rate": 1.0}}}, id="rate-one"),
        pytest.param({"co_funding": {"matching": {"rate": 1.5}}}, id="rate-above-one"),
        pytest.param({"co_funding": {"matching": {"rule": "follows"}}}, id="rule"),
        pytest.param({"co_funding": {"matching": {"rule": "with"}}}, id="rule-unknown"),
        pytest.param({"rounds": [ROUND]}, id="round"),
        pytest.param({"rounds": [{"release_share": 0.5}]}, id="round-no-date"),
        pytest.param({"rounds": [{**ROUND, "date": "April"}]}, id="round-date-text"),
        pytest.param({"rounds": [{**ROUND, "reserve_share": 0.99}]}, id="reserve"),
        pytest.param({"rounds": [{**ROUND, "reserve_share": 1}]}, id="reserve-one"),
        pytest.param({"rounds": [{**ROUND, "release_eur": None}]}, id="release-eur-null"),
        pytest.param({"controls": {"lock_awards": True}}, id="lock"),
        pytest.param({"controls": {"lock_awards": 1}}, id="lock-number"),
        pytest.param({"controls": {"force_in": [1, 2]}}, id="force-in"),
        pytest.param({"controls": {"force_in": ["1"]}}, id="force-in-text"),
        pytest.param({"controls": {"next_in_line": 100}}, id="next-100"),
        pytest.param({"controls": {"next_in_line": 101}}, id="next-101"),
        pytest.param({"controls": {"awards_until": None}}, id="until-null"),
        pytest.param({"constraints": {"fragile_project_share_min": 0.69}}, id="project-share"),
        pytest.param({"constraints": {"departments": {"2A": {"max_eur": 1}}}}, id="department"),
        pytest.param({"constraints": {"departments": {"974": {"max_eur": 1}}}}, id="overseas"),
        pytest.param({"constraints": {"departments": {"2C": {"max_eur": 1}}}}, id="dept-bad"),
        pytest.param({"constraints": {"territories": {"p1-ti-0101": {"min_eur": 1}}}}, id="ti"),
        pytest.param({"constraints": {"territories": {"": {"min_eur": 1}}}}, id="ti-empty"),
        pytest.param({"constraints": {"sectors": {"Chimie": 0.2}}}, id="sector"),
        pytest.param({"constraints": {"sectors": {"Chimie": 2}}}, id="sector-above-one"),
    ],
)
def test_schema_and_checks_agree_on_the_levers(data: dict[str, object]) -> None:
    document = {"version": 2, **data}
    assert accepted_by_schema(document) == accepted_by_model(document)


def test_schema_publishes_the_levers_and_both_versions() -> None:
    schema = json_schema()
    assert schema["properties"]["version"]["enum"] == [1, 2]
    assert schema["properties"]["rounds"]["items"] == {"$ref": "#/$defs/Round"}
    assert schema["$defs"]["Round"]["required"] == ["date"]
    assert schema["$defs"]["Round"]["properties"]["date"]["format"] == "date"
    weights = schema["$defs"]["Objective"]["properties"]["weights"]
    assert weights["propertyNames"]["enum"] == list(CRITERIA)
    assert schema["$defs"]["Matching"]["properties"]["rule"]["enum"] == list(MATCHING_RULES)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"objective": {"weights": {"jobs_kept": 1}}}, id="objective"),
        pytest.param({"rounds": [ROUND]}, id="rounds"),
        pytest.param({"co_funding": {}}, id="co-funding"),
        pytest.param({"controls": {"lock_awards": True}}, id="controls"),
        pytest.param({"constraints": {"sectors": {"Chimie": 0.1}}}, id="sectors"),
        pytest.param({"constraints": {"fragile_project_share_min": 0.5}}, id="project-share"),
        pytest.param({"constraints": {"fragile_share_min": 0.5}}, id="version-1-key"),
    ],
)
def test_schema_and_checks_agree_that_version_1_has_no_levers(data: dict[str, object]) -> None:
    for version in (1, 2):
        document = {"version": version, **data}
        assert accepted_by_schema(document) == accepted_by_model(document), version
