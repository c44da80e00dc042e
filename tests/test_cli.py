import csv
import io
import json
from pathlib import Path

import matplotlib.image
import pytest

from cli import build_parser, main
from tests.conftest import copy_database

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ANNOUNCED = str(SCENARIOS / "france-relance-2020.yaml")
PUSH = str(SCENARIOS / "decarbonisation-push.yaml")

COMMANDS = [
    [],
    ["db"],
    ["db", "setup"],
    ["validate"],
    ["run"],
    ["compare"],
    ["curve"],
    ["export"],
    ["import"],
    ["list"],
    ["schema"],
    ["api-key"],
]


@pytest.fixture
def database(seeded_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the seeded database: these commands commit."""
    url = copy_database(seeded_db_url, tmp_path / "cli.db")
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_everywhere(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*command, "--help"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("usage: territoires")


def test_every_command_is_covered_by_the_help_test() -> None:
    subparsers = build_parser()._subparsers
    assert subparsers is not None
    choices = subparsers._group_actions[0].choices  # type: ignore[attr-defined]
    assert {c[0] for c in COMMANDS if c} == set(choices)


def test_validate_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(files)
    assert all(line.startswith("ok  ") for line in out)


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
        "max_aid_intensity, min_spend_share, regions)",
        f"{bad}: constraints.fragile_share_min: must be between 0 and 1, got 1.4",
        f"{tmp_path / 'missing.yaml'}: no such file",
    ]


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", ANNOUNCED, "--format", "xml"])
    assert caught.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "scenario.schema.json").read_text()


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


def test_import_list_export_round_trip(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", PUSH, ANNOUNCED]) == 0  # the base is saved first
    assert capsys.readouterr().out.splitlines() == [
        f"imported {ANNOUNCED} as france-relance-2020 (version 1)",
        f"imported {PUSH} as decarbonisation-push (version 1)",
    ]
    assert main(["import", ANNOUNCED]) == 2
    assert "already saved (version 1); pass --replace" in capsys.readouterr().err
    assert main(["import", ANNOUNCED, "--replace"]) == 0
    assert "(version 2)" in capsys.readouterr().out
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "decarbonisation-push" in listing and "france-relance-2020" in listing
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export", "--all", "--dir", str(out)]) == 0
    exported = out / "france-relance-2020.yaml"
    assert exported.read_text() == Path(ANNOUNCED).read_text()
    assert main(["export", "france-relance-2020", "--dir", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["export", "nope", "--dir", str(out)]) == 2
    assert "no saved scenario named nope" in capsys.readouterr().err


def test_import_of_a_child_without_its_base_saves_nothing(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", PUSH]) == 2
    assert "base: no scenario named 'france-relance-2020'" in capsys.readouterr().err
    assert main(["list"]) == 0
    assert "decarbonisation-push" not in capsys.readouterr().out


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


def test_curve_csv(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["curve", ANNOUNCED, "--parameter", "fragile_share_min", "--values", "0.5:0.9:0.2"]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(row["fragile_share_min"]) for row in rows] == [0.5, 0.7, 0.9]
    jobs = [float(row["jobs"]) for row in rows]
    assert jobs == sorted(jobs, reverse=True)  # a higher floor never creates jobs


def test_api_key_prints_a_key_and_its_hash(capsys: pytest.CaptureFixture[str]) -> None:
    from schema.auth import hash_key

    assert main(["api-key"]) == 0
    printed = dict(
        (label, value.strip())
        for label, _, value in (
            line.partition(":") for line in capsys.readouterr().out.splitlines()
        )
    )
    assert hash_key(printed["key"]) == printed["hash"]
