"""Bad HTTP bodies, documents and arguments against /graphql: always a coded JSON answer."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from schema import MAX_ALIASES
from tests.robustness.conftest import answer, codes

JSON = {"content-type": "application/json"}
SIMULATE = """query($s: ScenarioInput!) { simulate(scenario: $s) {
  __typename
  ... on SimulationResult { status spentEur budgetEur }
  ... on InvalidScenario { message problems { path field message } }
} }"""
CURVE = """query($s: ScenarioInput!, $v: [Float!]!) {
  tradeOffCurve(scenario: $s, parameter: FRAGILE_SHARE_MIN, values: $v) {
    __typename ... on InvalidScenario { message problems { path field } }
    ... on TradeOffCurve { points { value status } }
  }
}"""
COMPARE = """query($n: [String!]!) { compareScenarios(names: $n) {
  __typename ... on InvalidScenario { message problems { path } }
} }"""


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        pytest.param(b'{"query": "{ regions { code } }\xff"}', JSON, 400, "BAD_REQUEST", id="invalid-utf8"),
        pytest.param(b'{"query": ', JSON, 400, "BAD_REQUEST", id="truncated-json"),
        pytest.param(b'"{ regions { code } }"', JSON, 400, "BAD_REQUEST", id="json-string"),
        pytest.param(b"42", JSON, 400, "BAD_REQUEST", id="json-number"),
        pytest.param(b"null", JSON, 400, "BAD_REQUEST", id="json-null"),
        pytest.param(b'[{"query": "{ regions { code } }"}]', JSON, 400, "BAD_REQUEST", id="batch"),
        pytest.param(b'{"query": 5}', JSON, 400, "BAD_REQUEST", id="query-not-text"),
        pytest.param(b'{"query": "{ regions { code } }", "variables": [1]}', JSON, 400, "BAD_REQUEST", id="variables-not-object"),
        pytest.param(b'{"query": ""}', JSON, 400, "BAD_REQUEST", id="empty-query"),
        pytest.param(b'{"query": "{ regions { code } }"}', {"content-type": "text/plain"}, 400, "BAD_REQUEST", id="text-plain"),
        pytest.param(b'{"query": "{ regions { code } }"}', {}, 400, "BAD_REQUEST", id="no-content-type"),
        pytest.param(b'{"query": "{ regions { code } }", "operationName": "Nope"}', JSON, 400, "BAD_REQUEST", id="unknown-operation"),
        pytest.param(orjson.dumps({"query": "{ regions { code } }" + " " * 70_000}), JSON, 413, "PAYLOAD_TOO_LARGE", id="oversized"),
    ],
)  # fmt: skip
async def test_bad_http_bodies(
    api: httpx.AsyncClient, body: bytes, headers: dict[str, str], status: int, code: str
) -> None:
    response = await api.post("/graphql", content=body, headers=headers)
    assert response.status_code == status
    assert codes(answer(response)) == [code]


async def test_get_mutation_is_refused(api: httpx.AsyncClient) -> None:
    mutation = 'mutation { deleteScenario(name: "a", expectedVersion: 1) { __typename } }'
    response = await api.get("/graphql", params={"query": mutation})
    assert response.status_code == 400
    assert codes(answer(response)) == ["BAD_REQUEST"]


async def test_other_methods_are_refused(api: httpx.AsyncClient) -> None:
    response = await api.put("/graphql", json={"query": "{ regions { code } }"})
    assert response.status_code == 405
    assert codes(answer(response)) == ["METHOD_NOT_ALLOWED"]


async def test_get_with_variables_that_are_not_json(api: httpx.AsyncClient) -> None:
    response = await api.get("/graphql", params={"query": "{ regions { code } }", "variables": "{"})
    assert response.status_code == 400
    assert codes(answer(response)) == ["BAD_REQUEST"]


def nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"territory {{ region {{ territories {{ projects(first: 1) {{ nodes {{ {inner} }} }} }} }} }}"
    return f"{{ projects(first: 1) {{ nodes {{ {inner} }} }} }}"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param(nested(3), "GRAPHQL_VALIDATION_FAILED", id="deeply-nested"),
        pytest.param(nested(400), "GRAPHQL_PARSE_FAILED", id="nested-2000-levels"),
        pytest.param("{" + " ".join(f"a{i}: regions {{ code }}" for i in range(100)) + "}", "GRAPHQL_VALIDATION_FAILED", id="100-aliases"),
        pytest.param("{ regions { " + "code " * 3000 + "} }", "GRAPHQL_PARSE_FAILED", id="3000-tokens"),
        pytest.param("{ regions { code ", "GRAPHQL_PARSE_FAILED", id="syntax-error"),
        pytest.param("{ regions { nope } }", "GRAPHQL_VALIDATION_FAILED", id="unknown-field"),
        pytest.param('{ projects(first: "ten") { totalCount } }', "GRAPHQL_VALIDATION_FAILED", id="first-wrong-type"),
        pytest.param("{ projects(first: 2147483648) { totalCount } }", "GRAPHQL_VALIDATION_FAILED", id="first-over-int32"),
        pytest.param("{ projects(first: 1000000000) { totalCount } }", "COST_LIMIT_EXCEEDED", id="first-huge"),
        pytest.param("{ projects(first: -5) { totalCount } }", "BAD_USER_INPUT", id="first-negative"),
        pytest.param('{ projects(first: 2, after: "nope") { totalCount } }', "BAD_USER_INPUT", id="bad-cursor"),
        pytest.param('{ node(id: "nope") { id } }', "BAD_USER_INPUT", id="bad-global-id"),
        pytest.param("{ simulate(scenario: null) { __typename } }", "GRAPHQL_VALIDATION_FAILED", id="null-for-required"),
        pytest.param("{ simulate(scenario: {mode: SOMETIMES}) { __typename } }", "GRAPHQL_VALIDATION_FAILED", id="unknown-enum"),
        pytest.param("{ simulate(scenario: {budgetEur: 1.5}) { __typename } }", "BAD_USER_INPUT", id="euros-literal-fraction"),
    ],
)  # fmt: skip
async def test_bad_documents(api: httpx.AsyncClient, query: str, code: str) -> None:
    response = await api.post("/graphql", json={"query": query})
    assert response.status_code == 200
    assert code in codes(answer(response))


async def test_limits_hold_at_their_edge(api: httpx.AsyncClient) -> None:
    aliases = "{" + " ".join(f"a{i}: regions {{ code }}" for i in range(MAX_ALIASES)) + "}"
    body = answer(await api.post("/graphql", json={"query": aliases}))
    assert "errors" not in body


async def test_negative_first_cannot_pay_for_a_costly_sibling(api: httpx.AsyncClient) -> None:
    costly = (
        "b: projects(first: 100) { nodes { territory { projects(first: 100) { nodes { id } } } } }"
    )
    query = f"{{ a: projects(first: -1000000000) {{ totalCount }} {costly} }}"
    body = answer(await api.post("/graphql", json={"query": query}))
    assert "COST_LIMIT_EXCEEDED" in codes(body) or body["extensions"]["cost"]["estimated"] > 0
    assert body["extensions"]["cost"]["estimated"] >= 100 * 100


async def post(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    return answer(await api.post("/graphql", json={"query": query, "variables": variables}))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(b'{"budgetEur": "NaN"}', "BAD_USER_INPUT", id="budget-nan-text"),
        pytest.param(b'{"budgetEur": "lots"}', "BAD_USER_INPUT", id="budget-text"),
        pytest.param(b'{"budgetEur": true}', "BAD_USER_INPUT", id="budget-bool"),
        pytest.param(b'{"budgetEur": 1.5}', "BAD_USER_INPUT", id="budget-fraction"),
        pytest.param(b'{"fragileShareMin": "NaN"}', "BAD_USER_INPUT", id="share-nan-text"),
        pytest.param(b'{"fragileShareMin": NaN}', None, id="share-nan-literal"),
        pytest.param(b'{"fragileShareMin": 1e309}', "BAD_REQUEST", id="share-1e309"),
        pytest.param(b'{"fragileShareMin": [0.5]}', "BAD_USER_INPUT", id="share-list"),
        pytest.param(b'{"regionEnvelopes": {"regionCode": "84"}}', None, id="object-for-list"),
        pytest.param(b'{"projects": {"regions": [[["84"]]]}}', "BAD_USER_INPUT", id="nested-lists"),
        pytest.param(b'{"nope": 1}', "BAD_USER_INPUT", id="unknown-input-field"),
    ],
)  # fmt: skip
async def test_wrong_variable_types(api: httpx.AsyncClient, raw: bytes, code: str | None) -> None:
    body = b'{"query": ' + orjson.dumps(SIMULATE) + b', "variables": {"s": ' + raw + b"}}"
    response = await api.post("/graphql", content=body, headers=JSON)
    got = codes(answer(response))
    if code is None:  # NaN is not JSON; a list accepts one object (GraphQL input coercion)
        assert response.status_code == 400 or got == [] or got == ["BAD_USER_INPUT"]
    else:
        assert got == [code]


@pytest.mark.parametrize(
    ("scenario", "path"),
    [
        pytest.param({"fragileShareMin": 1.5}, "constraints.fragile_share_min", id="share-above-1"),
        pytest.param({"fragileShareMin": -0.1}, "constraints.fragile_share_min", id="share-negative"),
        pytest.param({"decarbonisationShareMin": 69}, "constraints.decarbonisation_share_min", id="share-as-percent"),
        pytest.param({"maxAidIntensity": 0}, "constraints.max_aid_intensity", id="aid-intensity-zero"),
        pytest.param({"budgetEur": -1}, "budget_eur", id="budget-negative"),
        pytest.param({"budgetEur": 0}, "budget_eur", id="budget-zero"),
        pytest.param({"budgetEur": 10**15}, "budget_eur", id="budget-huge"),
        pytest.param({"regionEnvelopes": [{"regionCode": "99", "minEur": 1}]}, "constraints.regions.99", id="unknown-region-envelope"),
        pytest.param({"regionEnvelopes": [{"regionCode": "84", "minEur": 5, "maxEur": 1}]}, "constraints.regions.84", id="envelope-min-above-max"),
        pytest.param({"regionEnvelopes": [{"regionCode": "84", "minEur": 1}, {"regionCode": "84", "maxEur": 9}]}, "constraints.regions.84", id="duplicate-region-envelope"),
        pytest.param({"regionEnvelopes": [{"regionCode": "84"}]}, "constraints.regions.84", id="empty-envelope"),
        pytest.param({"projects": {"regions": ["Bretagne"]}}, "projects.regions[0]", id="unknown-region-selection"),
        pytest.param({"projects": {"phase": 3}}, "projects.phase", id="unknown-phase"),
        pytest.param({"projects": {"sectors": [""]}}, "projects.sectors[0]", id="empty-sector"),
        pytest.param({"name": "Robert'); DROP TABLE project;--"}, "name", id="sql-in-name"),
        pytest.param({"name": "plan\n"}, "name", id="name-trailing-newline"),
        pytest.param({"title": "x" * 5_000}, "title", id="title-too-long"),
        pytest.param({"base": "nope"}, "base", id="unknown-base"),
        pytest.param({"base": "../../etc/passwd"}, "base", id="base-path-traversal"),
    ],
)  # fmt: skip
async def test_invalid_scenarios(
    prod_api: httpx.AsyncClient, scenario: dict[str, Any], path: str
) -> None:
    body = await post(prod_api, SIMULATE, s=scenario)
    assert "errors" not in body
    outcome = body["data"]["simulate"]
    assert outcome["__typename"] == "InvalidScenario"
    assert path in [problem["path"] for problem in outcome["problems"]]


async def test_enormous_value_lists(api: httpx.AsyncClient) -> None:
    huge = await api.post(
        "/graphql", json={"query": CURVE, "variables": {"s": {}, "v": [0.5] * 100_000}}
    )
    assert huge.status_code == 413  # the body limit (64 KiB) catches it before GraphQL
    assert codes(answer(huge)) == ["PAYLOAD_TOO_LARGE"]
    body = await post(api, CURVE, s={}, v=[0.5] * 201)  # fits the body, over the point limit
    assert body["data"]["tradeOffCurve"]["problems"][0]["path"] == "values"
    empty = await post(api, CURVE, s={}, v=[])
    assert empty["data"]["tradeOffCurve"]["problems"][0]["path"] == "values"


async def test_curve_values_outside_their_range(api: httpx.AsyncClient) -> None:
    body = await post(api, CURVE, s={}, v=[0.5, 1.5])
    outcome = body["data"]["tradeOffCurve"]
    assert outcome["__typename"] == "InvalidScenario", outcome


@pytest.mark.parametrize(
    "names",
    [
        pytest.param([], id="none"),
        pytest.param(["france-relance-2020"] * 7, id="seven"),
        pytest.param(["france-relance-2020", "nope"], id="unknown"),
    ],
)
async def test_compare_bad_name_lists(api: httpx.AsyncClient, names: list[str]) -> None:
    body = await post(api, COMPARE, n=names)
    assert body["data"]["compareScenarios"]["__typename"] == "InvalidScenario"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("../../etc/passwd", id="path-traversal"),
        pytest.param("' OR '1'='1", id="sql-quote"),
        pytest.param("x" * 10_000, id="10k-chars"),
    ],
)
async def test_lookups_by_hostile_names(prod_api: httpx.AsyncClient, name: str) -> None:
    query = "query($n: String!) { scenario(name: $n) { name } region(code: $n) { code } }"
    body = await post(prod_api, query, n=name)
    assert body["data"] == {"scenario": None, "region": None}
    run = await post(
        prod_api, "query($n: String!) { runScenario(name: $n) { __typename } }", n=name
    )
    assert run["data"]["runScenario"]["__typename"] == "InvalidScenario"
