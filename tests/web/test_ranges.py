"""The dashboard's jobs range and Uncertainty panel in headless Chromium: the range after a run,
the inputs sent as ScenarioInput.uncertainty, the price of robustness, refusals on their input."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.web.conftest import ARTIFACTS
from tests.web.test_dashboard import announced, api, jobs
from tests.web.test_levers import sent_scenarios

RANGE = (
    "jobs jobsRange { mean p10 p50 p90 draws seed realisationRate targetJobs targetProbability }"
)
ANNOUNCED = (
    f'{{ runScenario(name: "france-relance-2020") {{ ... on SimulationResult {{ {RANGE} }} }} }}'
)
SIMULATE = f"""query($s: ScenarioInput!) {{ simulate(scenario: $s) {{ __typename
    ... on SimulationResult {{ {RANGE} }} }} }}"""


def test_the_range_appears_after_a_run(page_en: Page, live_server: str) -> None:
    expected = api(live_server, ANNOUNCED)["runScenario"]
    jobs_range = expected["jobsRange"]
    assert jobs_range["p10"] <= jobs_range["p50"] <= jobs_range["p90"]
    announced(page_en)
    panel = page_en.locator("#range-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("An estimate, not a count")
    expect(panel).to_contain_text(f"{jobs_range['draws']:,} draws, seed {jobs_range['seed']}")
    for key in ("mean", "p10", "p50", "p90"):
        expect(page_en.locator(f"#range-{key}")).to_have_text(jobs(jobs_range[key]))
    expect(page_en.locator("#range-target")).to_have_count(0)  # the announced names no target
    expect(panel.locator("svg rect.range")).to_have_count(1)
    expect(panel.locator("svg .declared title")).to_have_text(
        f"as declared: {jobs(expected['jobs'])} jobs"
    )
    expect(page_en.locator("#robustness")).to_have_count(0)  # the expected objective
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "jobs-range.png"))


def test_the_uncertainty_inputs_reach_the_api_and_its_range_is_shown(
    page_en: Page, live_server: str
) -> None:
    announced(page_en)
    # A target at the announced programme's median: about one draw in two reaches it.
    median = round(api(live_server, ANNOUNCED)["runScenario"]["jobsRange"]["p50"])
    uncertainty = {"realisationRate": 0.8, "targetJobs": median, "draws": 500, "seed": 3}
    scenario = {"name": "what-if", "base": "france-relance-2020", "uncertainty": uncertainty}
    expected = api(live_server, SIMULATE, s=scenario)["simulate"]["jobsRange"]
    sent = sent_scenarios(page_en)
    expect(page_en.locator("#draws")).to_have_attribute("placeholder", "2000")
    page_en.click("#uncertainty-inputs summary")
    page_en.fill("#realisation-rate", "0.8")
    page_en.fill("#target-jobs", str(median))
    page_en.fill("#draws", "500")
    page_en.fill("#seed", "3")
    page_en.click("#run")
    expect(page_en.locator("#range-p50")).to_have_text(jobs(expected["p50"]))
    assert scenario in sent
    expect(page_en.locator("#range-panel")).to_contain_text("500 draws, seed 3; 80% of declared")
    probability = expected["targetProbability"]
    assert 0 < probability < 1
    expect(page_en.locator("#range-target")).to_have_text(f"{round(probability * 100)}%")
    expect(page_en.locator("#range-panel dt").last).to_have_text(f"P(at least {median:,} jobs)")


# What the robust objective adds to a result (the API's field names): the robust allocation's
# mean 310.4 below the expected-jobs one's, its 10th percentile 540.2 above.
PRICE = {
    "budget": 40.0,
    "expectedJobsGivenUp": 310.4,
    "p10Gained": 540.2,
    "worstCaseJobs": 19_875.0,
    "expected": {"mean": 21_790.8, "p10": 20_360.0, "p50": 21_700.0, "p90": 23_000.0,
                 "draws": 2_000, "seed": 0, "realisationRate": None, "targetJobs": None,
                 "targetProbability": None},
}  # fmt: skip


def with_price(route: Route) -> None:
    """The page's run answered by the server, with the price of robustness set on it."""
    if "robustness" not in (route.request.post_data or ""):
        route.continue_()
        return
    response = route.fetch()
    body: dict[str, Any] = response.json()
    (outcome,) = body["data"].values()
    if outcome["__typename"] == "SimulationResult":
        outcome["robustness"] = PRICE
    route.fulfill(response=response, body=json.dumps(body))


def test_the_robust_option_is_sent_and_its_price_shown(page_en: Page) -> None:
    announced(page_en)
    sent = sent_scenarios(page_en)
    page_en.route("**/graphql", with_price)
    page_en.click("#uncertainty-inputs summary")
    page_en.select_option("#objective-mode", "ROBUST")
    page_en.fill("#robust-budget", "40")
    page_en.click("#run")
    expect(page_en.locator("#robustness")).to_have_text(
        "Price of robustness: the robust allocation gives up 310 expected jobs and gains 540 "
        "jobs at the 10th percentile (budget of uncertainty 40: funded projects that may fall "
        "to their 10th percentile at once; 19,875 jobs in its worst case). The expected-jobs "
        "allocation, same draws: mean 21,791, 10th percentile 20,360."
    )
    # The map asks for the funded set of the same scenario too, in its own time: look for it.
    assert {"objective": "ROBUST", "robustBudget": 40} in [s.get("uncertainty") for s in sent]
    page_en.unroute("**/graphql", with_price)
    page_en.select_option("#objective-mode", "EXPECTED")
    page_en.fill("#robust-budget", "")
    page_en.click("#run")  # the server's answer: the expected objective has no price
    expect(page_en.locator("#range-panel")).to_be_visible()
    expect(page_en.locator("#robustness")).to_have_count(0)
    assert {"objective": "EXPECTED"} in [s.get("uncertainty") for s in sent]


ROBUST = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
    ... on SimulationResult { robustness { budget expectedJobsGivenUp p10Gained worstCaseJobs
      expected { mean p10 } } } } }"""


def test_the_robust_objective_shows_the_price_the_engine_gives(
    page_en: Page, live_server: str
) -> None:
    uncertainty = {"objective": "ROBUST", "robustBudget": 20, "draws": 500}
    scenario = {"name": "what-if", "base": "france-relance-2020", "uncertainty": uncertainty}
    price = api(live_server, ROBUST, s=scenario)["simulate"]["robustness"]
    assert price is not None and price["budget"] == 20
    announced(page_en)
    page_en.click("#uncertainty-inputs summary")
    page_en.select_option("#objective-mode", "ROBUST")
    page_en.fill("#robust-budget", "20")
    page_en.fill("#draws", "500")
    page_en.click("#run")
    shown = page_en.locator("#robustness")
    given_up, gained = price["expectedJobsGivenUp"], price["p10Gained"]
    expect(shown).to_contain_text(
        f"the robust allocation {'gives up' if given_up >= 0 else 'gains'} "
        f"{jobs(abs(given_up))} expected jobs and {'gains' if gained >= 0 else 'loses'} "
        f"{jobs(abs(gained))} jobs at the 10th percentile (budget of uncertainty 20:"
    )
    expect(shown).to_contain_text(
        f"mean {jobs(price['expected']['mean'])}, 10th percentile {jobs(price['expected']['p10'])}"
    )


def test_a_bad_realisation_rate_is_shown_on_its_field(page_en: Page) -> None:
    announced(page_en)
    page_en.click("#uncertainty-inputs summary")
    page_en.fill("#realisation-rate", "1.5")
    page_en.click("#run")
    field = page_en.locator('[data-path="uncertainty.realisation_rate"]')
    expect(field.locator(".error")).to_have_text("must be above 0 and at most 1, got 1.5")
    expect(field).to_have_class("field invalid")
    expect(page_en.locator("#status-message")).to_contain_text("not valid")
    expect(page_en.locator("#range-panel")).to_be_hidden()
    page_en.fill("#realisation-rate", "0.9")
    page_en.click("#run")
    expect(page_en.locator("#range-panel")).to_be_visible()
    expect(field.locator(".error")).to_have_text("")


def test_whole_numbers_are_asked_before_anything_is_sent(page_en: Page) -> None:
    announced(page_en)
    sent = sent_scenarios(page_en)
    page_en.click("#uncertainty-inputs summary")
    page_en.fill("#draws", "2.5")
    page_en.click("#run")
    # The field's name, what was typed and an example that reads back: "2,000" is 2000 here.
    expect(page_en.locator('[data-path="uncertainty.draws"] .error')).to_have_text(
        'Monte Carlo draws: "2.5" is not a whole number (e.g. 2,000).'
    )
    assert sent == []


def test_a_robust_base_shows_its_settings_and_its_price(page_en: Page) -> None:
    # The shipped robust allocation sets a realisation rate of 0.8, a target of 29,000 jobs and
    # the robust objective with a budget of 200: its values are the form's placeholders.
    announced(page_en)
    page_en.select_option("#base", "allocation-robuste")
    rate = page_en.locator("#realisation-rate")
    expect(rate).to_have_attribute("placeholder", "0.8")
    expect(rate).to_have_attribute("title", "set in allocation-robuste")
    expect(page_en.locator("#robust-budget")).to_have_attribute("placeholder", "200")
    expect(page_en.locator("#target-jobs")).to_have_attribute("placeholder", "29000")
    expect(page_en.locator("#objective-mode option[value='']")).to_have_text(
        "as in the base (robust)"
    )
    page_en.click("#run-saved")
    expect(page_en.locator("#robustness")).to_contain_text("(budget of uncertainty 200:")
    expect(page_en.locator("#range-panel dt").last).to_have_text("P(at least 29,000 jobs)")
    expect(page_en.locator("#range-panel")).to_contain_text("80% of declared jobs realised")
    page_en.click("#uncertainty-inputs summary")
    ARTIFACTS.mkdir(exist_ok=True)
    page_en.locator("#uncertainty-inputs").screenshot(path=str(ARTIFACTS / "uncertainty-form.png"))
    page_en.locator("#range-panel").screenshot(path=str(ARTIFACTS / "robust-range.png"))


# 10 and 1,990 draws in 2,000 are 0.5 % and 99.5 %: Math.round makes them 1 and 100. Strictly
# between 0 and 1 a probability never reads as a certainty; the CLI writes the same words.
PROBABILITIES = (0.0, 0.004, 1 / 2000, 10 / 2000, 0.025, 0.5, 0.994, 0.996, 1990 / 2000, 1.0)
SHOWN = ("0 %", "< 1 %", "< 1 %", "1 %", "3 %", "50 %", "99 %", "> 99 %", "> 99 %", "100 %")


def test_a_probability_near_0_or_1_is_not_shown_as_a_certainty(page: Page) -> None:
    from cli.lever_tables import percent

    shown = page.evaluate(
        "async ps => { const { percent } = await import('/static/ranges.js');"
        " return ps.map((p) => percent(p)); }",
        list(PROBABILITIES),
    )
    # French writes a (narrow) no-break space before %, as the CLI writes a space.
    assert [spaced(s) for s in shown] == list(SHOWN)
    assert [spaced(s) for s in shown] == [percent(p) for p in PROBABILITIES]


def test_a_probability_in_english_has_no_space_before_the_percent(page_en: Page) -> None:
    shown = page_en.evaluate(
        "async ps => { const { percent } = await import('/static/ranges.js');"
        " return ps.map((p) => percent(p)); }",
        list(PROBABILITIES),
    )
    assert shown == [s.replace(" %", "%") for s in SHOWN]


# ---- in French ----------------------------------------------------------------------------------


def spaced(text: str) -> str:
    """The text with Intl's no-break spaces (fr-FR groups and before %) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def french(n: float) -> str:
    return f"{round(n):,}".replace(",", " ")  # fr-FR grouping, spaces made plain


def test_the_range_panel_speaks_french(page: Page, live_server: str) -> None:
    expected = api(live_server, ANNOUNCED)["runScenario"]
    jobs_range = expected["jobsRange"]
    announced(page)
    panel = page.locator("#range-panel")
    expect(panel.locator("h3")).to_have_text("Emplois créés : la fourchette")
    for key in ("mean", "p10", "p50", "p90"):
        assert spaced(page.locator(f"#range-{key}").inner_text()) == french(jobs_range[key])
    terms = panel.locator("dt").all_inner_texts()
    assert terms == ["moyenne", "P10 (10e centile)", "P50 (médiane)", "P90 (90e centile)"]
    note = spaced(panel.locator("p.hint").inner_text())
    assert note.startswith("Une estimation, pas un décompte : Monte Carlo sur la fourchette")
    assert f"({french(jobs_range['draws'])} tirages, graine {jobs_range['seed']} ;" in note
    assert f"les emplois tels que déclarés ({french(expected['jobs'])})." in note
    declared = spaced(panel.locator("svg .declared title").text_content() or "")
    assert declared == f"déclarés : {french(expected['jobs'])} emplois"
    label = spaced(panel.locator("svg").get_attribute("aria-label") or "")
    assert label == (
        f"Emplois créés, estimation : P10 {french(jobs_range['p10'])}, médiane "
        f"{french(jobs_range['p50'])}, P90 {french(jobs_range['p90'])}"
    )


def test_a_realisation_rate_in_french_notation_is_sent_as_a_share(page: Page) -> None:
    announced(page)
    sent = sent_scenarios(page)
    page.click("#uncertainty-inputs summary")
    expect(page.locator("#realisation-rate")).to_have_attribute("inputmode", "decimal")
    page.fill("#realisation-rate", "0,8")
    page.fill("#draws", "1 000")  # a French reader groups thousands with a space
    page.fill("#seed", "3")
    page.click("#run")
    expect(page.locator("#range-panel")).to_contain_text("graine 3")
    assert {"realisationRate": 0.8, "draws": 1000, "seed": 3} in [
        s.get("uncertainty") for s in sent
    ]
    # 80 % des emplois déclarés, written back by Intl with its no-break space.
    assert "80 % des emplois déclarés réalisés à la médiane" in spaced(
        page.locator("#range-panel").inner_text()
    )
    page.fill("#realisation-rate", "80 %")  # the same share as a percentage
    page.fill("#draws", "")
    page.fill("#seed", "")
    page.click("#run")
    expect(page.locator("#range-panel")).not_to_contain_text("graine 3")
    assert {"realisationRate": 0.8} in [s.get("uncertainty") for s in sent]


def test_a_bad_number_is_refused_in_french_naming_its_field(page: Page) -> None:
    announced(page)
    sent = sent_scenarios(page)
    page.click("#uncertainty-inputs summary")
    page.fill("#draws", "2,5")
    page.fill("#realisation-rate", "beaucoup")
    page.fill("#seed", "50 %")  # a whole number takes no percent
    page.click("#run")
    draws = page.locator('[data-path="uncertainty.draws"] .error')
    expect(draws).to_contain_text("« Tirages Monte Carlo » : « 2,5 » n'est pas un nombre entier")
    assert spaced(draws.inner_text()).endswith("(exemple : 2 000).")
    rate = page.locator('[data-path="uncertainty.realisation_rate"] .error')
    expect(rate).to_contain_text("« Taux de réalisation » : « beaucoup » n'est pas un nombre")
    assert spaced(rate.inner_text()).endswith("(exemple : 0,75 ou 75 %).")
    seed = page.locator('[data-path="uncertainty.seed"] .error')
    expect(seed).to_contain_text("« Graine » : « 50 % » n'est pas un nombre entier")
    assert sent == []


def test_a_robust_base_shows_its_values_in_french(page: Page) -> None:
    announced(page)
    page.select_option("#base", "allocation-robuste")
    rate = page.locator("#realisation-rate")
    expect(rate).to_have_attribute("placeholder", "0,8")  # as a French reader types it back
    expect(rate).to_have_attribute("title", "fixé dans allocation-robuste")
    expect(page.locator("#target-jobs")).to_have_attribute("placeholder", "29000")
    expect(page.locator("#objective-mode option[value='']")).to_have_text(
        "comme le scénario de départ (robuste)"
    )
    page.click("#run-saved")
    expect(page.locator("#robustness")).to_contain_text("Prix de la robustesse : l'allocation")
    expect(page.locator("#robustness")).to_contain_text("(budget d'incertitude 200 :")
    target = page.locator("#range-panel dt").last
    expect(target).to_have_text(
        re.compile(r"Probabilité d'atteindre l'objectif \(29\s000 emplois\)")
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#range-panel").screenshot(path=str(ARTIFACTS / "robust-range-fr.png"))
    page.click("#uncertainty-inputs summary")
    page.locator("#uncertainty-inputs").screenshot(path=str(ARTIFACTS / "uncertainty-form-fr.png"))
