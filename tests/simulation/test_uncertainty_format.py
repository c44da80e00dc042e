"""The scenario format's ``uncertainty:`` section: read, written back, refused with its field."""

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from simulation.files import dump, load_text, parse_text
from simulation.levers import DRAWS, MAX_DRAWS, Uncertainty
from simulation.scenario import Scenario, ScenarioErrors
from simulation.scenario_model import json_schema

V2 = {"version": 2}


def error_lines(data: object) -> list[str]:
    with pytest.raises(ScenarioErrors) as caught:
        Scenario.from_dict(data, source="a.yaml")
    return str(caught.value).splitlines()


def test_no_section_reads_as_the_neutral_settings_and_writes_nothing() -> None:
    scenario = Scenario.from_dict(V2)
    assert scenario.uncertainty == Uncertainty()
    assert scenario.uncertainty.draws == DRAWS == 2_000
    assert "uncertainty" not in scenario.to_dict()
    assert not scenario.uses_levers
    # An empty or null section is the defaults too, and is not written back either.
    for section in ({}, None):
        assert Scenario.from_dict({**V2, "uncertainty": section}) == scenario


def test_every_key_is_read() -> None:
    scenario = Scenario.from_dict(
        {
            **V2,
            "uncertainty": {
                "realisation_rate": 0.8,
                "target_jobs": 25_000,
                "draws": 5_000.0,  # a whole float reads as an int, as other counts do
                "seed": 7,
                "objective": "robust",
                "robust_budget": 40,
            },
        }
    )
    assert scenario.uncertainty == Uncertainty(
        realisation_rate=0.8,
        target_jobs=25_000,
        draws=5_000,
        seed=7,
        objective="robust",
        robust_budget=40.0,
    )
    assert isinstance(scenario.uncertainty.draws, int)
    assert scenario.uses_levers  # the robust objective needs the general engine


@pytest.mark.parametrize(
    "section",
    [
        {"realisation_rate": 0.8},
        {"realisation_rate": 1, "target_jobs": 1, "draws": MAX_DRAWS, "seed": 0},
        {"draws": 1, "seed": 2**40, "objective": "robust", "robust_budget": 0.5},
        {"objective": "expected", "target_jobs": 5_000},
    ],
)
def test_round_trip_writes_only_what_differs(section: dict[str, Any]) -> None:
    scenario = Scenario.from_dict({**V2, "uncertainty": section})
    written = scenario.to_dict()
    default = Uncertainty()
    expected = {k: v for k, v in section.items() if getattr(default, k) != v}
    assert written["uncertainty"] == expected
    assert Scenario.from_dict(written) == scenario
    # Through YAML text as well, as a saved file is.
    assert load_text(dump(scenario), source="dumped") == scenario


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        pytest.param(
            {"realisation_rate": 1.5},
            "uncertainty.realisation_rate: must be above 0 and at most 1, got 1.5",
            id="rate-above-1",
        ),
        pytest.param(
            {"realisation_rate": 0},
            "uncertainty.realisation_rate: must be above 0 and at most 1, got 0",
            id="rate-0",
        ),
        pytest.param(
            {"realisation_rate": float("nan")},
            "uncertainty.realisation_rate: must be a finite number, got nan",
            id="rate-nan",
        ),
        pytest.param(
            {"realisation_rate": "0.8"},
            "uncertainty.realisation_rate: must be a number, got '0.8'",
            id="rate-text",
        ),
        pytest.param({"draws": 0}, "uncertainty.draws: must be at least 1, got 0", id="draws-0"),
        pytest.param(
            {"draws": MAX_DRAWS + 1},
            "uncertainty.draws: must be at most 100_000, got 100_001",
            id="draws-above-limit",
        ),
        pytest.param(
            {"draws": 10.5}, "uncertainty.draws: must be a whole number, got 10.5", id="draws-part"
        ),
        pytest.param(
            {"target_jobs": 0},
            "uncertainty.target_jobs: must be at least 1, got 0",
            id="target-0",
        ),
        pytest.param(
            {"target_jobs": True},
            "uncertainty.target_jobs: must be a whole number, got true",
            id="target-bool",
        ),
        pytest.param({"seed": -1}, "uncertainty.seed: must be at least 0, got -1", id="seed"),
        pytest.param(
            {"objective": "robus"},
            "uncertainty.objective: must be one of expected, robust, got 'robus'; "
            "did you mean 'robust'?",
            id="objective",
        ),
        pytest.param(
            {"robust_budget": 0},
            "uncertainty.robust_budget: must be above 0, got 0",
            id="budget-0",
        ),
        pytest.param(
            {"robust_budget": float("inf")},
            "uncertainty.robust_budget: must be a finite number, got inf",
            id="budget-inf",
        ),
        pytest.param(
            {"draw": 10},
            "uncertainty.draw: unknown key 'draw'; did you mean 'draws'? (allowed: "
            "realisation_rate, target_jobs, draws, seed, objective, robust_budget)",
            id="unknown-key",
        ),
    ],
)
def test_a_faulty_value_is_refused_naming_its_field(section: dict[str, Any], expected: str) -> None:
    assert error_lines({**V2, "uncertainty": section}) == [f"a.yaml: {expected}"]


def test_the_section_must_be_a_mapping() -> None:
    (line,) = error_lines({**V2, "uncertainty": [0.8]})
    assert line.startswith("a.yaml: uncertainty: ")


def test_a_version_1_file_may_not_use_it() -> None:
    lines = error_lines({"version": 1, "uncertainty": {"realisation_rate": 0.8}})
    assert lines == ["a.yaml: uncertainty: needs version: 2"]


def test_every_fault_is_reported_at_once() -> None:
    lines = error_lines({**V2, "uncertainty": {"draws": 0, "seed": -1}})
    assert lines == [
        "a.yaml: uncertainty.draws: must be at least 1, got 0",
        "a.yaml: uncertainty.seed: must be at least 0, got -1",
    ]


class Parent:
    def find(self, name: str) -> tuple[str, dict[str, Any]] | None:
        text = "version: 2\nname: p\nuncertainty:\n  realisation_rate: 0.7\n  seed: 3\n"
        return (name, parse_text(text, source=name)) if name == "p" else None

    def names(self) -> list[str]:
        return ["p"]


def test_a_child_scenario_inherits_the_section_and_clears_a_key() -> None:
    # null clears the parent's rate (back to the declaration band's own); the seed is inherited.
    child = "version: 2\nname: c\nbase: p\nuncertainty:\n  realisation_rate: null\n  draws: 500\n"
    scenario = load_text(child, source="c", bases=Parent())
    assert scenario.uncertainty == Uncertainty(seed=3, draws=500)


def test_the_json_schema_agrees_with_the_engine() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    good = {**V2, "uncertainty": {"realisation_rate": 1.0, "draws": 1, "objective": "robust"}}
    assert not list(validator.iter_errors(good))
    for bad in (
        {"realisation_rate": 0},
        {"realisation_rate": 1.01},
        {"draws": 0},
        {"draws": MAX_DRAWS + 1},
        {"seed": -1},
        {"objective": "worst"},
        {"robust_budget": 0},
        {"target_jobs": 0},
    ):
        assert list(validator.iter_errors({**V2, "uncertainty": bad})), bad
    assert list(validator.iter_errors({"version": 1, "uncertainty": {}}))


def test_territoires_validate_accepts_and_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import main

    good = tmp_path / "good.yaml"
    good.write_text("version: 2\nname: good\nuncertainty:\n  realisation_rate: 0.8\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\nname: bad\nuncertainty:\n  realisation_rate: 1.5\n")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: uncertainty.realisation_rate: must be above 0 and at most 1, got 1.5" in err
