"""Request bodies that are valid JSON but odd GraphQL transport: each gets a coded answer."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.robustness.conftest import LEAKS

FUNDS = "{ funds { id } }"


async def post(api: httpx.AsyncClient, body: bytes) -> tuple[int, dict[str, Any]]:
    response = await api.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert not LEAKS.search(response.text), response.text
    answer: dict[str, Any] = response.json()
    return response.status_code, answer


@pytest.mark.parametrize(
    "name",
    [
        pytest.param({"a": 1}, id="object"),
        pytest.param(["A"], id="list"),
        pytest.param(7, id="number"),
    ],
)
async def test_operation_name_that_is_not_a_string(api: httpx.AsyncClient, name: object) -> None:
    status, body = await post(api, orjson.dumps({"query": FUNDS, "operationName": name}))
    assert status == 400
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "operationName must be a string" in error["message"]


async def test_variables_nested_hundreds_of_levels(api: httpx.AsyncClient) -> None:
    deep = b"[" * 400 + b"]" * 400  # 800 bytes: well under the body limit
    body = b'{"query": "' + FUNDS.encode() + b'", "variables": {"unused": ' + deep + b"}}"
    status, answer = await post(api, body)
    assert status == 400
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "variables are nested deeper than 32 levels" in error["message"]


async def test_variables_nested_a_few_levels_still_run(api: httpx.AsyncClient) -> None:
    shallow = {"unused": [[[[{"a": [1]}]]]]}
    status, body = await post(api, orjson.dumps({"query": FUNDS, "variables": shallow}))
    assert status == 200 and "errors" not in body, body


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("query A { funds { id } } query B { regions { code } }", id="two-queries"),
        pytest.param(
            'query A { funds { id } } mutation B { deleteScenario(name: "x", expectedVersion: 1)'
            " { __typename } }",
            id="query-and-mutation",
        ),
    ],
)
async def test_several_operations_without_operation_name(
    api: httpx.AsyncClient, query: str
) -> None:
    status, body = await post(api, orjson.dumps({"query": query}))
    assert status == 400
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "operationName is required: the document has 2 operations" in error["message"]
    assert "data" not in body


async def test_several_operations_with_operation_name_run_the_named_one(
    api: httpx.AsyncClient,
) -> None:
    query = "query A { funds { id } } query B { regions { code } }"
    status, body = await post(api, orjson.dumps({"query": query, "operationName": "B"}))
    assert status == 200 and list(body["data"]) == ["regions"], body
