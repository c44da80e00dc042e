import csv
import io
import json
from pathlib import Path

import matplotlib.image
import pytest

from cli import main
from cli.scenarios import FORMAT_ONLY
from tests.cli.helpers import ANNOUNCED, PUSH, ROOT, SCENARIOS, write


def test_validate_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out.splitlines()
    verdicts = [line for line in out if not line.startswith("    ")]  # levers are indented
    assert len(verdicts) == len(files)
    assert all(line.startswith(f"{FORMAT_ONLY}  ") for line in verdicts)


def test_validate_reports_every_problem_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        tmp_path,
        "bad.yaml",
        "version: 1\nconstraints:\n  fragile_share_min: 1.4\n  fragile_shares: 0.2\n",
    )
    assert main(["validate", bad, str(tmp_path / "missing.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{bad}: constraints.fragile_shares: unknown key 'fragile_shares'; did you mean "
        "'fragile_share_min'? (allowed: fragile_share_min, decarbonisation_share_min, "
        "max_aid_intensity, min_spend_share, regions, fragile_project_share_min, departments, "
        "territories, sectors)",
        f"{bad}: constraints.fragile_share_min: must be between 0 and 1, got 1.4",
        f"{tmp_path / 'missing.yaml'}: no such file",
    ]


def test_validate_says_which_projects_compete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        write(tmp_path, f"{origin}.yaml", f"version: 1\nname: {origin}\nprojects: {{{body}}}\n")
        for origin, body in (("laureates", "origin: laureates"), ("both", "phase: 1"))
    ]
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{FORMAT_ONLY}  {files[0]}: laureates; competing: laureates only",
        f"{FORMAT_ONLY}  {files[1]}: both; competing: laureates and generated candidates",
    ]


def test_validate_lists_the_levers_a_scenario_pulls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = """version: 2
name: levers
objective: {weights: {jobs_created: 1, co2_avoided_t: 0.5, leverage: 0}}
constraints:
  fragile_project_share_min: 0.69
  departments: {"59": {min_eur: 1_000_000, max_eur: 20_000_000}}
  territories: {"p1-ti-0101": {max_eur: 5_000_000}}
  sectors: {Chimie: 0.15}
co_funding: {contributions: {"84": 25_000_000}, matching: {rule: follows, rate: 0.5}}
rounds:
  - {date: 2021-04-01, release_share: 0.4, reserve_share: 0.25}
  - {date: 2022-04-01, release_eur: 240_000_000}
controls: {lock_awards: true, awards_until: 2021-06-30, force_in: [12, 15], force_out: [3]}
"""
    plain = write(tmp_path, "plain.yaml", "version: 2\nname: plain\n")
    levers = write(tmp_path, "levers.yaml", text)
    assert main(["validate", plain, levers]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{FORMAT_ONLY}  {plain}: plain; competing: laureates and generated candidates",
        f"{FORMAT_ONLY}  {levers}: levers; competing: laureates and generated candidates",
        "    objective weights: jobs created 1, tCO2e avoided a year 0.5",
        "    fragile projects: at least 69% of those funded",
        "    departments: 59 at least 1.0 M EUR and at most 20.0 M EUR",
        "    territories: p1-ti-0101 at most 5.0 M EUR",
        "    sector floors (share of euros spent): Chimie 15%",
        "    co-funding: 84 25.0 M EUR; at most 0.5 regional euros per State euro",
        # 0.4 * 400 M EUR = 160 M EUR, then 240 M EUR: the whole budget
        "    rounds: 2021-04-01 releases 160.0 M EUR (keeps 25% in reserve); 2022-04-01 releases "
        "240.0 M EUR",
        "    controls: awards recorded by 2021-06-30 locked; forced in: 12, 15; forced out: 3",
    ]


def test_validate_names_a_bad_origin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "bad.yaml", "version: 1\nprojects:\n  origin: laureate\n")
    assert main(["validate", bad]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"territoires: {bad}: projects.origin: must be one of laureates, generated, both, got "
        "'laureate'; did you mean 'laureates'?"
    ]


def test_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "scenario.schema.json").read_text()


def test_run_table(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", ANNOUNCED]) == 0
    out = capsys.readouterr().out
    assert "status: optimal" in out
    assert "By region" in out and "Auvergne-Rhône-Alpes" in out
    assert "expectations hold" in out


def test_run_json_and_csv(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", ANNOUNCED, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["scenario"]["name"] == "france-relance-2020"
    assert payload["result"]["status"] == "optimal"
    assert payload["expectations"] == []
    output = tmp_path / "allocation.csv"
    assert main(["run", ANNOUNCED, "--format", "csv", "--output", str(output)]) == 0
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    assert sum(int(row["allocated_eur"]) for row in rows) == payload["result"]["spent_eur"]
    assert len(rows) == payload["result"]["projects_funded"]
    assert "state_eur" not in rows[0] and "regional_eur" not in rows[0]  # no region contributes


def test_run_check_fails_when_an_expectation_moves(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path(ANNOUNCED).read_text()
    wrong = write(
        tmp_path,
        "wrong.yaml",
        text.split("expect:")[0] + "expect:\n  jobs: {value: 1, abs_tol: 0.5}\n",
    )
    assert main(["run", wrong, "--check"]) == 1
    assert f"{wrong}: expect.jobs: expected 1 ± 0.5, got" in capsys.readouterr().err


def test_compare_table_csv_and_plot(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot = tmp_path / "out.png"
    assert main(["compare", ANNOUNCED, PUSH, "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "constraints.decarbonisation_share_min" in out
    assert "Outcomes (deltas against france-relance-2020)" in out
    assert matplotlib.image.imread(plot).shape[:2] == (900, 1400)
    assert main(["compare", ANNOUNCED, PUSH, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][3:] == [
        "france-relance-2020",
        "decarbonisation-push",
        "delta decarbonisation-push vs france-relance-2020",
    ]
    assert any(row[0] == "region allocated" for row in rows)
