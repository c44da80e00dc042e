"""Where each input of a resolved scenario comes from: itself, a base along its chain, or the
format's default.

``merge`` applies a child over its base (mappings key by key, anything else replaces, ``null``
back to the default); ``written_by`` replays those rules along the chain, keeping for every
input path the name of the scenario that wrote it last.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simulation.scenario import NOT_INHERITED

Layer = tuple[str, Mapping[str, Any]]  # a scenario's name and its own data (as written)


def chain(data: Mapping[str, Any], find: Callable[[str], Mapping[str, Any] | None]) -> list[Layer]:
    """The scenario's own data, then each base's, nearest first, as ``find`` gives them by name.

    Resolution has already refused a missing base or a cycle; here either just ends the chain.
    """
    layers: list[Layer] = []
    seen: set[str] = set()
    current: Mapping[str, Any] | None = data
    while current is not None:
        name = str(current.get("name", ""))
        if name in seen:
            break
        seen.add(name)
        layers.append((name, current))
        base = current.get("base")
        current = find(base) if isinstance(base, str) else None
    return layers


def written_by(layers: Sequence[Layer]) -> dict[str, str]:
    """Dotted input path -> name of the scenario that wrote it last (``chain`` order in).

    A ``null`` is recorded at its own path ("constraints" for ``constraints: null``): it wrote
    the defaults back for everything below it.
    """
    written: dict[str, str] = {}
    for name, data in reversed(layers):
        own = {key: value for key, value in data.items() if key not in (*NOT_INHERITED, "version")}
        _write(written, "", own, name)
    return written


def set_in(written: Mapping[str, str], path: str) -> str | None:
    """Who wrote ``path`` (or the nearest mapping above it, for a ``null``); None: nobody, the
    value is the format's default."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        writer = written.get(".".join(parts[:end]))
        if writer is not None:
            return writer
    return None


def _write(written: dict[str, str], prefix: str, data: Mapping[Any, Any], name: str) -> None:
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            written.pop(path, None)  # a mapping merges with a mapping below, replaces the rest
            _write(written, path, value, name)
        else:
            for below in [p for p in written if p.startswith(f"{path}.")]:
                del written[below]
            written[path] = name
