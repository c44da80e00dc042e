from __future__ import annotations

from typing import Any

import httpx
import pytest

from apikeys import hash_key
from schema.auth import DEV_API_KEY
from server import create_app
from settings import Settings

SAVE = """mutation($s: ScenarioInput!, $v: Int) { saveScenario(scenario: $s, expectedVersion: $v) {
  __typename
  ... on Scenario { name version source yaml }
  ... on StaleScenario { name message expectedVersion currentVersion }
  ... on InvalidScenario { problems { path message } }
} }"""
DELETE = """mutation($n: String!, $v: Int!) { deleteScenario(name: $n, expectedVersion: $v) {
  __typename ... on ScenarioDeleted { name } ... on StaleScenario { currentVersion message }
  ... on ScenarioInUse { name dependants message }
} }"""
KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}


async def post(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-key"),
        pytest.param({"Authorization": DEV_API_KEY}, id="no-bearer"),
    ],
)
async def test_saving_needs_an_api_key(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    body = await post(client, SAVE, headers, s={"name": "mine"})
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    listed = await post(client, "{ scenarios { name } }")
    assert "mine" not in [s["name"] for s in listed["data"]["scenarios"]]


async def test_reads_need_no_key(client: httpx.AsyncClient) -> None:
    body = await post(client, "{ scenarios { name } }")
    assert "errors" not in body


async def test_save_is_versioned_and_stale_saves_are_refused(client: httpx.AsyncClient) -> None:
    first = (await post(client, SAVE, KEY, s={"name": "mine", "fragileShareMin": 0.7}))["data"]
    assert first["saveScenario"]["__typename"] == "Scenario"
    assert first["saveScenario"]["version"] == 1
    assert "base: france-relance-2020" in first["saveScenario"]["yaml"]
    again = (await post(client, SAVE, KEY, s={"name": "mine"}))["data"]["saveScenario"]
    assert again["__typename"] == "StaleScenario"
    assert again["currentVersion"] == 1
    second = await post(client, SAVE, KEY, s={"name": "mine", "fragileShareMin": 0.72}, v=1)
    assert second["data"]["saveScenario"]["version"] == 2
    stale = await post(client, SAVE, KEY, s={"name": "mine", "fragileShareMin": 0.9}, v=1)
    refused = stale["data"]["saveScenario"]
    assert refused["__typename"] == "StaleScenario"
    assert (refused["expectedVersion"], refused["currentVersion"]) == (1, 2)
    assert "version 2" in refused["message"]
    kept = await post(client, '{ scenario(name: "mine") { version yaml } }')
    assert kept["data"]["scenario"]["version"] == 2
    assert "0.72" in kept["data"]["scenario"]["yaml"]


async def test_delete_is_versioned(client: httpx.AsyncClient) -> None:
    await post(client, SAVE, KEY, s={"name": "gone"})
    stale = (await post(client, DELETE, KEY, n="gone", v=7))["data"]["deleteScenario"]
    assert stale == {
        "__typename": "StaleScenario",
        "currentVersion": 1,
        "message": stale["message"],
    }
    done = (await post(client, DELETE, KEY, n="gone", v=1))["data"]["deleteScenario"]
    assert done == {"__typename": "ScenarioDeleted", "name": "gone"}
    missing = (await post(client, DELETE, KEY, n="gone", v=1))["data"]["deleteScenario"]
    assert missing["currentVersion"] is None


async def test_shipped_names_and_invalid_scenarios_are_refused(client: httpx.AsyncClient) -> None:
    shipped = await post(client, SAVE, KEY, s={"name": "france-relance-2020"})
    assert shipped["data"]["saveScenario"]["__typename"] == "InvalidScenario"
    invalid = await post(client, SAVE, KEY, s={"name": "bad", "fragileShareMin": 2})
    problems = invalid["data"]["saveScenario"]["problems"]
    assert problems[0]["path"] == "constraints.fragile_share_min"


async def test_configured_keys_replace_the_development_key(small_db: str) -> None:
    app = create_app(
        Settings(database_url=small_db, production=True, api_key_hashes=(hash_key("s3cret"),))
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        dev = await post(http, SAVE, KEY, s={"name": "x"})
        real = await post(http, SAVE, {"Authorization": "Bearer s3cret"}, s={"name": "x"})
    await app.state.engine.dispose()
    assert dev["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert real["data"]["saveScenario"]["version"] == 1


async def test_a_base_in_use_is_not_deleted(client: httpx.AsyncClient) -> None:
    await post(client, SAVE, KEY, s={"name": "parent", "fragileShareMin": 0.7})
    await post(client, SAVE, KEY, s={"name": "child", "base": "parent", "budgetEur": 500_000_000})
    refused = (await post(client, DELETE, KEY, n="parent", v=1))["data"]["deleteScenario"]
    assert refused == {
        "__typename": "ScenarioInUse",
        "name": "parent",
        "dependants": ["child"],
        "message": "scenario 'parent' is the base of child: delete or re-base them first",
    }
    kept = await post(client, '{ scenario(name: "parent") { version } }')
    assert kept["data"]["scenario"] == {"version": 1}
    await post(client, DELETE, KEY, n="child", v=1)
    done = (await post(client, DELETE, KEY, n="parent", v=1))["data"]["deleteScenario"]
    assert done == {"__typename": "ScenarioDeleted", "name": "parent"}


async def test_a_saved_row_with_a_shipped_name_never_shadows_the_file(
    client: httpx.AsyncClient, small_db: str
) -> None:
    # Rows saved before shipped names were refused everywhere: the shipped file wins, once.
    import datetime as dt

    from sqlalchemy import insert

    from models.db import make_engine
    from models.scenario import SavedScenario

    engine = make_engine(small_db)
    async with engine.begin() as connection:
        body = "version: 1\nname: france-relance-2020\nbudget_eur: 1_000_000\n"
        await connection.execute(
            insert(SavedScenario).values(
                name="france-relance-2020",
                title="",
                version=1,
                body=body,
                updated_at=dt.datetime(2024, 1, 1),
            )
        )
    await engine.dispose()
    listed = (await post(client, "{ scenarios { name } }"))["data"]["scenarios"]
    assert [s["name"] for s in listed].count("france-relance-2020") == 1
    one = await post(client, '{ scenario(name: "france-relance-2020") { source yaml } }')
    assert one["data"]["scenario"]["source"] == "SHIPPED"
    assert "400_000_000" in one["data"]["scenario"]["yaml"]
