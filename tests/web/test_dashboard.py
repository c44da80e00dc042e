"""The dashboard driven in headless Chromium against the real server; numbers are checked
against the same public API the page talks to."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Page, Route, expect

from tests.conftest import REAL_DATA
from tests.web.conftest import ARTIFACTS

OUTCOME = """__typename ... on SimulationResult { jobs spentEur fragileShare regions { code } }"""


def api(server: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{server}/graphql", json={"query": query, "variables": variables}, timeout=60
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def jobs(value: float) -> str:
    return f"{round(value):,}"  # as the page writes them (en-GB grouping)


def announced(page: Page) -> str:
    expect(page.locator("#kpis")).to_be_visible()
    return page.locator("#kpi-jobs").inner_text()


def test_loads_and_shows_the_announced_programme(page: Page, live_server: str) -> None:
    query = f'{{ runScenario(name: "france-relance-2020") {{ {OUTCOME} }} }}'
    expected = api(live_server, query)["runScenario"]
    expect(page.locator("#base")).to_have_value("france-relance-2020")
    assert announced(page) == jobs(expected["jobs"])
    expect(page.locator("#status-message")).to_contain_text("Optimal")
    expect(page.locator("#binding li").first).to_contain_text("jobs per")
    expect(page.locator("#region-bars .region-bar")).to_have_count(len(expected["regions"]))
    if REAL_DATA.is_dir():
        expect(page.locator("#map path").first).to_be_attached()
        assert page.locator("#map path").count() > 100
        expect(page.locator("#map-note")).to_contain_text("phase-2")
    else:
        expect(page.locator("#map-note")).to_contain_text("No map")


def test_raising_the_fragile_floor_changes_the_numbers(page: Page, live_server: str) -> None:
    before = announced(page)
    query = f"query($s: ScenarioInput!) {{ simulate(scenario: $s) {{ {OUTCOME} }} }}"
    expected = api(live_server, query, s={"fragileShareMin": 0.8})["simulate"]
    page.fill("#fragile", "80")
    page.click("#run")
    expect(page.locator("#kpi-fragile")).to_contain_text("80.0 %")
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(expected["jobs"]))
    assert page.locator("#kpi-jobs").inner_text() != before
    expect(page.locator("#results-title")).to_contain_text("changed")


def test_progress_shows_while_a_solve_runs(page: Page) -> None:
    announced(page)
    held: list[Route] = []
    page.route("**/graphql", lambda route: held.append(route))  # held until checked
    page.click("#run")
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#progress-text")).to_contain_text("Solving…")
    expect(page.locator("#run")).to_be_disabled()
    held[0].continue_()
    page.unroute("**/graphql")
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#run")).to_be_enabled()


def test_an_invalid_floor_is_shown_next_to_its_field(page: Page) -> None:
    announced(page)
    page.fill("#fragile", "140")
    page.click("#run")
    field = page.locator('[data-field="fragileShareMin"]')
    expect(field.locator(".error")).to_contain_text("between 0 and 1")
    expect(field).to_have_class("field invalid")
    expect(page.locator("#kpis")).to_be_hidden()
    expect(page.locator("#status-message")).to_contain_text("not valid")


def test_an_infeasible_scenario_points_at_the_envelope(page: Page) -> None:
    announced(page)
    page.select_option("#base", "infeasible-corsica-floor")
    page.click("#run-saved")
    expect(page.locator("#infeasible")).to_contain_text("region 94")
    row = page.locator('#envelope-rows tr[data-code="94"]')
    expect(row.locator("td.error")).to_contain_text("Conflict: lower region 94")
    expect(page.locator("#envelopes")).to_have_attribute("open", "")


def test_compare_two_scenarios_and_draw_the_curve(page: Page, live_server: str) -> None:
    names = ["france-relance-2020", "fragile-first"]
    query = """query($n: [String!]!) { compareScenarios(names: $n) {
        ... on Comparison { outcomes { name deltas } } } }"""
    outcomes = api(live_server, query, n=names)["compareScenarios"]["outcomes"]
    delta = next(o for o in outcomes if o["name"] == "jobs")["deltas"][1]
    announced(page)
    for name in names:
        page.check(f'#compare-choices input[value="{name}"]')
    page.click("#compare")
    table = page.locator("#compare-outcomes")
    expect(table).to_contain_text("Rural and fragile territories first")
    sign = "−" if delta < 0 else "+"
    expect(table.locator("tr", has_text="jobs created")).to_contain_text(
        f"({sign}{jobs(abs(delta))})"
    )
    expect(page.locator("#compare-regions tr")).to_have_count(len(page_regions(page)) + 1)
    expect(page.locator("#compare-regions tr").nth(1)).to_contain_text(" M EUR)")
    expect(table.locator("tr", has_text="fragile share (euros)")).to_contain_text(" pt)")
    expect(table.locator("tr", has_text="unspent")).to_contain_text(" M EUR")

    page.fill("#curve-points", "6")
    page.click("#draw-curve")
    expect(page.locator("#curve circle")).to_have_count(6)
    expect(page.locator("#curve path.curve")).to_be_attached()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def page_regions(page: Page) -> list[str]:
    return page.locator("#region-bars .region-bar").evaluate_all(
        "bars => bars.map(b => b.dataset.code)"
    )


def test_the_form_shows_the_base_values_from_the_typed_inputs(page: Page, live_server: str) -> None:
    name = "infeasible-corsica-floor"
    query = """query($n: String!) { scenario(name: $n) { inputs {
        budgetEur { value setIn } fragileShareMin { value setIn } mode { value }
        regionEnvelopes { regionCode minEur { value setIn } } } } }"""
    inputs = api(live_server, query, n=name)["scenario"]["inputs"]
    (envelope,) = inputs["regionEnvelopes"]
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.post_data or "") if "graphql" in r.url else None)
    announced(page)
    page.select_option("#base", name)
    code = envelope["regionCode"]
    expect(page.locator(f"#min-{code}")).to_have_attribute(
        "placeholder", f"{envelope['minEur']['value'] / 1e6:g}"
    )
    expect(page.locator(f"#min-{code}")).to_have_attribute("title", f"set in {name}")
    expect(page.locator("#budget")).to_have_attribute(
        "placeholder", f"{inputs['budgetEur']['value'] / 1e6:g}"
    )
    expect(page.locator("#budget")).to_have_attribute(
        "title", f"set in {inputs['budgetEur']['setIn']}"
    )
    expect(page.locator("#fragile")).to_have_attribute(
        "placeholder", f"{inputs['fragileShareMin']['value'] * 100:g}"
    )
    mode = inputs["mode"]["value"].lower().replace("_", " ")
    expect(page.locator("#mode option[value='']")).to_have_text(f"as in the base ({mode})")
    assert asked and not any("yaml" in body for body in asked)
