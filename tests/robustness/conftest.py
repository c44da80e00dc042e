"""Clients over a small database, and the check every answer to a bad input must pass."""

from __future__ import annotations

import io
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server import create_app
from settings import Settings
from tests.schema.conftest import build_db

# What an answer must never show: a traceback, a source file, an absolute path, SQL.
LEAKS = re.compile(
    r"Traceback|File \"|\.py\b|(?<![\w.])/(?:usr|home|tmp|work|root|var|etc|opt)/"
    r"|\b(?:SELECT|INSERT|UPDATE|DELETE)\b.*\b(?:FROM|INTO|SET|WHERE)\b|\[SQL:|sqlite3\.|psycopg",
    re.DOTALL,
)


@pytest.fixture
async def robust_db(tmp_path: Path) -> str:
    return await build_db(tmp_path / "robust.db", territories=6, projects_per_territory=4)


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as http:
        http.app = app  # type: ignore[attr-defined]
        yield http
    await app.state.engine.dispose()


@pytest.fixture
async def api(robust_db: str) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(Settings(database_url=robust_db, max_body_bytes=65_536)):
        yield http


@pytest.fixture
async def prod_api(robust_db: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=robust_db, production=True, max_body_bytes=65_536)
    async for http in _client(settings):
        yield http


def answer(response: httpx.Response, *, leaks: bool = False) -> dict[str, Any]:
    """The JSON body, checked: never a 500, every error coded, and (``leaks=False``, for
    production) no traceback, path or SQL anywhere in it."""
    assert response.status_code != 500, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body, dict)
    for error in body.get("errors", []):
        assert error["extensions"]["code"], error
    if not leaks:
        assert not LEAKS.search(response.text), response.text
    return body


async def post(
    api: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    """The checked answer (``answer``) to ``query`` with these variables."""
    response = await api.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return answer(response)


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path stat-ed (exists, is_file) or opened while the test runs."""
    seen: list[str] = []
    stat, open_ = os.stat, io.open

    def spied_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        seen.append(os.fsdecode(path) if not isinstance(path, int) else str(path))
        return stat(path, *args, **kwargs)

    def spied_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(os.fsdecode(path) if not isinstance(path, int) else str(path))
        return open_(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spied_stat)
    monkeypatch.setattr(io, "open", spied_open)
    return seen
