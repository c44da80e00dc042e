"""The layers the folder names promise: storage (models/) and data loading (data/) import each
other in one direction only and have no import circle; the engine (simulation/) imports nothing
of the project; facts such as region names are written in one module.

Imports are read from the source (ast), every one of them: at module level, inside functions
(a lazy import only hides a circle) and under ``if TYPE_CHECKING:`` (a circle there still ties
the two modules together for anyone reading or type-checking them).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = (
    "models",
    "data",
    "simulation",
    "studies",
    "schema",
    "cli",
    "server",
    "settings",
    "apikeys",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(*packages: str) -> dict[str, Path]:
    return {
        module_name(path): path for package in packages for path in (ROOT / package).glob("*.py")
    }


def imported(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports; `from a import b` counts as a.b when that is a module."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                names.add(submodule if submodule in known else source)
    return {name for name in names if name.split(".")[0] in PROJECT}


def import_graph(*packages: str) -> dict[str, set[str]]:
    found = modules(*packages)
    return {name: imported(path, set(found)) & set(found) - {name} for name, path in found.items()}


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None when the graph is acyclic."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return None
        for target in sorted(graph.get(name, ())):
            if circle := visit(target, [*trail, name]):
                return circle
        done.add(name)
        return None

    for name in sorted(graph):
        if circle := visit(name, []):
            return circle
    return None


def test_find_circle_sees_a_circle_and_its_absence() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_models_and_data_have_no_import_circle() -> None:
    graph = import_graph("models", "data")
    assert "data.reference" in graph and "models.geography" in graph
    assert find_circle(graph) is None, " -> ".join(find_circle(graph) or [])


def test_models_never_imports_data() -> None:
    known = set(modules(*PROJECT))
    wrong = {
        name: sorted(n for n in imported(path, known) if n.split(".")[0] == "data")
        for name, path in modules("models").items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_engine_imports_nothing_of_the_project() -> None:
    known = set(modules(*PROJECT))
    wrong = {
        name: sorted(n for n in imported(path, known) if n.split(".")[0] != "simulation")
        for name, path in modules("simulation").items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_studies_stand_on_the_engine_and_the_data_only() -> None:
    """Sweeps and sensitivity (studies/) use the engine, the storage, the data loading and the
    settings; the command line and the API use them, never the other way round."""
    known = set(modules(*PROJECT))
    allowed = {"studies", "simulation", "models", "data", "settings"}
    wrong = {
        name: sorted(n for n in imported(path, known) if n.split(".")[0] not in allowed)
        for name, path in modules("studies").items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


@pytest.mark.parametrize("name", ["Guadeloupe", "Bretagne", "Provence-Alpes-Côte d'Azur"])
def test_region_names_are_written_once(name: str) -> None:
    sources = [
        path.relative_to(ROOT).as_posix()
        for package in PROJECT
        for path in sorted([*ROOT.glob(f"{package}/**/*.py"), *ROOT.glob(f"{package}.py")])
        if name in path.read_text(encoding="utf-8")
    ]
    assert len(sources) == 1, sources
