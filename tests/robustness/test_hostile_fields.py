"""Hostile values in API fields and odd requests: a coded answer or null, never a 500 or a lie."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from typing import Any

import httpx
import pytest

from server import create_app
from settings import Settings
from simulation.files import load_text
from simulation.scenario import ScenarioError
from tests.robustness.conftest import answer, codes, post

SIMULATE = """query($s: ScenarioInput!) { simulate(scenario: $s) {
  __typename
  ... on SimulationResult { status budgetEur spentEur }
  ... on InvalidScenario { message problems { path field message } }
} }"""
BUDGET_CURVE = """query($s: ScenarioInput!, $v: [Float!]!) {
  tradeOffCurve(scenario: $s, parameter: BUDGET_EUR, values: $v) {
    __typename ... on InvalidScenario { message problems { path field message } }
    ... on TradeOffCurve { points { value status spentEur } }
  }
}"""
SAVE = """mutation($s: ScenarioInput!) { saveScenario(scenario: $s) {
  __typename ... on InvalidScenario { problems { path message } } ... on Scenario { title }
} }"""
KEY = {"authorization": "Bearer dev-only-key"}


def global_id(kind: str, number: object) -> str:
    return base64.b64encode(f"{kind}:{number}".encode()).decode()


# Global ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "kind", "number"),
    [
        pytest.param("project", "Project", 2**64 + 5, id="project-over-64-bits"),
        pytest.param("node", "Project", 2**64 + 5, id="node-project-over-64-bits"),
        pytest.param("node", "Award", 2**70, id="node-award-over-64-bits"),
        pytest.param("node", "Award", 2**63, id="node-award-2-63"),
        pytest.param("project", "Project", "9" * 5000, id="project-5000-digits"),
        pytest.param("project", "Project", "²", id="project-superscript-digit"),
        pytest.param("project", "Project", "٣", id="project-arabic-digit"),
    ],
)
async def test_out_of_range_global_ids_answer_null_beside_a_valid_lookup(
    api: httpx.AsyncClient, field: str, kind: str, number: object
) -> None:
    query = f"""query($good: ID!, $bad: ID!) {{
      good: {field}(id: $good) {{ id }}
      bad: {field}(id: $bad) {{ id }}
    }}"""
    body = await post(api, query, good=global_id("Project", 1), bad=global_id(kind, number))
    assert "errors" not in body, body
    assert body["data"] == {"good": {"id": global_id("Project", 1)}, "bad": None}


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(2**64 + 5, id="over-64-bits"),
        pytest.param("9" * 5000, id="5000-digits"),
        pytest.param("²", id="superscript-digit"),
    ],
)
async def test_out_of_range_ids_in_a_result_answer_null(
    api: httpx.AsyncClient, number: object
) -> None:
    query = """query($good: ID!, $bad: ID!) { simulate(scenario: {}) {
      ... on SimulationResult {
        good: project(id: $good) { project { id } }
        bad: project(id: $bad) { project { id } }
      }
    } }"""
    good = global_id("Project", 5)  # a phase-1 project: it competes in the announced scenario
    body = await post(api, query, good=good, bad=global_id("Project", number))
    assert "errors" not in body, body
    assert body["data"]["simulate"] == {"good": {"project": {"id": good}}, "bad": None}


# tradeOffCurve over the budget ---------------------------------------------------------------


async def test_budget_curve_values_are_checked_like_a_budget(api: httpx.AsyncClient) -> None:
    body = await post(api, BUDGET_CURVE, s={}, v=[0, 1.5, 1e20, 5e6, -3])
    outcome = body["data"]["tradeOffCurve"]
    assert outcome["__typename"] == "InvalidScenario", outcome
    problems = {p["path"]: p["message"] for p in outcome["problems"]}
    assert problems == {
        "values[0]": "must be positive, got 0",
        "values[1]": "must be a whole number of euros, got 1.5",
        "values[2]": "must be at most 1_000_000_000_000 euros, got 1e+20",
        "values[4]": "must be positive, got -3",
    }


async def test_bad_curve_values_are_refused_before_waiting_for_a_solver(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = api.app.state.runner  # type: ignore[attr-defined]

    async def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("a curve with bad values reached the solver queue")

    monkeypatch.setattr(runner, "curve", no_solve)
    monkeypatch.setattr(runner, "projects", no_solve)
    body = await post(api, BUDGET_CURVE, s={}, v=[5e6, 1.5])
    outcome = body["data"]["tradeOffCurve"]
    assert outcome["__typename"] == "InvalidScenario", outcome
    assert outcome["problems"][0]["path"] == "values[1]"


async def test_a_budget_curve_never_spends_more_than_its_budget(api: httpx.AsyncClient) -> None:
    body = await post(api, BUDGET_CURVE, s={}, v=[1, 150_000, 2_000_000])
    points = body["data"]["tradeOffCurve"]["points"]
    assert [p["value"] for p in points] == [1, 150_000, 2_000_000]
    for point in points:
        assert point["spentEur"] <= point["value"], point


# Euros stay exact ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"budgetEur": 1000000000000000000000000000000}', id="json-int-over-64-bits"),
        pytest.param(b'{"budgetEur": 1e30}', id="json-float"),
        pytest.param(b'{"budgetEur": 9007199254740993}', id="json-int-over-2-53"),
    ],
)
async def test_a_huge_budget_is_refused_without_going_through_a_float(
    api: httpx.AsyncClient, raw: bytes
) -> None:
    content = b'{"query": %s, "variables": {"s": %s}}' % (json.dumps(SIMULATE).encode(), raw)
    response = await api.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )
    body = answer(response)
    assert codes(body) == ["BAD_USER_INPUT"], body
    message = body["errors"][0]["message"]
    assert "budgetEur" in message
    assert "Euros must be at most 1_000_000_000_000" in message
    assert "19_884" not in message and "19884" not in message  # 1e30 read back as an int


async def test_a_huge_budget_literal_is_refused(api: httpx.AsyncClient) -> None:
    query = f"{{ simulate(scenario: {{budgetEur: {10**30}}}) {{ __typename }} }}"
    body = answer(await api.post("/graphql", json={"query": query}))
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert "Euros must be at most 1_000_000_000_000" in body["errors"][0]["message"]


# Control characters in text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "found"),
    [
        pytest.param("Plan\x00B", "U+0000 at position 4", id="nul"),
        pytest.param("Plan \u202eB", "U+202E at position 5", id="right-to-left-override"),
        pytest.param("Plan\x1b[31mB", "U+001B at position 4", id="escape"),
        pytest.param("Plan\nB", "U+000A at position 4", id="newline-in-a-title"),
    ],
)
async def test_control_characters_in_a_title_are_refused_by_api_and_files_alike(
    api: httpx.AsyncClient, title: str, found: str
) -> None:
    expected = f"must not contain control characters ({found})"
    body = await post(api, SIMULATE, s={"title": title})
    outcome = body["data"]["simulate"]
    assert outcome["__typename"] == "InvalidScenario", outcome
    assert {"path": "title", "field": "title", "message": expected} in outcome["problems"]
    saved = await post(api, SAVE, KEY, s={"name": "hostile-title", "title": title})
    assert saved["data"]["saveScenario"]["problems"] == [{"path": "title", "message": expected}]
    escaped = json.dumps(title)  # YAML double quotes read JSON escapes
    with pytest.raises(ScenarioError) as refused:
        load_text(f"version: 1\nname: plan\ntitle: {escaped}\n", source="plan.yaml")
    assert refused.value.path == "title" and refused.value.message == expected


async def test_descriptions_keep_their_line_breaks_but_not_hidden_characters(
    api: httpx.AsyncClient,
) -> None:
    fine = await post(api, SIMULATE, s={"description": "Line one\n\tLine two\r\n"})
    assert fine["data"]["simulate"]["__typename"] == "SimulationResult"
    hidden = await post(api, SIMULATE, s={"description": "ok\u2066hidden\u2069"})
    problems = hidden["data"]["simulate"]["problems"]
    assert problems[0]["path"] == "description"
    assert "must not contain control characters (U+2066 at position 2)" in problems[0]["message"]


# Comparison statuses -------------------------------------------------------------------------


async def test_comparison_statuses_are_the_status_enum(api: httpx.AsyncClient) -> None:
    query = (
        '{ compareScenarios(names: ["france-relance-2020"]) { ... on Comparison { statuses } } }'
    )
    body = await post(api, query)
    assert body["data"]["compareScenarios"]["statuses"] == ["OPTIMAL"]
    simulated = await post(api, "{ simulate(scenario: {}) { ... on SimulationResult { status } } }")
    assert simulated["data"]["simulate"]["status"] == "OPTIMAL"
    typed = '{ __type(name: "Comparison") { fields { name type { ofType { ofType { ofType {'
    typed += " name kind } } } } } } }"
    fields = (await post(api, typed))["data"]["__type"]["fields"]
    (statuses,) = [
        f["type"]["ofType"]["ofType"]["ofType"] for f in fields if f["name"] == "statuses"
    ]
    assert statuses == {"name": "SimulationStatus", "kind": "ENUM"}


# first: 0 ------------------------------------------------------------------------------------

PAGE = """query($after: String) { projects(first: 0, after: $after) {
  totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} }"""
LAST = "{ projects(first: 100) { edges { cursor } } }"


async def test_an_empty_first_page_says_whether_items_follow_and_has_no_cursor(
    api: httpx.AsyncClient,
) -> None:
    body = await post(api, PAGE)
    page = body["data"]["projects"]
    assert page["totalCount"] == 24 and page["edges"] == []
    assert page["pageInfo"] == {
        "hasNextPage": True,  # as graphql-relay's connectionFromArray: items exist after it
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    cursors = [edge["cursor"] for edge in (await post(api, LAST))["data"]["projects"]["edges"]]
    middle = (await post(api, PAGE, after=cursors[10]))["data"]["projects"]["pageInfo"]
    assert middle["hasNextPage"] is True and middle["endCursor"] is None
    end = (await post(api, PAGE, after=cursors[-1]))["data"]["projects"]["pageInfo"]
    assert end == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


# Authorization and methods -------------------------------------------------------------------


async def test_two_authorization_headers_are_refused(api: httpx.AsyncClient) -> None:
    mutation = 'mutation { deleteScenario(name: "a", expectedVersion: 1) { __typename } }'
    headers = [("authorization", "Bearer dev-only-key"), ("authorization", "Bearer other")]
    for query in (mutation, "{ regions { code } }"):
        response = await api.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 400
        body = answer(response)
        assert codes(body) == ["UNAUTHENTICATED"]
        assert "send one Authorization header, got 2" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        pytest.param("PUT", "/graphql", "GET, POST", id="graphql-put"),
        pytest.param("DELETE", "/graphql", "GET, POST", id="graphql-delete"),
        pytest.param("POST", "/health", "GET, HEAD", id="health-post"),  # Starlette's own
    ],
)
async def test_a_405_says_which_methods_are_allowed(
    api: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await api.request(method, path, json={"query": "{ regions { code } }"})
    assert response.status_code == 405
    listed = {method.strip() for method in response.headers.get("allow", "").split(",")}
    assert listed == set(allowed.split(", "))
    if path == "/graphql":
        assert codes(answer(response)) == ["METHOD_NOT_ALLOWED"]


# Request bodies that stop or trickle ----------------------------------------------------------


def http_scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"test")],
        "client": ("192.0.2.1", 4000),
        "server": ("test", 80),
    }


async def call_app(app: Any, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Call the ASGI app with a client that sends `messages`, then never sends anything else."""
    pending = list(messages)
    sent: list[dict[str, Any]] = []
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        await never.wait()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # Generous: the bound under test is a fraction of a second; without it the call never ends.
    await asyncio.wait_for(app(http_scope(), receive, send), timeout=30)
    return sent


PART = {"type": "http.request", "body": b'{"query": "{ regi', "more_body": True}


async def test_a_client_leaving_mid_body_is_a_client_event_not_an_error(
    robust_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=robust_db))
    with caplog.at_level(logging.DEBUG):
        sent = await call_app(app, [PART, {"type": "http.disconnect"}])
    await app.state.engine.dispose()
    assert sent == []  # nobody is left to answer
    ours = [r for r in caplog.records if r.name.startswith("territoires")]
    assert [(r.levelno, r.getMessage()) for r in ours] == [
        (logging.INFO, "client left before sending the whole body: POST /graphql")
    ]
    assert not any(r.exc_info for r in caplog.records)


async def test_a_body_that_trickles_in_is_cut_after_the_body_timeout(
    robust_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=robust_db, body_timeout_s=0.2))
    with caplog.at_level(logging.DEBUG):
        sent = await call_app(app, [PART])
    await app.state.engine.dispose()
    start, body = sent
    assert start["status"] == 408
    headers = dict(start["headers"])
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"connection"] == b"close"
    error = json.loads(body["body"])["errors"][0]
    assert error["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert error["message"] == "the request body took longer than 0.2 s to arrive"
    ours = [r for r in caplog.records if r.name.startswith("territoires")]
    assert [(r.levelno, r.getMessage()) for r in ours] == [
        (logging.WARNING, "request body not complete after 0.2 s: POST /graphql")
    ]
    assert not any(r.exc_info for r in caplog.records)


async def test_a_complete_body_is_not_bound_by_the_body_timeout(robust_db: str) -> None:
    app = create_app(Settings(database_url=robust_db, body_timeout_s=0.2))
    whole = {"type": "http.request", "body": b'{"query": "{ regions { code } }"}'}
    start, body = await call_app(app, [whole])
    await app.state.engine.dispose()
    assert start["status"] == 200
    assert json.loads(body["body"])["data"]["regions"]


def test_the_body_timeout_is_a_setting() -> None:
    assert Settings().body_timeout_s == 10.0
    env = {"TERRITOIRES_BODY_TIMEOUT": "2.5"}
    assert Settings.from_env(env).body_timeout_s == 2.5
