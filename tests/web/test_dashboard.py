"""The dashboard driven in headless Chromium against the real server, in French (a first
visitor) and in English (chosen before); numbers are checked against the same public API the
page talks to."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from playwright.sync_api import Page, Route, expect

from tests.conftest import REAL_DATA, needs_real_data
from tests.web.conftest import ARTIFACTS

OUTCOME = """__typename ... on SimulationResult { jobs spentEur budgetEur unspentEur fragileShare
    decarbonisationShare projectsFunded regions { code }
    bindingConstraints { name shadowPrice } }"""


def api(server: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{server}/graphql", json={"query": query, "variables": variables}, timeout=60
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def announced_result(server: str) -> dict[str, Any]:
    query = f'{{ runScenario(name: "france-relance-2020") {{ {OUTCOME} }} }}'
    result: dict[str, Any] = api(server, query)["runScenario"]
    return result


def jobs(value: float) -> str:
    return f"{round(value):,}"  # as the page writes them in English (en-GB grouping)


def french(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # as Intl fr-FR groups digits


def spaced(text: str) -> str:
    """Intl's narrow and no-break spaces (fr-FR groups and units) as plain spaces."""
    return re.sub("[\u202f\u00a0]", " ", text)


def french_jobs(value: float) -> str:
    return f"{round(value):,}".replace(",", " ")  # 12 207, spaces normalised


def french_millions(eur: float) -> str:
    return f"{eur / 1e6:,.1f}".replace(",", " ").replace(".", ",") + " M€"  # 400,0 M€


def french_percent(share: float) -> str:
    return f"{share * 100:.1f}".replace(".", ",") + " %"  # 69,0 %


def announced(page: Page) -> str:
    expect(page.locator("#kpis")).to_be_visible()
    return page.locator("#kpi-jobs").inner_text()


def test_loads_and_shows_the_announced_programme(page_en: Page, live_server: str) -> None:
    page = page_en
    expected = announced_result(live_server)
    expect(page.locator("#base")).to_have_value("france-relance-2020")
    assert announced(page) == jobs(expected["jobs"])
    expect(page.locator("#status-message")).to_contain_text("Optimal")
    expect(page.locator("#binding li").first).to_contain_text("jobs per")
    expect(page.locator("#region-bars .region-bar")).to_have_count(len(expected["regions"]))
    # en-GB by Intl: "€400.0m", "69.0%"
    expect(page.locator("#kpi-spent")).to_contain_text(f"€{expected['spentEur'] / 1e6:,.1f}m")
    expect(page.locator("#kpi-fragile")).to_contain_text(f"{expected['fragileShare']:.1%}")
    if REAL_DATA.is_dir():
        expect(page.locator("#map")).to_have_attribute("data-state", "ready")
        assert page.locator("#map path.territory").count() > 100
    else:
        expect(page.locator("#map-note")).to_contain_text("No map")


def test_a_first_visitor_reads_the_result_in_french(page: Page, live_server: str) -> None:
    expected = announced_result(live_server)
    announced(page)
    # Worked out from the API's numbers the French way: 12 207 emplois, 400,0 M€, 69,0 %.
    assert spaced(page.locator("#kpi-jobs").inner_text()) == french_jobs(expected["jobs"])
    kpis = page.locator("#kpis")
    expect(kpis).to_contain_text("Emplois créés")
    expect(kpis).to_contain_text("Dépensé")
    expect(kpis).to_contain_text("Projets financés")
    spent = spaced(page.locator("#kpi-spent").inner_text())
    assert spent.startswith(french_millions(expected["spentEur"])), spent
    assert f"sur {french_millions(expected['budgetEur'])}" in spent, spent
    assert spaced(page.locator("#kpi-unspent").inner_text()) == french_millions(
        expected["unspentEur"]
    )
    fragile = spaced(page.locator("#kpi-fragile").inner_text())
    assert fragile.startswith(french_percent(expected["fragileShare"])), fragile
    assert "des euros" in fragile and "des projets" in fragile
    assert spaced(page.locator("#kpi-projects").inner_text()) == french_jobs(
        expected["projectsFunded"]
    )
    status = spaced(page.locator("#status-message").inner_text())
    assert status.startswith("Optimum"), status
    assert f"{french_jobs(expected['jobs'])} emplois pour" in status, status
    # The binding constraints composed in French from their names and prices.
    assert expected["bindingConstraints"]
    first = page.locator("#binding li").first
    expect(first).to_contain_text(re.compile(r" : [+\-−][\d\u202f\u00a0]+,\d emplois? par "))
    # Its price, the API's shadowPrice with one decimal and its sign, written the French way.
    price = f"{expected['bindingConstraints'][0]['shadowPrice']:+,.1f}"
    shown = spaced(first.inner_text()).replace("−", "-")
    assert f" : {price.replace(',', ' ').replace('.', ',')} " in shown, (shown, price)
    expect(first).to_contain_text("Contrainte saturée")
    expect(page.locator("#results-title")).to_contain_text("Résultat")
    chart = page.locator("#region-bars svg")
    expect(chart).to_have_attribute("aria-label", "Répartition par région, en millions d'euros")


def test_raising_the_fragile_floor_changes_the_numbers(page_en: Page, live_server: str) -> None:
    page = page_en
    before = announced(page)
    query = f"query($s: ScenarioInput!) {{ simulate(scenario: $s) {{ {OUTCOME} }} }}"
    expected = api(live_server, query, s={"fragileShareMin": 0.8})["simulate"]
    page.fill("#fragile", "80")
    page.click("#run")
    expect(page.locator("#kpi-fragile")).to_contain_text("80.0%")
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(expected["jobs"]))
    assert page.locator("#kpi-jobs").inner_text() != before
    expect(page.locator("#results-title")).to_contain_text("changed")


def test_progress_shows_while_a_solve_runs(page_en: Page) -> None:
    page = page_en
    announced(page)
    held: list[Route] = []
    page.route("**/graphql", lambda route: held.append(route))  # held until checked
    page.click("#run")
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#progress-text")).to_contain_text("Solving…")
    expect(page.locator("#run")).to_be_disabled()
    expect(page.locator("#cancel")).to_be_enabled()
    held[0].continue_()
    page.unroute("**/graphql")
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#run")).to_be_enabled()


def test_an_invalid_floor_is_shown_next_to_its_field(page_en: Page) -> None:
    page = page_en
    announced(page)
    page.fill("#fragile", "140")
    page.click("#run")
    field = page.locator('[data-field="fragileShareMin"]')
    expect(field.locator(".error")).to_contain_text("between 0 and 1")
    expect(field).to_have_class("field invalid")
    expect(page.locator("#kpis")).to_be_hidden()
    expect(page.locator("#status-message")).to_contain_text("not valid")


def test_an_invalid_floor_is_told_in_french(page: Page) -> None:
    announced(page)
    page.fill("#fragile", "140")
    page.click("#run")
    field = page.locator('[data-field="fragileShareMin"]')
    expect(field).to_have_class("field invalid")
    expect(page.locator("#status-message")).to_have_text(
        "Le scénario n'est pas valide : rien n'a été résolu."
    )


def test_an_infeasible_scenario_points_at_the_envelope(page_en: Page) -> None:
    page = page_en
    announced(page)
    page.select_option("#base", "infeasible-corsica-floor")
    page.click("#run-saved")
    expect(page.locator("#infeasible")).to_contain_text("region 94")
    row = page.locator('#envelope-rows tr[data-code="94"]')
    expect(row.locator("td.error")).to_contain_text("Conflict: lower region 94")
    expect(page.locator("#envelopes")).to_have_attribute("open", "")


def test_an_infeasible_scenario_in_french(page: Page) -> None:
    announced(page)
    page.select_option("#base", "infeasible-corsica-floor")
    page.click("#run-saved")
    expect(page.locator("#status-message")).to_have_text(
        "Aucune répartition ne respecte toutes les contraintes."
    )
    # The engine's English words come after a lead-in that says so.
    expect(page.locator("#infeasible")).to_contain_text("Message du serveur (en anglais)")
    row = page.locator('#envelope-rows tr[data-code="94"]')
    expect(row.locator("td.error")).to_contain_text("Conflit : ")


def test_an_api_refusal_is_shown_after_a_french_lead_in(page: Page) -> None:
    jobs_shown = announced(page)
    busy = {
        "errors": [
            {"message": "the solver is busy: retry in 5 s", "extensions": {"code": "SERVICE_BUSY"}}
        ],
        "data": None,
    }
    page.route(
        "**/graphql",
        lambda route: (
            route.fulfill(json=busy)
            if "simulate(" in (route.request.post_data or "")
            else route.continue_()
        ),
    )
    page.click("#run")
    expect(page.locator("#api-error")).to_have_text(
        "Message du serveur (en anglais) : the solver is busy: retry in 5 s"
    )
    expect(page.locator("#kpi-jobs")).to_have_text(jobs_shown)  # the last result stays
    expect(page.locator("#run")).to_be_enabled()
    page.unroute("**/graphql")


def compared_jobs_delta(server: str, names: list[str], outcome: str = "jobs") -> float:
    query = """query($n: [String!]!) { compareScenarios(names: $n) {
        ... on Comparison { outcomes { name deltas } } } }"""
    outcomes = api(server, query, n=names)["compareScenarios"]["outcomes"]
    delta: float = next(o for o in outcomes if o["name"] == outcome)["deltas"][1]
    return delta


def assert_signs_by_intl(page: Page) -> None:
    """Every change is signed by Intl (exceptZero): a zero change carries no sign, no '±'."""
    for table in ["#compare-outcomes", "#compare-regions"]:
        expect(page.locator(table)).not_to_contain_text("±")


def tick_and_compare(page: Page, names: list[str]) -> None:
    announced(page)
    for name in names:
        page.check(f'#compare-choices input[value="{name}"]')
    page.click("#compare")


def test_compare_two_scenarios_and_draw_the_curve(page_en: Page, live_server: str) -> None:
    page = page_en
    names = ["france-relance-2020", "fragile-first"]
    delta = compared_jobs_delta(live_server, names)
    tick_and_compare(page, names)
    table = page.locator("#compare-outcomes")
    expect(table).to_contain_text("Territoires ruraux et fragiles d'abord")
    sign = "-" if delta < 0 else "+"  # Intl's sign
    expect(table.locator("tr", has_text="jobs created")).to_contain_text(
        f"({sign}{jobs(abs(delta))})"
    )
    expect(page.locator("#compare-regions tr")).to_have_count(len(page_regions(page)) + 1)
    expect(page.locator("#compare-regions tr").nth(1)).to_contain_text(re.compile(r"€[\d.,]+m\)"))
    expect(table.locator("tr", has_text="fragile share (euros)")).to_contain_text(" pt)")
    expect(table.locator("tr", has_text="unspent")).to_contain_text(re.compile(r"€[\d.,]+m"))
    # Money changes signed by Intl in the currency: "+€1.5m", "-€1.5m", "€0.0m".
    spent = compared_jobs_delta(live_server, names, "spent_eur") / 1e6
    money = f"{'-' if spent < -0.05 else '+' if spent >= 0.05 else ''}€{abs(spent):,.1f}m"
    expect(table.locator("tr", has_text="spent").first).to_contain_text(f"({money})")
    assert_signs_by_intl(page)

    page.fill("#curve-points", "6")
    page.click("#draw-curve")
    expect(page.locator("#curve circle")).to_have_count(6)
    expect(page.locator("#curve path.curve")).to_be_attached()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)


def test_a_comparison_and_a_curve_in_french(page: Page, live_server: str) -> None:
    names = ["france-relance-2020", "fragile-first"]
    delta = compared_jobs_delta(live_server, names)
    tick_and_compare(page, names)
    table = page.locator("#compare-outcomes")
    expect(table).to_contain_text("Indicateur")
    row = table.locator("tr", has_text="emplois créés")
    sign = "[-−]" if delta < 0 else r"\+"
    digits = french(round(abs(delta))).replace("\u202f", "[\u202f\u00a0]")
    expect(row).to_contain_text(re.compile(rf"\({sign}{digits}\)"))
    expect(table.locator("tr", has_text="part des territoires fragiles (euros)")).to_contain_text(
        re.compile(r"\d,\d\s?%.*pt\)")
    )
    expect(page.locator("#compare-regions tr").nth(1)).to_contain_text(re.compile(r"\d,\d\s?M€"))
    # Money changes: the number signed by Intl, then the unit ("+1,5 M€", "0,0 M€").
    spent = compared_jobs_delta(live_server, names, "spent_eur") / 1e6
    figure = f"{abs(spent):,.1f}".replace(",", " ").replace(".", ",")
    sign = "[-−]" if spent < -0.05 else r"\+" if spent >= 0.05 else ""
    row = table.locator("tr", has_text="dépensé").first
    expect(row).to_contain_text(re.compile(rf"\({sign}{figure}[\s\u00a0\u202f]M€\)"))
    assert_signs_by_intl(page)
    # fragile-first sets the floor at 0.85 (scenarios/fragile-first.yaml), written the French way.
    inputs = page.locator("#compare-inputs tr", has_text="fragile_share_min")
    expect(inputs).to_contain_text("0,85")

    page.fill("#curve-points", "6")
    page.click("#draw-curve")
    expect(page.locator("#curve circle")).to_have_count(6)
    svg = page.locator("#curve svg")
    expect(svg).to_have_attribute(
        "aria-label", "Emplois créés selon le plancher territoires fragiles (part des euros)"
    )
    expect(svg).to_contain_text("emplois créés")
    expect(svg.locator("text", has_text=re.compile(r"^100\s%$"))).to_have_count(1)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-fr.png"), full_page=True)


def page_regions(page: Page) -> list[str]:
    return page.locator("#region-bars .region-bar").evaluate_all(
        "bars => bars.map(b => b.dataset.code)"
    )


def test_the_form_shows_the_base_values_from_the_typed_inputs(
    page_en: Page, live_server: str
) -> None:
    page = page_en
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
def test_a_what_if_run_redraws_the_funded_laureates(page_en: Page, live_server: str) -> None:
    page = page_en
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
    expect(page.locator(".lede")).to_contain_text("lauréats du fonds sont ses projets réels")
    expect(page.locator(".lede")).to_contain_text("générés")
    legend = page.locator("#map .map-legend")
    expect(legend).to_contain_text(
        f"Candidat généré (données simulées) : {french(generated)}, non dessinés"
    )
    note = page.locator("#map-note")
    expect(note).to_contain_text(f"les {french(laureates)} projets réels du fonds")
    expect(note).to_contain_text(f"Candidats générés : {french(generated)} projets simulés")
