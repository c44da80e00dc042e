"""Scenario files on disk: the shipped folder read as a store of scenarios, atomic writes.

The engine (simulation.files) parses, resolves and dumps plain text; this module is where the
files are read (with a cache while a file is unchanged) and written.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulation.files import MAX_FILE_BYTES, dump, load_data, parse_text
from simulation.scenario import NAME_PATTERN, Scenario, ScenarioError

SUFFIXES = (".yaml", ".yml")


def read_data(path: Path) -> dict[str, Any]:
    """The raw mapping of one file; its name defaults to the file name without suffix."""
    try:
        stat = path.stat()
    except OSError as error:
        raise ScenarioError("", f"cannot read: {error.strerror or error}", str(path)) from None
    # Parsing YAML is slow in pure Python: reuse a parse while the file is unchanged.
    return copy.deepcopy(_read_unchanged(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=256)
def _read_unchanged(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    source = str(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ScenarioError("", f"cannot read: {error.strerror or error}", source) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError("", f"file is larger than {MAX_FILE_BYTES // 1024} KiB", source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError("", f"not UTF-8 text (byte {error.start})", source) from None
    data = parse_text(text, source=source)
    data.setdefault("name", path.stem)
    return data


class Bases:
    """Where ``base:`` names are looked up: the scenario files of a folder (``<name>.yaml``
    first, then the ``name:`` written inside any file) and YAML texts by name (saved scenarios).

    A lookup for simulation.files.resolve (``find`` and ``names``)."""

    def __init__(self, folder: Path | None = None, texts: Mapping[str, str] | None = None) -> None:
        self.folder = folder
        self.texts = dict(texts or {})
        self._index: dict[str, tuple[str, dict[str, Any]]] | None = None

    def find(self, name: str) -> tuple[str, dict[str, Any]] | None:
        """(where it came from, raw data) of the scenario called ``name``, or None."""
        if not re.fullmatch(NAME_PATTERN, name):
            return None  # never a path: "../x" or 10,000 characters must not reach the disk
        if self.folder is not None:
            for suffix in SUFFIXES:
                path = self.folder / f"{name}{suffix}"
                if path.is_file():
                    data = read_data(path)
                    if data.get("name") == name:
                        return str(path), data
            found = self._folder_index().get(name)
            if found is not None:
                return found
        if name in self.texts:
            source = f"saved scenario {name!r}"
            data = parse_text(self.texts[name], source=source)
            data.setdefault("name", name)
            return source, data
        return None

    def names(self) -> list[str]:
        return sorted({*self._folder_index(), *self.texts})

    def _folder_index(self) -> dict[str, tuple[str, dict[str, Any]]]:
        if self._index is None:
            self._index = {}
            for path in scenario_paths(self.folder) if self.folder is not None else []:
                try:
                    data = read_data(path)
                except ScenarioError:
                    continue  # a broken neighbour is reported when it is itself loaded
                self._index.setdefault(str(data.get("name")), (str(path), data))
        return self._index


def scenario_paths(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
    )


def load_file(path: Path, *, texts: Mapping[str, str] | None = None) -> Scenario:
    """A scenario file resolved over its bases: files beside it, then ``texts`` by name."""
    bases = Bases(path.parent, texts)
    return load_data(read_data(path), source=str(path), bases=bases)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` so that readers see the old file or the
    new one, never half of it: a temporary file in the same folder, then a rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_file(scenario: Scenario, path: Path) -> None:
    write_atomic(path, dump(scenario))


def check_all(paths: list[Path]) -> list[ScenarioError]:
    """Every problem in ``paths`` (each file resolved over its bases)."""
    problems: list[ScenarioError] = []
    for path in paths:
        try:
            load_file(path)
        except ScenarioError as error:
            problems.extend(error.errors)
    return problems
