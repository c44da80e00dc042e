"""Scenario text: safe YAML in and out, base resolution through a caller's lookup, the JSON
Schema. Pure: reading and writing files is the caller's (models.scenario_files)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

import yaml

from simulation.scenario import Scenario, ScenarioError, ScenarioErrors, merge
from simulation.scenario_fields import did_you_mean
from simulation.scenario_model import json_schema

MAX_FILE_BYTES = 256 * 1024


class _Loader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases (no "billion laughs") and without duplicate keys."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&, *) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_int(dumper: yaml.SafeDumper, value: int) -> yaml.ScalarNode:
    # Euros read better as 400_000_000 (an int for PyYAML's YAML 1.1 resolver).
    text = f"{value:_}" if abs(value) >= 100_000 else str(value)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


_Dumper.add_representer(int, _represent_int)


def parse_text(text: str, *, source: str) -> dict[str, Any]:
    """The raw mapping a scenario file holds (not validated beyond being YAML and a mapping)."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ScenarioError("", f"file is larger than {MAX_FILE_BYTES // 1024} KiB", source)
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ScenarioError("", f"{where}{error.problem or error.context}", source) from None
    except yaml.YAMLError as error:
        raise ScenarioError("", f"not valid YAML: {error}", source) from None
    if data is None:
        raise ScenarioError("", "the file is empty; start it with `version: 1`", source)
    if not isinstance(data, dict):
        raise ScenarioError("", f"must be a mapping of keys, got {type(data).__name__}", source)
    if "version" not in data:
        raise ScenarioError("version", "missing; start the file with `version: 1`", source)
    return data


class BaseLookup(Protocol):
    """Where ``base:`` names are looked up; the caller decides (files, saved texts, both)."""

    def find(self, name: str) -> tuple[str, dict[str, Any]] | None:
        """(where it came from, raw data) of the scenario called ``name``, or None."""
        ...

    def names(self) -> list[str]:
        """Every name ``find`` knows, for "did you mean" hints."""
        ...


class _NoBases:
    def find(self, name: str) -> tuple[str, dict[str, Any]] | None:
        return None

    def names(self) -> list[str]:
        return []


def resolve(data: Mapping[str, Any], *, source: str, bases: BaseLookup | None) -> dict[str, Any]:
    """``data`` merged over its chain of bases, each base validated on its own first.

    A missing base or a cycle (a -> b -> a) is an error on the ``base`` field, never a loop.
    """
    return _resolve(data, source, bases or _NoBases(), ())


def _resolve(
    data: Mapping[str, Any],
    source: str,
    bases: BaseLookup,
    seen: tuple[str, ...],
) -> dict[str, Any]:
    name = str(data.get("name", ""))
    base = data.get("base")
    if base is None or not isinstance(base, str):
        return dict(data)  # a wrong type is reported by Scenario.from_dict
    chain = (*seen, name)
    if base in chain:
        cycle = " -> ".join((*chain[chain.index(base) :], base))
        raise ScenarioError("base", f"scenarios form a cycle: {cycle}", source)
    base_entry = bases.find(base)
    if base_entry is None:
        known = bases.names()
        hint = did_you_mean(base, known)
        listed = f" (known: {', '.join(known)})" if known else ""
        raise ScenarioError("base", f"no scenario named {base!r}{hint}{listed}", source)
    base_source, base_data = base_entry
    merged_base = _resolve(base_data, base_source, bases, chain)
    Scenario.from_dict(merged_base, source=base_source)
    Scenario.from_dict(data, source=source)  # the child's own faults, with its own file name
    return merge(merged_base, data)


def load_data(data: Mapping[str, Any], *, source: str, bases: BaseLookup | None = None) -> Scenario:
    return Scenario.from_dict(resolve(data, source=source, bases=bases), source=source)


def load_text(text: str, *, source: str, bases: BaseLookup | None = None) -> Scenario:
    return load_data(parse_text(text, source=source), source=source, bases=bases)


def dump(scenario: Scenario | Mapping[str, Any]) -> str:
    """YAML text of a scenario (or of plain scenario data), keys in file order."""
    data = scenario.to_dict() if isinstance(scenario, Scenario) else dict(scenario)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def json_schema_text() -> str:
    """The schema as committed in docs/scenario.schema.json (``territoires schema`` prints it)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "MAX_FILE_BYTES",
    "BaseLookup",
    "ScenarioErrors",
    "dump",
    "json_schema",
    "json_schema_text",
    "load_data",
    "load_text",
    "parse_text",
    "resolve",
]
