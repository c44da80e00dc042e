from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server import create_app
from settings import Settings
from tests.conftest import REAL_DATA, needs_real_data

PHASE1_OUTLINES = "territoires_industrie_phase1.geojson"


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


async def test_dashboard_page_loads_its_modules_in_french(web: httpx.AsyncClient) -> None:
    page = await web.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    assert '<h1 data-i18n="heading">Fonds d\'accélération industrielle' in page.text
    # The page's own words and switch first, so they are in place before the others fill it.
    page_js = page.text.index('<script type="module" src="/static/page.js">')
    assert page_js < page.text.index('<script type="module" src="/static/app.js">')
    assert '<script type="module" src="/static/sweep.js">' in page.text


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        pytest.param("/static/app.js", "javascript", id="app"),
        pytest.param("/static/page.js", "javascript", id="page"),
        pytest.param("/static/i18n.js", "javascript", id="i18n"),
        pytest.param("/static/sweep.js", "javascript", id="sweep"),
        pytest.param("/static/map.js", "javascript", id="map"),
        pytest.param("/static/form.js", "javascript", id="form"),
        pytest.param("/static/levers.js", "javascript", id="levers"),
        pytest.param("/static/dom.js", "javascript", id="dom"),
        pytest.param("/static/app.css", "text/css", id="css"),
    ],
)
async def test_static_files_are_served(web: httpx.AsyncClient, path: str, kind: str) -> None:
    response = await web.get(path)
    assert response.status_code == 200
    assert kind in response.headers["content-type"]


async def test_a_missing_static_file_is_404(web: httpx.AsyncClient) -> None:
    assert (await web.get("/static/nothing.js")).status_code == 404


# Two invented territories: a square and a two-part territory, in degrees near Lyon.
def square(lon: float, lat: float, side: float) -> list[list[list[float]]]:
    corners = [(lon, lat), (lon + side, lat), (lon + side, lat + side), (lon, lat + side)]
    return [[[x, y] for x, y in [*corners, corners[0]]]]


SMALL_OUTLINES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id_ti": "ti-8401", "lib_ti": "Territoire carré"},
            "geometry": {"type": "MultiPolygon", "coordinates": [square(4.8, 45.7, 0.2)]},
        },
        {
            "type": "Feature",
            "properties": {"id_ti": "ti-8402", "lib_ti": "Territoire en deux parties"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [square(5.2, 45.7, 0.1), square(5.5, 45.9, 0.1)],
            },
        },
    ],
}


async def test_phase1_outlines_are_computed_once_then_served_from_memory(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / PHASE1_OUTLINES
    source.write_text(json.dumps(SMALL_OUTLINES), encoding="utf-8")
    async for http in client(Settings(database_url=db_url, data_dir=tmp_path)):
        first = await http.get("/geo/territories-phase1.geojson")
        source.unlink()  # the second answer cannot come from the file
        second = await http.get("/geo/territories-phase1.geojson")
    assert first.status_code == second.status_code == 200
    assert first.headers["content-type"] == "application/geo+json"
    assert second.content == first.content
    features = json.loads(first.content)["features"]
    assert [f["properties"]["id"] for f in features] == ["p1-ti-8401", "p1-ti-8402"]
    assert features[0]["properties"]["name"] == "Territoire carré"
    assert features[1]["geometry"]["type"] == "MultiPolygon"


@needs_real_data
async def test_phase1_outlines_are_the_simplified_reference_outlines(db_url: str) -> None:
    async for http in client(Settings(database_url=db_url)):
        response = await http.get("/geo/territories-phase1.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    # Every phase-1 territory with an area (a few are points only in the source).
    assert 140 <= len(features) <= 149
    assert all(f["properties"]["id"].startswith("p1-ti-") for f in features)
    assert len(response.content) < (REAL_DATA / PHASE1_OUTLINES).stat().st_size / 2  # simplified


async def test_phase1_outlines_missing_is_a_clear_404(db_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=db_url, data_dir=tmp_path / "absent")
    async for http in client(settings):
        response = await http.get("/geo/territories-phase1.geojson")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "outlines unavailable"
    assert PHASE1_OUTLINES in body["message"]
    assert "TERRITOIRES_DATA_DIR" in body["message"]


async def test_phase1_outlines_unreadable_is_a_clear_500(db_url: str, tmp_path: Path) -> None:
    (tmp_path / PHASE1_OUTLINES).write_text('{"type": "Feature"}', encoding="utf-8")
    async for http in client(Settings(database_url=db_url, data_dir=tmp_path)):
        response = await http.get("/geo/territories-phase1.geojson")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "outlines unavailable"
    assert PHASE1_OUTLINES in body["message"]
    assert "FeatureCollection" in body["message"]


async def test_the_phase2_outline_route_is_gone(db_url: str) -> None:
    # The map draws the phase-1 territories, where the projects are.
    async for http in client(Settings(database_url=db_url)):
        assert (await http.get("/geo/territories.geojson")).status_code == 404
