"""`run --export` and `compare --export`: the file by its suffix, refused before any solve
otherwise, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from cli import main
from tests.cli.helpers import ANNOUNCED, PUSH, SCENARIOS

INFEASIBLE = str(SCENARIOS / "infeasible-corsica-floor.yaml")


@pytest.mark.parametrize("name", ["result.pdf", "result", "result.xlsx.txt"])
def test_a_file_name_without_xlsx_or_csv_is_refused_naming_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["run", ANNOUNCED, "--export", str(tmp_path / name)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--export" in err and "give a .xlsx or .csv file name" in err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused_before_any_solve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["compare", ANNOUNCED, PUSH, "--export", str(tmp_path / "nope" / "c.csv")])
    assert stopped.value.code == 2
    assert "does not exist" in capsys.readouterr().err


def test_run_export_writes_a_workbook_with_the_run_figures(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = out / "announced.xlsx"
    assert main(["run", ANNOUNCED, "--format", "json", "--export", str(path)]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)["result"]
    assert f"wrote {path}" in captured.err
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Synthèse",
        "Contraintes",
        "Régions",
        "Territoires",
        "Projets financés",
    ]
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary["Emplois créés"] == pytest.approx(result["jobs"], rel=1e-12)
    assert summary["Aide publique engagée (€)"] == result["spent_eur"]
    funded = book["Projets financés"].max_row - 1
    assert funded == result["projects_funded"] == len(result["allocation"])
    assert [p.name for p in out.iterdir()] == ["announced.xlsx"]  # no temporary left


def test_an_infeasible_run_exports_a_csv_that_says_so_in_english(
    database: str, tmp_path: Path
) -> None:
    path = tmp_path / "corsica.csv"
    assert main(["run", INFEASIBLE, "--export", str(path), "--lang", "en"]) == 0
    body = path.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Summary"]
    summary = {row[0]: row[1] for row in rows[2:] if len(row) == 2}
    assert summary["Status"] == "infeasible: no allocation meets every constraint"
    conflicts = rows.index(["Conflicts"])
    assert "region_94_min" in [row[0] for row in rows[conflicts + 2 :] if row]


def test_compare_export_writes_the_comparison_csv(database: str, tmp_path: Path) -> None:
    path = tmp_path / "compare.csv"
    assert main(["compare", ANNOUNCED, PUSH, "--export", str(path)]) == 0
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Indicateurs"]
    assert rows[1][:4] == ["Indicateur", "Unité", "france-relance-2020", "decarbonisation-push"]
    assert {"Entrées", "Régions", "Projets"} <= {row[0] for row in rows if len(row) == 1}


@pytest.mark.parametrize("where", ["building", "writing"])
def test_a_failure_while_exporting_leaves_no_file(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    import exports.workbook
    import models.scenario_files

    def broken(*args: object) -> bytes:
        raise OSError("disk full")

    if where == "building":
        monkeypatch.setattr(exports.workbook, "workbook_bytes", broken)
    else:  # the temporary file is written, then the disk fills before the rename
        monkeypatch.setattr(models.scenario_files.os, "fsync", broken)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["run", ANNOUNCED, "--export", str(out / "announced.xlsx")]) == 1
    assert list(out.iterdir()) == []


def test_the_readme_export_commands_work(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli.helpers import ROOT
    from tests.cli.test_saved import readme_commands

    monkeypatch.chdir(tmp_path)
    for needle in ("--export resultat.xlsx", "--export comparaison.csv"):
        (args,) = readme_commands(needle)
        # the shipped files as the README names them from the project's folder
        args = [str(ROOT / a) if a.startswith("scenarios/") else a for a in args]
        assert main(args) == 0
    assert openpyxl.load_workbook(tmp_path / "resultat.xlsx").sheetnames[0] == "Synthèse"
    text = (tmp_path / "comparaison.csv").read_bytes().decode("utf-8-sig")
    assert text.startswith("Outcomes\r\n")
