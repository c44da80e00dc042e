"""The API's English words on the page: in French after the lead-in that says so, the English
itself inside an element marked lang="en" (a screen reader reads it with an English voice); in
English without the lead-in. And the page's controls while a work runs: the language switch
stays usable, and every select shows its longest option in full."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from playwright.sync_api import Error, Locator, Page, Route, expect

from tests.web.conftest import ARTIFACTS
from tests.web.test_dashboard import announced, api
from tests.web.test_pareto_page import noted

LEAD_IN = "Message du serveur (en anglais) : "
INFEASIBLE = """query($n: String!) { runScenario(name: $n) { __typename
    ... on Infeasible { message relaxations { name text } } } }"""
REASONS = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
    ... on SimulationResult { unspentReasons } } }"""


def english(locator: Locator) -> list[str]:
    """The texts of the elements marked lang="en" inside `locator`'s elements, in order."""
    return locator.locator("[lang=en]").all_text_contents()


def capital(text: str) -> str:
    return text[0].upper() + text[1:]


def infeasible(server: str) -> dict[str, Any]:
    outcome: dict[str, Any] = api(server, INFEASIBLE, n="infeasible-corsica-floor")["runScenario"]
    assert outcome["__typename"] == "Infeasible"
    return outcome


def run_infeasible(page: Page) -> None:
    announced(page)
    page.select_option("#base", "infeasible-corsica-floor")
    page.click("#run-saved")
    expect(page.locator("#infeasible")).to_be_visible()


def test_an_infeasible_scenarios_english_is_marked_after_the_french_lead_in(
    page: Page, live_server: str
) -> None:
    outcome = infeasible(live_server)
    run_infeasible(page)
    message = page.locator("#infeasible > p").first
    expect(message).to_have_text(LEAD_IN + outcome["message"])
    assert english(message) == [outcome["message"]]  # the lead-in itself is outside lang="en"
    relaxations = page.locator("#infeasible li")
    expect(relaxations).to_have_count(len(outcome["relaxations"]))
    for i, relaxation in enumerate(outcome["relaxations"]):
        words = f"{capital(relaxation['text'])}."
        expect(relaxations.nth(i)).to_have_text(LEAD_IN + words)
        assert english(relaxations.nth(i)) == [words]
    # On its field: "Conflit : <lead-in><the API's words>."
    corsica = next(r for r in outcome["relaxations"] if r["name"] == "region_94_min")
    error = page.locator('#envelope-rows tr[data-code="94"] td.error')
    expect(error).to_have_text(f"Conflit : {LEAD_IN}{corsica['text']}.")
    assert english(error) == [corsica["text"]]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-words-fr.png"), full_page=True)


def test_in_english_the_api_words_have_no_lead_in(page_en: Page, live_server: str) -> None:
    outcome = infeasible(live_server)
    run_infeasible(page_en)
    message = page_en.locator("#infeasible > p").first
    expect(message).to_have_text(outcome["message"])
    expect(page_en.locator("#infeasible")).not_to_contain_text("Message du serveur")
    error = page_en.locator('#envelope-rows tr[data-code="94"] td.error')
    corsica = next(r for r in outcome["relaxations"] if r["name"] == "region_94_min")
    expect(error).to_have_text(f"Conflict: {corsica['text']}.")


def test_an_unspent_reason_is_marked_english(page: Page, live_server: str) -> None:
    announced(page)
    # A budget above every project's request: euros stay unspent, and the API says why.
    page.fill("#budget", "100 000")
    with page.expect_request(lambda r: "simulate(" in (r.post_data or "")) as sent:
        page.click("#run")
    scenario = json.loads(sent.value.post_data or "{}")["variables"]["s"]
    reasons = api(live_server, REASONS, s=scenario)["simulate"]["unspentReasons"]
    assert reasons, "a budget above every request leaves euros unspent, with a reason"
    items = page.locator("#unspent-reasons li")
    expect(items).to_have_text([LEAD_IN + reason for reason in reasons])
    for i, reason in enumerate(reasons):
        assert english(items.nth(i)) == [reason]


def test_the_pareto_note_and_method_are_marked_english(page: Page) -> None:
    announced(page)
    page.route("**/graphql", noted)
    page.fill("#pareto-points", "3")
    with page.expect_response(lambda r: "paretoFront" in (r.request.post_data or "")) as answer:
        page.click("#draw-pareto")
    method = answer.value.json()["data"]["paretoFront"]["method"]
    summary = page.locator("#pareto-summary")
    expect(summary).to_contain_text(f"Remarque : {LEAD_IN}review rounds are not played.")
    assert english(summary) == ["review rounds are not played"]
    expect(page.locator("#pareto-method")).to_have_text(f"Méthode : {LEAD_IN}{method}")
    assert english(page.locator("#pareto-method")) == [method]


def test_an_api_refusal_is_marked_english(page: Page) -> None:
    announced(page)
    busy = {"errors": [{"message": "the solver is busy", "extensions": {"code": "SERVICE_BUSY"}}]}
    page.route(
        "**/graphql",
        lambda route: (
            route.fulfill(json=busy)
            if "simulate(" in (route.request.post_data or "")
            else route.continue_()
        ),
    )
    page.click("#run")
    alert = page.locator("#api-error")
    expect(alert).to_have_text(LEAD_IN + "the solver is busy")
    assert english(alert) == ["the solver is busy"]


def held_requests(page: Page) -> list[Route]:
    """Holds every request to the API until released (a work that stays under way)."""
    held: list[Route] = []
    page.route("**/graphql", lambda route: held.append(route))
    return held


def release(page: Page, held: list[Route]) -> None:
    page.unroute("**/graphql")
    for route in held:
        with contextlib.suppress(Error):  # a request its page dropped when it reloaded
            route.continue_()


def test_the_language_switch_stays_usable_while_a_solve_runs(page: Page) -> None:
    announced(page)
    held = held_requests(page)
    page.click("#run")
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#run")).to_be_disabled()  # the other buttons wait
    expect(page.locator("#lang-switch")).to_be_enabled()
    expect(page.locator("#cancel")).to_be_enabled()
    release(page, held)
    expect(page.locator("#progress")).to_be_hidden()


def test_the_language_switch_stays_usable_while_the_page_loads(page: Page) -> None:
    announced(page)
    held = held_requests(page)
    page.reload()
    expect(page.locator("#progress")).to_be_visible()  # loading the scenarios, held
    expect(page.locator("#lang-switch")).to_be_enabled()
    page.click("#lang-switch")  # usable: the page comes back in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    release(page, held)


# Each visible select: the width its longest option needs (as the browser measures text in the
# select's font) and the room inside the select, padding and the arrow's ~1 em taken off.
FITS = """() => [...document.querySelectorAll('select')].filter((s) => s.offsetParent).map((s) => {
  const style = getComputedStyle(s);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const longest = [...s.options].reduce((a, o) => (pen.measureText(o.text).width
    > pen.measureText(a).width ? o.text : a), '');
  const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
    - parseFloat(style.fontSize);
  return { id: s.id || s.getAttribute('aria-label'), longest, fits:
    pen.measureText(longest).width <= room };
})"""


def test_french_options_read_in_full(page: Page) -> None:
    announced(page)
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.click("#add-contribution")
    page.click("#add-sector")
    expect(page.locator("#pareto-x option")).not_to_have_count(0)
    selects = page.evaluate(FITS)
    ids = {s["id"] for s in selects}
    assert {"objective-mode", "matching-rule", "mode", "curve-parameter"} <= ids, ids
    assert [s for s in selects if not s["fits"]] == []
