from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server import create_app
from settings import Settings
from tests.conftest import needs_real_data


async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http
    await app.state.engine.dispose()


@pytest.fixture
async def web(seeded_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for http in client(Settings(database_url=seeded_db_url)):
        yield http


async def test_dashboard_page_loads_its_module(web: httpx.AsyncClient) -> None:
    page = await web.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/app.js">' in page.text


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        pytest.param("/static/app.js", "javascript", id="app"),
        pytest.param("/static/map.js", "javascript", id="map"),
        pytest.param("/static/form.js", "javascript", id="form"),
        pytest.param("/static/app.css", "text/css", id="css"),
    ],
)
async def test_static_files_are_served(web: httpx.AsyncClient, path: str, kind: str) -> None:
    response = await web.get(path)
    assert response.status_code == 200
    assert kind in response.headers["content-type"]


async def test_a_missing_static_file_is_404(web: httpx.AsyncClient) -> None:
    assert (await web.get("/static/nothing.js")).status_code == 404


@needs_real_data
async def test_outlines_pass_through_from_the_reference_folder(web: httpx.AsyncClient) -> None:
    response = await web.get("/geo/territories.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    assert len(features) == 183
    assert all(f["properties"]["id_territoire"].startswith("ti-") for f in features)


async def test_outlines_missing_is_a_clear_404(seeded_db_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=seeded_db_url, data_dir=tmp_path / "absent")
    async for http in client(settings):
        response = await http.get("/geo/territories.geojson")
    assert response.status_code == 404
    body = response.json()
    assert "territoires_industrie_phase2.geojson" in body["message"]
    assert "TERRITOIRES_DATA_DIR" in body["message"]
