from __future__ import annotations

import httpx
import pytest

from server import create_app
from settings import Settings


@pytest.fixture
async def app_client(small_db: str):  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=small_db, max_body_bytes=2_000))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http
    await app.state.engine.dispose()


async def test_health_checks_the_database(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_reports_an_unreachable_database(tmp_path: object) -> None:
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.get("/health")
    await app.state.engine.dispose()
    assert response.status_code == 503


async def test_oversized_body_is_refused_with_413(app_client: httpx.AsyncClient) -> None:
    query = "{ regions { code } }" + " " * 5_000
    response = await app_client.post("/graphql", json={"query": query})
    assert response.status_code == 413


async def test_depth_limit_is_a_coded_validation_error(app_client: httpx.AsyncClient) -> None:
    deep = "{ projects(first: 1) { nodes { territory { region { territories { projects { nodes {"
    deep += " territory { region { territories { projects { nodes { id } } } } } } } } } } } } }"
    response = await app_client.post("/graphql", json={"query": deep})
    error = response.json()["errors"][0]
    assert "exceeds maximum operation depth" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_graphiql_is_served_in_development(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_production_hides_graphiql_and_introspection(small_db: str) -> None:
    app = create_app(Settings(database_url=small_db, production=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        intro = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    await app.state.engine.dispose()
    assert page.status_code == 404
    assert intro.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_field_suggestions_only_outside_production(small_db: str) -> None:
    answers = {}
    for production in (False, True):
        app = create_app(Settings(database_url=small_db, production=production))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as http:
            response = await http.post("/graphql", json={"query": "{ region { nam } }"})
        await app.state.engine.dispose()
        answers[production] = " ".join(e["message"] for e in response.json()["errors"])
    assert "Did you mean" in answers[False]
    assert "Did you mean" not in answers[True]
