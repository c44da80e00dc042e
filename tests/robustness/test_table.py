"""docs/robustness.md stays honest: each row names a test that exists and asserts what it says.

Every table of the page with an "answer" and a "test" column is read (new sections included).
A row's answer may quote a message ("...") or a name (`...`); the named test, or the named case
of a parametrised test, must then contain that text, so that the test checks what the row
promises. Text after "..." in a quote is left out (it varies), and so is a parenthesis saying
what the behaviour *was* before a fix: the test cannot assert the old behaviour.
"""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "robustness.md"
TEST = re.compile(r"`(tests/[\w/]+\.py)::((?:\w+::)?\w+)(?:\[([^\]`]+)\])?`")  # Class:: allowed
QUOTED = re.compile(r"`([^`]+)`|\"([^\"]+)\"")
# "(was a 500)", "(was: ...)", "(nan/inf/-1 were accepted)": what the behaviour used to be.
HISTORY = re.compile(r"\((?:[^()\"]|\"[^\"]*\")*\b(?:was|were)\b(?:[^()\"]|\"[^\"]*\")*\)")
# JSON words in the page, Python words in the tests.
SPELLINGS = {"null": "None", "true": "True", "false": "False"}


@dataclass(frozen=True)
class Row:
    line: str
    answer: str
    tests: tuple[tuple[str, str, str], ...]  # (path, function, case or "")


def cells(line: str) -> list[str]:
    """The cells of a Markdown table line; a `|` inside backticks or escaped does not split."""
    found, cell, code = [], "", False
    previous = ""
    for char in line.strip().strip("|"):
        if char == "`":
            code = not code
        if char == "|" and not code and previous != "\\":
            found.append(cell.strip())
            cell = ""
        else:
            cell += char
        previous = char
    return [*found, cell.strip()]


def table_rows(text: str | None = None) -> list[Row]:
    """The rows of every table whose header has an `answer` and a `test` column."""
    lines = (PAGE.read_text(encoding="utf-8") if text is None else text).splitlines()
    rows: list[Row] = []
    header: list[str] | None = None
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            header = None
            continue
        if header is None:
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if re.fullmatch(r"\|?[\s:|-]+\|?", following):
                header = [name.lower() for name in cells(line)]
            continue
        if set(line) <= set("|:- "):  # the separator line under the header
            continue
        if "answer" not in header or "test" not in header:
            continue
        values = cells(line)
        assert len(values) == len(header), f"{len(values)} cells, not {len(header)}: {line}"
        named = dict(zip(header, values, strict=True))
        found = tuple(TEST.findall(named["test"]))
        rows.append(Row(line=line, answer=named["answer"], tests=found))
    return rows


def promises(answer: str) -> list[str]:
    """The texts an answer quotes, as a test can check them: no history, no "..." tail."""
    kept = []
    for code, quote in QUOTED.findall(HISTORY.sub("", answer)):
        text = (code or quote).replace("\\|", "|")
        head = text.split("...", 1)[0].strip(" :,")
        if head:
            kept.append(head)
    return kept


@dataclass(frozen=True)
class Asserted:
    """What a named test asserts with: its source, and its string constants unescaped."""

    source: str
    strings: tuple[str, ...]

    def says(self, text: str) -> bool:
        options = {text, SPELLINGS.get(text, text)}
        return any(o in self.source or any(o in s for s in self.strings) for o in options)


@cache
def module(path: str) -> tuple[str, ast.Module]:
    source = (ROOT / path).read_text(encoding="utf-8")
    return source, ast.parse(source)


def case_values(decorator: ast.expr, case: str) -> list[ast.AST]:
    """The values of parametrize case ``case`` in a decorator: `pytest.param(..., id=case)`,
    or the value at the position of ``case`` in a literal `ids=[...]`."""
    found: list[ast.AST] = []
    for node in ast.walk(decorator):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        named = keywords.get("id")
        if node.func.attr == "param" and isinstance(named, ast.Constant) and named.value == case:
            found.append(node)
        ids, values = keywords.get("ids"), node.args[1] if len(node.args) > 1 else None
        if node.func.attr == "parametrize" and isinstance(ids, ast.List | ast.Tuple):
            names = [i.value if isinstance(i, ast.Constant) else None for i in ids.elts]
            if isinstance(values, ast.List | ast.Tuple) and len(values.elts) == len(names):
                found += [
                    value for value, name in zip(values.elts, names, strict=True) if name == case
                ]
    return found


def named_test(path: str, function: str, case: str) -> Asserted:
    """The named test's body, plus its parametrize decorator: only the named case's
    `pytest.param(...)` when a case is named, all of it otherwise."""
    source, tree = module(path)
    scope: ast.AST = tree
    *classes, function = function.split("::")
    for name in classes:
        found = [n for n in ast.walk(scope) if isinstance(n, ast.ClassDef) and n.name == name]
        assert found, f"{path}::{name} does not exist"
        scope = found[0]
    functions = [
        node
        for node in ast.walk(scope)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
    ]
    assert functions, f"{path}::{function} does not exist"
    node = functions[0]
    parts: list[ast.AST] = [node]
    if case:
        params = [p for d in node.decorator_list for p in case_values(d, case)]
        assert params, f"{path}::{function}[{case}] does not exist"
        parts += params
    else:
        parts += node.decorator_list
    texts = [ast.get_source_segment(source, part) or "" for part in parts]
    strings = tuple(
        sub.value
        for part in parts
        for sub in ast.walk(part)
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
    )
    return Asserted(source="\n".join(texts), strings=strings)


def test_the_table_lists_at_least_40_bad_inputs() -> None:
    assert len(table_rows()) >= 40


def test_every_row_names_a_test_that_exists() -> None:
    for row in table_rows():
        assert row.tests, f"no test named in: {row.line}"
        for path, function, case in row.tests:
            named_test(path, function, case)


def test_every_quoted_answer_is_asserted_by_its_test() -> None:
    missing = []
    for row in table_rows():
        texts = [named_test(*named) for named in row.tests]
        for promise in promises(row.answer):
            if not any(text.says(promise) for text in texts):
                names = ", ".join(f"{f}[{c}]" if c else f for _, f, c in row.tests)
                missing.append(f"{promise!r} is not in {names}")
    assert not missing, "rows whose test does not check what they say:\n" + "\n".join(missing)


# The checker itself, on small pages: it must see what a row promises, and only that.
PAGE_SAMPLE = """\
## Inputs

| surface | bad input | answer | test |
|---|---|---|---|
| body | `a | b` | 400 `BAD_REQUEST` "did you mean '53' (Bretagne)?" (was "boom") | `tests/x.py::t[c]` |

Some prose | with a bar.

## Hostile requests (API transport)

| surface | bad request | answer | test |
| --- | --- | --- | --- |
| header | two keys | `UNAUTHENTICATED` "line 2, column 7: ..."; `null` | `tests/y.py::u`, `tests/z.py::Api::v[k]` |
"""


def test_the_checker_reads_every_table_and_what_each_answer_quotes() -> None:
    rows = table_rows(PAGE_SAMPLE)
    assert [row.tests for row in rows] == [
        (("tests/x.py", "t", "c"),),
        (("tests/y.py", "u", ""), ("tests/z.py", "Api::v", "k")),
    ]
    assert promises(rows[0].answer) == ["BAD_REQUEST", "did you mean '53' (Bretagne)?"]
    assert promises(rows[1].answer) == ["UNAUTHENTICATED", "line 2, column 7", "null"]
    assert cells(rows[0].line)[1] == "`a | b`"


IDS_SAMPLE = """
@pytest.mark.parametrize(("raw", "words"), [(b"1", "one"), (b"2", "two")], ids=["first", "second"])
@pytest.mark.parametrize("mode", [pytest.param("strict", id="strict")])
def test_sample(raw, words, mode):
    assert words in answer(raw)
"""


def test_a_case_is_found_by_pytest_param_or_by_ids() -> None:
    decorators = ast.parse(IDS_SAMPLE).body[0].decorator_list  # type: ignore[attr-defined]
    found = {
        case: [ast.unparse(v) for d in decorators for v in case_values(d, case)]
        for case in ("second", "strict", "third")
    }
    assert found == {
        "second": ["(b'2', 'two')"],
        "strict": ["pytest.param('strict', id='strict')"],
        "third": [],
    }


@pytest.mark.parametrize(
    ("source", "promise", "found"),
    [
        pytest.param('assert "did you mean \'53\' (Bretagne)?" in m', "did you mean '53' (Bretagne)?", True, id="literal"),
        pytest.param('match = "did you mean \'53\'"', "did you mean '53'", True, id="escaped-in-source"),
        pytest.param("assert 'appears' in m and 'twice' in m", "appears twice", False, id="words-apart"),
        pytest.param("assert body['data'] == {'scenario': None}", "null", True, id="json-null"),
        pytest.param("assert codes(body) == ['BAD_REQUEST']", "BAD_USER_INPUT", False, id="other-code"),
    ],
)  # fmt: skip
def test_a_promise_is_found_only_as_written(source: str, promise: str, found: bool) -> None:
    tree = ast.parse(source)
    strings = tuple(
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )
    assert Asserted(source=source, strings=strings).says(promise) is found
