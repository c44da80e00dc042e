"""The dashboard's lever panels in headless Chromium: criteria, next in line, who pays, rounds."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.conftest import ARTIFACTS
from tests.web.test_dashboard import announced, api, jobs

ANNOUNCED = """{ runScenario(name: "france-relance-2020") { ... on SimulationResult {
    criteria { name label value unit weight }
    nextInLine { projectId score threshold jobsNeeded aidCutEur text project { name } } } } }"""


@pytest.fixture
def page(page_en: Page) -> Page:
    """These tests read the page's English words (test_french_numbers.py reads the French)."""
    return page_en


def cells(page: Page, table: str) -> list[list[str]]:
    """The body rows of a table, cell by cell, as the page shows them."""
    rows: list[list[str]] = page.locator(f"{table} tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )
    return rows


def meur(euros: float) -> str:
    return f"{euros / 1e6:,.1f}"  # as the page writes M EUR (en-GB)


def day(iso: str) -> str:
    date = datetime.date.fromisoformat(iso)
    return f"{date.day} {date:%B} {date.year}"  # as the page writes a date (en-GB, long)


def one_decimal(value: float) -> str:
    return f"{value:,.1f}"


def test_every_criterion_and_the_next_in_line_are_shown(page: Page, live_server: str) -> None:
    expected = api(live_server, ANNOUNCED)["runScenario"]
    announced(page)
    criteria = expected["criteria"]
    assert len(criteria) == 4
    expect(page.locator("#criteria tbody tr")).to_have_count(4)
    shown = cells(page, "#criteria")
    # Jobs-only weights: jobs created weighs everything, the other criteria are reported only.
    assert shown[0] == ["jobs created", jobs(criteria[0]["value"]), "jobs", "100%"]
    assert [row[0] for row in shown] == [c["label"] for c in criteria]
    assert [row[3] for row in shown[1:]] == ["reported only"] * 3
    assert [row[2] for row in shown] == [c["unit"] for c in criteria]

    listed = expected["nextInLine"]
    assert listed
    rows = cells(page, "#next-in-line")
    assert len(rows) == len(listed)
    for row, project in zip(rows, listed, strict=True):
        assert row[0] == f"{project['project']['name']} ({project['projectId']})"
        assert row[1:3] == [one_decimal(project["score"]), one_decimal(project["threshold"])]
        assert row[5] == project["text"]
    # Neither co-funding nor rounds in the announced programme: their panels stay hidden.
    expect(page.locator("#funding-panel")).to_be_hidden()
    expect(page.locator("#rounds-panel")).to_be_hidden()


# What a co-funded scenario decided in two rounds adds to a result (the API's field names).
FUNDING = {
    "stateEur": 300_000_000,
    "regionalEur": 45_000_000,
    "investmentEur": 2_415_000_000,
    "leverage": 7.0,
    "rule": "requires",
    "rate": 1.0,
    "ruleText": "each regional euro needs 1 State euro",
    "regions": [
        {
            "code": "84",
            "name": "Auvergne-Rhône-Alpes",
            "stateEur": 40_000_000,
            "regionalEur": 25_000_000,
            "contributionEur": 25_000_000,
            "leverage": 8.25,
        },
        {
            "code": "32",
            "name": "Hauts-de-France",
            "stateEur": 30_000_000,
            "regionalEur": 20_000_000,
            "contributionEur": 20_000_000,
            "leverage": 6.5,
        },
    ],
}
ROUNDS = {
    "jobs": 9_000.0,
    "hindsightJobs": 9_450.0,
    "jobsLost": 450.0,
    "withoutReserveJobs": 8_880.0,
    "reserveRecovers": 120.0,
    "rounds": [
        {
            "index": 1,
            "date": "2021-04-01",
            "releasedEur": 160_000_000,
            "spentEur": 128_000_000,
            "jobs": 4_000.0,
            "cumulativeJobs": 4_000.0,
            "hindsightJobs": 4_100.0,
            "jobsLost": 100.0,
            "budgetShadowPrice": 31.25,
            "status": "OPTIMAL",
        },
        {
            "index": 2,
            "date": "2021-07-01",
            "releasedEur": 240_000_000,
            "spentEur": 272_000_000,
            "jobs": 5_000.0,
            "cumulativeJobs": 9_000.0,
            "hindsightJobs": 9_450.0,
            "jobsLost": 450.0,
            "budgetShadowPrice": 24.0,
            "status": "OPTIMAL",
        },
    ],
    "regions": [
        {"code": "84", "name": "Auvergne-Rhône-Alpes", "jobs": 1_200.0, "hindsightJobs": 1_500.0,
         "jobsLost": 300.0},
    ],
}  # fmt: skip


class WithLevers:
    """While on, the server's answer to a scenario run gets the parts co-funding and rounds add;
    every other request (the map's) goes through untouched."""

    def __init__(self) -> None:
        self.on = True

    def __call__(self, route: Route) -> None:
        if not self.on or "nextInLine" not in (route.request.post_data or ""):
            route.continue_()
            return
        response = route.fetch()
        body: dict[str, Any] = response.json()
        outcome = body["data"]["runScenario"]
        if outcome["__typename"] == "SimulationResult":
            outcome["funding"] = FUNDING
            outcome["rounds"] = ROUNDS
        route.fulfill(response=response, body=json.dumps(body))


def test_who_pays_and_the_rounds_are_shown_when_the_result_has_them(page: Page) -> None:
    announced(page)
    levers = WithLevers()
    page.route("**/graphql", levers)
    page.click("#run-saved")
    expect(page.locator("#funding-panel")).to_be_visible()
    expect(page.locator("#funding-summary")).to_have_text(
        "State €300.0m, regions €45.0m; investment mobilised €2,415.0m, leverage 7.00 EUR "
        "per EUR of public aid; matching rule: each regional euro needs 1 State euro."
    )
    assert cells(page, "#funding") == [
        ["Auvergne-Rhône-Alpes", "40.0", "25.0", "25.0", "8.25"],
        ["Hauts-de-France", "30.0", "20.0", "20.0", "6.50"],
    ]
    expect(page.locator("#rounds-panel")).to_be_visible()
    assert cells(page, "#rounds") == [
        ["1", "1 April 2021", "160.0", "128.0", "4,000", "4,000", "4,100", "100", "31.3"],
        ["2", "1 July 2021", "240.0", "272.0", "5,000", "9,000", "9,450", "450", "24.0"],
    ]
    expect(page.locator("#rounds-summary")).to_contain_text(
        "Deciding round by round: 9,000 jobs against 9,450 knowing every project from the "
        "start: 450 lost to deciding early."
    )
    expect(page.locator("#rounds-summary")).to_contain_text(
        "The reserve recovers 120 jobs (8,880 with no reserve)."
    )
    assert cells(page, "#rounds-regions") == [["Auvergne-Rhône-Alpes", "1,200", "1,500", "300"]]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#levers").screenshot(path=str(ARTIFACTS / "levers.png"))

    levers.on = False
    page.click("#run-saved")  # the same scenario as the server answers it: no co-funding
    expect(page.locator("#funding-panel")).to_be_hidden()
    expect(page.locator("#rounds-panel")).to_be_hidden()
    expect(page.locator("#criteria tbody tr")).to_have_count(4)


def test_the_lever_panels_hide_with_an_invalid_scenario(page: Page) -> None:
    announced(page)
    expect(page.locator("#levers")).to_be_visible()
    page.fill("#fragile", "140")
    page.click("#run")
    expect(page.locator("#status-message")).to_contain_text("not valid")
    expect(page.locator("#levers")).to_be_hidden()


WEIGHED = """query($s: ScenarioInput!) { simulate(scenario: $s) { ... on SimulationResult {
    jobs criteria { name value weight } } } }"""


def test_objective_weights_typed_with_the_keyboard_are_sent_and_shown(
    page: Page, live_server: str
) -> None:
    # Jobs created and tCO2e weigh 1 each: half and half once normalised; the announced base
    # gives no weights, so the criteria left empty weigh 0.
    scenario = {"objectiveWeights": {"jobsCreated": 1, "co2AvoidedT": 1}}
    expected = api(live_server, WEIGHED, s=scenario)["simulate"]
    weights = {c["name"]: c["weight"] for c in expected["criteria"]}
    assert weights == {"jobs_created": 0.5, "jobs_kept": 0, "co2_avoided_t": 0.5, "leverage": 0}
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/graphql") else None
        ),
    )
    announced(page)
    page.focus("#weights summary")
    page.keyboard.press("Enter")  # opens the section
    expect(page.locator("#weights")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("#weight-jobs-created")).to_be_focused()
    page.keyboard.type("1")
    for field in ("#weight-jobs-kept", "#weight-co2"):
        page.keyboard.press("Tab")
        expect(page.locator(field)).to_be_focused()
    page.keyboard.type("1")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator("#results-title")).to_contain_text("changed")
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(expected["jobs"]))
    asked = [b["variables"]["s"] for b in sent if "simulate(scenario" in b.get("query", "")]
    assert {"name": "what-if", "base": "france-relance-2020", **scenario} in asked
    shown = {row[0]: row for row in cells(page, "#criteria")}
    co2 = next(c for c in expected["criteria"] if c["name"] == "co2_avoided_t")
    assert shown["tCO2e avoided a year"][1:] == [jobs(co2["value"]), "tCO2e/year", "50%"]
    assert shown["jobs created"][3] == "50%"
    assert shown["jobs secured"][3] == "reported only"


def test_weights_all_zero_are_refused_next_to_their_field(page: Page) -> None:
    announced(page)
    page.click("#weights summary")
    page.fill("#weight-jobs-created", "0")  # the base weighs nothing else
    page.click("#run")
    field = page.locator('[data-field="objectiveWeights"]')
    expect(field.locator(".error")).to_contain_text("at least one weight above 0")
    expect(field).to_have_attribute("open", "")
    expect(page.locator("#status-message")).to_contain_text("not valid")


# Two regions add their money and the fund is decided in two reviews, a fifth held back.
CO_FUNDED_IN_ROUNDS = {
    "coFunding": {
        "contributions": [
            {"regionCode": "84", "amountEur": 25_000_000},
            {"regionCode": "32", "amountEur": 20_000_000},
        ],
        "matching": {"rule": "REQUIRES", "rate": 1.0},
    },
    "rounds": [
        {"date": "2021-04-01", "releaseShare": 0.5, "reserveShare": 0.2},
        {"date": "2021-10-01", "releaseShare": 0.5},
    ],
}
ENGINE_ANSWER = """query($s: ScenarioInput!) { simulate(scenario: $s) {
    __typename ... on SimulationResult {
    funding { stateEur regionalEur leverage regions { code name stateEur regionalEur } }
    rounds { jobs hindsightJobs jobsLost reserveRecovers
      rounds { date spentEur cumulativeJobs hindsightJobs } regions { name jobsLost } } } } }"""


def with_inputs(route: Route) -> None:
    """The page's what-if run, asked with co-funding and rounds added to its inputs."""
    body = json.loads(route.request.post_data or "{}")
    if "simulate(scenario" in body.get("query", "") and "nextInLine" in body["query"]:
        body["variables"]["s"].update(CO_FUNDED_IN_ROUNDS)
        route.continue_(post_data=json.dumps(body))
    else:
        route.continue_()


def test_a_co_funded_scenario_decided_in_rounds_shows_the_engine_answer(
    page: Page, live_server: str
) -> None:
    scenario = {"name": "what-if", "base": "france-relance-2020", **CO_FUNDED_IN_ROUNDS}
    expected = api(live_server, ENGINE_ANSWER, s=scenario)["simulate"]
    assert expected["__typename"] == "SimulationResult", expected
    funding, rounds = expected["funding"], expected["rounds"]
    assert funding["regionalEur"] > 0 and len(rounds["rounds"]) == 2
    announced(page)
    page.route("**/graphql", with_inputs)
    page.click("#run")
    expect(page.locator("#funding-panel")).to_be_visible()
    expect(page.locator("#funding-summary")).to_contain_text(
        f"regions €{meur(funding['regionalEur'])}m"
    )
    shown = {row[0]: row for row in cells(page, "#funding")}
    for region in funding["regions"]:
        assert shown[region["name"]][1:3] == [meur(region["stateEur"]), meur(region["regionalEur"])]
    expect(page.locator("#rounds-panel")).to_be_visible()
    rows = cells(page, "#rounds")
    assert [row[1] for row in rows] == [day(r["date"]) for r in rounds["rounds"]]
    assert [row[5] for row in rows] == [jobs(r["cumulativeJobs"]) for r in rounds["rounds"]]
    expect(page.locator("#rounds-summary")).to_contain_text(
        f"{jobs(rounds['jobs'])} jobs against {jobs(rounds['hindsightJobs'])}"
    )
    expect(page.locator("#rounds-regions tbody tr")).to_have_count(len(rounds["regions"]))


FUNDED = """query($s: ScenarioInput!) { simulate(scenario: $s) { __typename
    ... on SimulationResult { jobs funding { regionalEur
      regions { code name stateEur regionalEur contributionEur } } } } }"""


def sent_scenarios(page: Page) -> list[dict[str, Any]]:
    """The ScenarioInputs the page sends to `simulate`, as they go."""
    sent: list[dict[str, Any]] = []

    def keep(request: Any) -> None:
        body = json.loads(request.post_data or "{}") if request.url.endswith("/graphql") else {}
        if "simulate(scenario" in body.get("query", ""):
            sent.append(body["variables"]["s"])

    page.on("request", keep)
    return sent


def test_a_co_funding_typed_with_the_keyboard_reaches_the_api_and_is_shown(
    page: Page, live_server: str
) -> None:
    # The region the announced programme funds most adds 10 M EUR, each regional euro needing
    # one State euro: the API's split of its public aid is what the page must show.
    regions = api(live_server, "{ regions { code name } }")["regions"]
    result = api(
        live_server,
        '{ runScenario(name: "france-relance-2020") { '
        "... on SimulationResult { regions { code allocatedEur } } } }",
    )
    code = max(result["runScenario"]["regions"], key=lambda r: r["allocatedEur"])["code"]
    co_funding = {
        "matching": {"rule": "REQUIRES", "rate": 1},
        "contributions": [{"regionCode": code, "amountEur": 10_000_000}],
    }
    scenario = {"name": "what-if", "base": "france-relance-2020", "coFunding": co_funding}
    expected = api(live_server, FUNDED, s=scenario)["simulate"]
    assert expected["__typename"] == "SimulationResult", expected
    region = next(r for r in expected["funding"]["regions"] if r["code"] == code)
    assert region["regionalEur"] > 0 and region["contributionEur"] == 10_000_000
    sent = sent_scenarios(page)
    announced(page)

    page.focus("#co-funding summary")
    page.keyboard.press("Enter")  # opens the section
    expect(page.locator("#co-funding")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("#matching-rule")).to_be_focused()
    page.keyboard.press("ArrowDown")  # from "as in the base" to "requires"
    expect(page.locator("#matching-rule")).to_have_value("REQUIRES")
    page.keyboard.press("Tab")
    expect(page.locator("#matching-rate")).to_be_focused()
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    expect(page.locator("#add-contribution")).to_be_focused()
    page.keyboard.press("Enter")  # adds a row and moves to its region
    select = page.locator("#contribution-rows tr select")
    expect(select).to_be_focused()
    for _ in range([r["code"] for r in regions].index(code) + 1):  # past "choose a region"
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value(code)
    page.keyboard.press("Tab")
    page.keyboard.type("10")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#co-funding").screenshot(path=str(ARTIFACTS / "co-funding.png"))
    page.keyboard.press("Enter")  # submits the form

    expect(page.locator("#results-title")).to_contain_text("changed")
    expect(page.locator("#funding-panel")).to_be_visible()
    assert scenario in sent
    shown = {row[0]: row for row in cells(page, "#funding")}
    assert shown[region["name"]][1:4] == [
        meur(region["stateEur"]),
        meur(region["regionalEur"]),
        "10.0",
    ]
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(expected["jobs"]))


ROUNDS_ANSWER = """query($s: ScenarioInput!) { simulate(scenario: $s) {
    __typename ... on SimulationResult { rounds { jobs hindsightJobs
      rounds { date releasedEur cumulativeJobs hindsightJobs } } } } }"""


def test_rounds_listed_on_the_page_show_the_rounds_table(page: Page, live_server: str) -> None:
    # Half the budget at each of two reviews, a fifth of the first held back for the second.
    rounds = [
        {"date": "2021-04-01", "releaseShare": 0.5, "reserveShare": 0.2},
        {"date": "2021-10-01", "releaseShare": 0.5, "reserveShare": None},
    ]
    scenario = {"name": "what-if", "base": "france-relance-2020", "rounds": rounds}
    expected = api(live_server, ROUNDS_ANSWER, s=scenario)["simulate"]
    assert expected["__typename"] == "SimulationResult", expected
    sent = sent_scenarios(page)
    announced(page)
    expect(page.locator("#rounds-panel")).to_be_hidden()
    page.click("#round-inputs summary")
    for date, release, reserve in (("2021-04-01", "50", "20"), ("2021-10-01", "50", "")):
        page.click("#add-round")
        row = page.locator("#round-rows tr").last
        row.locator("input.date").fill(date)
        row.locator("input.release").fill(release)
        row.locator("input.reserve").fill(reserve)
    page.click("#add-round")  # an empty row is left out
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#scenario-form").screenshot(path=str(ARTIFACTS / "lever-inputs.png"))
    page.click("#run")
    expect(page.locator("#rounds-panel")).to_be_visible()
    assert scenario in sent
    shown = cells(page, "#rounds")
    answer = expected["rounds"]["rounds"]
    assert [row[1] for row in shown] == ["1 April 2021", "1 October 2021"]
    assert [row[2] for row in shown] == [meur(r["releasedEur"]) for r in answer]
    assert [row[5] for row in shown] == [jobs(r["cumulativeJobs"]) for r in answer]
    assert [row[6] for row in shown] == [jobs(r["hindsightJobs"]) for r in answer]


def test_a_round_out_of_order_is_refused_on_its_row(page: Page) -> None:
    announced(page)
    page.click("#round-inputs summary")
    for date in ("2021-04-01", "2021-03-01"):
        page.click("#add-round")
        row = page.locator("#round-rows tr").last
        row.locator("input.date").fill(date)
        row.locator("input.release").fill("40")
    page.click("#run")
    second = page.locator("#round-rows tr").nth(1)
    expect(second.locator("td.error")).to_contain_text("is not after")
    expect(page.locator("#round-rows tr").first.locator("td.error")).to_have_text("")
    expect(page.locator("#status-message")).to_contain_text("not valid")


def test_a_matching_rate_above_1_is_refused_next_to_its_field(page: Page) -> None:
    announced(page)
    page.click("#co-funding summary")
    page.fill("#matching-rate", "1.5")
    page.click("#run")
    field = page.locator('[data-path="co_funding.matching.rate"]')
    expect(field.locator(".error")).to_contain_text("1.5")
    expect(field).to_have_class("field invalid")
    expect(page.locator("#co-funding")).to_have_attribute("open", "")
    expect(page.locator("#status-message")).to_contain_text("not valid")
    expect(page.locator("#levers")).to_be_hidden()


def test_controls_are_sent_as_the_api_takes_them(page: Page) -> None:
    # Project 3 is given nothing, ten projects listed next in line; ids become global ids.
    sent = sent_scenarios(page)
    announced(page)
    page.click("#controls summary")
    page.fill("#force-out", "3")
    page.fill("#next-count", "10")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("changed")
    expect(page.locator("#next-in-line tbody tr")).to_have_count(10)
    assert sent[-1]["controls"] == {"forceOut": ["UHJvamVjdDoz"], "nextInLine": 10}
    page.fill("#force-in", "3, x")
    page.click("#run")
    field = page.locator('[data-path="controls.force_in"]')
    expect(field.locator(".error")).to_contain_text("not a project id: x")
    page.locator("#controls").screenshot(path=str(ARTIFACTS / "controls.png"))
    page.fill("#force-in", "999999999")  # a project id no project has: the engine refuses it
    page.click("#run")
    expect(field.locator(".error")).to_contain_text("999999999")
    expect(page.locator("#status-message")).to_contain_text("not valid")
    page.fill("#force-in", "")
    page.fill("#force-out", "")  # project 3 has an award: once kept, it no longer competes
    page.check("#lock-awards")
    page.fill("#awards-until", "2021-06-30")
    page.click("#run")
    expect(page.locator("#kpis")).to_be_visible()
    assert sent[-1]["controls"] == {
        "lockAwards": True,
        "awardsUntil": "2021-06-30",
        "nextInLine": 10,
    }


def test_the_fragile_project_share_floor_is_sent_as_a_share(page: Page) -> None:
    sent = sent_scenarios(page)
    announced(page)
    page.fill("#fragile-projects", "69")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("changed")
    assert sent[-1]["fragileProjectShareMin"] == 0.69


BASE_LEVERS = """query($n: String!) { scenario(name: $n) { inputs {
    coFunding { contributions { regionName amountEur { value } } } } } }"""


def test_the_form_shows_the_levers_the_base_sets(page: Page, live_server: str) -> None:
    inputs = api(live_server, BASE_LEVERS, n="march-2021-top-up")["scenario"]["inputs"]
    given = [c for c in inputs["coFunding"]["contributions"] if c["amountEur"]["value"] > 0]
    assert given
    announced(page)
    expect(page.locator("#co-funding-base")).to_have_text("The base has no regional contribution.")
    expect(page.locator("#rounds-base")).to_have_text("The base decides in one go (no rounds).")
    page.select_option("#base", "march-2021-top-up")
    # Written in the file: matching {rule: requires, rate: 1.0}.
    expect(page.locator("#matching-rule option").first).to_have_text("as in the base (requires)")
    expect(page.locator("#matching-rate")).to_have_attribute("placeholder", "1")
    expect(page.locator("#matching-rate")).to_have_attribute("title", "set in march-2021-top-up")
    first = given[0]
    expect(page.locator("#co-funding-base")).to_contain_text(
        f"The base's contributions: {first['regionName']} €{meur(first['amountEur']['value'])}m"
    )
    page.select_option("#base", "revues-regionales-2021")
    expect(page.locator("#rounds-base")).to_have_text(
        "The base's rounds (revues-regionales-2021): 1 April 2021, 40%, 20% kept; "
        "1 July 2021, 20%; 1 October 2021, 20%; 1 April 2022, 20%."
    )
    page.select_option("#base", "revue-juillet-2021")
    expect(page.locator("#next-count")).to_have_attribute("placeholder", "10")
    expect(page.locator("#lock-awards-base")).to_have_text("(the base keeps them)")
    page.select_option("#base", "criteres-multiples")  # weights 2, 1 and 1 in its file
    expect(page.locator("#weight-jobs-created")).to_have_attribute("placeholder", "2")
    expect(page.locator("#weight-jobs-kept")).to_have_attribute("placeholder", "1")


SPREAD = """query($s: ScenarioInput!, $after: String) { simulate(scenario: $s) {
    __typename ... on SimulationResult { jobs
      fundedProjects(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { allocatedEur project { sector location { departmentCode } } } } } }
    ... on InvalidScenario { problems { path message } } } }"""


def spread(server: str, scenario: dict[str, Any]) -> tuple[float, dict[str, int], dict[str, int]]:
    """The API's jobs, and its public aid summed per department and per sector."""
    departments: dict[str, int] = {}
    sectors: dict[str, int] = {}
    after = None
    while True:
        outcome = api(server, SPREAD, s=scenario, after=after)["simulate"]
        assert outcome["__typename"] == "SimulationResult", outcome
        page = outcome["fundedProjects"]
        for edge in page["edges"]:
            node = edge["node"]
            code = node["project"]["location"]["departmentCode"]
            departments[code] = departments.get(code, 0) + node["allocatedEur"]
            sector = node["project"]["sector"]
            sectors[sector] = sectors.get(sector, 0) + node["allocatedEur"]
        if not page["pageInfo"]["hasNextPage"]:
            return outcome["jobs"], departments, sectors
        after = page["pageInfo"]["endCursor"]


ANNOUNCED_BASE = {"name": "what-if", "base": "france-relance-2020"}


def test_a_department_maximum_typed_with_the_keyboard_caps_that_department(
    page: Page, live_server: str
) -> None:
    # The department the announced programme funds most is held to half of what it gets (in
    # whole M EUR): the API's aid to its projects must then add up to that at most.
    _, before, _ = spread(live_server, ANNOUNCED_BASE)
    code = max(before, key=lambda d: before[d])
    cap_meur = before[code] // 2_000_000
    assert cap_meur > 0, before
    scenario = {
        **ANNOUNCED_BASE,
        "departmentEnvelopes": [
            {"departmentCode": code, "minEur": None, "maxEur": cap_meur * 1_000_000}
        ],
    }
    sent = sent_scenarios(page)
    announced(page)

    page.focus("#area-inputs summary")
    page.keyboard.press("Enter")  # opens the section
    expect(page.locator("#area-inputs")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("#add-department")).to_be_focused()
    page.keyboard.press("Enter")  # adds a row and moves to its department code
    row = page.locator("#department-rows tr")
    expect(row.locator("input.code")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    expect(row.locator("input.min")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type(str(cap_meur))
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#area-inputs").screenshot(path=str(ARTIFACTS / "area-inputs.png"))
    page.keyboard.press("Enter")  # submits the form

    expect(page.locator("#results-title")).to_contain_text("changed")
    assert scenario in sent
    jobs_after, after, _ = spread(live_server, scenario)
    assert after[code] <= cap_meur * 1_000_000 + len(after)  # at most a euro's rounding each
    assert after[code] < before[code]
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(jobs_after))


def test_a_sector_floor_chosen_from_the_select_reaches_the_api(
    page: Page, live_server: str
) -> None:
    # The sector the announced programme funds least (among those it funds) gets a floor of
    # 5 % of the euros spent, above its share today: the API must raise it to 5 % at least.
    listed = api(live_server, "{ sectors { name projectCount } }")["sectors"]
    _, _, before = spread(live_server, ANNOUNCED_BASE)
    spent = sum(before.values())
    sector = min((s["name"] for s in listed), key=lambda name: before.get(name, 0))
    assert before.get(sector, 0) < 0.05 * spent
    scenario = {**ANNOUNCED_BASE, "sectorFloors": [{"sector": sector, "shareMin": 0.05}]}
    sent = sent_scenarios(page)
    announced(page)
    page.click("#area-inputs summary")
    page.click("#add-sector")
    row = page.locator("#sector-rows tr")
    names = row.locator("select option").evaluate_all("options => options.map(o => o.value)")
    assert names == ["", *(s["name"] for s in listed)]  # every sector the API lists
    row.locator("select").select_option(sector)
    row.locator("input.share").fill("5")
    page.click("#run")

    expect(page.locator("#results-title")).to_contain_text("changed")
    assert scenario in sent
    jobs_after, _, after = spread(live_server, scenario)
    assert after[sector] >= 0.05 * sum(after.values()) - len(after)
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(jobs_after))


def test_an_unknown_department_is_refused_on_its_row(page: Page, live_server: str) -> None:
    # No project competes in "99": the engine refuses it, the API names its path, and the page
    # puts the message on that row only (59, Nord, is known).
    scenario = {
        **ANNOUNCED_BASE,
        "departmentEnvelopes": [{"departmentCode": "99", "minEur": None, "maxEur": 5_000_000}],
    }
    answer = api(live_server, SPREAD, s=scenario, after=None)["simulate"]
    problem = next(p for p in answer["problems"] if p["path"].startswith("constraints.depart"))
    assert problem["path"] == "constraints.departments.99"
    announced(page)
    page.click("#area-inputs summary")
    for code, most in (("59", "500"), ("99", "5")):
        page.click("#add-department")
        row = page.locator("#department-rows tr").last
        row.locator("input.code").fill(code)
        row.locator("input.max").fill(most)
    page.click("#run")
    rows = page.locator("#department-rows tr")
    expect(rows.nth(1).locator("td.error")).to_have_text(problem["message"])
    expect(rows.first.locator("td.error")).to_have_text("")
    expect(page.locator("#status-message")).to_contain_text("not valid")
    expect(rows.nth(1).locator("td").first).to_have_class("invalid")


def test_the_form_shows_the_areas_the_base_sets(page: Page) -> None:
    announced(page)
    expect(page.locator("#departments-base")).to_have_text("The base has no department envelope.")
    expect(page.locator("#sectors-base")).to_have_text("The base has no sector floor.")
    page.select_option("#base", "revue-juillet-2021")
    # Written in its file: at most 15 M EUR in 59 and 62, 5 % to new energy systems.
    expect(page.locator("#departments-base")).to_have_text(
        "The base's envelopes: 59 at most €15.0m; 62 at most €15.0m."
    )
    expect(page.locator("#sectors-base")).to_have_text(
        "The base's floors: Nouveaux systèmes énergétiques 5%."
    )
    expect(page.locator("#territories-base")).to_have_text("The base has no territory envelope.")


TERRITORIES = "{ territories(first: 3, filter: {phase: 1}) { edges { node { id name } } } }"


def test_a_territory_envelope_is_sent_with_the_territory_id(page: Page, live_server: str) -> None:
    # The first phase-1 territory gets nothing: the page types the id the database gives it
    # (the node id's tail) and sends the API's Territory id.
    node = api(live_server, TERRITORIES)["territories"]["edges"][0]["node"]
    typed = base64.b64decode(node["id"]).decode().split(":", 1)[1]
    scenario = {
        **ANNOUNCED_BASE,
        "territoryEnvelopes": [{"territoryId": node["id"], "minEur": None, "maxEur": 0}],
    }
    expected = api(live_server, FUNDED, s=scenario)["simulate"]
    assert expected["__typename"] == "SimulationResult", expected
    sent = sent_scenarios(page)
    announced(page)
    page.click("#area-inputs summary")
    page.click("#add-territory")
    row = page.locator("#territory-rows tr")
    row.locator("input.code").fill(typed)
    row.locator("input.max").fill("0")
    page.click("#run")
    expect(page.locator("#results-title")).to_contain_text("changed")
    assert scenario in sent
    expect(page.locator("#kpi-jobs")).to_have_text(jobs(expected["jobs"]))

    row.locator("input.code").fill("no-such-territory")  # refused on its row
    page.click("#run")
    expect(row.locator("td.error")).not_to_have_text("")
    expect(page.locator("#status-message")).to_contain_text("not valid")
