"""The map's words in both languages: its caption, legend and a laureate's details, with the
figures written as each language writes numbers; the keyboard's way to a laureate (one labelled
list instead of a tab stop per point) shows what a click shows, and axe-core finds no serious
violation in the map with a laureate's details open."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.conftest import needs_real_data
from tests.web.conftest import ARTIFACTS
from tests.web.test_accessibility import (
    GRAVE,
    axe_script,  # noqa: F401 (a fixture)
    described,
    violations,
)
from tests.web.test_dashboard import (
    api,
    every_node,
    funded_ids,
    map_drawn,
    metropolitan_laureates,
)

COUNTS = """{ laureates: projects(first: 0, filter: {origin: LAUREATE}) { totalCount }
    generated: projects(first: 0, filter: {origin: GENERATED}) { totalCount } }"""


def spaced(text: str) -> str:
    """The text with Intl's no-break spaces (fr-FR groups and before %) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def french(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # fr-FR grouping, spaces made plain


@needs_real_data
def test_the_map_speaks_french_by_default(page: Page, live_server: str) -> None:
    counts = api(live_server, COUNTS)
    laureates = metropolitan_laureates(live_server)
    funded = funded_ids(live_server, 'runScenario(name: "france-relance-2020")') & laureates.keys()
    map_drawn(page)
    # The map speaks the page's language: no lang of its own to contradict it.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    for part in ["#map", "#map-note", "#map-details"]:
        assert page.locator(part).get_attribute("lang") is None, part
    legend = spaced(page.locator("#map .map-legend").inner_text())
    assert f"Lauréat financé dans ce scénario ({french(len(funded))})" in legend
    assert f"Lauréat non financé ({french(len(laureates) - len(funded))})" in legend
    generated = french(counts["generated"]["totalCount"])
    assert f"Candidat généré (données simulées) : {generated}, non dessinés" in legend
    note = spaced(page.locator("#map-note").inner_text())
    total = french(counts["laureates"]["totalCount"])
    assert note.startswith(f"Lauréats : les {total} projets réels du fonds (données réelles de")
    assert f"{french(len(laureates))} sont placés à leur position GPS, dont " in note
    assert f"{french(len(funded))} financés dans ce scénario" in note
    assert f"Candidats générés : {generated} projets simulés" in note
    label = page.locator("#map svg").first.get_attribute("aria-label") or ""
    assert label.startswith("Carte de la France métropolitaine")
    page.locator("#map circle.laureate.funded").last.hover()
    details = page.locator("#map-details")
    expect(details).to_contain_text("Financé dans ce scénario : ")
    # Money in M€ or k€ as French writes it, each figure stated or estimated, with its range.
    aid = spaced(details.locator("p", has_text="Financé dans ce scénario").inner_text())
    assert re.fullmatch(r"Financé dans ce scénario : [\d ]+(,\d)? (M|k)€ d'aide", aid), aid
    first = spaced(details.locator("dd").first.inner_text())
    assert re.fullmatch(r"[\d ]+(,\d)? (M|k)€ \((déclaré|estimé), entre .+ et .+\)", first), first
    expect(details).to_contain_text("fourchette du 10e au 90e centile")


@needs_real_data
def test_the_map_in_english(page_en: Page, live_server: str) -> None:
    counts = api(live_server, COUNTS)
    laureates = metropolitan_laureates(live_server)
    funded = funded_ids(live_server, 'runScenario(name: "france-relance-2020")') & laureates.keys()
    map_drawn(page_en)
    # The map speaks the page's language: no lang of its own to contradict it.
    expect(page_en.locator("html")).to_have_attribute("lang", "en")
    for part in ["#map", "#map-note", "#map-details"]:
        assert page_en.locator(part).get_attribute("lang") is None, part
    legend = page_en.locator("#map .map-legend")
    expect(legend).to_contain_text(f"Laureate funded in this scenario ({len(funded):,})")
    expect(legend).to_contain_text(f"Laureate not funded ({len(laureates) - len(funded):,})")
    generated = f"{counts['generated']['totalCount']:,}"
    expect(legend).to_contain_text(f"Generated candidate (simulated data): {generated}, not drawn")
    note = page_en.locator("#map-note")
    expect(note).to_contain_text(
        f"Laureates: the fund's {counts['laureates']['totalCount']:,} real projects"
    )
    expect(note).to_contain_text(f"Generated candidates: {generated} simulated projects")
    page_en.locator("#map rect.laureate.unfunded").first.dispatch_event("click")
    details = page_en.locator("#map-details")
    expect(details).to_contain_text("Not funded in this scenario")
    expect(details.locator("dt").first).to_have_text("Investment")
    first = details.locator("dd").first.inner_text()
    # en-GB: "€1.5m" or "€285k", and the figure's source in English.
    assert re.fullmatch(r"€[\d,]+(\.\d)?(m|k) \((stated|estimated), between .+ and .+\)", first)
    expect(details).to_contain_text("A real laureate of the fund.")
    ARTIFACTS.mkdir(exist_ok=True)
    page_en.locator("#allocation").screenshot(path=str(ARTIFACTS / "map-en.png"))


# ---- the keyboard's way: the list of the laureates the map shows ------------------------------

ALLOCATIONS = """query($a: String) { outcome: runScenario(name: "france-relance-2020") {
    ... on SimulationResult { fundedProjects(first: 100, after: $a) {
        pageInfo { hasNextPage endCursor } nodes { allocatedEur project { id } } } } } }"""


def allocations(server: str) -> dict[str, float]:
    nodes = every_node(server, ALLOCATIONS, "outcome.fundedProjects")
    return {n["project"]["id"]: n["allocatedEur"] for n in nodes}


def region_names(server: str) -> dict[str, str]:
    return {r["code"]: r["name"] for r in api(server, "{ regions { code name } }")["regions"]}


def tab_to(page: Page, target: str, limit: int = 400) -> list[str]:
    """Presses Tab from the top of the page until `target` has the focus; the stops on the way
    (id, or tag and class), each one seen once."""
    page.keyboard.press("Home")  # nothing focused yet: the walk starts at the top
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = str(
            page.evaluate(
                """() => { const node = document.activeElement;
                    return node.id || `${node.tagName}.${node.getAttribute("class")}`; }"""
            )
        )
        stops.append(stop)
        if page.locator(target).evaluate("node => node === document.activeElement"):
            return stops
    raise AssertionError(f"{target} never reached: {stops}")


def french_aid(eur: float) -> str:
    # fmt.meur from a million up (one decimal), k€ rounded below: 1 500 000 -> "1,5 M€",
    # 285 400 -> "285 k€"; spaces plain.
    if eur >= 1e6:
        return f"{eur / 1e6:,.1f}".replace(",", " ").replace(".", ",") + " M€"
    return f"{round(eur / 1e3):,}".replace(",", " ") + " k€"


@needs_real_data
def test_the_keyboard_picks_a_laureate_and_sees_what_a_click_shows(
    page: Page, live_server: str
) -> None:
    laureates = metropolitan_laureates(live_server)
    aid = allocations(live_server)
    funded = aid.keys() & laureates.keys()
    regions = region_names(live_server)
    map_drawn(page)
    expect(page.locator("#map-details")).to_contain_text("ou choisissez-le dans la liste")
    # The points are no tab stops (a thousand of them would bar the way): the list is one.
    assert page.locator("#map [tabindex]").count() == 0
    picker = page.get_by_label("Choisir un lauréat sur la carte", exact=True)
    expect(picker).to_have_attribute("id", "map-pick")
    stops = tab_to(page, "#map-pick")
    assert not any(stop.startswith(("circle", "rect", "path", "svg")) for stop in stops), stops
    # Its groups: the funded laureates first, then the others, counted as French writes.
    groups = picker.locator("optgroup")
    expect(groups).to_have_count(2)
    first, second = (groups.nth(i).get_attribute("label") or "" for i in range(2))
    assert spaced(first) == f"Financés dans ce scénario ({french(len(funded))})"
    unfunded = french(len(laureates) - len(funded))
    assert spaced(second) == f"Non financés dans ce scénario ({unfunded})"
    ids = [groups.nth(i).locator("option").evaluate_all("os => os.map(o => o.value)")
           for i in range(2)]  # fmt: skip
    assert set(ids[0]) == funded and set(ids[1]) == laureates.keys() - funded
    # Each option: the company's name and its region, as the API names them.
    points = every_node(
        live_server,
        """query($a: String) { projects(first: 100, after: $a, filter: {origin: LAUREATE}) {
            pageInfo { hasNextPage endCursor } nodes { id location { regionCode } } } }""",
        "projects",
    )
    region_of = {n["id"]: regions[n["location"]["regionCode"]] for n in points
                 if n["id"] in laureates}  # fmt: skip
    texts = picker.locator("option").evaluate_all("os => os.map(o => [o.value, o.text])")
    for value, text in texts[1:]:
        name = " ".join(laureates[value].split())  # an option's text has its spaces collapsed
        assert text.startswith(f"{name} — {region_of[value]}"), (value, text)
    # The arrow key chooses the first funded laureate: its details, its point ringed.
    page.keyboard.press("ArrowDown")
    chosen = ids[0][0]
    expect(picker).to_have_value(chosen)
    details = page.locator("#map-details")
    expect(details).to_have_attribute("data-project-id", chosen)
    expect(details.locator("h4")).to_have_text(laureates[chosen])
    aid_line = details.locator("p", has_text="Financé dans ce scénario")
    expect(aid_line).to_have_count(1)
    assert spaced(aid_line.inner_text()) == (
        f"Financé dans ce scénario : {french_aid(aid[chosen])} d'aide"
    )
    expect(details.locator("dd")).to_have_count(5)
    point = page.locator(f'#map .laureate[data-id="{chosen}"]')
    expect(point).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#map .laureate.selected")).to_have_count(1)
    # The ring sits on the point, in the focus colour while the list has the focus.
    centre = point.evaluate("c => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]")
    ring = page.locator("#map .map-ring")
    expect(ring).to_have_attribute("visibility", "visible")
    expect(ring).to_have_attribute("transform", f"translate({centre[0]:.1f},{centre[1]:.1f})")
    colour = ring.locator(".mark").evaluate("c => getComputedStyle(c).stroke")
    assert colour == "rgb(10, 118, 246)", colour
    by_keyboard = details.inner_text()
    # The next laureate, then the mouse on the first one again: the same details.
    page.keyboard.press("ArrowDown")
    expect(details).to_have_attribute("data-project-id", ids[0][1])
    expect(details.locator("h4")).to_have_text(laureates[ids[0][1]])
    point.dispatch_event("click")
    expect(details.locator("h4")).to_have_text(laureates[chosen])
    assert details.inner_text() == by_keyboard  # drawn at once (replaceChildren)
    expect(picker).to_have_value(chosen)  # the list follows the mouse


@needs_real_data
def test_the_keyboard_picks_a_laureate_not_funded_in_english(
    page_en: Page, live_server: str
) -> None:
    page = page_en
    laureates = metropolitan_laureates(live_server)
    funded = funded_ids(live_server, 'runScenario(name: "france-relance-2020")') & laureates.keys()
    map_drawn(page)
    expect(page.locator("#map-details")).to_contain_text("or pick one in the list")
    picker = page.get_by_label("Pick a laureate on the map", exact=True)
    expect(picker).to_have_attribute("id", "map-pick")
    label = page.locator("#map svg").first.get_attribute("aria-label") or ""
    assert f"{len(laureates):,} of the fund's laureates, {len(funded):,} of them funded" in label
    tab_to(page, "#map-pick")
    groups = picker.locator("optgroup")
    expect(groups.nth(1)).to_have_attribute(
        "label", f"Not funded in this scenario ({len(laureates) - len(funded):,})"
    )
    # End: the last of the list, a laureate the result does not fund.
    page.keyboard.press("End")
    last = groups.nth(1).locator("option").last.get_attribute("value")
    assert last is not None and last not in funded
    details = page.locator("#map-details")
    expect(details).to_have_attribute("data-project-id", last)
    expect(details.locator("h4")).to_have_text(laureates[last])
    expect(details).to_contain_text("Not funded in this scenario")
    expect(details.locator("dt").first).to_have_text("Investment")
    by_keyboard = details.inner_text()
    page.keyboard.press("Home")  # back to "no laureate picked": the details stay
    expect(picker).to_have_value("")
    expect(details).to_have_attribute("data-project-id", last)
    # The mouse on another point, then on this one: the same details as the keyboard's.
    other = groups.nth(0).locator("option").first.get_attribute("value")
    page.locator(f'#map .laureate[data-id="{other}"]').dispatch_event("click")
    expect(details).to_have_attribute("data-project-id", str(other))
    page.locator(f'#map .laureate[data-id="{last}"]').dispatch_event("click")
    expect(details).to_have_attribute("data-project-id", last)
    expect(details.locator("h4")).to_have_text(laureates[last])
    assert details.inner_text() == by_keyboard


@needs_real_data
def test_a_laureate_picked_stays_shown_after_a_what_if_run(page_en: Page, live_server: str) -> None:
    # A laureate funded in the announced result but not with 80 % for fragile territories:
    # after the run, its details say so, and the list still has it chosen.
    page = page_en
    laureates = metropolitan_laureates(live_server)
    before = funded_ids(live_server, 'runScenario(name: "france-relance-2020")')
    scenario = {"fragileShareMin": 0.8}
    after = funded_ids(live_server, "simulate(scenario: $s)", scenario)
    dropped = sorted((before - after) & laureates.keys())
    assert dropped
    map_drawn(page)
    picker = page.locator("#map-pick")
    picker.select_option(dropped[0])
    details = page.locator("#map-details")
    expect(details).to_contain_text("Funded in this scenario: ")
    page.fill("#fragile", "80")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("changed")
    expect(page.locator("#map")).to_have_attribute("data-state", "ready")
    expect(details).to_contain_text("Not funded in this scenario")
    expect(details.locator("h4")).to_have_text(laureates[dropped[0]])
    expect(picker).to_have_value(dropped[0])
    expect(page.locator(f'#map .laureate.unfunded[data-id="{dropped[0]}"]')).to_have_class(
        re.compile(r"\bselected\b")
    )


@needs_real_data
def test_no_serious_violation_in_the_map_with_a_laureate_picked(
    page: Page,
    axe_script: Path,  # noqa: F811 (the fixture imported above)
) -> None:
    map_drawn(page)
    tab_to(page, "#map-pick")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#map-details h4")).to_be_visible()
    found: list[dict[str, Any]] = violations(page, axe_script)
    grave = [v for v in found if v["impact"] in GRAVE]
    assert not grave, "axe-core, the map with a laureate picked:\n" + described(grave)
    page.locator("#allocation").screenshot(path=str(ARTIFACTS / "map-picked-fr.png"))


def test_the_servers_words_on_a_missing_map_are_marked_english(
    browser: Browser, live_server: str
) -> None:
    # The outlines' address answers 503 with the server's English message: the note says there
    # is no map in French, then the server's words after the lead-in, inside lang="en".
    context = browser.new_context(base_url=live_server)
    tab = context.new_page()
    tab.route(
        "**/geo/territories-phase1.geojson",
        lambda route: route.fulfill(status=503, json={"message": "the outlines are not built"}),
    )
    tab.goto("/")
    expect(tab.locator("#map")).to_have_attribute("data-state", "error")
    note = tab.locator("#map-note")
    expect(note).to_have_text(
        "Pas de carte : Message du serveur (en anglais) : the outlines are not built. "
        "Le graphique en barres montre la répartition."
    )
    expect(note.locator('[lang="en"]')).to_have_text("the outlines are not built")
    # Without words from the server, the page's own: the status, in French.
    tab.route("**/geo/territories-phase1.geojson", lambda route: route.fulfill(status=404))
    tab.select_option("#base", "equal-regions")
    tab.click("#run-saved")
    expect(note).to_contain_text("Pas de carte : contours indisponibles (404).")
    expect(note.locator('[lang="en"]')).to_have_count(0)
    context.close()
