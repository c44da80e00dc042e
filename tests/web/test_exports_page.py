"""The page's export links, clicked in headless Chromium: the workbook opened with openpyxl and
the CSV split as Excel would in French settings (`;`, UTF-8 with a byte order mark), their
figures checked against the API's answer for the same scenario, in French and in English."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from exports.tables import LABELS, SHEETS
from tests.web.test_dashboard import announced, api

RESULT = """__typename ... on SimulationResult { jobs spentEur
    regions { code allocatedEur } }
    ... on Infeasible { message }"""

Tables = dict[str, list[list[Any]]]


def download(page: Page, selector: str, tmp_path: Path) -> tuple[str, Path]:
    """Clicks the link and keeps the file: its suggested name and where it was saved."""
    with page.expect_download() as event:
        page.click(selector)
    file = event.value
    assert file.failure() is None
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    return file.suggested_filename, path


def workbook_tables(path: Path) -> Tables:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def csv_tables(path: Path) -> Tables:
    """Sections of the CSV: a sheet name alone on a line, the header, the rows, an empty line."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert b"\r\n" in raw
    tables: Tables = {}
    current: list[list[Any]] | None = None
    for row in csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"):
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def number(cell: Any, lang: str) -> float:
    """A workbook's typed number as it is; a CSV field with the decimal mark of `lang`."""
    if isinstance(cell, (int, float)):
        return float(cell)
    text = str(cell)
    assert " " not in text and (lang == "fr" or "," not in text), text  # no thousands separator
    return float(text.replace(",", ".") if lang == "fr" else text)


def summary(tables: Tables, lang: str) -> dict[str, Any]:
    rows = tables[SHEETS[lang]["summary"]]
    return {row[0]: row[1] for row in rows[1:] if row}


def check_result(tables: Tables, expected: dict[str, Any], lang: str) -> None:
    """Jobs, euros spent and every region's allocation as the API gives them."""
    labels = LABELS[lang]
    assert {
        SHEETS[lang][k] for k in ("summary", "constraints", "regions", "territories", "projects")
    } <= tables.keys()
    head = summary(tables, lang)
    assert number(head[labels["jobs"]], lang) == pytest.approx(expected["jobs"], abs=1e-6)
    assert number(head[labels["spent_eur"]], lang) == expected["spentEur"]
    regions = tables[SHEETS[lang]["regions"]]
    header = regions[0]
    code = header.index(labels["code"])
    allocated = header.index(labels["allocated_eur"])
    by_region = {row[code]: number(row[allocated], lang) for row in regions[1:]}
    assert by_region == {r["code"]: r["allocatedEur"] for r in expected["regions"]}
    funded = tables[SHEETS[lang]["projects"]]
    spent = funded[0].index(labels["allocated_eur"])
    assert sum(number(row[spent], lang) for row in funded[1:]) == expected["spentEur"]


def source_of(page: Page, selector: str) -> dict[str, Any]:
    """How the link asks for its result: {name} or {scenario}, and its lang."""
    href = page.locator(selector).get_attribute("href")
    assert href is not None
    url = urlsplit(href)
    query = parse_qs(url.query)
    if url.path == "/exports/simulate.xlsx" or url.path == "/exports/simulate.csv":
        return {"scenario": json.loads(query["scenario"][0]), "lang": query["lang"][0]}
    name = url.path.removeprefix("/exports/scenarios/").rsplit(".", 1)[0]
    return {"name": name, "lang": query["lang"][0]}


def answer(server: str, source: dict[str, Any]) -> dict[str, Any]:
    if "name" in source:
        query = f"query($n: String!) {{ outcome: runScenario(name: $n) {{ {RESULT} }} }}"
        result: dict[str, Any] = api(server, query, n=source["name"])["outcome"]
    else:
        query = f"query($s: ScenarioInput!) {{ outcome: simulate(scenario: $s) {{ {RESULT} }} }}"
        result = api(server, query, s=source["scenario"])["outcome"]
    return result


def test_the_announced_result_downloads_in_french(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    announced(page)
    expect(page.locator("#result-exports")).to_be_visible()
    source = source_of(page, "#export-xlsx")
    assert source == {"name": "france-relance-2020", "lang": "fr"}
    expect(page.locator("#report-link")).to_have_attribute(
        "href", "/report?name=france-relance-2020"
    )
    expected = answer(live_server, source)
    name, workbook = download(page, "#export-xlsx", tmp_path)
    assert name == "territoires-france-relance-2020.xlsx"
    check_result(workbook_tables(workbook), expected, "fr")
    name, text = download(page, "#export-csv", tmp_path)
    assert name == "territoires-france-relance-2020.csv"
    check_result(csv_tables(text), expected, "fr")


def test_a_what_if_downloads_in_english(page_en: Page, live_server: str, tmp_path: Path) -> None:
    page = page_en
    announced(page)
    page.fill("#fragile", "80")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("changed")
    source = source_of(page, "#export-csv")
    assert source["lang"] == "en"
    assert source["scenario"]["fragileShareMin"] == pytest.approx(0.8)
    report = page.locator("#report-link").get_attribute("href") or ""
    assert json.loads(parse_qs(urlsplit(report).query)["scenario"][0]) == source["scenario"]
    expected = answer(live_server, source)
    name, workbook = download(page, "#export-xlsx", tmp_path)
    assert name == "territoires-simulation.xlsx"
    check_result(workbook_tables(workbook), expected, "en")
    _, text = download(page, "#export-csv", tmp_path)
    check_result(csv_tables(text), expected, "en")


@pytest.mark.parametrize("fixture", ["page", "page_en"])
def test_an_infeasible_scenario_exports_say_so(
    fixture: str, request: pytest.FixtureRequest, live_server: str, tmp_path: Path
) -> None:
    page: Page = request.getfixturevalue(fixture)
    lang = "fr" if fixture == "page" else "en"
    announced(page)
    page.select_option("#base", "infeasible-corsica-floor")
    page.click("#run-saved")
    expect(page.locator("#infeasible")).to_be_visible()
    expect(page.locator("#export-xlsx")).to_have_attribute(
        "href", f"/exports/scenarios/infeasible-corsica-floor.xlsx?lang={lang}"
    )
    expected = answer(live_server, {"name": "infeasible-corsica-floor"})
    assert expected["__typename"] == "Infeasible"
    word = {"fr": "infaisable", "en": "infeasible"}[lang]
    for selector in ("#export-xlsx", "#export-csv"):
        _, path = download(page, selector, tmp_path)
        tables = workbook_tables(path) if path.suffix == ".xlsx" else csv_tables(path)
        head = summary(tables, lang)
        assert word in str(head[LABELS[lang]["status"]]).lower()
        assert head[LABELS[lang]["message"]] == expected["message"]
        assert SHEETS[lang]["regions"] not in tables  # no allocation to list


def test_an_invalid_what_if_exports_its_problems(page: Page, tmp_path: Path) -> None:
    announced(page)
    page.fill("#fragile", "140")
    page.click("#run")
    expect(page.locator('[data-field="fragileShareMin"]')).to_have_class("field invalid")
    source = source_of(page, "#export-xlsx")
    assert source["scenario"]["fragileShareMin"] == pytest.approx(1.4)
    for selector in ("#export-xlsx", "#export-csv"):
        _, path = download(page, selector, tmp_path)
        tables = workbook_tables(path) if path.suffix == ".xlsx" else csv_tables(path)
        assert "invalide" in str(summary(tables, "fr")[LABELS["fr"]["status"]]).lower()
        problems = tables[SHEETS["fr"]["problems"]]
        field = problems[0].index(LABELS["fr"]["field"])
        assert [row[field] for row in problems[1:]] == ["fragileShareMin"]
        assert SHEETS["fr"]["regions"] not in tables


COMPARED = ["france-relance-2020", "fragile-first"]
COMPARISON = """query($n: [String!]!) { compareScenarios(names: $n) { ... on Comparison {
    names outcomes { name values } regions { code allocatedEur } } } }"""


def check_comparison(tables: Tables, comparison: dict[str, Any], lang: str) -> None:
    """Every outcome's values and every region's allocations, one column per scenario."""
    sheets = SHEETS[lang]
    labels = LABELS[lang]
    assert {sheets[k] for k in ("outcomes", "inputs", "compared_regions")} <= tables.keys()
    outcomes = tables[sheets["outcomes"]]
    columns = [outcomes[0].index(name) for name in COMPARED]
    rows = [[number(row[c], lang) for c in columns] for row in outcomes[2:]]  # after the status
    assert rows == [
        [pytest.approx(v, abs=1e-6) for v in o["values"]] for o in comparison["outcomes"]
    ]
    regions = tables[sheets["compared_regions"]]
    code = regions[0].index(labels["code"])
    columns = [regions[0].index(f"{labels['allocated_eur']} {name}") for name in COMPARED]
    by_region = {row[code]: [number(row[c], lang) for c in columns] for row in regions[1:]}
    assert by_region == {r["code"]: r["allocatedEur"] for r in comparison["regions"]}


@pytest.mark.parametrize("fixture", ["page", "page_en"])
def test_a_comparison_downloads(
    fixture: str, request: pytest.FixtureRequest, live_server: str, tmp_path: Path
) -> None:
    page: Page = request.getfixturevalue(fixture)
    lang = "fr" if fixture == "page" else "en"
    comparison = api(live_server, COMPARISON, n=COMPARED)["compareScenarios"]
    announced(page)
    expect(page.locator("#compare-exports")).to_be_hidden()
    for name in COMPARED:
        page.check(f'#compare-choices input[value="{name}"]')
    page.click("#compare")
    expect(page.locator("#comparison")).to_be_visible()
    expect(page.locator("#compare-exports")).to_be_visible()
    expect(page.locator("#compare-export-csv")).to_have_attribute(
        "href", f"/exports/comparison.csv?names={COMPARED[0]}&names={COMPARED[1]}&lang={lang}"
    )
    for selector in ("#compare-export-xlsx", "#compare-export-csv"):
        name, path = download(page, selector, tmp_path)
        assert name == f"territoires-comparaison{path.suffix}"
        tables = workbook_tables(path) if path.suffix == ".xlsx" else csv_tables(path)
        check_comparison(tables, comparison, lang)
