"""Numbers typed as French readers write them (0,75, 75 %, 12 207), and the lever panels in
French, in headless Chromium."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, Request, expect

from tests.web.test_dashboard import announced, api
from tests.web.test_levers import ANNOUNCED, WithLevers, cells


def is_run(post_data: str | None) -> bool:
    """The form's run: a `simulate` asking for the whole result (the map's pages of funded
    projects ask `simulate` too, for the scenario already shown)."""
    query = json.loads(post_data or "{}").get("query", "")
    return "simulate(scenario" in query and "nextInLine" in query


def simulated(page: Page) -> list[dict[str, Any]]:
    """The ScenarioInputs the form's runs send to the API, as they go."""
    sent: list[dict[str, Any]] = []

    def keep(request: Request) -> None:
        if request.url.endswith("/graphql") and is_run(request.post_data):
            sent.append(json.loads(request.post_data or "{}")["variables"]["s"])

    page.on("request", keep)
    return sent


def run(page: Page) -> None:
    """Submits the form and waits for the answer to its `simulate`."""
    expect(page.locator("#run")).to_be_enabled()
    with page.expect_response(lambda r: is_run(r.request.post_data)):
        page.click("#run")


def spaced(text: str) -> str:
    """Intl's fr-FR spaces (narrow and non-breaking) as plain ones."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def test_a_percent_typed_in_french_notation_is_sent_as_a_share(page: Page) -> None:
    # The fragile floor is labelled in %: "0,75" (a decimal between 0 and 1) and "75 %" are
    # both 75 %, the share 0.75; "69" is 69 %.
    sent = simulated(page)
    announced(page)
    for typed in ("0,75", "75 %", "75,0 %", "69"):
        page.fill("#fragile", typed)
        run(page)
        assert sent[-1]["fragileShareMin"] == (0.69 if typed == "69" else 0.75), typed
    assert len(sent) == 4


def test_what_a_decimal_percent_was_read_as_is_shown_beside_it(page: Page) -> None:
    announced(page)
    page.fill("#fragile", "0,75")
    understood = page.locator('[data-field="fragileShareMin"] .understood')
    expect(understood).to_have_text(re.compile(r"^compris : 75,0\s%$"))
    page.fill("#fragile", "75")  # not ambiguous: nothing to say
    expect(understood).to_have_text("")


def test_an_amount_with_french_thousands_is_read(page: Page) -> None:
    # Budget in M€: "12 207" (a space between thousands, or Intl's narrow one) is 12,207 M€;
    # the matching rate is a share from 0 to 1: "0,5" is 0.5 and so is "50 %".
    sent = simulated(page)
    announced(page)
    page.fill("#budget", "12 207")
    page.click("#co-funding summary")
    page.fill("#matching-rate", "0,5")
    run(page)
    assert sent[-1]["budgetEur"] == 12_207_000_000
    assert sent[-1]["coFunding"] == {"matching": {"rate": 0.5}}
    page.fill("#budget", "1\u202f234,5")
    page.fill("#matching-rate", "50 %")
    run(page)
    assert sent[-1]["budgetEur"] == 1_234_500_000
    assert sent[-1]["coFunding"] == {"matching": {"rate": 0.5}}


def test_rounds_and_sector_floors_typed_in_french_notation(page: Page) -> None:
    # Released "0,5" and "50 %" of the budget: half each time; a reserve of "20" is 20 %.
    sent = simulated(page)
    announced(page)
    page.click("#round-inputs summary")
    for date, release, reserve in (("2021-04-01", "0,5", "20"), ("2021-10-01", "50 %", "")):
        page.click("#add-round")
        row = page.locator("#round-rows tr").last
        row.locator("input.date").fill(date)
        row.locator("input.release").fill(release)
        row.locator("input.reserve").fill(reserve)
    run(page)
    assert sent[-1]["rounds"] == [
        {"date": "2021-04-01", "releaseShare": 0.5, "reserveShare": 0.2},
        {"date": "2021-10-01", "releaseShare": 0.5, "reserveShare": None},
    ]


def test_a_value_that_is_not_a_number_is_refused_in_french_naming_the_field(page: Page) -> None:
    sent = simulated(page)
    announced(page)
    page.fill("#fragile", "abc")
    page.click("#run")
    field = page.locator('[data-field="fragileShareMin"]')
    expect(field.locator(".error")).to_have_text(
        re.compile(
            r"^« Plancher territoires fragiles » : « abc » n'est pas un nombre "
            r"\(exemple : 0,75 ou 75\s%\)\.$"
        )
    )
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    assert sent == []  # refused on the page: nothing asked of the API
    page.fill("#fragile", "")
    page.click("#round-inputs summary")
    page.click("#add-round")
    row = page.locator("#round-rows tr")
    row.locator("input.date").fill("2021-04-01")
    row.locator("input.release").fill("la moitié")
    page.click("#run")
    expect(row.locator("td.error")).to_contain_text(
        "« Ouvert, % du budget » : « la moitié » n'est pas un nombre"
    )
    expect(field.locator(".error")).to_have_text("")
    page.fill("#budget", "12 %")  # an amount takes no percent sign
    page.click("#run")
    expect(page.locator('[data-field="budgetEur"] .error')).to_contain_text(
        "« Budget (M€) » : « 12 % » n'est pas un montant"
    )
    assert sent == []


def test_an_english_visitor_is_refused_in_english(page_en: Page) -> None:
    sent = simulated(page_en)
    announced(page_en)
    page_en.fill("#fragile", "abc")
    page_en.click("#run")
    expect(page_en.locator('[data-field="fragileShareMin"] .error')).to_have_text(
        'Fragile-territory floor: "abc" is not a number (e.g. 0.75 or 75%).'
    )
    assert sent == []


def french(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def test_the_lever_panels_in_french(page: Page, live_server: str) -> None:
    announced(page)
    expect(page.locator("#criteria tbody tr")).to_have_count(4)
    criteria = cells(page, "#criteria")
    assert criteria[0][0] == "emplois créés"
    assert [spaced(c) for c in criteria[0][2:]] == ["emplois", "100 %"]
    assert [row[3] for row in criteria[1:]] == ["indicatif seulement"] * 3
    # What the next in line would need, said in French from the API's figures.
    listed = api(live_server, ANNOUNCED)["runScenario"]["nextInLine"]
    needing = [(i, n) for i, n in enumerate(listed) if (n["jobsNeeded"] or 0) >= 0.05]
    assert needing, listed
    rows = cells(page, "#next-in-line")
    for i, project in needing:
        assert spaced(rows[i][1]) == french(project["score"], 1)
        needed = project["jobsNeeded"]
        jobs = "emplois" if needed >= 2 else "emploi"  # French plural from 2
        assert spaced(rows[i][5]).startswith(
            f"Non financé : il entrerait avec {french(needed, 1)} {jobs} de plus"
        ), rows[i]

    # The same co-funded result in two rounds test_levers.py reads in English.
    page.route("**/graphql", WithLevers())
    page.click("#run-saved")
    expect(page.locator("#funding-panel")).to_be_visible()
    summary = page.locator("#funding-summary")
    expect(summary).to_have_text(re.compile(r"^État 300,0"))
    assert spaced(summary.inner_text()) == (
        "État 300,0 M€, régions 45,0 M€ ; investissement mobilisé 2 415,0 M€, effet de levier "
        "7,00 € par € d'aide publique ; règle de contrepartie : chaque euro régional exige "
        "1 euro de l'État."
    )
    assert [[spaced(c) for c in row] for row in cells(page, "#funding")] == [
        ["Auvergne-Rhône-Alpes", "40,0", "25,0", "25,0", "8,25"],
        ["Hauts-de-France", "30,0", "20,0", "20,0", "6,50"],
    ]
    assert [[spaced(c) for c in row] for row in cells(page, "#rounds")] == [
        ["1", "1 avril 2021", "160,0", "128,0", "4 000", "4 000", "4 100", "100", "31,3"],
        ["2", "1 juillet 2021", "240,0", "272,0", "5 000", "9 000", "9 450", "450", "24,0"],
    ]
    rounds = spaced(page.locator("#rounds-summary").inner_text())
    assert "En décidant revue par revue : 9 000 emplois, contre 9 450" in rounds
    assert "La réserve fait gagner 120 emplois (8 880 sans réserve)." in rounds


def test_the_base_values_in_french(page: Page) -> None:
    announced(page)
    expect(page.locator("#co-funding-base")).to_have_text(
        "Le scénario de départ n'a aucun cofinancement régional."
    )
    page.select_option("#base", "revues-regionales-2021")
    expect(page.locator("#rounds-base")).to_contain_text("Revues régionales du départ")
    assert spaced(page.locator("#rounds-base").text_content() or "") == (
        "Revues régionales du départ (revues-regionales-2021) : 1 avril 2021, 40 %, 20 % en "
        "réserve ; 1 juillet 2021, 20 % ; 1 octobre 2021, 20 % ; 1 avril 2022, 20 %."
    )
    page.select_option("#base", "revue-juillet-2021")
    expect(page.locator("#departments-base")).to_contain_text("Enveloppes du départ")
    assert spaced(page.locator("#departments-base").text_content() or "") == (
        "Enveloppes du départ : 59 au plus 15,0 M€ ; 62 au plus 15,0 M€."
    )
    expect(page.locator("#next-count")).to_have_attribute("title", "fixé dans revue-juillet-2021")


def test_the_refusals_examples_read_back_on_either_page(page: Page, page_en: Page) -> None:
    # An amount's refusal gives two examples written by Intl; typed back into the same field
    # (the budget, in M EUR) each is that value: "12,207" on the English page is 12,207 M EUR
    # (commas group thousands there), "12 207" and "0,5" on the French one, "0.5" in English.
    # And a comma is a decimal sign in French: "12,5" is 12.5 M EUR.
    for tab, pattern in (
        (page_en, r'"abc" is not a number \(e\.g\. (.+) or (.+)\)\.$'),
        (page, r"« abc » n'est pas un nombre \(exemple : (.+) ou (.+)\)\.$"),
    ):
        sent = simulated(tab)
        announced(tab)
        tab.fill("#budget", "abc")
        tab.click("#run")
        error = tab.locator('[data-field="budgetEur"] .error')
        expect(error).to_have_text(re.compile(pattern))
        match = re.search(pattern, error.inner_text())
        assert match is not None
        whole, half = match.groups()
        assert spaced(whole) == ("12,207" if tab is page_en else "12 207")
        assert half == ("0.5" if tab is page_en else "0,5")
        for typed, meur in ((whole, 12_207), (half, 0.5)):
            tab.fill("#budget", typed)
            run(tab)
            assert sent[-1]["budgetEur"] == meur * 1_000_000, typed
    page.fill("#budget", "12,5")
    run(page)
    assert sent[-1]["budgetEur"] == 12_500_000
