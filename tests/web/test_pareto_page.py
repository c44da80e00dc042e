"""The dashboard's Pareto front panel in headless Chromium, against the API's own front."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from playwright.sync_api import Error, Page, Request, Route, expect

from tests.web.conftest import ARTIFACTS
from tests.web.test_dashboard import announced, api, jobs
from tests.web.test_levers import cells

FRONT = """query($s: ScenarioInput!, $x: CriterionName!, $y: CriterionName!, $p: Int!) {
    paretoFront(scenario: $s, x: $x, y: $y, points: $p) { __typename
      ... on ParetoFront { points { xValue yValue efficient status spentEur } } } }"""
# What the page sends with an untouched form: the announced programme as it stands.
UNTOUCHED = {"name": "what-if", "base": "france-relance-2020"}


def meur(euros: float) -> str:
    return f"{euros / 1e6:,.1f}"  # M EUR with one decimal, en-GB grouping (the column says M EUR)


def test_the_front_drawn_is_the_api_front(page_en: Page, live_server: str) -> None:
    front = api(live_server, FRONT, s=UNTOUCHED, x="JOBS_CREATED", y="CO2_AVOIDED_T", p=6)
    points = front["paretoFront"]["points"]
    assert len(points) == 6
    drawn = [p for p in points if p["status"] not in ("INFEASIBLE", "ERROR")]
    assert drawn, points
    announced(page_en)
    # The defaults: jobs created across, tCO2e avoided up.
    expect(page_en.locator("#pareto-x")).to_have_value("JOBS_CREATED")
    expect(page_en.locator("#pareto-y")).to_have_value("CO2_AVOIDED_T")
    expect(page_en.locator("#pareto-points")).to_have_value("50")
    page_en.fill("#pareto-points", "6")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-chart circle")).to_have_count(len(drawn))
    first = page_en.locator("#pareto-chart circle").first
    assert float(first.get_attribute("data-x") or "nan") == drawn[0]["xValue"]
    assert float(first.get_attribute("data-y") or "nan") == drawn[0]["yValue"]
    efficient = sum(p["efficient"] for p in drawn)
    expect(page_en.locator("#pareto-chart circle.unproven")).to_have_count(len(drawn) - efficient)
    expect(page_en.locator("#pareto-chart path.curve")).to_be_attached()
    expect(page_en.locator("#pareto-legend")).to_contain_text("not proven efficient")

    rows = cells(page_en, "#pareto-points-table")
    assert len(rows) == len(points)
    point = points[0]
    assert rows[0][:3] == ["1", jobs(point["xValue"]), jobs(point["yValue"])]
    assert rows[0][4] == meur(point["spentEur"])
    assert [r[3].startswith("efficient") for r in rows] == [p["efficient"] for p in points]
    expect(page_en.locator("#pareto-x-head")).to_have_text("jobs created (jobs)")
    expect(page_en.locator("#pareto-y-head")).to_have_text("tCO2e avoided a year (tCO2e/year)")
    expect(page_en.locator("#pareto-summary")).to_contain_text(f"{len(points)} points, {efficient}")
    ARTIFACTS.mkdir(exist_ok=True)
    page_en.locator("#pareto-front").screenshot(path=str(ARTIFACTS / "pareto.png"))


def test_the_panel_says_it_is_computing_while_it_waits(page_en: Page) -> None:
    announced(page_en)
    held: list[Route] = []
    page_en.route("**/graphql", lambda route: held.append(route))  # held until checked
    page_en.fill("#pareto-points", "3")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-progress")).to_be_visible()
    expect(page_en.locator("#pareto-progress")).to_have_text("computing…")
    expect(page_en.locator("#draw-pareto")).to_be_disabled()
    held[0].continue_()
    page_en.unroute("**/graphql")
    expect(page_en.locator("#pareto-progress")).to_be_hidden()
    expect(page_en.locator("#draw-pareto")).to_be_enabled()
    expect(page_en.locator("#pareto-points-table tbody tr")).to_have_count(3)


def test_the_api_refusal_is_shown_beside_the_panel(page_en: Page) -> None:
    announced(page_en)
    page_en.fill("#fragile", "140")  # a share above 1 once divided by 100
    page_en.fill("#pareto-points", "3")
    page_en.click("#draw-pareto")
    message = page_en.locator("#pareto-message")
    expect(message).to_contain_text("fragileShareMin (constraints.fragile_share_min)")
    expect(message).to_contain_text("between 0 and 1")
    expect(page_en.locator("#pareto-front")).to_be_hidden()


def test_two_different_criteria_are_asked_for(page_en: Page) -> None:
    announced(page_en)
    sent: list[str] = []
    page_en.on("request", lambda r: sent.append(r.post_data or "") if "graphql" in r.url else None)
    page_en.select_option("#pareto-y", "JOBS_CREATED")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-message")).to_have_text("Choose two different criteria.")
    page_en.select_option("#pareto-y", "LEVERAGE")
    page_en.fill("#pareto-points", "1")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-message")).to_have_text(
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


def test_a_point_not_proven_efficient_is_drawn_apart_and_says_why(page_en: Page) -> None:
    announced(page_en)
    page_en.route("**/graphql", not_proven)
    page_en.fill("#pareto-points", "4")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-chart circle")).to_have_count(4)
    expect(page_en.locator("#pareto-chart circle.unproven")).to_have_count(1)
    rows = cells(page_en, "#pareto-points-table")
    assert [r[3] for r in rows] == [
        "efficient",
        "not efficient: the previous point again",
        "efficient",
        "efficient",
    ]
    expect(page_en.locator("#pareto-summary")).to_contain_text("4 points, 3 proven efficient")


def test_the_front_is_asked_for_the_scenario_form_as_it_stands(page_en: Page) -> None:
    asked: list[dict[str, Any]] = []

    def keep(request: Request) -> None:
        body = json.loads(request.post_data or "{}") if request.url.endswith("/graphql") else {}
        if "paretoFront(" in body.get("query", ""):
            asked.append(body["variables"])

    page_en.on("request", keep)
    announced(page_en)
    page_en.fill("#budget", "300")
    page_en.click("#co-funding summary")
    page_en.fill("#matching-rate", "0.5")
    page_en.select_option("#pareto-x", "JOBS_KEPT")
    page_en.select_option("#pareto-y", "LEVERAGE")
    page_en.fill("#pareto-points", "3")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-points-table tbody tr")).to_have_count(3)
    expect(page_en.locator("#pareto-y-head")).to_have_text("investment mobilised (M EUR)")
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


def test_the_fronts_note_is_shown(page_en: Page) -> None:
    announced(page_en)
    page_en.route("**/graphql", noted)
    page_en.fill("#pareto-points", "3")
    page_en.click("#draw-pareto")
    expect(page_en.locator("#pareto-summary")).to_contain_text(
        "Note: review rounds are not played."
    )


# ---- in French ----------------------------------------------------------------------------------


def spaced(text: str) -> str:
    """The text with Intl's no-break spaces (fr-FR groups and before %) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def french(n: float) -> str:
    return f"{round(n):,}".replace(",", " ")  # fr-FR grouping, spaces made plain


def test_the_front_speaks_french(page: Page, live_server: str) -> None:
    front = api(live_server, FRONT, s=UNTOUCHED, x="JOBS_CREATED", y="CO2_AVOIDED_T", p=4)
    points = front["paretoFront"]["points"]
    announced(page)
    labels = page.locator("#pareto-x option").all_inner_texts()
    assert labels == [
        "emplois créés",
        "emplois maintenus",
        "tCO2e évitées par an",
        "investissement mobilisé",
    ]
    page.fill("#pareto-points", "4")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-x-head")).to_have_text("emplois créés (emplois)")
    expect(page.locator("#pareto-y-head")).to_have_text("tCO2e évitées par an (tCO2e/an)")
    # The axes' titles on the chart are the same words.
    axes = page.locator("#pareto-chart svg > text").all_text_contents()
    assert "emplois créés (emplois)" in axes and "tCO2e évitées par an (tCO2e/an)" in axes
    efficient = sum(p["efficient"] for p in points)
    expect(page.locator("#pareto-summary")).to_contain_text(
        f"4 points, dont {efficient} prouvés efficaces, en "
    )
    rows = [[spaced(c) for c in row] for row in cells(page, "#pareto-points-table")]
    first = points[0]
    # fr-FR: 12 207 emplois; 400,0 for M EUR (the column's head gives the unit).
    spent = f"{first['spentEur'] / 1e6:,.1f}".replace(",", " ").replace(".", ",")
    assert rows[0][:3] == ["1", french(first["xValue"]), french(first["yValue"])]
    assert rows[0][4] == spent
    assert [r[3] == "efficace" for r in rows] == [p["efficient"] for p in points]
    expect(page.locator("#pareto-method")).to_contain_text("Méthode : Message du serveur")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#pareto-front").screenshot(path=str(ARTIFACTS / "pareto-fr.png"))


def test_the_leverage_axis_and_the_refusals_in_french(page: Page) -> None:
    announced(page)
    page.select_option("#pareto-y", "JOBS_CREATED")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-message")).to_have_text("Choisissez deux critères différents.")
    page.select_option("#pareto-y", "LEVERAGE")
    page.fill("#pareto-points", "1")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-message")).to_have_text(
        "Donnez un nombre entier de points, de 2 à 200."
    )
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-y-head")).to_have_text("investissement mobilisé (M€)")
    expect(page.locator("#pareto-message")).to_have_text("")
    # Investment on the table in millions of euros, written the French way: "1 234,5 M€".
    value = spaced(cells(page, "#pareto-points-table")[0][2])
    assert re.fullmatch(r"\d{1,3}( \d{3})*,\d M€", value), value


def test_a_duplicate_point_says_why_in_french(page: Page) -> None:
    announced(page)
    page.route("**/graphql", not_proven)
    page.fill("#pareto-points", "4")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-chart circle.unproven")).to_have_count(1)
    assert [r[3] for r in cells(page, "#pareto-points-table")] == [
        "efficace",
        "non efficace : de nouveau le point précédent",
        "efficace",
        "efficace",
    ]
    expect(page.locator("#pareto-summary")).to_contain_text("4 points, dont 3 prouvés efficaces")


def test_a_front_cancelled_leaves_the_panel_as_it_was(page: Page) -> None:
    announced(page)
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-points-table tbody tr")).to_have_count(3)
    before = cells(page, "#pareto-points-table")
    held: list[Route] = []

    def hold(route: Route) -> None:
        if "paretoFront" in (route.request.post_data or ""):
            held.append(route)  # never answered before the planner cancels
        else:
            route.continue_()

    page.route("**/graphql", hold)
    page.fill("#pareto-points", "5")
    page.click("#draw-pareto")
    expect(page.locator("#progress-text")).to_contain_text("Calcul du front de Pareto")
    expect(page.locator("#pareto-progress")).to_be_visible()
    expect(page.locator("#draw-pareto")).to_be_disabled()
    expect(page.locator("#cancel")).to_be_enabled()
    page.click("#cancel")
    expect(page.locator("#progress-text")).to_have_text("Annulé")
    expect(page.locator("#pareto-progress")).to_be_hidden()
    expect(page.locator("#draw-pareto")).to_be_enabled()
    assert len(held) == 1
    with contextlib.suppress(Error):
        held[0].continue_()  # the page aborted it: its answer, if any, is not read
    page.unroute("**/graphql", hold)
    # The earlier front stays, untouched, and nothing is said to have failed.
    assert cells(page, "#pareto-points-table") == before
    expect(page.locator("#pareto-message")).to_have_text("")
    expect(page.locator("#api-error")).to_be_hidden()
    # The panel works again.
    page.fill("#pareto-points", "4")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-points-table tbody tr")).to_have_count(4)
