"""The dashboard's Pareto front panel in headless Chromium, against the API's own front."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, Request, Route, expect

from tests.web.conftest import ARTIFACTS
from tests.web.test_dashboard import announced, api, jobs
from tests.web.test_levers import cells, meur

FRONT = """query($s: ScenarioInput!, $x: CriterionName!, $y: CriterionName!, $p: Int!) {
    paretoFront(scenario: $s, x: $x, y: $y, points: $p) { __typename
      ... on ParetoFront { points { xValue yValue efficient status spentEur } } } }"""
# What the page sends with an untouched form: the announced programme as it stands.
UNTOUCHED = {"name": "what-if", "base": "france-relance-2020"}


def test_the_front_drawn_is_the_api_front(page: Page, live_server: str) -> None:
    front = api(live_server, FRONT, s=UNTOUCHED, x="JOBS_CREATED", y="CO2_AVOIDED_T", p=6)
    points = front["paretoFront"]["points"]
    assert len(points) == 6
    drawn = [p for p in points if p["status"] not in ("INFEASIBLE", "ERROR")]
    assert drawn, points
    announced(page)
    # The defaults: jobs created across, tCO2e avoided up.
    expect(page.locator("#pareto-x")).to_have_value("JOBS_CREATED")
    expect(page.locator("#pareto-y")).to_have_value("CO2_AVOIDED_T")
    expect(page.locator("#pareto-points")).to_have_value("50")
    page.fill("#pareto-points", "6")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-chart circle")).to_have_count(len(drawn))
    first = page.locator("#pareto-chart circle").first
    assert float(first.get_attribute("data-x") or "nan") == drawn[0]["xValue"]
    assert float(first.get_attribute("data-y") or "nan") == drawn[0]["yValue"]
    efficient = sum(p["efficient"] for p in drawn)
    expect(page.locator("#pareto-chart circle.unproven")).to_have_count(len(drawn) - efficient)
    expect(page.locator("#pareto-chart path.curve")).to_be_attached()
    expect(page.locator("#pareto-legend")).to_contain_text("not proven efficient")

    rows = cells(page, "#pareto-points-table")
    assert len(rows) == len(points)
    point = points[0]
    assert rows[0][:3] == ["1", jobs(point["xValue"]), jobs(point["yValue"])]
    assert rows[0][4] == meur(point["spentEur"])
    assert [r[3].startswith("efficient") for r in rows] == [p["efficient"] for p in points]
    expect(page.locator("#pareto-x-head")).to_have_text("jobs created (jobs)")
    expect(page.locator("#pareto-y-head")).to_have_text("tCO2e avoided a year (tCO2e/year)")
    expect(page.locator("#pareto-summary")).to_contain_text(f"{len(points)} points, {efficient}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#pareto-front").screenshot(path=str(ARTIFACTS / "pareto.png"))


def test_the_panel_says_it_is_computing_while_it_waits(page: Page) -> None:
    announced(page)
    held: list[Route] = []
    page.route("**/graphql", lambda route: held.append(route))  # held until checked
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-progress")).to_be_visible()
    expect(page.locator("#pareto-progress")).to_have_text("computing…")
    expect(page.locator("#draw-pareto")).to_be_disabled()
    held[0].continue_()
    page.unroute("**/graphql")
    expect(page.locator("#pareto-progress")).to_be_hidden()
    expect(page.locator("#draw-pareto")).to_be_enabled()
    expect(page.locator("#pareto-points-table tbody tr")).to_have_count(3)


def test_the_api_refusal_is_shown_beside_the_panel(page: Page) -> None:
    announced(page)
    page.fill("#fragile", "140")  # a share above 1 once divided by 100
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    message = page.locator("#pareto-message")
    expect(message).to_contain_text("fragileShareMin (constraints.fragile_share_min)")
    expect(message).to_contain_text("between 0 and 1")
    expect(page.locator("#pareto-front")).to_be_hidden()


def test_two_different_criteria_are_asked_for(page: Page) -> None:
    announced(page)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if "graphql" in r.url else None)
    page.select_option("#pareto-y", "JOBS_CREATED")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-message")).to_have_text("Choose two different criteria.")
    page.select_option("#pareto-y", "LEVERAGE")
    page.fill("#pareto-points", "1")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-message")).to_have_text(
        "Give a whole number of points from 2 to 200."
    )
    assert not [body for body in sent if "paretoFront" in body]


def not_proven(route: Route) -> None:
    """The API's front with its second point marked the first one again (a duplicate)."""
    if "paretoFront" not in (route.request.post_data or ""):
        route.continue_()
        return
    response = route.fetch()
    body = response.json()
    point = body["data"]["paretoFront"]["points"][1]
    point.update(efficient=False, status="DUPLICATE")
    route.fulfill(response=response, json=body)


def test_a_point_not_proven_efficient_is_drawn_apart_and_says_why(page: Page) -> None:
    announced(page)
    page.route("**/graphql", not_proven)
    page.fill("#pareto-points", "4")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-chart circle")).to_have_count(4)
    expect(page.locator("#pareto-chart circle.unproven")).to_have_count(1)
    rows = cells(page, "#pareto-points-table")
    assert [r[3] for r in rows] == [
        "efficient",
        "not efficient: the previous point again",
        "efficient",
        "efficient",
    ]
    expect(page.locator("#pareto-summary")).to_contain_text("4 points, 3 proven efficient")


def test_the_front_is_asked_for_the_scenario_form_as_it_stands(page: Page) -> None:
    asked: list[dict[str, Any]] = []

    def keep(request: Request) -> None:
        body = json.loads(request.post_data or "{}") if request.url.endswith("/graphql") else {}
        if "paretoFront(" in body.get("query", ""):
            asked.append(body["variables"])

    page.on("request", keep)
    announced(page)
    page.fill("#budget", "300")
    page.click("#co-funding summary")
    page.fill("#matching-rate", "0.5")
    page.select_option("#pareto-x", "JOBS_KEPT")
    page.select_option("#pareto-y", "LEVERAGE")
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-points-table tbody tr")).to_have_count(3)
    expect(page.locator("#pareto-y-head")).to_have_text("investment mobilised (M EUR)")
    assert asked == [
        {
            "s": {**UNTOUCHED, "budgetEur": 300_000_000, "coFunding": {"matching": {"rate": 0.5}}},
            "x": "JOBS_KEPT",
            "y": "LEVERAGE",
            "p": 3,
        }
    ]


def noted(route: Route) -> None:
    """The API's front with the note a scenario with review rounds gets."""
    if "paretoFront" not in (route.request.post_data or ""):
        route.continue_()
        return
    response = route.fetch()
    body = response.json()
    body["data"]["paretoFront"]["note"] = "review rounds are not played"
    route.fulfill(response=response, json=body)


def test_the_fronts_note_is_shown(page: Page) -> None:
    announced(page)
    page.route("**/graphql", noted)
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-summary")).to_contain_text("Note: review rounds are not played.")
