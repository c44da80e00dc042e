"""docs/robustness.md stays honest: at least 40 bad inputs, each naming a test that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[([\w-]+)\])?`")


def table_rows() -> list[str]:
    text = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    section = text.split("## Inputs", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and "`tests/" in line]


def test_the_table_lists_at_least_40_bad_inputs() -> None:
    assert len(table_rows()) >= 40


def test_every_row_names_a_test_that_exists() -> None:
    for row in table_rows():
        found = TEST.findall(row)
        assert found, f"no test named in: {row}"
        for path, function, case in found:
            source = (ROOT / path).read_text(encoding="utf-8")
            names = {
                node.name
                for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            assert function in names, f"{path}::{function} does not exist"
            if case:
                assert f'id="{case}"' in source, f"{path}::{function}[{case}] does not exist"
