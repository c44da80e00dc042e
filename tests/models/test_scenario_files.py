"""Scenario files on disk: reading (cached while unchanged), base lookups, atomic writes."""

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from models.scenario_files import (
    Bases,
    check_all,
    load_file,
    read_data,
    save_file,
    scenario_paths,
    write_atomic,
)
from simulation.files import MAX_FILE_BYTES, json_schema, load_text
from simulation.scenario import RegionEnvelope, Scenario, ScenarioError
from tests.helpers import BASE, message

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", "version: 1\n" + "#" * MAX_FILE_BYTES)
    with pytest.raises(ScenarioError, match="larger than 256 KiB"):
        read_data(path)


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("version: 1\ntitle: Région\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8 text"):
        read_data(path)


def test_name_defaults_to_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "my-scenario.yaml", "version: 1\n")
    assert load_file(path).name == "my-scenario"


def test_child_changes_only_what_it_writes(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "version: 1\nname: child\nbase: base\nbudget_eur: 700_000_000\n"
        'constraints: {regions: {"94": {min_eur: 1_000_000}}}\n',
    )
    scenario = load_file(child)
    assert scenario.name == "child"
    assert scenario.base == "base"
    assert scenario.budget_eur == 700_000_000
    assert scenario.constraints.fragile_share_min == 0.69
    assert scenario.constraints.regions == {
        "84": RegionEnvelope(max_eur=20_000_000),
        "94": RegionEnvelope(min_eur=1_000_000),
    }


def test_base_found_by_declared_name_in_another_file(tmp_path: Path) -> None:
    write(tmp_path, "announced.yaml", BASE)
    child = write(tmp_path, "child.yaml", "version: 1\nbase: base\nmode: all_or_nothing\n")
    assert load_file(child).constraints.fragile_share_min == 0.69


def test_grandparent_chain_is_followed(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(tmp_path, "middle.yaml", "version: 1\nbase: base\nbudget_eur: 500_000_000\n")
    leaf = write(tmp_path, "leaf.yaml", "version: 1\nbase: middle\nmode: all_or_nothing\n")
    scenario = load_file(leaf)
    assert (scenario.budget_eur, scenario.constraints.fragile_share_min) == (500_000_000, 0.69)


def test_missing_base_is_reported_with_a_hint(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(tmp_path, "child.yaml", "version: 1\nbase: bse\n")
    with pytest.raises(ScenarioError) as caught:
        load_file(child)
    assert message(caught) == (
        f"{child}: base: no scenario named 'bse'; did you mean 'base'? (known: base, child)"
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"a": "a"}, "scenarios form a cycle: a -> a", id="self"),
        pytest.param({"a": "b", "b": "a"}, "scenarios form a cycle: a -> b -> a", id="two"),
        pytest.param(
            {"a": "b", "b": "c", "c": "b"}, "scenarios form a cycle: b -> c -> b", id="tail"
        ),
    ],
)
def test_base_cycle_is_reported_not_looped(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    for name, base in files.items():
        write(tmp_path, f"{name}.yaml", f"version: 1\nname: {name}\nbase: {base}\n")
    with pytest.raises(ScenarioError) as caught:
        load_file(tmp_path / "a.yaml")
    assert caught.value.path == "base"
    assert caught.value.message == expected


def test_fault_in_the_base_names_the_base_file(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", "version: 1\nconstraints: {fragile_share_min: 1.4}\n")
    child = write(tmp_path, "child.yaml", "version: 1\nbase: base\n")
    with pytest.raises(ScenarioError) as caught:
        load_file(child)
    assert message(caught) == (
        f"{base}: constraints.fragile_share_min: must be between 0 and 1, got 1.4"
    )


def test_conflict_between_child_and_base_names_the_child(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        'version: 1\nbase: base\nconstraints: {regions: {"84": {min_eur: 30_000_000}}}\n',
    )
    with pytest.raises(ScenarioError) as caught:
        load_file(child)
    assert message(caught) == (
        f"{child}: constraints.regions.84: min_eur (30_000_000) is above max_eur (20_000_000)"
    )


def test_base_from_saved_texts() -> None:
    bases = Bases(texts={"base": BASE})
    scenario = load_text("version: 1\nname: c\nbase: base\n", source="input", bases=bases)
    assert scenario.constraints.fragile_share_min == 0.69


def test_save_file_round_trips(tmp_path: Path) -> None:
    scenario = Scenario(name="saved", budget_eur=123_456_789)
    save_file(scenario, tmp_path / "saved.yaml")
    assert load_file(tmp_path / "saved.yaml") == scenario


def test_write_atomic_replaces_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "old")
    write_atomic(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_interrupted_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "s.yaml", BASE)

    def crash(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "version: 1\nbudget_eur: 1")
    assert path.read_text() == BASE
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_shipped_scenarios_exist() -> None:
    assert len(SHIPPED) >= 6
    assert scenario_paths(ROOT / "scenarios") == SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_is_valid(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # As an editor's YAML 1.2 reader sees it: a review round's date is text there.
    data = json.loads(json.dumps(data, default=str))
    assert [error.message for error in validator.iter_errors(data)] == []
    scenario = load_file(path)
    assert scenario.name == path.stem
    assert scenario.expect is not None, "each shipped scenario carries an expect: block"


def test_check_all_collects_every_file(tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", BASE)
    bad = write(tmp_path, "bad.yaml", "version: 1\nbudget_eur: -1\nmode: x\n")
    assert [e.path for e in check_all([good, bad])] == ["budget_eur", "mode"]


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "s.yaml", "version: 1\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "s.yaml").stat().st_mode & 0o777 == 0o644
