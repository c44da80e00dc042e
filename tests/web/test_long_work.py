"""Long work on the page: a curve in chunks with its count, a comparison scenario by scenario,
and the cancel button that stops either (or a plain solve) leaving the page as it was."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Error, Page, Route, expect

from tests.web.test_dashboard import announced


class Gate:
    """Holds the GraphQL requests `hold` picks (the others pass) until released: the page is
    caught between two steps of its work, deterministically."""

    def __init__(self, page: Page, hold: Callable[[str, int], bool]) -> None:
        self.page = page
        self.hold = hold
        self.held: list[Route] = []
        self.seen: list[str] = []  # post bodies of every GraphQL request, in order

    def handle(self, route: Route) -> None:
        body = route.request.post_data or ""
        self.seen.append(body)
        if self.hold(body, len(self.seen)):
            self.held.append(route)
        else:
            route.continue_()

    def count(self, field: str) -> int:
        return sum(field in body for body in self.seen)

    def release(self) -> None:
        """Lets the held requests go on (those the page has aborted just fail)."""
        for route in self.held:
            with contextlib.suppress(Error):
                route.continue_()
        self.held.clear()


@contextlib.contextmanager
def gate(page: Page, hold: Callable[[str, int], bool]) -> Iterator[Gate]:
    keeper = Gate(page, hold)
    page.route("**/graphql", keeper.handle)
    try:
        yield keeper
    finally:
        keeper.release()
        page.unroute("**/graphql")


def curve_chunks_after(first: int) -> Callable[[str, int], bool]:
    """Holds every tradeOffCurve request after the first `first` ones."""
    sent = {"curves": 0}

    def hold(body: str, _: int) -> bool:
        if "tradeOffCurve" not in body:
            return False
        sent["curves"] += 1
        return sent["curves"] > first

    return hold


def test_a_curve_counts_its_points_chunk_by_chunk_and_draws(page: Page) -> None:
    announced(page)
    page.fill("#curve-points", "12")
    with gate(page, curve_chunks_after(1)) as keeper:
        page.click("#draw-curve")
        # 12 values go in chunks of 5, 5 and 2: after the first, 5 of 12 are done.
        expect(page.locator("#progress-text")).to_contain_text("5 / 12")
        # Shown beside the curve's own form, where the planner is.
        expect(page.locator("#curve-form #progress")).to_be_visible()
        expect(page.locator("#progress-bar")).to_have_js_property("value", 5)
        expect(page.locator("#progress-bar")).to_have_js_property("max", 12)
        expect(page.locator("#cancel")).to_be_enabled()
        expect(page.locator("#draw-curve")).to_be_disabled()
        keeper.hold = lambda body, n: False
        keeper.release()
        expect(page.locator("#curve circle")).to_have_count(12)
        assert keeper.count("tradeOffCurve") == 3
    expect(page.locator("#curve path.curve")).to_be_attached()
    expect(page.locator("#progress")).to_be_hidden()
    # The chunks' values make one axis from 0 % to 100 %.
    xs = page.locator("#curve circle").evaluate_all(
        "cs => cs.map(c => Number(c.getAttribute('cx')))"
    )
    assert xs == sorted(xs) and len(set(xs)) == 12


@pytest.mark.parametrize("fixture", ["page", "page_en"])
def test_cancelling_a_curve_keeps_the_chart_shown(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    page: Page = request.getfixturevalue(fixture)
    announced(page)
    page.fill("#curve-points", "3")
    page.click("#draw-curve")
    expect(page.locator("#curve circle")).to_have_count(3)
    before = page.locator("#curve").inner_html()
    page.fill("#curve-points", "12")
    with gate(page, curve_chunks_after(1)) as keeper:
        page.click("#draw-curve")
        expect(page.locator("#progress-text")).to_contain_text("5 / 12")
        expect(page.locator("#cancel")).to_be_visible()
        page.click("#cancel")
        cancelled = "Annulé" if fixture == "page" else "Cancelled"
        expect(page.locator("#progress-text")).to_have_text(cancelled)
        expect(page.locator("#draw-curve")).to_be_enabled()
        expect(page.locator("#cancel")).to_be_hidden()
        # The chunk under way was aborted and no other was asked for.
        assert keeper.count("tradeOffCurve") == 2
    assert page.locator("#curve").inner_html() == before
    expect(page.locator("#api-error")).to_be_hidden()
    # The page is still usable: the same curve again, to the end this time.
    page.click("#draw-curve")
    expect(page.locator("#curve circle")).to_have_count(12)
    expect(page.locator("#progress")).to_be_hidden()
    # A solve after it shows its progress under the scenario form again.
    with gate(page, lambda body, n: "simulate(" in body):
        page.click("#run")
        expect(page.locator("#scenario-form #progress")).to_be_visible()


def test_cancelling_a_solve_leaves_the_result_as_it_was(page: Page) -> None:
    jobs = announced(page)
    title = page.locator("#results-title").inner_text()
    with gate(page, lambda body, n: "simulate(" in body):
        page.fill("#fragile", "80")
        page.click("#run")
        expect(page.locator("#scenario-form #progress")).to_be_visible()
        expect(page.locator("#run")).to_be_disabled()
        # No count for a single solve: the bar is indeterminate.
        assert not page.locator("#progress-bar").evaluate("bar => bar.hasAttribute('value')")
        page.click("#cancel")
        expect(page.locator("#progress-text")).to_have_text("Annulé")
        expect(page.locator("#run")).to_be_enabled()
    expect(page.locator("#kpi-jobs")).to_have_text(jobs)
    expect(page.locator("#results-title")).to_have_text(title)
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("modifié")
    expect(page.locator("#kpi-fragile")).to_contain_text("80,0")


def tick(page: Page, names: list[str]) -> None:
    for name in names:
        page.check(f'#compare-choices input[value="{name}"]')


NAMES = ["france-relance-2020", "fragile-first", "decarbonisation-push"]


# The comparison's own solves ask for the outcome's kind alone (the map asks runScenario too,
# for the funded projects).
SOLVE = "runScenario(name: $n) { __typename }"


def run_scenario_after(first: int) -> Callable[[str, int], bool]:
    sent = {"runs": 0}

    def hold(body: str, _: int) -> bool:
        if SOLVE not in body:
            return False
        sent["runs"] += 1
        return sent["runs"] > first

    return hold


def test_a_comparison_counts_its_scenarios_and_can_be_cancelled(page: Page) -> None:
    announced(page)
    names = [n for n in NAMES if page.locator(f'#compare-choices input[value="{n}"]').count()]
    assert len(names) == 3, names
    tick(page, names)
    with gate(page, run_scenario_after(1)) as keeper:
        page.click("#compare")
        expect(page.locator("#progress-text")).to_contain_text("1 / 3")
        expect(page.locator("#compare-form #progress")).to_be_visible()
        page.click("#cancel")
        expect(page.locator("#progress-text")).to_have_text("Annulé")
        assert keeper.count("compareScenarios") == 0
        assert keeper.count(SOLVE) == 2
    expect(page.locator("#comparison")).to_be_hidden()
    expect(page.locator("#compare-exports")).to_be_hidden()
    # Again, to the end: each scenario solved once, then compared.
    with gate(page, lambda body, n: False) as keeper:
        page.click("#compare")
        expect(page.locator("#comparison")).to_be_visible()
        assert keeper.count(SOLVE) == 3
        assert keeper.count("compareScenarios") == 1
    expect(page.locator("#compare-outcomes tr").first).to_contain_text("Indicateur")
    expect(page.locator("#compare-outcomes tr").first.locator("th")).to_have_count(4)
    expect(page.locator("#progress")).to_be_hidden()


def curve_values(gate_: Gate) -> list[list[float]]:
    """The values each tradeOffCurve request sent, in order."""
    sent = [json.loads(body)["variables"] for body in gate_.seen if "tradeOffCurve" in body]
    return [variables["v"] for variables in sent]


def test_a_curve_of_more_points_than_the_server_takes_is_refused_naming_the_field(
    page: Page,
) -> None:
    announced(page)
    with gate(page, lambda body, n: False) as keeper:
        # 100,000 points in chunks of 5 would be 20,000 requests: refused, nothing sent.
        page.fill("#curve-points", "100000")
        page.click("#draw-curve")
        expect(page.locator("#curve-message")).to_contain_text("« points » : 200 points au plus")
        page.fill("#curve-points", "2,5")
        page.click("#draw-curve")
        expect(page.locator("#curve-message")).to_contain_text(
            "« points » : « 2,5 » n'est pas un nombre entier"
        )
        page.fill("#curve-points", "12")
        page.fill("#curve-from", "abc")
        page.click("#draw-curve")
        expect(page.locator("#curve-message")).to_contain_text("« de (%) » : « abc »")
        assert keeper.count("tradeOffCurve") == 0


def test_a_curve_in_english_refuses_too_many_points_in_english(page_en: Page) -> None:
    announced(page_en)
    page_en.fill("#curve-points", "201")
    page_en.click("#draw-curve")
    expect(page_en.locator("#curve-message")).to_have_text(
        "points: at most 200 points (you asked for 201)."
    )


def test_a_curve_reads_its_percents_as_the_form_does(page: Page) -> None:
    announced(page)
    with gate(page, lambda body, n: False) as keeper:
        # "1,0" in a percent field is the share 1 (100 %), as in the scenario form; 0 is 0 %.
        page.fill("#curve-from", "0")
        page.fill("#curve-to", "1,0")
        page.fill("#curve-points", "2")
        page.click("#draw-curve")
        expect(page.locator("#curve circle")).to_have_count(2)
        assert curve_values(keeper) == [[0, 1]]


def test_a_curve_from_a_form_with_a_refused_field_sends_nothing(page: Page) -> None:
    announced(page)
    with gate(page, lambda body, n: False) as keeper:
        page.fill("#fragile", "abc")
        page.click("#draw-curve")
        # Refused as the run refuses it: on its field, and the curve says why it waits.
        expect(page.locator("[data-field='fragileShareMin'] .error")).to_contain_text("abc")
        expect(page.locator("#curve-message")).to_contain_text("n'est pas valide")
        assert keeper.count("tradeOffCurve") == 0
    expect(page.locator("#curve circle")).to_have_count(0)


def test_work_is_exclusive_but_cancel_language_and_the_sweeps_cancel_stay_enabled(
    page: Page,
) -> None:
    announced(page)
    with gate(page, lambda body, n: "simulate(" in body) as keeper:
        page.fill("#fragile", "80")
        page.click("#run")
        expect(page.locator("#scenario-form #progress")).to_be_visible()
        # The base select starts work when it changes: locked, as are the buttons.
        expect(page.locator("#base")).to_be_disabled()
        expect(page.locator("#draw-curve")).to_be_disabled()
        expect(page.locator("#cancel")).to_be_enabled()
        expect(page.locator("#lang-switch")).to_be_enabled()
        expect(page.locator("#sweep-cancel")).to_be_enabled()
        # A second work started by a script while the first runs is refused, the first kept.
        page.evaluate(
            "() => document.querySelector('#curve-form').dispatchEvent("
            "new Event('submit', { cancelable: true }))"
        )
        expect(page.locator("#api-error")).to_contain_text("déjà en cours")
        assert keeper.count("tradeOffCurve") == 0
        page.click("#cancel")
        expect(page.locator("#progress-text")).to_have_text("Annulé")
    expect(page.locator("#base")).to_be_enabled()
    expect(page.locator("#run")).to_be_enabled()


def test_the_live_region_announces_the_label_and_count_not_the_seconds(page: Page) -> None:
    announced(page)
    with gate(page, lambda body, n: "simulate(" in body):
        page.click("#run")
        text = page.locator("#progress-text")
        expect(text).to_contain_text("Résolution…")
        hidden = text.locator("[aria-hidden='true']")
        # The seconds tick in a part hidden from screen readers, the rest stays as it is.
        expect(hidden).to_have_text(re.compile(r"^ \d+,\d s$"))
        first = hidden.inner_text()
        expect(hidden).not_to_have_text(first)
        spoken = text.evaluate(
            "node => [...node.childNodes].filter((c) => !(c.getAttribute && "
            "c.getAttribute('aria-hidden'))).map((c) => c.textContent).join('')"
        )
        assert spoken == "Résolution…"
        page.click("#cancel")
