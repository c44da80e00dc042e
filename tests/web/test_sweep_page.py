"""The sweep panel: a sweep started from the page with an API key (the server's development key,
accepted as no key is configured), its progress polled to the end and its rows the same as the
API's job(id) rows; a long one cancelled from the page (CANCELLED, fewer rows than points, the
page still usable); a refused key and a value that is not a number told in French."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from schema.auth import DEV_API_KEY
from tests.web.conftest import ARTIFACTS
from tests.web.test_accessibility import AXE, GRAVE

pytestmark = pytest.mark.slow

JOB = """query($id: ID!, $after: String) { job(id: $id) {
  status done total
  rows(first: 100, after: $after) { nodes { data } pageInfo { hasNextPage endCursor } }
} }"""
LONG_S = 180_000  # ms: a local Dask cluster starts for the job on a shared machine


def number(text: str) -> float:
    """A number as the French page writes it: '12 207' (narrow no-break spaces), '55,0 %'."""
    return float(re.sub(r"[\s\u00a0\u202f%M€]", "", text).replace(",", "."))


def api_job(live_server: str, job_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The job and all its rows, read from the API as any client would."""
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        body = httpx.post(
            f"{live_server}/graphql",
            json={"query": JOB, "variables": {"id": job_id, "after": after}},
            timeout=30,
        ).json()
        job = body["data"]["job"]
        rows += [node["data"] for node in job["rows"]["nodes"]]
        if not job["rows"]["pageInfo"]["hasNextPage"]:
            return job, rows
        after = job["rows"]["pageInfo"]["endCursor"]


def fill_sweep(page: Page, parameter: str, start: str, stop: str, step: str, key: str) -> None:
    expect(page.locator("#sweep-base")).to_have_value("france-relance-2020")
    page.select_option("#sweep-parameter", parameter)
    page.fill("#sweep-from", start)
    page.fill("#sweep-to", stop)
    page.fill("#sweep-step", step)
    page.fill("#sweep-key", key)
    page.click("#sweep-start")


def table_rows(page: Page) -> list[list[str]]:
    cells = page.locator("#sweep-rows tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    return [list(row) for row in cells]


def test_a_sweep_from_the_page_shows_its_progress_and_the_apis_rows(
    page: Page, live_server: str
) -> None:
    key = page.locator("#sweep-key")
    expect(key).to_have_attribute("type", "password")
    expect(key).to_have_attribute("autocomplete", "off")
    expect(page.locator("#sweep-from-label")).to_have_text("De (%)")
    # French notation: "0,5" in a percent field is 50 %, "60 %" is 60 %, "5" is 5 points.
    fill_sweep(page, "fragile_share_min", "0,5", "60 %", "5", DEV_API_KEY)
    expect(page.locator("#sweep-status")).to_have_text(
        "Terminé : 3 points calculés.", timeout=LONG_S
    )
    expect(page.locator("#sweep-progress-text")).to_have_text("Terminé : 3 / 3 points")
    expect(page.locator("#sweep-bar")).to_have_js_property("value", 3)
    expect(page.locator("#sweep-cancel")).to_be_hidden()
    job_id = page.locator("#sweep-panel").get_attribute("data-job")
    assert job_id
    job, rows = api_job(live_server, job_id)
    assert (job["status"], job["done"], job["total"]) == ("DONE", 3, 3)
    shown = table_rows(page)
    assert len(shown) == len(rows) == 3
    assert [row["fragile_share_min"] for row in rows] == pytest.approx([0.5, 0.55, 0.6])
    for cells, row in zip(shown, rows, strict=True):
        assert number(cells[0]) == pytest.approx(row["fragile_share_min"] * 100)
        assert cells[1] == "optimum" and row["status"] == "optimal"
        assert number(cells[2]) == round(row["jobs"])  # jobs written whole, fr-FR groups
        assert number(cells[3]) == pytest.approx(row["spent_eur"] / 1e6, abs=0.05)
        assert number(cells[4]) == row["projects_funded"]
        assert number(cells[5]) == pytest.approx(row["fragile_share"] * 100, abs=0.05)
        assert number(cells[5]) >= number(cells[0]) - 0.05  # the floor holds at each point


def test_a_long_sweep_cancelled_from_the_page_keeps_the_rows_computed(
    page: Page, live_server: str
) -> None:
    # 1,801 budgets from 100 to 1,000 M€ by 0.5 M€: minutes of solves, cancelled at once.
    fill_sweep(page, "budget_eur", "100", "1 000", "0,5", DEV_API_KEY)
    expect(page.locator("#sweep-progress-text")).to_contain_text("/ 1 801 points")
    page.wait_for_function("document.querySelector('#sweep-bar').value > 0", timeout=LONG_S)
    page.click("#sweep-cancel")
    status = page.locator("#sweep-status")
    expect(status).to_contain_text("Annulé :", timeout=LONG_S)
    job_id = page.locator("#sweep-panel").get_attribute("data-job")
    assert job_id
    job, rows = api_job(live_server, job_id)
    assert job["status"] == "CANCELLED" and 1 <= job["done"] < 1_801
    assert len(rows) == job["done"]
    expect(page.locator("#sweep-progress-text")).to_contain_text("Annulé : ")
    assert number(status.inner_text().split(":")[1].split("points")[0]) == job["done"]
    shown = table_rows(page)
    assert len(shown) == len(rows)  # the rows computed before the cancel, as the API has them
    assert [number(cells[0]) for cells in shown] == [row["budget_eur"] / 1e6 for row in rows]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#sweep-panel").screenshot(path=str(ARTIFACTS / "sweep-cancelled-fr.png"))
    if AXE.exists():  # the panel with its rows: no serious accessibility violation either
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """async () => (await axe.run("#sweep-panel", { resultTypes: ["violations"] }))
                .violations.map((v) => `${v.impact} ${v.id}: ${v.help}`)"""
        )
        assert not [v for v in found if v.split()[0] in GRAVE], found
    # The page is usable again: another sweep can start (here refused for its key, in French).
    expect(page.locator("#sweep-start")).to_be_enabled()
    page.fill("#sweep-key", "not-a-key")
    page.click("#sweep-start")
    expect(page.locator("#sweep-error")).to_have_text("Clé d'API refusée : vérifiez la clé saisie.")


def test_a_bad_key_or_a_value_that_is_no_number_is_refused_in_french(page: Page) -> None:
    fill_sweep(page, "fragile_share_min", "abc", "60", "5", "wrong-key")
    expect(page.locator("#sweep-from").locator("..").locator(".error")).to_have_text(
        "« De (%) » : « abc » n'est pas un nombre (exemple : 0,75 ou 75 %)."
    )
    page.fill("#sweep-from", "50")
    page.click("#sweep-start")
    expect(page.locator("#sweep-error")).to_have_text("Clé d'API refusée : vérifiez la clé saisie.")
    expect(page.locator("#sweep-from").locator("..").locator(".error")).to_have_text("")
    # A grid past the server's limit (2,000 solves a job): its English words after a lead-in.
    fill_sweep(page, "budget_eur", "100", "1 000", "0,1", DEV_API_KEY)  # 9,001 points
    expect(page.locator("#sweep-error")).to_have_text(
        "Balayage refusé. Message du serveur (en anglais) : grid: 9001 points (one solve each): "
        "a job may ask for at most 2000"
    )
    assert page.locator("#sweep-panel").get_attribute("data-job") is None  # nothing started


def test_the_panel_in_english_keeps_its_words(page_en: Page) -> None:
    fill_sweep(page_en, "budget_eur", "300", "200", "50", "wrong-key")
    expect(page_en.locator("#sweep-to").locator("..").locator(".error")).to_have_text(
        "To (M EUR) must be at least From (M EUR)."
    )
    page_en.fill("#sweep-to", "400")
    page_en.click("#sweep-start")
    expect(page_en.locator("#sweep-error")).to_have_text(
        "API key refused: check the key you typed."
    )


def test_a_percent_step_is_a_number_of_points(page: Page) -> None:
    def range_sent(click: Callable[[], None]) -> str:
        with page.expect_request(lambda r: "startSweep" in (r.post_data or "")) as request:
            click()
        return str(json.loads(request.value.post_data or "{}")["variables"]["g"][0]["range"])

    # From 50 % to 90 % by "0,5": half a point (0.005), not the share 0,5 (50 points).
    first = range_sent(lambda: fill_sweep(page, "fragile_share_min", "50", "90", "0,5", "bad"))
    assert first == "0.5:0.9:0.005"
    expect(page.locator("#sweep-error")).to_have_text("Clé d'API refusée : vérifiez la clé saisie.")
    expect(page.locator("#sweep-step-label")).to_have_text("Pas (points de %)")
    expect(page.locator("#sweep-step-hint")).to_have_text(
        "En points : 5 ou 5 % font 5 points, 0,5 un demi-point."
    )
    assert "sweep-step-hint" in (
        page.locator("#sweep-step").get_attribute("aria-describedby") or ""
    )
    # "5 %" and "5" are both 5 points.
    for step in ["5 %", "5"]:
        page.fill("#sweep-step", step)
        assert range_sent(lambda: page.click("#sweep-start")) == "0.5:0.9:0.05"
