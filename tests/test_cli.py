import asyncio
import csv
import glob
import io
import json
import shlex
from pathlib import Path

import matplotlib.image
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from cli import build_parser, main
from models.db import backend, make_engine
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


MINE = """\
version: 1
name: mine
title: Mine
base: france-relance-2020
constraints: {fragile_share_min: 0.75}
"""
MORE = "version: 1\nname: mine-more\nbase: mine\nbudget_eur: 500_000_000\n"


def test_import_list_export_round_trip(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine, more = write(tmp_path, "mine.yaml", MINE), write(tmp_path, "more.yaml", MORE)
    assert main(["import", more, mine]) == 0  # the base is saved first
    assert capsys.readouterr().out.splitlines() == [
        f"imported {mine} as mine (version 1)",
        f"imported {more} as mine-more (version 1)",
    ]
    changed = write(tmp_path, "mine.yaml", MINE.replace("0.75", "0.8"))
    assert main(["import", changed]) == 2
    assert "already saved (version 1); pass --replace" in capsys.readouterr().err
    assert main(["import", changed, "--replace"]) == 0
    assert "(version 2)" in capsys.readouterr().out
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "mine-more" in listing and "mine " in listing
    out = tmp_path / "out"
    assert main(["export", "--all", "--dir", str(out)]) == 0  # the folder is made
    assert (out / "mine.yaml").read_text() == MINE.replace("0.75", "0.8")
    assert main(["export", "mine", "--dir", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["export", "nope", "--dir", str(out)]) == 2
    assert "no saved scenario named nope" in capsys.readouterr().err


def test_import_refuses_a_shipped_name(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (["import", ANNOUNCED], ["import", ANNOUNCED, "--replace"]):
        assert main(args) == 2
        assert (
            f"{ANNOUNCED}: name: 'france-relance-2020' is a shipped scenario: pick another name"
            in capsys.readouterr().err
        )
    renamed = write(tmp_path, "renamed.yaml", Path(PUSH).read_text())  # the name inside counts
    assert main(["import", renamed]) == 2
    assert "'decarbonisation-push' is a shipped scenario" in capsys.readouterr().err
    assert main(["list"]) == 0
    assert "france-relance-2020" not in capsys.readouterr().out


def test_import_of_a_child_without_its_base_saves_nothing(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orphan = write(tmp_path, "orphan.yaml", MORE)
    assert main(["import", orphan]) == 2
    assert "base: no scenario named 'mine'" in capsys.readouterr().err
    assert main(["list"]) == 0
    assert "mine-more" not in capsys.readouterr().out


def readme_commands(needle: str) -> list[list[str]]:
    """The `territoires` commands of the README line that contains ``needle``."""
    (line,) = [line for line in (ROOT / "README.md").read_text().splitlines() if needle in line]
    commands = []
    for part in line.split("#")[0].split("&&"):
        program, *args = shlex.split(part)
        assert program == ".venv/bin/territoires"
        commands.append(args)
    return commands


def test_readme_export_import_example_works(
    database: str,
    seeded_db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mine, more = write(tmp_path, "mine.yaml", MINE), write(tmp_path, "more.yaml", MORE)
    assert main(["import", mine, more]) == 0
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    export, import_ = readme_commands("export --all --dir saved/")
    assert export[:2] == ["export", "--all"] and import_[0] == "import"

    def expand(args: list[str]) -> list[str]:  # what the shell does with saved/*.yaml
        return [p for a in args for p in (sorted(glob.glob(a)) if "*" in a else [a])]

    assert main(expand(export)) == 0
    assert sorted(p.name for p in (work / "saved").iterdir()) == ["mine-more.yaml", "mine.yaml"]
    capsys.readouterr()
    assert main(expand(import_)) == 0  # into the same database: nothing changes
    assert capsys.readouterr().out.splitlines() == [
        "unchanged mine (version 1): saved/mine.yaml is the saved text",
        "unchanged mine-more (version 1): saved/mine-more.yaml is the saved text",
    ]
    # Into another database, the exported files (based on a shipped scenario) are saved.
    monkeypatch.setenv("DATABASE_URL", copy_database(seeded_db_url, tmp_path / "other.db"))
    assert main(expand(import_)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "imported saved/mine.yaml as mine (version 1)",
        "imported saved/mine-more.yaml as mine-more (version 1)",
    ]
    assert "saved/" in (ROOT / ".gitignore").read_text().splitlines()


READS = [
    pytest.param(["list"], id="list"),
    pytest.param(["export", "--all", "--dir", "out"], id="export"),
    pytest.param(["run", ANNOUNCED], id="run"),
    pytest.param(["compare", ANNOUNCED, PUSH], id="compare"),
    pytest.param(["curve", ANNOUNCED, "--parameter", "budget_eur", "--values", "1e8"], id="curve"),
    pytest.param(["validate", "--run", ANNOUNCED], id="validate-run"),
]


@pytest.mark.parametrize("args", READS)
def test_reads_never_create_tables(
    args: list[str],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if backend(db_url) == "sqlite":
        database = make_url(db_url).database
        assert database is not None
        Path(database).touch()  # an empty database file, as a DBA might hand over
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert "is not set up (no schema): run `territoires db setup` first" in capsys.readouterr().err
    assert asyncio.run(table_names(db_url)) == []


def test_reads_do_not_create_a_missing_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert f"no database file {missing}: run `territoires db setup` first" in err
    assert not missing.exists()


async def table_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()


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
