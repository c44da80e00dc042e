"""Which scenario of a base chain wrote each input: the merge replayed, path by path."""

from __future__ import annotations

from typing import Any

from simulation.inputs import chain, set_in, written_by
from simulation.scenario import merge

BASE: dict[str, Any] = {
    "version": 1,
    "name": "base",
    "title": "The base",
    "budget_eur": 400_000_000,
    "constraints": {
        "fragile_share_min": 0.69,
        "max_aid_intensity": 0.3,
        "regions": {"84": {"min_eur": 1_000_000}, "94": {"max_eur": 5_000_000}},
    },
    "projects": {"phase": 1, "sectors": ["chimie"]},
}
MIDDLE: dict[str, Any] = {
    "version": 1,
    "name": "middle",
    "base": "base",
    "mode": "all_or_nothing",
    "constraints": {"regions": {"84": {"max_eur": 9_000_000}, "94": None}},
}
CHILD: dict[str, Any] = {
    "version": 1,
    "name": "child",
    "base": "middle",
    "budget_eur": 300_000_000,
    "constraints": {"max_aid_intensity": None},
    "projects": {"sectors": ["textile"]},
}
FOUND = {"base": BASE, "middle": MIDDLE}


def test_the_chain_runs_from_the_scenario_to_its_furthest_base() -> None:
    layers = chain(CHILD, FOUND.get)
    assert [name for name, _ in layers] == ["child", "middle", "base"]


def test_a_cycle_or_a_missing_base_ends_the_chain() -> None:
    looping = {"name": "a", "base": "b"}
    assert [n for n, _ in chain(looping, {"b": {"name": "b", "base": "a"}, "a": looping}.get)] == [
        "a",
        "b",
    ]
    assert [n for n, _ in chain({"name": "a", "base": "gone"}, FOUND.get)] == ["a"]


def test_each_input_names_the_scenario_that_wrote_it() -> None:
    written = written_by(chain(CHILD, FOUND.get))
    assert set_in(written, "budget_eur") == "child"
    assert set_in(written, "mode") == "middle"
    assert set_in(written, "constraints.fragile_share_min") == "base"
    assert set_in(written, "projects.phase") == "base"
    assert set_in(written, "projects.sectors") == "child"  # a list replaces, never merges
    assert set_in(written, "constraints.decarbonisation_share_min") is None  # the default


def test_envelope_bounds_merge_key_by_key() -> None:
    written = written_by(chain(CHILD, FOUND.get))
    assert set_in(written, "constraints.regions.84.min_eur") == "base"
    assert set_in(written, "constraints.regions.84.max_eur") == "middle"
    assert set_in(written, "constraints.regions.94") == "middle"  # removed there
    assert not any(path.startswith("constraints.regions.94.") for path in written)


def test_null_sets_the_default_back_and_says_who_did() -> None:
    written = written_by(chain(CHILD, FOUND.get))
    assert set_in(written, "constraints.max_aid_intensity") == "child"
    cleared = {"version": 1, "name": "bare", "base": "base", "constraints": None}
    written = written_by(chain(cleared, FOUND.get))
    assert set_in(written, "constraints.fragile_share_min") == "bare"
    assert set_in(written, "constraints.regions.84.min_eur") == "bare"
    assert set_in(written, "budget_eur") == "base"


def test_what_a_file_says_about_itself_is_never_inherited() -> None:
    written = written_by(chain(MIDDLE, FOUND.get))
    assert "title" not in written and "name" not in written


def test_every_merged_input_has_the_origin_of_the_last_writer() -> None:
    # The replay agrees with merge(): a value a layer wrote is the merged value.
    layers = chain(CHILD, FOUND.get)
    merged: dict[str, Any] = {}
    for _, data in reversed(layers):
        merged = merge(merged, data)
    by_name = dict(layers)
    for path, name in written_by(layers).items():
        value: Any = by_name[name]
        here: Any = merged
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
            here = here.get(key) if isinstance(here, dict) else None
        assert value == here, path
