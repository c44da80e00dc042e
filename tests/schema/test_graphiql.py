"""GraphiQL works on a closed network: every script and stylesheet comes from the application."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from schema import graphiql
from server import create_app
from settings import Settings

ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', re.DOTALL)
INTEGRITY = re.compile(r'(?:src|href)="([^"]+)"\s+integrity="(sha384-[^"]+)"')


@pytest.fixture
async def http(seeded_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=seeded_db_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client
    await app.state.engine.dispose()


async def test_graphiql_loads_every_asset_from_the_application(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "GraphiQL" in page.text
    assets = [url for url in ASSET.findall(page.text) if not url.startswith("data:")]
    assert len(assets) == len(graphiql.LOCAL_FILES)
    external = [url for url in assets if re.match(r"(https?:)?//", url)]
    assert external == [], f"GraphiQL loads {external} from outside the application"
    for url in assets:
        assert url.startswith("/static/vendor/graphiql/")
        asset = await http.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 500, url


async def test_vendored_files_match_the_integrity_the_page_declares(
    http: httpx.AsyncClient,
) -> None:
    page = (await http.get("/graphql", headers={"Accept": "text/html"})).text
    declared = INTEGRITY.findall(page)
    assert len(declared) == len(graphiql.LOCAL_FILES)
    for url, integrity in declared:
        body = (await http.get(url)).content
        digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert integrity == f"sha384-{digest}", f"{url} is not the file the page expects"


def test_a_template_naming_other_files_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    graphiql.graphiql_html.cache_clear()
    monkeypatch.setattr(graphiql, "get_graphql_ide_html", lambda ide: '<script src="x"></script>')
    with pytest.raises(
        graphiql.TemplateChangedError, match=re.escape("no longer loads https://unpkg.com")
    ):
        graphiql.graphiql_html()
    graphiql.graphiql_html.cache_clear()
