import glob
import shlex
from pathlib import Path

import pytest

from cli import main
from tests.cli.helpers import ANNOUNCED, PUSH, ROOT, write
from tests.conftest import copy_database

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
