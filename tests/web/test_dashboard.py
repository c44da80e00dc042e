"""The dashboard driven in headless Chromium against the real server; numbers are checked
against the same public API the page talks to."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from playwright.sync_api import Page, Route, expect

from tests.conftest import REAL_DATA, needs_real_data
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
        expect(page.locator("#map")).to_have_attribute("data-state", "ready")
        assert page.locator("#map path.territory").count() > 100
    else:
        expect(page.locator("#map-note")).to_contain_text("Pas de carte")


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


# ---- the map: phase-1 outlines, laureates funded or not, their details ------------------------


def every_node(server: str, query: str, connection: str, **variables: Any) -> list[Any]:
    """Every node of a connection, page by page: `query` takes the cursor as $a, and
    `connection` is the path to the connection in its answer ("projects")."""
    nodes: list[Any] = []
    after = None
    while True:
        page: Any = api(server, query, a=after, **variables)
        for key in connection.split("."):
            page = page[key]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def metropolitan_laureates(server: str) -> dict[str, str]:
    """Id -> company name of the laureates the map can place: a GPS position in mainland France."""
    query = """query($a: String) { projects(first: 100, after: $a, filter: {origin: LAUREATE}) {
        pageInfo { hasNextPage endCursor }
        nodes { id company { name } location { latitude regionCode } } } }"""
    return {
        n["id"]: n["company"]["name"]
        for n in every_node(server, query, "projects")
        if n["location"]["latitude"] is not None and is_mainland(n["location"]["regionCode"])
    }


def is_mainland(region_code: str) -> bool:
    return len(region_code) == 2 and region_code >= "11"  # 01 to 06 are overseas


def funded_ids(server: str, field: str, scenario: dict[str, Any] | None = None) -> set[str]:
    """The projects funded by the result of `field`: runScenario(name: ...), or simulate with
    `scenario` as $s."""
    query = f"""query($a: String{", $s: ScenarioInput!" if scenario else ""}) {{ outcome: {field} {{
        ... on SimulationResult {{ fundedProjects(first: 100, after: $a) {{
            pageInfo {{ hasNextPage endCursor }} nodes {{ project {{ id }} }} }} }} }} }}"""
    variables = {"s": scenario} if scenario else {}
    nodes = every_node(server, query, "outcome.fundedProjects", **variables)
    return {n["project"]["id"] for n in nodes}


def french(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # as the map writes counts (fr-FR grouping)


def map_drawn(page: Page) -> None:
    announced(page)
    expect(page.locator("#map")).to_have_attribute("data-state", "ready")


@needs_real_data
def test_the_map_draws_every_metropolitan_phase1_outline_served(
    page: Page, live_server: str
) -> None:
    features = httpx.get(f"{live_server}/geo/territories-phase1.geojson").json()["features"]
    # Overseas territories are left to the table beside the map.
    mainland = [f for f in features if is_mainland(f["properties"]["code"][3:5])]
    map_drawn(page)
    assert len(mainland) > 100
    expect(page.locator("#map path.territory")).to_have_count(len(mainland))
    expect(page.locator("#map path")).to_have_count(len(mainland))  # every path is an outline
    drawn = page.locator("#map path.territory").evaluate_all("ps => ps.map(p => p.dataset.id)")
    assert drawn == [f["properties"]["id"] for f in mainland]


@needs_real_data
def test_laureates_are_points_funded_or_not_as_in_the_result(page: Page, live_server: str) -> None:
    laureates = metropolitan_laureates(live_server)
    funded = funded_ids(live_server, 'runScenario(name: "france-relance-2020")')
    funded &= laureates.keys()
    map_drawn(page)
    points = page.locator("#map .laureate[data-id]")
    assert points.count() == len(laureates) > 1000
    # Told apart by shape and fill as well as colour: filled circles and hollow squares.
    circles = page.locator("#map circle.laureate.funded").evaluate_all(
        "cs => cs.map(c => c.dataset.id)"
    )
    squares = page.locator("#map rect.laureate.unfunded").evaluate_all(
        "rs => rs.map(r => r.dataset.id)"
    )
    assert set(circles) == funded
    assert set(squares) == laureates.keys() - funded
    assert circles and squares
    legend = page.locator("#map .map-legend")
    expect(legend).to_contain_text(f"Lauréat financé dans ce scénario ({french(len(funded))})")
    expect(legend).to_contain_text(f"Lauréat non financé ({french(len(squares))})")
    metrics = page.evaluate(
        """() => ({
            mapDrawnMs: performance.getEntriesByName("map-drawn")[0].startTime,
            bytes: performance.getEntriesByType("resource").filter((e) => e.initiatorType
                === "fetch").reduce((sum, e) => sum + e.encodedBodySize, 0),
            outlineBytes: performance.getEntriesByType("resource").filter((e) =>
                e.name.endsWith("/geo/territories-phase1.geojson"))[0].encodedBodySize,
            requests: performance.getEntriesByType("resource").filter((e) => e.initiatorType
                === "fetch").length,
        })"""
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-load.json").write_text(json.dumps(metrics, indent=2) + "\n")
    page.locator("#allocation").screenshot(path=str(ARTIFACTS / "map.png"))


@needs_real_data
def test_a_what_if_run_redraws_the_funded_laureates(page: Page, live_server: str) -> None:
    laureates = metropolitan_laureates(live_server)
    scenario = {"fragileShareMin": 0.8}
    funded = funded_ids(live_server, "simulate(scenario: $s)", scenario) & laureates.keys()
    map_drawn(page)
    before = set(
        page.locator("#map .laureate.funded").evaluate_all("cs => cs.map(c => c.dataset.id)")
    )
    page.fill("#fragile", "80")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("changed")
    expect(page.locator("#map")).to_have_attribute("data-state", "ready")
    after = page.locator("#map .laureate.funded").evaluate_all("cs => cs.map(c => c.dataset.id)")
    assert set(after) == funded != before
    expect(page.locator("#map .laureate.unfunded")).to_have_count(len(laureates) - len(funded))


@needs_real_data
def test_a_point_shows_its_company_and_where_each_figure_comes_from(
    page: Page, live_server: str
) -> None:
    laureates = metropolitan_laureates(live_server)
    map_drawn(page)
    details = page.locator("#map-details")
    # Hover: the last funded point is drawn on top of every other shape.
    point = page.locator("#map circle.laureate.funded").last
    point.hover()
    hovered = point.get_attribute("data-id")
    assert hovered is not None
    expect(details).to_have_attribute("data-project-id", hovered)
    expect(details.locator("h4")).to_have_text(laureates[hovered])
    expect(details).to_contain_text("Financé dans ce scénario")
    expect(details.locator("dd").first).to_contain_text(re.compile(r"\((estimé|déclaré), entre "))
    expect(details.locator("dd")).to_have_count(5)
    # Click: a point not funded.
    square = page.locator("#map rect.laureate.unfunded").first
    clicked = square.get_attribute("data-id")
    assert clicked is not None
    square.dispatch_event("click")
    expect(details).to_have_attribute("data-project-id", clicked)
    expect(details.locator("h4")).to_have_text(laureates[clicked])
    expect(details).to_contain_text("Non financé dans ce scénario")
    expect(details).to_contain_text("SIREN")
    expect(details).to_contain_text("Lauréat réel du fonds")


@needs_real_data
def test_the_page_says_which_projects_are_real_and_which_are_generated(
    page: Page, live_server: str
) -> None:
    query = """{ laureates: projects(first: 0, filter: {origin: LAUREATE}) { totalCount }
        generated: projects(first: 0, filter: {origin: GENERATED}) { totalCount } }"""
    counts = api(live_server, query)
    laureates = counts["laureates"]["totalCount"]
    generated = counts["generated"]["totalCount"]
    map_drawn(page)
    expect(page.locator(".lede")).to_contain_text("laureates (lauréats) are its real projects")
    expect(page.locator(".lede")).to_contain_text("generated")
    legend = page.locator("#map .map-legend")
    expect(legend).to_contain_text(
        f"Candidat généré (données simulées) : {french(generated)}, non dessinés"
    )
    note = page.locator("#map-note")
    expect(note).to_contain_text(f"les {french(laureates)} projets réels du fonds")
    expect(note).to_contain_text(f"Candidats générés : {french(generated)} projets simulés")
