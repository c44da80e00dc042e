"""What the format allows but the engine refuses (an id, a department or a sector no competing
project has): `validate` says it checked the format only, `validate --run` never says "ok" before
the solve, and every command names the file as the format errors do, exit 2."""

from pathlib import Path

import pytest

from cli import main
from cli.scenarios import FORMAT_ONLY
from tests.cli.helpers import ANNOUNCED, write

BASE = "version: 2\n"
FORCE_IN = BASE + "name: bad-forcein\ncontrols: {force_in: [999999]}\n"
DEPARTMENT = BASE + 'name: bad-dept\nconstraints:\n  departments: {"99": {max_eur: 1_000_000}}\n'
SECTOR = (
    BASE + "name: bad-sector\nconstraints:\n  sectors: {Nouveaux systemes energetiques: 0.05}\n"
)


def test_validate_says_it_checked_the_format_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad-forcein.yaml", FORCE_IN)
    assert main(["validate", path]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"ok (format; --run also checks it against the projects)  {path}: ")


def test_validate_run_names_the_file_and_never_says_ok_for_a_refused_one(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad-forcein.yaml", FORCE_IN)
    assert main(["validate", "--run", bad, ANNOUNCED]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{bad}: controls.force_in[0]: no competing project has id 999999"
    ]
    verdicts = [line for line in captured.out.splitlines() if not line.startswith("    ")]
    # The refused file has no line on stdout; the good one is solved before its "ok".
    assert len(verdicts) == 1
    assert verdicts[0].startswith(f"ok  {ANNOUNCED}: france-relance-2020")
    assert verdicts[0].endswith("expectations hold")
    assert FORMAT_ONLY not in captured.out


@pytest.mark.parametrize(
    ("name", "text", "command", "message"),
    [
        pytest.param(
            "bad-dept.yaml",
            DEPARTMENT,
            ["run"],
            "constraints.departments.99: no competing project is in this department",
            id="run-department",
        ),
        pytest.param(
            "bad-forcein.yaml",
            FORCE_IN,
            ["compare", ANNOUNCED],
            "controls.force_in[0]: no competing project has id 999999",
            id="compare-force-in",
        ),
        pytest.param(
            "bad-sector.yaml",
            SECTOR,
            ["pareto", "--points", "2"],
            "constraints.sectors.Nouveaux systemes energetiques: no competing project is in this "
            "sector",
            id="pareto-sector",
        ),
    ],
)
def test_every_command_names_the_file_the_engine_refuses(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
    command: list[str],
    message: str,
) -> None:
    path = write(tmp_path, name, text)
    verb, *rest = command
    args = [verb, *rest, path] if verb == "compare" else [verb, path, *rest]
    assert main(args) == 2
    # One line, as a format error of one file is told.
    assert capsys.readouterr().err.splitlines()[0].startswith(f"territoires: {path}: {message}")
