"""The map's words in both languages: its caption, legend and a laureate's details, with the
figures written as each language writes numbers."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import needs_real_data
from tests.web.conftest import ARTIFACTS
from tests.web.test_dashboard import api, funded_ids, map_drawn, metropolitan_laureates

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
    expect(page.locator("#map")).to_have_attribute("lang", "fr")
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
    expect(page_en.locator("#map")).to_have_attribute("lang", "en")
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
