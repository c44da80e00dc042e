from __future__ import annotations

import csv
from pathlib import Path

from data.estimate_checks import FIRST_REVIEW, calibration, held_out, report
from data.estimates import FIGURES, MARCH_2021, estimate
from tests.conftest import REAL_DATA, needs_real_data
from tests.data.test_estimates import STATED, real_laureates


@needs_real_data
def test_calibration_table_covers_every_published_figure() -> None:
    laureates = real_laureates()
    rows = calibration(estimate(laureates), laureates)
    compared = {(row.point, row.figure) for row in rows}
    for figure in ("investment_eur", "aid_requested_eur", "jobs_created", "jobs_kept"):
        assert ("March 2021", figure) in compared
    for figure in ("investment_eur", "aid_requested_eur", "jobs_created"):
        assert ("first review", figure) in compared
    assert ("first review", "aid / investment %") in compared
    for row in rows:
        if row.role == "scope":
            assert row.after == len(laureates)
        elif row.role == "target":
            assert abs(row.gap) < 0.01, row
        else:  # out of sample: within the spread of the two published points themselves
            assert abs(row.gap) < 0.5, row


@needs_real_data
def test_published_constants_are_those_of_the_key_figures_file() -> None:
    with (REAL_DATA / "france_relance_ti_key_figures.csv").open(encoding="utf-8") as file:
        published = {row["figure"]: float(row["value"]) for row in csv.DictReader(file)}
    assert {
        "projects": published["projets_soutenus_mars_2021"],
        "investment_eur": published["investissements_acceleres_mars_2021"] * 1e6,
        "aid_requested_eur": published["subventions_mobilisees_mars_2021"] * 1e6,
        "jobs_created": published["emplois_directs_a_creer_mars_2021"],
        "jobs_kept": published["emplois_directs_confortes_mars_2021"],
    } == MARCH_2021
    assert FIRST_REVIEW["projects"] == published["premier_bilan_projets_soutenus"]
    assert FIRST_REVIEW["investment_eur"] == published["premier_bilan_investissement_total"] * 1e6


@needs_real_data
def test_held_out_coverage_is_near_80_percent_and_the_model_beats_the_median() -> None:
    for row in held_out(real_laureates()):
        assert row.rows == STATED[row.figure]
        assert 0.65 <= row.coverage <= 0.95, row
        assert row.error < row.baseline_error, row


@needs_real_data
def test_estimates_and_held_out_are_deterministic() -> None:
    laureates = real_laureates()
    first, second = estimate(laureates), estimate(list(laureates))
    for figure in FIGURES:
        for field in ("value", "source", "low", "high"):
            assert (getattr(first[figure], field) == getattr(second[figure], field)).all()
    assert held_out(laureates) == held_out(laureates)


@needs_real_data
def test_report_prints_the_three_tables() -> None:
    text = report(real_laureates())
    for heading in ("fit (", "held out (", "calibration: "):
        assert heading in text
    assert "first review" in text and "March 2021" in text


@needs_real_data
def test_the_printed_blocks_of_docs_data_md_are_what_the_command_prints() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "data.md").read_text(encoding="utf-8")
    start = docs.index("## 3. Real laureates: estimated figures")
    section = docs[start : docs.index("\n## ", start + 1)]
    blocks, block, fence = [], [], None  # the plain ``` blocks (not ```sh) hold printed text
    for line in section.splitlines():
        if line.startswith("```"):
            if fence is None:
                fence, block = line, []
            else:
                if fence == "```":
                    blocks.append("\n".join(block))
                fence = None
        elif fence is not None:
            block.append(line)
    assert len(blocks) == 3
    printed = report(real_laureates())
    for block in blocks:
        assert block in printed
    # The held-out and calibration tables: every number after the first two cells is printed.
    words = set(printed.replace("%", " %").split())
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    checked = 0
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")][2:]
        numbers = [
            c.removesuffix(" %").removeprefix("+") for c in cells if c and c[0] in "+-0123456789"
        ]
        if cells and cells[0][:1].isdigit() and not cells[0].endswith("×"):
            assert all(number in words for number in numbers), row
            checked += 1
    assert checked == 16  # 3 held-out rows and 13 calibration rows
