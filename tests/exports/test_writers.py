"""The workbook and the CSV file of the hand-solved tables (tests/exports/test_tables.py), read
back as a spreadsheet reads them."""

from __future__ import annotations

import io

import openpyxl
import pytest

from exports.cells import Column, Table, Typed
from exports.csvfile import csv_bytes, number_text
from exports.tables import SHEETS, comparison_tables, result_tables
from exports.workbook import workbook_bytes
from simulation.compare import compare
from simulation.solve import solve
from tests.exports.conftest import french_number, sections
from tests.exports.test_tables import NAMES, PROJECTS, STAMP, M, scenario


def hand_tables(lang: str = "fr") -> list[Table]:
    sc = scenario()
    return result_tables(sc, solve(sc, PROJECTS), PROJECTS, NAMES, STAMP, lang)  # type: ignore[arg-type]


def test_workbook_has_one_sheet_per_table_typed_frozen_and_sized() -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(hand_tables())))
    fr = SHEETS["fr"]
    assert book.sheetnames == [
        fr["summary"],
        fr["constraints"],
        fr["regions"],
        fr["territories"],
        fr["projects"],
    ]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= 8
    summary = {row[0].value: row[1] for row in book["Synthèse"].iter_rows(min_row=2)}
    spent = summary["Aide publique engagée (€)"]
    assert spent.value == 15 * M and spent.data_type == "n"
    assert spent.number_format == "#,##0"
    share = summary["Part des euros en territoire fragile"]
    assert share.value == pytest.approx(5 / 15) and share.number_format == "0.0%"
    jobs = summary["Emplois créés"]
    assert jobs.value == pytest.approx(125.0) and jobs.number_format == "#,##0.0"
    funded = book["Projets financés"]
    headers = [cell.value for cell in funded[1]]
    allocated = funded.cell(row=2, column=headers.index("Aide attribuée (€)") + 1)
    assert allocated.value == 10 * M and isinstance(allocated.value, int)
    why = headers.index("Pourquoi financé (texte du moteur, en anglais)") + 1
    letter = openpyxl.utils.get_column_letter(why)
    # long explanations: the widest column (Excel stores a width with its padding: 60.7...)
    assert funded.column_dimensions[letter].width == pytest.approx(60, abs=1)


def test_a_text_that_looks_like_a_formula_stays_text() -> None:
    table = Table("T", (Column("a"),), [("=1+1",), ("+5,0 emplois",)])
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([table])))
    cells = [row[0] for row in book["T"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [("=1+1", "s"), ("+5,0 emplois", "s")]
    text = csv_bytes([table], "fr").decode("utf-8-sig")
    assert "'=1+1" in text and "'+5,0 emplois" in text


def test_csv_for_excel_in_french_settings() -> None:
    body = csv_bytes(hand_tables(), "fr")
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") == body.count(b"\n")  # every line ends with CRLF
    found = sections(body)
    assert list(found) == [
        "Synthèse",
        "Contraintes",
        "Régions",
        "Territoires",
        "Projets financés",
    ]
    values = {row[0]: row[1] for row in found["Synthèse"][1:]}
    assert values["Aide publique engagée (€)"] == "15000000"  # no thousands separator
    assert french_number(values["Part des euros en territoire fragile"]) == pytest.approx(5 / 15)
    assert french_number(values["Emplois créés"]) == pytest.approx(125.0)
    header, *rows = found["Régions"]
    region = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert int(region["84"]["Aide attribuée (€)"]) == 10 * M


def test_csv_in_english_writes_a_decimal_point() -> None:
    found = sections(csv_bytes(hand_tables("en"), "en"))
    values = {row[0]: row[1] for row in found["Summary"][1:]}
    assert float(values["Share of euros in fragile territories"]) == pytest.approx(5 / 15)
    assert "," not in values["Share of euros in fragile territories"]


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (12207, "12207", "12207"),
        (0.69, "0,69", "0.69"),
        (1e-7, "0,0000001", "0.0000001"),  # never 1e-07
        (400000000.0, "400000000", "400000000"),
        (-57.5, "-57,5", "-57.5"),
    ],
)
def test_numbers_keep_every_digit_and_the_decimal_mark(value: float, fr: str, en: str) -> None:
    assert (number_text(value, "fr"), number_text(value, "en")) == (fr, en)


def test_an_empty_table_still_has_its_header_and_a_typed_cell_its_kind() -> None:
    table = Table("Vide", (Column("x", "euros"), Column("y")), [])
    mixed = Table("Mixte", (Column("v"),), [(Typed(0.5, "share"),), (Typed(None, "euros"),)])
    found = sections(csv_bytes([table, mixed], "fr"))
    assert found == {"Vide": [["x", "y"]], "Mixte": [["v"], ["0,5"], [""]]}
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([table, mixed])))
    assert [c.value for c in book["Vide"][1]] == ["x", "y"]
    assert book["Mixte"]["A2"].number_format == "0.0%"


def test_a_float_in_the_csv_has_twelve_significant_digits_the_workbook_all() -> None:
    noisy = 0.1 + 0.06  # 0.16000000000000003
    assert (number_text(noisy, "fr"), number_text(noisy, "en")) == ("0,16", "0.16")
    assert number_text(1 / 3, "fr") == "0,333333333333"
    assert number_text(12345.678901234567, "en") == "12345.6789012"
    assert number_text(1.5e-20, "en") == "0.000000000000000000015"  # never 1.5e-20
    table = Table("T", (Column("x", "decimal"),), [(noisy,)])
    assert sections(csv_bytes([table], "fr"))["T"] == [["x"], ["0,16"]]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([table])))
    assert book["T"]["A2"].value == noisy  # every bit of the float


def test_project_ids_show_without_separator_and_region_codes_stay_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(hand_tables())))
    funded = book["Projets financés"]
    assert (funded["A2"].value, funded["A2"].number_format) == (1, "0")  # never "1 234"
    regions = {row[0].value: row[0] for row in book["Régions"].iter_rows(min_row=2)}
    assert regions["84"].data_type == "s"  # a code, not the number 84
    ids = Table("T", (Column("id", "id"),), [(1234,)])
    assert sections(csv_bytes([ids], "fr"))["T"] == [["id"], ["1234"]]
    assert openpyxl.load_workbook(io.BytesIO(workbook_bytes([ids])))["T"]["A2"].number_format == "0"


def test_a_compared_share_input_has_the_percent_format() -> None:
    low = scenario(15, "low")
    high = scenario(15, "high", fragile_share_min=0.69)
    tables = comparison_tables(
        compare([(low, solve(low, PROJECTS)), (high, solve(high, PROJECTS))]), NAMES
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(tables)))
    cells = {row[0].value: row for row in book["Entrées"].iter_rows(min_row=2)}
    floor = cells["constraints.fragile_share_min"][2]
    assert (floor.value, floor.number_format) == (0.69, "0.0%")  # 69,0 %, not "0,7"
    assert sections(csv_bytes(tables, "fr"))["Entrées"][1] == [
        "constraints.fragile_share_min",
        "0",
        "0,69",
    ]
