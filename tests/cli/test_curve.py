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
        pytest.param(["1.5"], "fragile_share_min must be between 0 and 1, got 1.5", id="range"),
    ],
)
def test_curve_values_are_checked_before_solving(
    values: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["curve", ANNOUNCED, "--parameter", "fragile_share_min", "--values", *values]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_curve_csv(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["curve", ANNOUNCED, "--parameter", "fragile_share_min", "--values", "0.5:0.9:0.2"]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(row["fragile_share_min"]) for row in rows] == [0.5, 0.7, 0.9]
    jobs = [float(row["jobs"]) for row in rows]
    assert jobs == sorted(jobs, reverse=True)  # a higher floor never creates jobs
