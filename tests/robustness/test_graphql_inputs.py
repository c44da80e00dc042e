"""Bad HTTP bodies, documents and arguments against /graphql: always a coded JSON answer."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from schema import MAX_ALIASES
from tests.robustness.conftest import answer, codes, post

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
    ("body", "headers", "status", "code", "words"),
    [
        pytest.param(b'{"query": "{ regions { code } }\xff"}', JSON, 400, "BAD_REQUEST", "the body is not UTF-8 text (byte 31)", id="invalid-utf8"),
        pytest.param(b'{"query": ', JSON, 400, "BAD_REQUEST", "Unable to parse request body as JSON", id="truncated-json"),
        pytest.param(b'"{ regions { code } }"', JSON, 400, "BAD_REQUEST", "the body must be a JSON object", id="json-string"),
        pytest.param(b"42", JSON, 400, "BAD_REQUEST", "the body must be a JSON object", id="json-number"),
        pytest.param(b"null", JSON, 400, "BAD_REQUEST", "the body must be a JSON object", id="json-null"),
        pytest.param(b'[{"query": "{ regions { code } }"}]', JSON, 400, "BAD_REQUEST", "Batching is not enabled", id="batch"),
        pytest.param(b'{"query": 5}', JSON, 400, "BAD_REQUEST", "`query` must be a string", id="query-not-text"),
        pytest.param(b'{"query": "{ regions { code } }", "variables": [1]}', JSON, 400, "BAD_REQUEST", "`variables` must be an object", id="variables-not-object"),
        pytest.param(b'{"query": ""}', JSON, 400, "BAD_REQUEST", "No GraphQL query found", id="empty-query"),
        pytest.param(b'{"query": "{ regions { code } }"}', {"content-type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type", id="text-plain"),
        pytest.param(b'{"query": "{ regions { code } }"}', {}, 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type", id="no-content-type"),
        pytest.param(b'{"query": "{ regions { code } }", "operationName": "Nope"}', JSON, 400, "BAD_REQUEST", 'Unknown operation named "Nope"', id="unknown-operation"),
        pytest.param(orjson.dumps({"query": "{ regions { code } }" + " " * 70_000}), JSON, 413, "PAYLOAD_TOO_LARGE", "Content Too Large", id="oversized"),
    ],
)  # fmt: skip
async def test_bad_http_bodies(
    api: httpx.AsyncClient,
    body: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
    words: str,
) -> None:
    response = await api.post("/graphql", content=body, headers=headers)
    assert response.status_code == status
    refused = answer(response)
    assert codes(refused) == [code]
    assert words in refused["errors"][0]["message"]


class CountedBody:
    """A request body sent in 1 KiB chunks, counting how many of its bytes the server pulled."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b" " * 1024
        while self.pulled < self.size:
            self.pulled += len(chunk)
            yield chunk


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_body_is_never_read_past_the_limit(
    api: httpx.AsyncClient, declared: bool
) -> None:
    body = CountedBody(1_000_000)
    headers = {**JSON, "content-length": str(body.size)} if declared else JSON
    response = await api.post("/graphql", content=body, headers=headers)
    assert response.status_code == 413
    assert codes(answer(response)) == ["PAYLOAD_TOO_LARGE"]
    # A declared length over the limit is refused before any byte is read; a chunked body
    # is read until the count passes the limit (64 KiB), one chunk at most beyond it.
    assert body.pulled == 0 if declared else 65_536 < body.pulled <= 65_536 + 1024


async def test_get_mutation_is_refused(api: httpx.AsyncClient) -> None:
    mutation = 'mutation { deleteScenario(name: "a", expectedVersion: 1) { __typename } }'
    response = await api.get("/graphql", params={"query": mutation})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    refused = answer(response)
    assert codes(refused) == ["METHOD_NOT_ALLOWED"]
    assert refused["errors"][0]["message"] == "mutations are not allowed when using GET"


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
    ("query", "code", "words"),
    [
        pytest.param(nested(3), "GRAPHQL_VALIDATION_FAILED", "exceeds maximum operation depth of 10", id="deeply-nested"),
        pytest.param(nested(400), "GRAPHQL_PARSE_FAILED", "Document is nested too deeply", id="nested-2000-levels"),
        pytest.param("{" + " ".join(f"a{i}: regions {{ code }}" for i in range(100)) + "}", "GRAPHQL_VALIDATION_FAILED", "100 aliases found. Allowed: 15", id="100-aliases"),
        pytest.param("{ regions { " + "code " * 3000 + "} }", "GRAPHQL_PARSE_FAILED", "more than 2000 tokens", id="3000-tokens"),
        pytest.param("{ regions { code ", "GRAPHQL_PARSE_FAILED", "Syntax Error", id="syntax-error"),
        pytest.param("{ regions { nope } }", "GRAPHQL_VALIDATION_FAILED", "Cannot query field 'nope'", id="unknown-field"),
        pytest.param('{ projects(first: "ten") { totalCount } }', "GRAPHQL_VALIDATION_FAILED", "Int cannot represent", id="first-wrong-type"),
        pytest.param("{ projects(first: 2147483648) { totalCount } }", "GRAPHQL_VALIDATION_FAILED", "non 32-bit signed integer", id="first-over-int32"),
        pytest.param("{ projects(first: 1000000000) { totalCount } }", "COST_LIMIT_EXCEEDED", "", id="first-huge"),
        pytest.param("{ projects(first: -5) { totalCount } }", "BAD_USER_INPUT", "first: must be between 0 and 100", id="first-negative"),
        pytest.param('{ projects(first: 2, after: "nope") { totalCount } }', "BAD_USER_INPUT", "", id="bad-cursor"),
        pytest.param('{ node(id: "nope") { id } }', "BAD_USER_INPUT", "", id="bad-global-id"),
        pytest.param("{ simulate(scenario: null) { __typename } }", "GRAPHQL_VALIDATION_FAILED", "", id="null-for-required"),
        pytest.param("{ simulate(scenario: {mode: SOMETIMES}) { __typename } }", "GRAPHQL_VALIDATION_FAILED", "SOMETIMES", id="unknown-enum"),
        pytest.param("{ simulate(scenario: {budgetEur: 1.5}) { __typename } }", "BAD_USER_INPUT", "whole number of euros", id="euros-literal-fraction"),
    ],
)  # fmt: skip
async def test_bad_documents(api: httpx.AsyncClient, query: str, code: str, words: str) -> None:
    response = await api.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body = answer(response)
    assert code in codes(body)
    assert any(
        words in error["message"] for error in body["errors"] if error["extensions"]["code"] == code
    )


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


@pytest.mark.parametrize(
    ("raw", "status", "code", "words"),
    [
        pytest.param(b'{"budgetEur": "NaN"}', 200, "BAD_USER_INPUT", "whole number of euros, got 'NaN'", id="budget-nan-text"),
        pytest.param(b'{"budgetEur": "lots"}', 200, "BAD_USER_INPUT", "whole number of euros, got 'lots'", id="budget-text"),
        pytest.param(b'{"budgetEur": true}', 200, "BAD_USER_INPUT", "Euros must be a whole number of euros", id="budget-bool"),
        pytest.param(b'{"budgetEur": 1.5}', 200, "BAD_USER_INPUT", "Euros must be a whole number of euros", id="budget-fraction"),
        pytest.param(b'{"budgetEur": 1000000000000000}', 200, "BAD_USER_INPUT", "Euros must be at most 1_000_000_000_000", id="budget-huge"),
        pytest.param(b'{"fragileShareMin": "NaN"}', 200, "BAD_USER_INPUT", "Float cannot represent non numeric value", id="share-nan-text"),
        pytest.param(b'{"fragileShareMin": NaN}', 400, "BAD_REQUEST", "Unable to parse request body as JSON", id="share-nan-literal"),
        pytest.param(b'{"fragileShareMin": 1e309}', 400, "BAD_REQUEST", "Unable to parse request body as JSON", id="share-1e309"),
        pytest.param(b'{"fragileShareMin": [0.5]}', 200, "BAD_USER_INPUT", "Float cannot represent", id="share-list"),
        pytest.param(b'{"projects": {"regions": [[["84"]]]}}', 200, "BAD_USER_INPUT", "String cannot represent", id="nested-lists"),
        pytest.param(b'{"nope": 1}', 200, "BAD_USER_INPUT", "unknown field 'nope'", id="unknown-input-field"),
        pytest.param(b'{"projects": {"origin": "laureates"}}', 200, "BAD_USER_INPUT", "Value 'laureates' does not exist in 'ProjectPool' enum", id="origin-file-spelling"),
    ],
)  # fmt: skip
async def test_wrong_variable_types(
    api: httpx.AsyncClient, raw: bytes, status: int, code: str, words: str
) -> None:
    body = b'{"query": ' + orjson.dumps(SIMULATE) + b', "variables": {"s": ' + raw + b"}}"
    response = await api.post("/graphql", content=body, headers=JSON)
    assert response.status_code == status
    refused = answer(response)
    assert codes(refused) == [code]
    assert words in refused["errors"][0]["message"]


async def test_one_object_for_a_list_is_a_list_of_one(api: httpx.AsyncClient) -> None:
    # GraphQL input coercion: a single value where a list is expected is a list of one.
    body = await post(api, SIMULATE, s={"regionEnvelopes": {"regionCode": "84"}})
    outcome = body["data"]["simulate"]
    assert [p["path"] for p in outcome["problems"]] == ["constraints.regions.84"]


# What a file access spy must never see: the file a hostile `base` names.
OUTSIDE = "passwd"


@pytest.mark.parametrize(
    ("scenario", "path", "words"),
    [
        pytest.param({"fragileShareMin": 1.5}, "constraints.fragile_share_min", "must be between 0 and 1, got 1.5", id="share-above-1"),
        pytest.param({"fragileShareMin": -0.1}, "constraints.fragile_share_min", "must be between 0 and 1, got -0.1", id="share-negative"),
        pytest.param({"decarbonisationShareMin": 69}, "constraints.decarbonisation_share_min", "(shares are fractions: 69 % is 0.69)", id="share-as-percent"),
        pytest.param({"maxAidIntensity": 0}, "constraints.max_aid_intensity", "0 (excluded)", id="aid-intensity-zero"),
        pytest.param({"budgetEur": -1}, "budget_eur", "must be positive, got -1", id="budget-negative"),
        pytest.param({"budgetEur": 0}, "budget_eur", "must be positive, got 0", id="budget-zero"),
        pytest.param({"regionEnvelopes": [{"regionCode": "99", "minEur": 1}]}, "constraints.regions.99", "(allowed: 01, 02, 03, 04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94, 987, 988)", id="unknown-region-envelope"),
        pytest.param({"regionEnvelopes": [{"regionCode": "84", "minEur": 5, "maxEur": 1}]}, "constraints.regions.84", "min_eur (5) is above max_eur (1)", id="envelope-min-above-max"),
        pytest.param({"regionEnvelopes": [{"regionCode": "84", "minEur": 1}, {"regionCode": "84", "maxEur": 9}]}, "constraints.regions.84", "appears twice in regionEnvelopes", id="duplicate-region-envelope"),
        pytest.param({"regionEnvelopes": [{"regionCode": "84"}]}, "constraints.regions.84", "give min_eur, max_eur or both", id="empty-envelope"),
        pytest.param({"projects": {"regions": ["Bretagne"]}}, "projects.regions[0]", "did you mean '53' (Bretagne)?", id="unknown-region-selection"),
        pytest.param({"projects": {"phase": 3}}, "projects.phase", "must be 1, 2 or null", id="unknown-phase"),
        pytest.param({"projects": {"sectors": [""]}}, "projects.sectors[0]", "must be a sector name", id="empty-sector"),
        pytest.param({"name": "Robert'); DROP TABLE project;--"}, "name", "must be a name of lower-case letters", id="sql-in-name"),
        pytest.param({"name": "plan\n"}, "name", "must be a name of lower-case letters", id="name-trailing-newline"),
        pytest.param({"title": "x" * 5_000}, "title", "must be at most 200 characters", id="title-too-long"),
        pytest.param({"base": "nope"}, "base", "no scenario named 'nope'", id="unknown-base"),
        pytest.param({"base": f"../../etc/{OUTSIDE}"}, "base", "no scenario named '../../etc/passwd'", id="base-path-traversal"),
    ],
)  # fmt: skip
async def test_invalid_scenarios(
    prod_api: httpx.AsyncClient,
    opened: list[str],
    scenario: dict[str, Any],
    path: str,
    words: str,
) -> None:
    body = await post(prod_api, SIMULATE, s=scenario)
    assert "errors" not in body
    outcome = body["data"]["simulate"]
    assert outcome["__typename"] == "InvalidScenario"
    messages = [problem["message"] for problem in outcome["problems"] if problem["path"] == path]
    assert any(words in message for message in messages), outcome["problems"]
    # no file is looked at but the shipped scenarios (the spy does see those)
    assert not [seen for seen in opened if OUTSIDE in seen]
    if path == "base":
        assert any(seen.endswith("france-relance-2020.yaml") for seen in opened)


async def test_enormous_value_lists(api: httpx.AsyncClient) -> None:
    huge = await api.post(
        "/graphql", json={"query": CURVE, "variables": {"s": {}, "v": [0.5] * 100_000}}
    )
    assert huge.status_code == 413  # the body limit (64 KiB) catches it before GraphQL
    assert codes(answer(huge)) == ["PAYLOAD_TOO_LARGE"]
    for values in ([0.5] * 201, []):  # 201 fits the body but not the point limit
        outcome = (await post(api, CURVE, s={}, v=values))["data"]["tradeOffCurve"]
        assert outcome["__typename"] == "InvalidScenario"
        assert outcome["problems"][0]["path"] == "values"
        assert f"give 1 to 200 values, got {len(values)}" in outcome["message"]


async def test_curve_values_outside_their_range(api: httpx.AsyncClient) -> None:
    body = await post(api, CURVE, s={}, v=[0.5, 1.5])
    outcome = body["data"]["tradeOffCurve"]
    assert outcome["__typename"] == "InvalidScenario", outcome
    assert "shares must be between 0 and 1, got 1.5" in outcome["message"]


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
