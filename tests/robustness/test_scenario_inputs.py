"""Hostile scenario files: every one is a ScenarioError naming the file and the field."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models.scenario_files import load_file
from simulation.files import MAX_FILE_BYTES, parse_text
from simulation.scenario import ScenarioError

LAUGHS = "version: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        pytest.param("version: 1\nname: [unclosed\n", "", "line 3, column 1: expected ',' or ']'", id="malformed-yaml"),
        pytest.param("version: 1\n\tname: tab\n", "", "line", id="tab-indent"),
        pytest.param(LAUGHS, "", "anchors and aliases", id="billion-laughs"),
        pytest.param("version: 1\nbase: &b france-relance-2020\nname: *b\n", "", "anchors", id="single-alias"),
        pytest.param("version: 1\nname: !!python/object/apply:os.system ['touch pwned']\n", "", "python/object", id="python-tag"),
        pytest.param("version: 1\nname: a\nname: b\n", "", "key 'name' appears twice", id="duplicate-key"),
        pytest.param("", "", "empty", id="empty-file"),
        pytest.param("- version: 1\n", "", "mapping", id="top-level-list"),
        pytest.param("name: plan\n", "version", "missing", id="no-version"),
        pytest.param("version: 3\n", "version", "unsupported", id="future-version"),
        pytest.param("version: 1\nbudget_eur: lots\n", "budget_eur", "whole number", id="budget-text"),
        pytest.param("version: 1\nbudget_eur: .nan\n", "budget_eur", "whole number", id="budget-nan"),
        pytest.param("version: 1\nbudget_eur: .inf\n", "budget_eur", "whole number", id="budget-inf"),
        pytest.param("version: 1\nbudget_eur: -5\n", "budget_eur", "positive", id="budget-negative"),
        pytest.param("version: 1\nbudget_eur: 1e400\n", "budget_eur", "", id="budget-overflow"),
        pytest.param("version: 1\nbudget_eur: 10_000_000_000_000\n", "budget_eur", "at most", id="budget-huge"),
        pytest.param("version: 1\nconstraints: {fragile_share_min: 69}\n", "constraints.fragile_share_min", "fractions", id="share-percent"),
        pytest.param("version: 1\nconstraints: {fragile_share_min: .nan}\n", "constraints.fragile_share_min", "finite", id="share-nan"),
        pytest.param("version: 1\nconstraints: {min_spend_share: -0.5}\n", "constraints.min_spend_share", "between", id="share-negative"),
        pytest.param("version: 1\nconstraints: {regions: {'99': {min_eur: 1}}}\n", "constraints.regions.99", "INSEE", id="unknown-region"),
        pytest.param("version: 1\nconstraints: {regions: {84: {min_eur: 1}}}\n", "constraints.regions.84", "quoted", id="region-unquoted"),
        pytest.param("version: 1\nprojects: {regions: [{a: 1}]}\n", "projects.regions[0]", "INSEE", id="region-is-mapping"),
        pytest.param("version: 1\nprojects: {regions: []}\nmode: sometimes\n", "mode", "one of", id="unknown-mode"),
        pytest.param("version: 1\nprojects: {origin: laureate}\n", "projects.origin", "must be one of laureates, generated, both, got 'laureate'; did you mean 'laureates'?", id="unknown-origin"),
        pytest.param("version: 1\nprojects: {origin: [laureates, generated]}\n", "projects.origin", "got a list", id="origin-list"),
        pytest.param("version: 1\nprojects: {origin: true}\n", "projects.origin", "got true", id="origin-bool"),
        pytest.param("version: 1\nname: \"plan\\n\"\n", "name", "lower-case", id="name-newline"),
        pytest.param("version: 1\n1: one\n", "1", "unknown key", id="number-key"),
        pytest.param("version: 1\nconstraint: {}\n", "constraint", "did you mean 'constraints'?", id="misspelt-key"),
    ],
)  # fmt: skip
def test_bad_scenario_text(tmp_path: Path, text: str, path: str, words: str) -> None:
    file = tmp_path / "plan.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_file(file)
    assert path in [error.path for error in caught.value.errors]
    assert words in str(caught.value)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_billion_laughs_is_refused_before_expanding() -> None:
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="anchors and aliases"):
        parse_text(LAUGHS, source="laughs.yaml")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        pytest.param(b"version: 1\nname: caf\xe9\n", "not UTF-8 text (byte 20)", id="invalid-utf8"),
        pytest.param(b"version: 1\n# " + b"x" * MAX_FILE_BYTES, "file is larger than 256 KiB", id="over-256k"),
        pytest.param(b"version: 1\nprojects:\n  sectors:\n" + b"    - x\n" * 40_000, "file is larger than 256 KiB", id="enormous-list"),
        pytest.param(b"version: 1\nname: \x00\n", "special characters are not allowed", id="nul-byte"),
    ],
)  # fmt: skip
def test_bad_scenario_bytes(tmp_path: Path, raw: bytes, words: str) -> None:
    file = tmp_path / "plan.yaml"
    file.write_bytes(raw)
    with pytest.raises(ScenarioError) as caught:
        load_file(file)
    assert words in str(caught.value)


def test_a_long_list_within_the_size_limit_is_checked_item_by_item(tmp_path: Path) -> None:
    file = tmp_path / "plan.yaml"
    file.write_text(
        "version: 1\nprojects:\n  regions:\n" + "    - '99'\n" * 5_000, encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as caught:
        load_file(file)
    assert len(caught.value.errors) == 5_000
    assert caught.value.errors[-1].path == "projects.regions[4999]"


@pytest.mark.parametrize(
    ("files", "cycle"),
    [
        pytest.param({"a": "b", "b": "a"}, "scenarios form a cycle: a -> b -> a", id="two-loop"),
        pytest.param({"a": "b", "b": "c", "c": "a"}, "a -> b -> c -> a", id="three-loop"),
        pytest.param({"a": "a"}, "scenarios form a cycle: a -> a", id="self-loop"),
    ],
)
def test_base_chain_loops_are_errors(tmp_path: Path, files: dict[str, str], cycle: str) -> None:
    for name, base in files.items():
        (tmp_path / f"{name}.yaml").write_text(f"version: 1\nname: {name}\nbase: {base}\n")
    with pytest.raises(ScenarioError) as caught:
        load_file(tmp_path / "a.yaml")
    assert "base" in [error.path for error in caught.value.errors]
    assert cycle in str(caught.value)


def test_a_base_that_is_not_a_name_never_reads_a_file(tmp_path: Path, opened: list[str]) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("version: 1\nname: ../secret\n")
    (tmp_path / "plans").mkdir()
    plan = tmp_path / "plans" / "plan.yaml"
    plan.write_text("version: 1\nname: plan\nbase: ../secret\n")
    opened.clear()  # the writes above
    with pytest.raises(ScenarioError) as caught:
        load_file(plan)
    assert "base" in [error.path for error in caught.value.errors]
    assert str(plan) in opened  # the spy sees the files that are read
    assert not [seen for seen in opened if "secret" in seen]
