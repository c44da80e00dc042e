"""schema/execution.py overrides graphql-core's field execution: other versions fail at import."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import graphql
import pytest

from schema import execution

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "version",
    [
        pytest.param("3.2.6", id="older-minor"),
        pytest.param("3.3.0a7", id="pre-release"),
        pytest.param("3.3.1", id="older-patch"),
        pytest.param("3.4.0", id="next-minor"),
        pytest.param("4.0.0", id="next-major"),
        pytest.param("unknown", id="unreadable"),
    ],
)
def test_unsupported_versions_are_refused(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphql, "__version__", version)
    with pytest.raises(execution.UnsupportedGraphQLCoreError) as caught:
        execution.check_graphql_core()
    assert f"graphql-core {version} is not supported by schema/execution.py" in str(caught.value)
    assert "install graphql-core>=3.3.2,<3.4," in str(caught.value)


@pytest.mark.parametrize("version", ["3.3.2", "3.3.9"])
def test_supported_versions_pass(version: str) -> None:
    execution.check_graphql_core(version)


def test_the_installed_version_is_supported() -> None:
    execution.check_graphql_core()


def test_import_fails_on_an_unsupported_version() -> None:
    code = "import graphql; graphql.__version__ = '3.2.6'; import schema.execution"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "graphql-core 3.2.6 is not supported by schema/execution.py" in done.stderr


def test_pyproject_pins_the_supported_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if d.startswith("graphql-core")]
    assert pins == ["graphql-core>=3.3.2,<3.4"]
    assert execution.SUPPORTED == ((3, 3, 2), (3, 4))
