"""Bad command lines: exit code 2 (or 1 for a failed run) and one clear line, no traceback."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

from pathlib import Path

import pytest

from cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = str(ROOT / "scenarios" / "france-relance-2020.yaml")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param([], "required", id="no-command"),
        pytest.param(["explode"], "invalid choice", id="unknown-command"),
        pytest.param(["run", SHIPPED, "--time-limit", "abc"], "not a number", id="time-limit-text"),
        pytest.param(["run", SHIPPED, "--time-limit", "-1"], "must be a positive number of seconds", id="time-limit-negative"),
        pytest.param(["run", SHIPPED, "--time-limit", "nan"], "must be a positive number of seconds", id="time-limit-nan"),
        pytest.param(["run", SHIPPED, "--time-limit", "inf"], "must be a positive number of seconds", id="time-limit-inf"),
        pytest.param(["run", SHIPPED, "--format", "xml"], "invalid choice", id="unknown-format"),
        pytest.param(["curve", SHIPPED, "--parameter", "jobs", "--values", "1"], "invalid choice", id="unknown-curve-parameter"),
    ],
)  # fmt: skip
def test_argument_errors(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param(["validate", "missing.yaml"], "no such file", id="missing-file"),
        pytest.param(["validate", "."], "no such file", id="folder-as-file"),
        pytest.param(["curve", SHIPPED, "--parameter", "fragile_share_min", "--values", "1.5"], "between 0 and 1", id="curve-share-above-1"),
        pytest.param(["curve", SHIPPED, "--parameter", "budget_eur", "--values", "nan"], "not a number", id="curve-nan"),
        pytest.param(["curve", SHIPPED, "--parameter", "budget_eur", "--values", "0:inf:1"], "not a number", id="curve-infinite-range"),
        pytest.param(["curve", SHIPPED, "--parameter", "budget_eur", "--values", "0:1:0"], "not a number", id="curve-zero-step"),
        pytest.param(["curve", SHIPPED, "--parameter", "fragile_share_min", "--values", "0:1:0.0000001"], "more than 1000", id="curve-million-points"),
        pytest.param(["curve", SHIPPED, "--parameter", "budget_eur", "--values", "-5"], "positive", id="curve-negative-budget"),
        pytest.param(["compare", SHIPPED, "--plot", "chart.svg"], "png", id="plot-not-png"),
        pytest.param(["export", "--dir", "no/such/folder", "--all"], "run `territoires db setup` first", id="export-missing-folder"),
        pytest.param(["schema", "--output", "no/such/folder/schema.json"], "does not exist", id="output-missing-folder"),
    ],
)  # fmt: skip
def test_bad_input_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: list[str],
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never-created.db'}")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "never-created.db").exists()
    assert list(tmp_path.rglob("*")) == []  # nothing written at all


def test_bad_scenario_file_lists_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\nbudget_eur: -1\nconstraints: {fragile_share_min: 2}\n")
    assert main(["validate", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "budget_eur" in err and "constraints.fragile_share_min" in err


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        pytest.param("TERRITOIRES_PROJECTS", "many", "setting TERRITOIRES_PROJECTS: ", id="projects-text"),
        pytest.param("TERRITOIRES_SOLVER_TIME_LIMIT", "inf", "setting TERRITOIRES_SOLVER_TIME_LIMIT: must be a positive number", id="solver-limit-inf"),
        pytest.param("DATABASE_URL", "mysql://db", "setting DATABASE_URL: must be sqlite:///PATH", id="unsupported-database"),
    ],
)  # fmt: skip
def test_bad_settings_stop_the_cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    words: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["schema"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
