import csv
import io
import json
from pathlib import Path

import pytest

from cli import main
from tests.cli.helpers import ANNOUNCED, write


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            ["--x", "jobs_kept", "--y", "jobs_kept"], "--y: must differ from x", id="same"
        ),
        pytest.param(["--points", "1"], "--points: give 2 to 200 points, got 1", id="one"),
        pytest.param(["--points", "201"], "--points: give 2 to 200 points, got 201", id="many"),
    ],
)
def test_bad_input_is_refused_before_solving(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pareto", ANNOUNCED, *options]) == 2
    assert message in capsys.readouterr().err


def test_an_unknown_criterion_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["pareto", ANNOUNCED, "--y", "co2"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--y: invalid choice: 'co2'" in err and "co2_avoided_t" in err


def test_a_missing_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pareto", "nowhere.yaml"]) == 2
    assert "nowhere.yaml: no such file" in capsys.readouterr().err


def test_front_csv_starts_at_the_runs_jobs(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", ANNOUNCED, "--format", "json"]) == 0
    jobs = json.loads(capsys.readouterr().out)["result"]["jobs"]
    assert main(["pareto", ANNOUNCED, "--points", "5", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5
    assert float(rows[0]["jobs_created"]) == pytest.approx(jobs, rel=1e-6)
    proven = [row for row in rows if row["efficient"] == "True"]
    assert proven
    created = [float(row["jobs_created"]) for row in proven]
    co2 = [float(row["co2_avoided_t"]) for row in proven]
    assert created == sorted(created, reverse=True) and co2 == sorted(co2)
    for row in rows:  # every point meets its floor on tCO2e
        assert float(row["co2_avoided_t"]) >= float(row["epsilon"]) * (1 - 1e-9)


def test_front_json_and_text(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pareto", ANNOUNCED, "--x", "co2_avoided_t", "--y", "jobs_kept", "--points", "3"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["x"], data["y"], data["status"]) == ("co2_avoided_t", "jobs_kept", "optimal")
    assert data["units"] == {"co2_avoided_t": "tCO2e/year", "jobs_kept": "jobs"}
    assert len(data["points"]) == 3
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "tCO2e avoided a year against jobs secured" in out
    assert "points proven efficient" in out


def test_front_table_takes_runs_format_name_and_labels_its_columns(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["pareto", ANNOUNCED, "--y", "leverage", "--points", "2"]
    assert main([*args, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert main([*args, "--format", "text"]) == 0  # the former name still works
    rows = [row for row in table.splitlines() if row.startswith(("┃", "│"))]
    again = capsys.readouterr().out.splitlines()
    assert [row for row in again if row.startswith(("┃", "│"))] == rows
    headings = next(row for row in table.splitlines() if row.startswith("┃"))
    cells = [cell.strip() for cell in headings.strip("┃").split("┃")]
    # The criteria's labels; leverage is the investment mobilised, in euros; no floor column.
    assert cells == ["jobs created (jobs)", "investment mobilised (EUR)", "M EUR spent", "status"]
    assert "jobs created against investment mobilised" in table
    body = [row for row in table.splitlines() if row.startswith("│")]
    assert len(body) == 2
    for row in body:  # euros in whole euros, jobs with one decimal
        jobs, invested = (cell.strip() for cell in row.strip("│").split("│")[:2])
        assert invested.replace(",", "").isdigit() and "." in jobs


ROUNDS_FILE = """version: 2
name: two-rounds
projects: {phase: 1}
rounds:
  - {date: 2021-04-01, release_share: 0.25}
  - {date: 2021-10-01, release_share: 0.25}
"""


def test_front_of_a_scenario_with_rounds_says_they_are_not_played(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "rounds.yaml", ROUNDS_FILE)
    note = "review rounds are not played: the front allocates the released budget at once"
    assert main(["pareto", path, "--points", "2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # Half of the default 400 M EUR budget is released: the front spends 200 M EUR at most.
    assert data["note"] == f"{note} (200.0 M EUR)"
    assert max(p["spent_eur"] for p in data["points"]) <= 200_000_000
    assert main(["pareto", path, "--points", "2"]) == 0
    assert f"Note: {note}" in capsys.readouterr().out
    assert main(["pareto", path, "--points", "2", "--format", "csv"]) == 0
    assert f"territoires: {note}" in capsys.readouterr().err
