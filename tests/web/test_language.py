"""The page speaks French to a first visitor; its switch moves it to English and the browser
remembers the choice across reloads. Screenshots of both languages are kept as artefacts."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import ARTIFACTS

# Words that read the same in both languages: their static text may not differ.
SAME_IN_BOTH = {
    "kicker",
    "mode",
    "contributions",
    "score",
    "points",
    "date",
    "budgetShort",
    "point",
}


def spaces(text: str) -> str:
    """Intl's fr-FR groups digits with U+202F and puts U+00A0 before % and €: one plain space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def result_shown(page: Page) -> None:
    expect(page.locator("#kpis")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def static_texts(page: Page) -> dict[str, str]:
    """The text of every element carrying data-i18n, by key (a key used twice: its last text)."""
    texts: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-i18n]')]
            .map((node) => [node.dataset.i18n, node.textContent]))"""
    )
    return texts


def test_a_first_visit_is_in_french(page: Page, live_server: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title(re.compile("Fonds d'accélération"))
    expect(page.locator("h1")).to_have_text(
        "Fonds d'accélération industrielle — tableau de bord des scénarios"
    )
    expect(page.locator("#run")).to_have_text("Lancer la simulation")
    expect(page.locator("#scenario-form label[data-field='fragileShareMin'] > span")).to_have_text(
        "Plancher territoires fragiles (% des euros)"
    )
    switch = page.locator("#lang-switch")
    expect(switch).to_have_text("English")
    expect(switch).to_have_attribute("lang", "en")
    result_shown(page)
    labels = page.locator("#kpis dt")
    expect(labels.nth(0)).to_contain_text("Emplois créés")
    expect(labels.nth(1)).to_have_text("Dépensé")
    expect(labels.nth(3)).to_have_text("Part territoires fragiles")
    # The figures are written the French way: 12 207 and 69,0 % (the API gives the raw ones).
    query = '{ runScenario(name: "france-relance-2020") { ... on SimulationResult { jobs } } }'
    body = httpx.post(f"{live_server}/graphql", json={"query": query}, timeout=60).json()
    jobs = round(body["data"]["runScenario"]["jobs"])
    assert jobs >= 1000  # grouped digits to check
    french_jobs = f"{jobs:,}".replace(",", " ")
    assert spaces(page.locator("#kpi-jobs").inner_text()) == french_jobs
    assert "M€" in page.locator("#kpi-spent").inner_text()
    assert re.search(r"^\d+,\d %", spaces(page.locator("#kpi-fragile").inner_text()))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-fr.png"), full_page=True)


def test_the_switch_moves_to_english_and_is_remembered(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.click("#lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Industrial acceleration fund — what-if dashboard")
    expect(page).to_have_title("Territoires d'industrie — fund simulator")
    expect(page.locator("#run")).to_have_text("Run scenario")
    switch = page.locator("#lang-switch")
    expect(switch).to_have_text("Français")
    expect(switch).to_have_attribute("lang", "fr")
    result_shown(page)
    expect(page.locator("#kpis dt").nth(1)).to_have_text("Spent")
    # English figures: 12,207 and 69.0%.
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", page.locator("#kpi-jobs").inner_text())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-en.png"), full_page=True)

    page.reload()  # remembered
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#run")).to_have_text("Run scenario")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.click("#lang-switch")  # and back
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#run")).to_have_text("Lancer la simulation")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#lang-switch")).to_have_text("English")


def test_every_static_text_has_its_own_words_in_each_language(page: Page, page_en: Page) -> None:
    french, english = static_texts(page), static_texts(page_en)
    assert french.keys() == english.keys()
    assert len(french) > 100  # the whole page, not one panel
    assert all(text.strip() for text in [*french.values(), *english.values()])
    same = {key for key in french if french[key] == english[key]}
    assert same <= SAME_IN_BOTH, sorted(same - SAME_IN_BOTH)


def test_english_keeps_the_words_it_had(page_en: Page) -> None:
    expect(page_en.locator("html")).to_have_attribute("lang", "en")
    expect(page_en.locator("#scenario-title")).to_have_text("Scenario")
    expect(page_en.locator("#envelopes summary")).to_contain_text("Regional envelopes (M EUR)")
    expect(page_en.locator("#compare")).to_have_text("Compare")
    expect(page_en.locator("#curve-form label > span").first).to_have_text("Floor")
    expect(page_en.locator("footer")).to_contain_text("ANCT territory lists and outlines")


@pytest.mark.parametrize(
    ("lang", "title", "idle", "as_in_base"),
    [
        ("en", "Result", "Run a scenario to see the allocation.", "as in the base"),
        (
            None,
            "Résultat",
            "Lancez un scénario pour voir l'allocation.",
            "comme le scénario de départ",
        ),
    ],
)
def test_a_first_load_that_fails_leaves_the_idle_texts_in_the_page_language(
    browser: Browser, live_server: str, lang: str | None, title: str, idle: str, as_in_base: str
) -> None:
    context = browser.new_context(base_url=live_server)
    if lang is not None:
        context.add_init_script(f"localStorage.setItem('territoires.lang', '{lang}')")
    tab = context.new_page()
    down = {"errors": [{"message": "down", "extensions": {"code": "SERVICE_UNAVAILABLE"}}]}
    tab.route("**/graphql", lambda route: route.fulfill(json=down))
    try:
        tab.goto("/")
        expect(tab.locator("#api-error")).to_be_visible()
        # The texts a script fills after the API answers, set at start in the page's language.
        expect(tab.locator("#results-title")).to_have_text(title)
        expect(tab.locator("#status-message")).to_have_text(idle)
        for select in ["#mode", "#matching-rule"]:
            expect(tab.locator(f"{select} option[value='']")).to_have_text(as_in_base)
    finally:
        context.close()
