"""The levers of format version 2 among a resolved scenario's inputs, each with who set it."""

from __future__ import annotations

from typing import Any

import httpx
from strawberry.relay import to_base64

from schema.auth import DEV_API_KEY
from tests.schema.helpers import gql

WHO = "origin setIn"
LEVERS = f"""
  name
  fragileShareMin {{ value {WHO} }}
  fragileProjectShareMin {{ value {WHO} }}
  departmentEnvelopes {{ departmentCode minEur {{ value {WHO} }} maxEur {{ value {WHO} }} }}
  territoryEnvelopes {{ territoryId minEur {{ value {WHO} }} maxEur {{ value {WHO} }} }}
  sectorFloors {{ sector shareMin {{ value {WHO} }} }}
  objectiveWeights {{
    jobsCreated {{ value {WHO} }} jobsKept {{ value {WHO} }}
    co2AvoidedT {{ value {WHO} }} leverage {{ value {WHO} }}
  }}
  coFunding {{
    contributions {{ regionCode regionName amountEur {{ value {WHO} }} }}
    matching {{ rule {{ value {WHO} }} rate {{ value {WHO} }} }}
  }}
  rounds {{ value {{ date releaseShare releaseEur reserveShare releasedEur }} {WHO} }}
  controls {{
    lockAwards {{ value {WHO} }} awardsUntil {{ value {WHO} }}
    forceIn {{ value {WHO} }} forceOut {{ value {WHO} }} nextInLine {{ value {WHO} }}
  }}
"""
SCENARIO = f"query($n: String!) {{ scenario(name: $n) {{ inputs {{ {LEVERS} }} }} }}"
SIMULATE = f"""query($s: ScenarioInput!) {{ simulate(scenario: $s) {{ __typename
    ... on SimulationResult {{ inputs {{ {LEVERS} }} }}
    ... on InvalidScenario {{ message }} }} }}"""
SAVE = """mutation($s: ScenarioInput!) { saveScenario(scenario: $s) { __typename
    ... on InvalidScenario { message } } }"""
KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}
DEFAULT = {"origin": "DEFAULT", "setIn": None}
ANNOUNCED = {"origin": "BASE", "setIn": "france-relance-2020"}


def by(name: str, *, base: bool = False) -> dict[str, Any]:
    return {"origin": "BASE" if base else "SCENARIO", "setIn": name}


async def inputs_of(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    body = await gql(client, SCENARIO, n=name)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["scenario"]["inputs"]
    return found


async def save(client: httpx.AsyncClient, scenario: dict[str, Any]) -> None:
    response = await client.post(
        "/graphql", json={"query": SAVE, "variables": {"s": scenario}}, headers=KEY
    )
    assert response.json()["data"]["saveScenario"]["__typename"] == "Scenario", response.text


async def test_the_top_up_reports_the_co_funding_it_writes(client: httpx.AsyncClient) -> None:
    inputs = await inputs_of(client, "march-2021-top-up")
    top_up = by("march-2021-top-up")
    funding = inputs["coFunding"]
    contributions = {c["regionCode"]: c for c in funding["contributions"]}
    assert len(contributions) == 12  # the 12 mainland regions of the file
    assert contributions["84"] == {
        "regionCode": "84",
        "regionName": "Auvergne-Rhône-Alpes",
        "amountEur": {"value": 13_400_000, **top_up},
    }
    assert all(c["amountEur"]["setIn"] == "march-2021-top-up" for c in contributions.values())
    # The file's split: 13.2 + 15.8 + 14 + 11.1 + 16.4 + 14.7 + 19.8 + 4.9 + 18.2 + 10 + 13.4
    # + 14 = 165.5 M EUR, the regions' money of the top-up.
    assert sum(c["amountEur"]["value"] for c in contributions.values()) == 165_500_000
    assert funding["matching"] == {
        "rule": {"value": "REQUIRES", **top_up},
        "rate": {"value": 1.0, **top_up},
    }
    # Its fragile floor comes from the programme as announced, which it is based on.
    assert inputs["fragileShareMin"] == {"value": 0.69, **ANNOUNCED}


async def test_levers_nobody_pulls_report_their_defaults(client: httpx.AsyncClient) -> None:
    inputs = await inputs_of(client, "march-2021-top-up")
    assert inputs["fragileProjectShareMin"] == {"value": 0.0, **DEFAULT}
    assert inputs["departmentEnvelopes"] == inputs["territoryEnvelopes"] == []
    assert inputs["sectorFloors"] == []
    assert inputs["objectiveWeights"] == {
        "jobsCreated": {"value": 1.0, **DEFAULT},
        "jobsKept": {"value": 0.0, **DEFAULT},
        "co2AvoidedT": {"value": 0.0, **DEFAULT},
        "leverage": {"value": 0.0, **DEFAULT},
    }
    assert inputs["rounds"] == {"value": [], **DEFAULT}
    assert inputs["controls"] == {
        "lockAwards": {"value": False, **DEFAULT},
        "awardsUntil": {"value": None, **DEFAULT},
        "forceIn": {"value": [], **DEFAULT},
        "forceOut": {"value": [], **DEFAULT},
        "nextInLine": {"value": 10, **DEFAULT},
    }
    announced = await inputs_of(client, "france-relance-2020")
    assert announced["coFunding"] == {
        "contributions": [],
        "matching": {"rule": {"value": "REQUIRES", **DEFAULT}, "rate": {"value": 0.0, **DEFAULT}},
    }


async def test_a_what_if_with_rounds_reports_them(client: httpx.AsyncClient) -> None:
    rounds = [
        {"date": "2021-04-01", "releaseShare": 0.4},
        {"date": "2021-07-01", "releaseEur": 100_000_000, "reserveShare": 0.2},
    ]
    body = await gql(client, SIMULATE, s={"name": "reviews", "rounds": rounds})
    assert "errors" not in body, body
    result = body["data"]["simulate"]
    assert result["__typename"] == "SimulationResult", result
    # The base's budget is 400 M EUR: a share of 0.4 releases 160 M EUR.
    assert result["inputs"]["rounds"] == {
        "value": [
            {
                "date": "2021-04-01",
                "releaseShare": 0.4,
                "releaseEur": None,
                "reserveShare": 0.0,
                "releasedEur": 160_000_000,
            },
            {
                "date": "2021-07-01",
                "releaseShare": None,
                "releaseEur": 100_000_000,
                "reserveShare": 0.2,
                "releasedEur": 100_000_000,
            },
        ],
        **by("reviews"),
    }


async def test_a_saved_chain_names_the_writer_of_each_lever(client: httpx.AsyncClient) -> None:
    territory = to_base64("Territory", "p1-ti-8401")
    first = {
        "name": "regional",
        "fragileProjectShareMin": 0.5,
        "departmentEnvelopes": [{"departmentCode": "59", "maxEur": 20_000_000}],
        "territoryEnvelopes": [{"territoryId": territory, "minEur": 1_000_000}],
        "sectorFloors": [{"sector": "Agroalimentaire", "shareMin": 0.15}],
        "objectiveWeights": {"jobsCreated": 1, "co2AvoidedT": 0.5},
        "coFunding": {
            "contributions": [
                {"regionCode": "84", "amountEur": 25_000_000},
                {"regionCode": "32", "amountEur": 20_000_000},
            ],
            "matching": {"rule": "REQUIRES", "rate": 1.0},
        },
        "rounds": [{"date": "2021-04-01", "releaseShare": 1.0}],
        "controls": {
            "lockAwards": True,
            "awardsUntil": "2021-06-30",
            "forceIn": [to_base64("Project", "3")],
        },
    }
    # The child changes one contribution, the rate, one weight and the controls it names.
    second = {
        "name": "regional-more",
        "base": "regional",
        "objectiveWeights": {"co2AvoidedT": 2},
        "coFunding": {
            "contributions": [{"regionCode": "84", "amountEur": 30_000_000}],
            "matching": {"rate": 0.5},
        },
        "controls": {"forceOut": [to_base64("Project", "4")], "nextInLine": 5},
    }
    for scenario in (first, second):
        await save(client, scenario)
    inputs = await inputs_of(client, "regional-more")
    mine, base = by("regional-more"), by("regional", base=True)
    assert inputs["fragileProjectShareMin"] == {"value": 0.5, **base}
    assert inputs["departmentEnvelopes"] == [
        {"departmentCode": "59", "minEur": None, "maxEur": {"value": 20_000_000, **base}}
    ]
    assert inputs["territoryEnvelopes"] == [
        {"territoryId": territory, "minEur": {"value": 1_000_000, **base}, "maxEur": None}
    ]
    assert inputs["sectorFloors"] == [
        {"sector": "Agroalimentaire", "shareMin": {"value": 0.15, **base}}
    ]
    weights = inputs["objectiveWeights"]
    assert weights["jobsCreated"] == {"value": 1.0, **base}
    assert weights["co2AvoidedT"] == {"value": 2.0, **mine}
    assert weights["jobsKept"] == {"value": 0.0, **DEFAULT}  # left out: weighs 0
    contributions = {c["regionCode"]: c["amountEur"] for c in inputs["coFunding"]["contributions"]}
    assert contributions == {
        "84": {"value": 30_000_000, **mine},
        "32": {"value": 20_000_000, **base},
    }
    assert inputs["coFunding"]["matching"] == {
        "rule": {"value": "REQUIRES", **base},
        "rate": {"value": 0.5, **mine},
    }
    assert inputs["rounds"]["setIn"] == "regional"
    assert [r["releasedEur"] for r in inputs["rounds"]["value"]] == [400_000_000]
    controls = inputs["controls"]
    assert controls["lockAwards"] == {"value": True, **base}
    assert controls["awardsUntil"] == {"value": "2021-06-30", **base}
    assert controls["forceIn"] == {"value": [to_base64("Project", "3")], **base}
    assert controls["forceOut"] == {"value": [to_base64("Project", "4")], **mine}
    assert controls["nextInLine"] == {"value": 5, **mine}


async def test_a_null_sets_a_lever_back_to_its_default(client: httpx.AsyncClient) -> None:
    await save(client, {"name": "reviewed", "rounds": [{"date": "2021-04-01", "releaseShare": 1}]})
    await save(client, {"name": "unreviewed", "base": "reviewed", "rounds": None})
    inputs = await inputs_of(client, "unreviewed")
    # Written back to the default by the child: empty, and the child says so.
    assert inputs["rounds"] == {"value": [], **by("unreviewed")}


async def test_compared_scenarios_show_the_levers_that_differ(client: httpx.AsyncClient) -> None:
    query = """{ compareScenarios(names: ["france-relance-2020", "march-2021-top-up"]) {
        __typename ... on Comparison { inputs { path values } } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    comparison = body["data"]["compareScenarios"]
    assert comparison["__typename"] == "Comparison", comparison
    differ = {row["path"]: row["values"] for row in comparison["inputs"]}
    assert differ["budget_eur"] == [400_000_000, 557_000_000]
    assert differ["co_funding.contributions.84"] == [None, 13_400_000]
    assert "co_funding.matching.rule" not in differ  # `requires`, the default
    assert differ["co_funding.matching.rate"] == [None, 1.0]
    assert "constraints.fragile_share_min" not in differ  # the same 0.69 in both


async def test_the_levers_are_described_in_the_schema(client: httpx.AsyncClient) -> None:
    query = """{ __type(name: "ResolvedScenario") { fields { name description
        type { ofType { name description ofType { ofType { name description } } } } } } }"""
    body = await gql(client, query)
    assert "errors" not in body, body
    fields = {field["name"]: field for field in body["data"]["__type"]["fields"]}
    levers = (
        "fragileProjectShareMin",
        "departmentEnvelopes",
        "territoryEnvelopes",
        "sectorFloors",
        "objectiveWeights",
        "coFunding",
        "rounds",
        "controls",
    )
    for name in levers:
        assert fields[name]["description"], name
        wrapped = fields[name]["type"]["ofType"]  # NON_NULL -> the type, or a LIST of it
        named = wrapped if wrapped["name"] else wrapped["ofType"]["ofType"]
        assert named["description"], (name, named["name"])
