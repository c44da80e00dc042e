import csv
import io

import pytest

from cli import main
from tests.cli.helpers import ANNOUNCED


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param(["x"], "--values x: not a number or a START:STOP:STEP range", id="text"),
        pytest.param(["0.9:0.5:0.1"], "--values 0.9:0.5:0.1: not a number", id="backwards"),
        pytest.param(["1.5"], "--values: shares must be between 0 and 1, got 1.5", id="range"),
    ],
)
def test_curve_values_are_checked_before_solving(
    values: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["curve", ANNOUNCED, "--parameter", "fragile_share_min", "--values", *values]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_budget_values_are_checked_like_a_budget(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["curve", ANNOUNCED, "--parameter", "budget_eur", "--values", "5e6", "1.5", "2e20"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "values[1]: must be a whole number of euros, got 1.5" in err
    assert "values[2]: must be at most 1_000_000_000_000 euros" in err


def test_curve_csv(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["curve", ANNOUNCED, "--parameter", "fragile_share_min", "--values", "0.5:0.9:0.2"]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(row["fragile_share_min"]) for row in rows] == [0.5, 0.7, 0.9]
    jobs = [float(row["jobs"]) for row in rows]
    assert jobs == sorted(jobs, reverse=True)  # a higher floor never creates jobs
