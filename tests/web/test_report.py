"""The printable report (/report) in headless Chromium: its figures against the API's answer, in
French and in English, printed to PDF on exactly one A4 page, in black and white."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.conftest import _in_ci
from tests.web.conftest import ARTIFACTS, deprecated_uses

SHIPPED = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
RESULT = """__typename
  ... on SimulationResult {
    jobs spentEur budgetEur fragileShare decarbonisationShare projectsFunded
    jobsRange { p10 p90 }
    regions { code name allocatedEur jobs projectsFunded }
    bindingConstraints { name shadowPrice }
    provenance { data { fingerprint } code { engine } }
  }
  ... on Infeasible { conflictNames relaxations { name suggested unit } }
  ... on InvalidScenario { problems { field } }"""
COUNTS = """laureates: projects(first: 0, filter: {origin: LAUREATE}) { totalCount }
  generated: projects(first: 0, filter: {origin: GENERATED}) { totalCount }"""


def api(server: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{server}/graphql", json={"query": query, "variables": variables}, timeout=120
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def run(server: str, name: str) -> dict[str, Any]:
    query = f"query($n: String!) {{ scenario(name: $n) {{ title }} {COUNTS} "
    query += f"outcome: runScenario(name: $n) {{ {RESULT} }} }}"
    return api(server, query, n=name)


@pytest.fixture
def tabs(browser: Browser, live_server: str) -> Iterator[Any]:
    """Opens fresh tabs in a language (None: a first visitor, in French); any script error or
    deprecated field in the page's queries fails the test."""
    errors: list[str] = []
    queries: set[str] = set()
    contexts = []

    def open_tab(lang: str | None = None) -> Page:
        context = browser.new_context(
            viewport={"width": 1000, "height": 1200}, base_url=live_server
        )
        context.set_default_timeout(120_000)  # a solve on a busy 2-core machine
        if lang is not None:
            context.add_init_script(f"localStorage.setItem('territoires.lang', '{lang}')")
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("request", lambda r: queries.add(r.post_data or "") if "/graphql" in r.url else None)
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert not errors, errors
    assert not deprecated_uses(queries)


def report(tab: Page, address: str) -> Page:
    tab.goto(address)
    expect(tab.locator("body")).to_have_attribute("data-ready", "true")
    return tab


def plain(text: str) -> str:
    """Intl's narrow and non-breaking spaces, the PDF's ligatures (ﬁ) and line breaks as plain
    spaces and letters, so that texts compare as a reader sees them."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\u2212", "-")).strip()


def text(tab: Page, selector: str) -> str:
    return plain(tab.locator(selector).inner_text())


# Numbers as Intl writes them in fr-FR and en-GB (spaces made plain by `plain`).
def fr_int(n: float) -> str:
    return f"{round(n):,}".replace(",", " ")


def fr_decimal(n: float, digits: int = 1) -> str:
    return f"{n:,.{digits}f}".replace(",", " ").replace(".", ",")


def en_int(n: float) -> str:
    return f"{round(n):,}"


def printed(tab: Page, name: str) -> str:
    """Prints the report to A4 as a browser would (print media, no backgrounds), keeps the PDF
    and a screenshot as artefacts, and returns the text of its only page."""
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    path = ARTIFACTS / f"{name}.pdf"
    tab.pdf(path=str(path), format="A4", print_background=False)
    pages = PdfReader(path).pages
    assert len(pages) == 1, f"{name}: {len(pages)} pages"
    return plain(pages[0].extract_text())


def test_the_route_serves_the_report_page(live_server: str) -> None:
    response = httpx.get(f"{live_server}/report?name=france-relance-2020", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/report.js">' in response.text


def test_french_report_of_the_programme(tabs: Any, live_server: str) -> None:
    expected = run(live_server, "france-relance-2020")
    r = expected["outcome"]
    tab = report(tabs(), "/report?name=france-relance-2020")
    assert tab.evaluate("document.documentElement.lang") == "fr"
    assert text(tab, "#report-title") == expected["scenario"]["title"]
    assert "Rapport de scénario — Territoires d'industrie, Fonds d'accélération" in plain(
        tab.locator(".kicker").text_content() or ""
    )
    assert re.fullmatch(
        r"Produit le \d{1,2} \w+ \d{4} · scénario « france-relance-2020 »",
        text(tab, "#report-meta"),
    )
    # Inputs: the 400 M EUR budget and the 69 % floor of the scenario file.
    inputs = text(tab, "#inputs")
    assert "Budget de l'État : 400,0 M€" in inputs
    assert "Plancher territoires fragiles (part des euros) : 69,0 %" in inputs
    assert "lauréats et projets générés" in text(tab, "#levers")
    # Headline figures, each as the API gives it, the jobs with their estimated p10-p90 range.
    assert text(tab, "#fig-jobs .value") == fr_int(r["jobs"])
    jobs_note = text(tab, "#fig-jobs")
    assert "estimé" in jobs_note
    assert f"{fr_int(r['jobsRange']['p10'])} – {fr_int(r['jobsRange']['p90'])}" in jobs_note
    assert text(tab, "#fig-spent .value") == f"{fr_decimal(r['spentEur'] / 1e6)} M€"
    assert text(tab, "#fig-fragile .value") == f"{fr_decimal(r['fragileShare'] * 100)} %"
    decarbonisation = f"{fr_decimal(r['decarbonisationShare'] * 100)} %"
    assert text(tab, "#fig-decarbonisation .value") == decarbonisation
    assert text(tab, "#fig-funded .value") == fr_int(r["projectsFunded"])
    # The region table row by row, largest allocation first, and its total.
    regions = sorted(r["regions"], key=lambda g: -g["allocatedEur"])
    rows = tab.locator("#region-table tbody tr")
    expect(rows).to_have_count(len(regions))
    for i, region in enumerate(regions):
        cells = [plain(c) for c in rows.nth(i).locator("th, td").all_inner_texts()]
        assert cells == [
            region["name"],
            fr_decimal(region["allocatedEur"] / 1e6),
            fr_int(region["jobs"]),
            fr_int(region["projectsFunded"]),
        ]
    total = [plain(c) for c in tab.locator("#region-table tfoot tr").all_inner_texts()]
    assert fr_int(r["projectsFunded"]) in total[0]
    # The chart: one bar per region, lengths in proportion to the euros.
    widths = tab.eval_on_selector_all(
        "#region-chart rect.bar", "bars => bars.map(b => b.width.baseVal.value)"
    )
    assert len(widths) == len(regions)
    for width, region in zip(widths, regions, strict=True):
        assert width / widths[0] == pytest.approx(
            region["allocatedEur"] / regions[0]["allocatedEur"], rel=1e-3
        )
    # Binding constraints in French words, composed from the structured fields, not the API's
    # English: the budget's price per extra M EUR first.
    sentences = [plain(s) for s in tab.locator("#constraints li").all_inner_texts()]
    assert len(sentences) == len(r["bindingConstraints"])
    budget = next(b for b in r["bindingConstraints"] if b["name"] == "budget")
    price = f"{budget['shadowPrice']:+.1f}".replace(".", ",")
    assert f"Budget de l'État : {price} emplois par million d'euros de plus." in sentences
    assert not any("Message du serveur" in s for s in sentences)
    # Provenance: the dataset's fingerprint, the code's version, the note on generated data.
    provenance = text(tab, "#provenance")
    assert r["provenance"]["data"]["fingerprint"] in provenance
    assert f"moteur {r['provenance']['code']['engine']}" in provenance
    note = text(tab, "#data-note")
    assert f"{fr_int(expected['laureates']['totalCount'])} lauréats" in note
    generated = fr_int(expected["generated"]["totalCount"])
    assert f"{generated} autres projets sont générés (données simulées)" in note
    expect(tab.locator("#print")).to_have_text("Imprimer")

    pdf = printed(tab, "report-fr")
    assert expected["scenario"]["title"] in pdf
    assert fr_int(r["jobs"]) in pdf
    assert "rapport de scénario" in pdf.casefold()  # the kicker, in capitals
    assert "données simulées" in pdf


def test_english_report_of_the_programme(tabs: Any, live_server: str) -> None:
    expected = run(live_server, "france-relance-2020")
    r = expected["outcome"]
    tab = report(tabs("en"), "/report?name=france-relance-2020")
    assert tab.evaluate("document.documentElement.lang") == "en"
    assert "Scenario report — Territoires d'industrie" in plain(
        tab.locator(".kicker").text_content() or ""
    )
    assert "State budget: €400.0m" in text(tab, "#inputs")
    assert text(tab, "#fig-jobs .value") == en_int(r["jobs"])
    assert f"{en_int(r['jobsRange']['p10'])} – {en_int(r['jobsRange']['p90'])}" in text(
        tab, "#fig-jobs"
    )
    assert text(tab, "#fig-fragile .value") == f"{r['fragileShare'] * 100:.1f}%"
    budget = next(b for b in r["bindingConstraints"] if b["name"] == "budget")
    sentences = [plain(s) for s in tab.locator("#constraints li").all_inner_texts()]
    assert f"The State's budget: {budget['shadowPrice']:+.1f} jobs per extra €1m." in sentences
    expect(tab.locator("#print")).to_have_text("Print")

    pdf = printed(tab, "report-en")
    assert expected["scenario"]["title"] in pdf
    assert en_int(r["jobs"]) in pdf


def test_the_jobs_range_says_why_it_can_sit_above_the_figure(tabs: Any, live_server: str) -> None:
    r = run(live_server, "france-relance-2020")["outcome"]
    # Estimated figures skew upwards: the range sits above the declared total it ranges.
    assert r["jobsRange"]["p10"] > r["jobs"]
    tab = report(tabs(), "/report?name=france-relance-2020")
    assert text(tab, "#range-note") == (
        "Fourchette : Monte-Carlo sur celle de chaque projet financé ; les estimations tirent "
        "vers le haut, elle peut dépasser le total déclaré."
    )
    assert "tirent vers le haut" in printed(tab, "report-range-note")  # still one page
    # One printed line: as high as one line of its text.
    one_line = tab.evaluate(
        "() => { const n = document.querySelector('#range-note');"
        " return n.getClientRects().length === 1 && n.offsetHeight"
        " < 1.5 * parseFloat(getComputedStyle(n).lineHeight); }"
    )
    assert one_line
    tab = report(tabs("en"), "/report?name=france-relance-2020")
    assert text(tab, "#range-note") == (
        "Range: Monte Carlo over each funded project's own range; estimates skew upwards, so it "
        "can sit above the declared total."
    )


def test_what_if_report(tabs: Any, live_server: str) -> None:
    scenario = {"title": "Plancher fragile à 75 %", "fragileShareMin": 0.75}
    query = f"query($s: ScenarioInput!) {{ outcome: simulate(scenario: $s) {{ {RESULT} }} }}"
    r = api(live_server, query, s=scenario)["outcome"]
    assert r["__typename"] == "SimulationResult"
    tab = report(tabs(), f"/report?scenario={quote(json.dumps(scenario))}")
    assert text(tab, "#report-title") == "Plancher fragile à 75 %"
    assert "Plancher territoires fragiles (part des euros) : 75,0 %" in text(tab, "#inputs")
    assert text(tab, "#fig-jobs .value") == fr_int(r["jobs"])
    assert text(tab, "#fig-fragile .value") == f"{fr_decimal(r['fragileShare'] * 100)} %"
    assert "plancher 75,0 %" in text(tab, "#fig-fragile")
    # The floor binds: its price per point is a French sentence too.
    fragile = next(b for b in r["bindingConstraints"] if b["name"] == "fragile_share")
    price = f"{fragile['shadowPrice']:+.1f}".replace(".", ",")
    assert any(
        s.startswith(f"Plancher territoires fragiles (part des euros) : {price} emploi")
        for s in tab.locator("#constraints li").all_inner_texts()
    )

    pdf = printed(tab, "report-what-if")
    assert "Plancher fragile à 75 %" in pdf
    assert fr_int(r["jobs"]) in pdf


def test_infeasible_scenario_says_so_on_one_page(tabs: Any, live_server: str) -> None:
    expected = run(live_server, "infeasible-corsica-floor")
    r = expected["outcome"]
    assert r["__typename"] == "Infeasible"
    tab = report(tabs(), "/report?name=infeasible-corsica-floor")
    status = text(tab, "#report-status")
    assert status.startswith("Scénario infaisable : aucune répartition ne respecte")
    assert "Message du serveur (en anglais) : Infeasible" in status  # the API's own words, led in
    expect(tab.locator("#figures-section")).to_be_hidden()
    expect(tab.locator("#regions-section")).to_be_hidden()
    assert "Corse ≥ 10,0" in text(tab, "#levers")
    conflicts = [plain(s) for s in tab.locator("#constraints li").all_inner_texts()]
    assert conflicts == ["Plancher de l'enveloppe régionale (Corse)"]  # region_94_min
    relaxation = next(x for x in r["relaxations"] if x["name"] == "region_94_min")
    suggested = f"{fr_int(relaxation['suggested'])} €"
    assert f"Plancher de l'enveloppe régionale (Corse) : passer de 10 000 000 € à {suggested}." in [
        plain(s) for s in tab.locator("#relaxations li").all_inner_texts()
    ]

    pdf = printed(tab, "report-infeasible")
    assert expected["scenario"]["title"] in pdf
    assert "Scénario infaisable" in pdf


def test_invalid_what_if_and_bad_addresses_say_so(tabs: Any) -> None:
    tab = report(tabs(), f"/report?scenario={quote(json.dumps({'budgetEur': -5}))}")
    assert text(tab, "#report-status") == "Scénario invalide : rien n'a été calculé."
    assert text(tab, "#constraints li").startswith(
        "« budgetEur » : Message du serveur (en anglais)"
    )
    assert "budgetEur : -5" in text(tab, "#inputs")  # what was asked, as given
    printed(tab, "report-invalid")

    tab = report(tabs(), "/report?scenario=%7Bnot-json")
    assert "n'est pas un JSON valide" in text(tab, "#report-status")
    tab = report(tabs("en"), "/report")
    assert text(tab, "#report-status").startswith("No scenario given")


def test_print_is_black_and_white(tabs: Any) -> None:
    tab = report(tabs(), "/report?name=france-relance-2020")
    fills = "bars => bars.map(b => [getComputedStyle(b).fill, getComputedStyle(b).stroke])"

    def colours(values: list[list[str]]) -> set[tuple[int, ...]]:
        return {
            tuple(int(v) for v in re.findall(r"\d+", value)[:3])
            for pair in values
            for value in pair
        }

    # On screen the bars are the dashboard's blue, so the print rules below are what turns them
    # grey (r = g = b) with a black outline.
    assert any(len(set(rgb)) > 1 for rgb in colours(tab.eval_on_selector_all("rect.bar", fills)))
    tab.emulate_media(media="print")
    printed_colours = colours(tab.eval_on_selector_all("rect.bar", fills))
    assert printed_colours and all(len(set(rgb)) == 1 for rgb in printed_colours), printed_colours
    expect(tab.locator("#print")).to_be_hidden()
    texts = tab.eval_on_selector_all(
        "main *",
        "nodes => nodes.filter(n => n.childNodes.length && n.offsetParent !== null)"
        ".map(n => [getComputedStyle(n).color, parseFloat(getComputedStyle(n).fontSize)])",
    )
    assert {color for color, _ in texts} == {"rgb(0, 0, 0)"}
    assert min(size for _, size in texts) >= 8 * 96 / 72 - 0.01  # 8 pt in CSS pixels
    # Nothing runs past the printed width (186 mm between the 12 mm margins).
    tab.set_viewport_size({"width": round(186 / 25.4 * 96), "height": 1000})
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_prints_on_one_page(tabs: Any, name: str) -> None:
    tab = report(tabs(), f"/report?name={name}")
    status = text(tab, "#report-status")
    assert not status.startswith("Le rapport n'a pas pu être produit"), status
    # Every constraint the shipped scenarios bind or break is named in French, none is left to
    # the API's English.
    sentences = tab.locator("#constraints li, #relaxations li").all_inner_texts()
    assert sentences and not [s for s in sentences if "Message du serveur" in s]
    printed(tab, f"report-{name}")


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("name", ["france-relance-2020", "infeasible-corsica-floor"])
def test_no_serious_accessibility_violation(tabs: Any, name: str) -> None:
    if not AXE.exists():
        reason = "needs axe-core (npm ci --prefix tests/web)"
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: the accessibility check must run)", pytrace=False)
        pytest.skip(reason)
    tab = report(tabs(), f"/report?name={name}")
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate(
        """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
            .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" "))}`)"""
    )
    assert not [v for v in found if v.split()[0] in ("serious", "critical")], found


def test_an_infeasible_what_if_shows_what_was_asked(tabs: Any) -> None:
    # Corsica's projects ask for less than 10 M EUR in all (scenarios/infeasible-corsica-floor).
    scenario = {"regionEnvelopes": [{"regionCode": "94", "minEur": 10_000_000}]}
    tab = report(tabs(), f"/report?scenario={quote(json.dumps(scenario))}")
    assert text(tab, "#report-status").startswith("Scénario infaisable")
    assert '"regionCode":"94"' in text(tab, "#inputs")  # no resolved inputs: the what-if as sent
    assert "Plancher de l'enveloppe régionale (Corse)" in text(tab, "#constraints")
    printed(tab, "report-infeasible-what-if")


def test_the_dashboard_links_to_the_report_of_its_result(page: Page) -> None:
    """The dashboard's "report" link after a what-if opens this page on the same result."""
    expect(page.locator("#kpi-jobs")).not_to_be_empty()
    page.fill("#fragile", "80")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("modifié")
    shown = plain(page.locator("#kpi-jobs").inner_text())
    with page.context.expect_page() as opened:
        page.click("#report-link")
    tab = opened.value
    expect(tab.locator("body")).to_have_attribute("data-ready", "true", timeout=120_000)
    assert plain(tab.locator("#fig-jobs .value").inner_text()) == shown
    assert "80,0 %" in plain(tab.locator("#inputs").inner_text())


def test_region_envelopes_on_the_chart_and_in_the_table(tabs: Any, live_server: str) -> None:
    query = """query($n: String!) { outcome: runScenario(name: $n) {
        ... on SimulationResult { regions { name allocatedEur minEur maxEur } } } }"""
    regions = api(live_server, query, n="equal-regions")["outcome"]["regions"]
    bounds = [b for r in regions for b in (r["minEur"], r["maxEur"]) if b is not None]
    assert bounds  # equal-regions sets a minimum and a maximum per metropolitan region
    tab = report(tabs(), "/report?name=equal-regions")
    expect(tab.locator("#region-chart line.bound")).to_have_count(len(bounds))
    assert text(tab, "#region-table thead th:last-child") == "Enveloppe (M€)"
    for region in regions:
        row = tab.locator("#region-table tbody tr").filter(
            has=tab.get_by_role("rowheader", name=region["name"], exact=True)
        )
        low, high = region["minEur"], region["maxEur"]
        if low is not None and high is not None:
            envelope = f"{fr_decimal(low / 1e6)}–{fr_decimal(high / 1e6)}"
        elif low is not None or high is not None:
            envelope = f"{'≥' if low is not None else '≤'} {fr_decimal((low or high) / 1e6)}"
        else:
            envelope = ""
        assert plain(row.locator("td").last.inner_text()) == envelope
    tab.emulate_media(media="print")
    strokes = tab.eval_on_selector_all(
        "#region-chart line.bound", "lines => lines.map(l => getComputedStyle(l).stroke)"
    )
    assert set(strokes) == {"rgb(0, 0, 0)"}


def dashboard_sentences(tab: Page, count: int) -> list[str]:
    """The dashboard's binding constraints in words, without the hint under each."""
    expect(tab.locator("#binding li")).to_have_count(count)
    texts = tab.locator("#binding li").evaluate_all(
        "items => items.map((li) => li.firstChild.textContent)"
    )
    return [plain(s) for s in texts]


def report_sentences(tab: Page) -> list[str]:
    texts = [plain(s) for s in tab.locator("#constraints li").all_inner_texts()]
    return [s for s in texts if not re.fullmatch(r"\.\.\. et \d+ autres\.", s)]  # NFKC: … is ...


@pytest.mark.parametrize("name", ["france-relance-2020", "equal-regions"])
def test_the_dashboard_and_the_report_word_constraints_alike(
    tabs: Any, live_server: str, name: str
) -> None:
    r = run(live_server, name)["outcome"]
    binding = r["bindingConstraints"]
    assert binding
    regions = {
        x["code"]: x["name"] for x in api(live_server, "{ regions { code name } }")["regions"]
    }
    dashboard = tabs()
    dashboard.goto("/")
    if name != "france-relance-2020":
        expect(dashboard.locator("#kpis")).to_be_visible()
        dashboard.select_option("#base", name)
        dashboard.click("#run-saved")
        expect(dashboard.locator("#results-title")).to_contain_text(r"Résultat")
    envelopes = [b["name"] for b in binding if b["name"].startswith("region_")]
    if name == "equal-regions":
        # The equal envelopes hold the optimum back somewhere: at least one region's bound binds.
        assert envelopes
        expect(dashboard.locator("#binding")).to_contain_text("enveloppe régionale")
    shown = dashboard_sentences(dashboard, len(binding))
    printed_ = report_sentences(report(tabs(), f"/report?name={name}"))
    # The report lists the first ones (one A4 page); each is the dashboard's sentence, in order.
    assert printed_ and printed_ == shown[: len(printed_)]
    budget = next(b for b in binding if b["name"] == "budget")
    price = f"{budget['shadowPrice']:+.1f}".replace(".", ",")
    assert f"Budget de l'État : {price} emplois par million d'euros de plus." in shown
    for envelope in envelopes:
        # region_<code>_<side>: the region by its name, never by its code, on both.
        _, code, side = envelope.split("_")
        what = "Plafond" if side == "max" else "Plancher"
        sentence = f"{what} de l'enveloppe régionale ({regions[code]}) : "
        assert any(s.startswith(sentence) for s in shown), (sentence, shown)
        hint = dashboard.locator("#binding li .hint", has_text=f"({regions[code]})").first
        expect(hint).to_contain_text(f"Contrainte saturée : {what} de l'enveloppe régionale")
    assert not any(f"_{code}_" in s for s in shown for code in regions)


def test_a_constraint_without_french_words_keeps_the_api_label_in_english(tabs: Any) -> None:
    tab = report(tabs(), "/report?name=france-relance-2020")
    # A constraint the page has no words for (a name the API may add later): its sentence and
    # the label in its hint are the API's, marked lang="en" after the French lead-in.
    marked = tab.evaluate(
        """async () => {
          const { bindingHint, priceSentence } = await import("/static/constraints.js");
          const b = { name: "new_rule", label: "New rule", text: "new rule: +1.0 jobs per unit",
            shadowPrice: 1, unit: "jobs per unit" };
          const hint = bindingHint(b, new Map());
          const sentence = priceSentence(b, new Map());
          return [hint.textContent, hint.querySelector('[lang="en"]').textContent,
            sentence.textContent, sentence.querySelector('[lang="en"]').textContent];
        }"""
    )
    assert [plain(s) for s in marked] == [
        "Contrainte saturée : New rule.",
        "New rule",
        "Message du serveur (en anglais) : New rule: +1.0 jobs per unit.",
        "New rule: +1.0 jobs per unit.",
    ]
