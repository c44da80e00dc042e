"""GraphQL over HTTP: the answer is written in the media type the client's Accept header prefers.

`application/graphql-response+json` clients get that media type, and a 4xx answer with no `data`
entry for a request refused before it runs (a document that does not parse or validate,
variables that do not coerce, a cost over the budget); `application/json` clients, and those
sending no Accept header or `*/*`, keep 200 with `errors`. The specification's own server audit
(the `graphql-http` package) runs against a real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from schema.view import refusal_status
from tests.conftest import _in_ci

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / "tests" / "http_audit"
JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = "{ regions { code } }"


@pytest.fixture
def http(client: httpx.AsyncClient) -> httpx.AsyncClient:
    return client  # tests/schema/conftest.py's, under the name these tests use


async def post(
    http: httpx.AsyncClient, body: dict[str, Any], accept: str | None = GRAPHQL_RESPONSE
) -> httpx.Response:
    request = http.build_request("POST", "/graphql", json=body)
    del request.headers["accept"]  # httpx sends `*/*` unless told otherwise
    if accept is not None:
        request.headers["accept"] = accept
    return await http.send(request)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        pytest.param(None, "application/json", id="no-accept"),
        pytest.param("*/*", JSON, id="anything"),
        pytest.param("application/*", JSON, id="any-application-type"),
        pytest.param(JSON, JSON, id="json"),
        pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE, id="graphql-response"),
        pytest.param(
            "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8",
            "application/graphql-response+json",
            id="recommended-by-the-specification",
        ),
        pytest.param(f"{JSON}, {GRAPHQL_RESPONSE}", JSON, id="first-listed-wins-a-tie"),
        pytest.param(f"{JSON};q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE, id="higher-q"),
        pytest.param(f"*/*, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE, id="more-specific-wins"),
        pytest.param(f"*/*;q=0.1, {GRAPHQL_RESPONSE};q=0", JSON, id="q-zero-refuses"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0, */*", JSON, id="q-zero-beats-a-wildcard"),
        pytest.param("text/html,application/xhtml+xml,*/*;q=0.8", "application/json", id="browser"),
    ],
)
async def test_the_answer_has_the_media_type_the_client_prefers(
    http: httpx.AsyncClient, accept: str | None, chosen: str
) -> None:
    response = await post(http, {"query": QUERY}, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == chosen
    assert response.json()["data"]["regions"]


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("text/html", id="html"),
        pytest.param("application/xml, text/*", id="xml-or-text"),
        pytest.param(f"{JSON};q=0", id="json-refused"),
        pytest.param(f"{GRAPHQL_RESPONSE}; charset=iso-8859-1", id="other-charset"),
    ],
)
async def test_an_accept_header_without_a_supported_type_is_a_406(
    http: httpx.AsyncClient, accept: str
) -> None:
    response = await post(http, {"query": QUERY}, accept)
    assert response.status_code == 406
    assert media_type(response) == JSON
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert "answers in application/graphql-response+json or application/json" in error["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"query": "{ regions { code "}, "GRAPHQL_PARSE_FAILED", id="parse"),
        pytest.param(
            {"query": "{ regions { nope } }"}, "GRAPHQL_VALIDATION_FAILED", id="validation"
        ),
        pytest.param(
            {"query": "query($id: ID!) { __typename }", "variables": {"id": None}},
            "GRAPHQL_VALIDATION_FAILED",
            id="variable-coercion",
        ),
        pytest.param(
            {"query": "{ projects(first: 1000000000) { nodes { id } } }"},
            "COST_LIMIT_EXCEEDED",
            id="cost",
        ),
    ],
)
async def test_a_refused_request_is_a_400_without_data_in_graphql_response_json(
    http: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await post(http, body, GRAPHQL_RESPONSE)
    assert response.status_code == 400, response.text
    assert media_type(response) == GRAPHQL_RESPONSE
    assert response.headers["content-type"].endswith("charset=utf-8")
    answer = response.json()
    assert "data" not in answer
    assert [error["extensions"]["code"] for error in answer["errors"]] == [code]
    # The same request from an application/json client: 200 with errors, as it always was.
    legacy = await post(http, body, JSON)
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == JSON
    same = legacy.json()
    assert same.pop("data") is None
    assert same == answer


@pytest.mark.parametrize(
    ("codes", "status"),
    [
        pytest.param(["GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"], 400, id="the-request"),
        pytest.param(["INTERNAL_SERVER_ERROR"], 500, id="the-server"),
        pytest.param(["BAD_USER_INPUT", "SERVICE_UNAVAILABLE"], 503, id="the-database"),
    ],
)
def test_an_answer_without_data_says_whose_fault_it_is(codes: list[str], status: int) -> None:
    errors: list[object] = [{"message": "m", "extensions": {"code": code}} for code in codes]
    assert refusal_status({"errors": errors}) == status


async def test_a_field_error_keeps_its_data_and_a_200(http: httpx.AsyncClient) -> None:
    # An id that does not decode is an error at the field: the operation ran, so data is kept.
    query = '{ regions { code } project(id: "not-a-global-id") { id } }'
    response = await post(http, {"query": query}, GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert media_type(response) == GRAPHQL_RESPONSE
    answer = response.json()
    assert answer["data"]["regions"]
    assert answer["errors"][0]["path"] == ["project"]


async def test_a_cached_answer_is_labelled_for_each_client(http: httpx.AsyncClient) -> None:
    # The response cache keeps one encoded body; the media type is chosen per request.
    first = await post(http, {"query": QUERY}, JSON)
    second = await post(http, {"query": QUERY}, GRAPHQL_RESPONSE)
    assert first.content == second.content
    assert (media_type(first), media_type(second)) == (JSON, GRAPHQL_RESPONSE)


async def test_get_queries_answer_in_either_media_type(http: httpx.AsyncClient) -> None:
    for accept in (JSON, GRAPHQL_RESPONSE):
        response = await http.get("/graphql", params={"query": QUERY}, headers={"accept": accept})
        assert response.status_code == 200
        assert media_type(response) == accept
        assert response.headers["vary"] == "Accept"  # an HTTP cache keeps one answer per type
        assert response.json()["data"]["regions"]


async def test_a_mutation_over_get_is_a_405_allowing_post(http: httpx.AsyncClient) -> None:
    mutation = 'mutation { deleteScenario(name: "a", expectedVersion: 1) { __typename } }'
    response = await http.get(
        "/graphql", params={"query": mutation}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert media_type(response) == GRAPHQL_RESPONSE
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert answer["errors"][0]["message"] == "mutations are not allowed when using GET"


@pytest.mark.parametrize(
    ("content_type", "words"),
    [
        pytest.param("text/plain", "Unsupported content type text/plain", id="text"),
        pytest.param(None, "Unsupported content type (none)", id="none"),
        pytest.param("application/json; charset=latin-1", "send UTF-8", id="latin-1"),
    ],
)
async def test_a_body_that_is_not_json_is_a_415(
    http: httpx.AsyncClient, content_type: str | None, words: str
) -> None:
    headers = {"accept": GRAPHQL_RESPONSE}
    if content_type is not None:
        headers["content-type"] = content_type
    response = await http.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)
    assert response.status_code == 415
    assert media_type(response) == GRAPHQL_RESPONSE
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert words in error["message"]


async def test_a_refusal_before_graphql_runs_uses_the_chosen_media_type(
    http: httpx.AsyncClient,
) -> None:
    headers = {"content-type": JSON, "accept": GRAPHQL_RESPONSE}
    response = await http.post("/graphql", content=b'{"query": ', headers=headers)
    assert response.status_code == 400
    assert media_type(response) == GRAPHQL_RESPONSE
    assert "data" not in response.json()


# The specification's server audit, run by Node against uvicorn.


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "needs Node.js (node and npm on the PATH) for the GraphQL-over-HTTP audit"
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: the audit must run)", pytrace=False)
        pytest.skip(reason)
    if not (AUDIT / "node_modules" / "graphql-http").is_dir():
        pytest.fail(
            "graphql-http is not installed: run `npm ci --prefix tests/http_audit` "
            "(`make test` does)",
            pytrace=False,
        )
    return node


@contextlib.contextmanager
def serve(database_url: str, log: Path) -> Iterator[str]:
    """`uvicorn server:create_app` on a socket bound here (a free port, no race)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--fd", str(listener.fileno()), "--log-level", "warning"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    listener.close()
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)  # polling the health check
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def audit(node: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, str(AUDIT / "audit.mjs"), f"{url}/graphql"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_graphql_over_http_audit_passes_without_warnings(
    small_db: str, tmp_path: Path
) -> None:
    node = node_or_skip()
    with serve(small_db, tmp_path / "uvicorn.log") as url:
        ran = await asyncio.to_thread(audit, node, url)
    report = ran.stdout + ran.stderr
    lines = [line for line in ran.stdout.splitlines() if line.split(" ")[0] in AUDIT_STATUSES]
    assert ran.returncode == 0, report
    assert len(lines) >= 50, report  # every audit ran and printed its line
    assert [line for line in lines if not line.startswith("ok ")] == [], report
    assert "0 warn, 0 error" in ran.stdout, report


AUDIT_STATUSES = {"ok", "notice", "warn", "error"}
