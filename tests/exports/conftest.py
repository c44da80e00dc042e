"""Export tests: the small hand-made database of the API tests, an app over it, and readers of
the files as a planner's spreadsheet would read them."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from starlette.applications import Starlette

from server import create_app
from settings import Settings
from tests.schema.conftest import build_db


@pytest.fixture
async def small_db(tmp_path: Path) -> str:
    return await build_db(tmp_path / "small.db", territories=6, projects_per_territory=4)


@pytest.fixture
async def app(small_db: str) -> AsyncIterator[Starlette]:
    made = create_app(Settings(database_url=small_db))
    yield made
    await made.state.engine.dispose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as http:
        yield http


def sheets(body: bytes) -> dict[str, list[list[object]]]:
    """Each sheet's rows (values), header first."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def sections(body: bytes) -> dict[str, list[list[str]]]:
    """Each CSV section (a name alone on a line, then its header and rows) as Excel splits it
    with ";" after decoding UTF-8 with its byte order mark."""
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            (name,) = row
            current = found[name] = []
        else:
            current.append(row)
    return found


def french_number(text: str) -> float:
    """A CSV number written in French (decimal comma, no thousands separator)."""
    assert " " not in text and "." not in text, text
    return float(text.replace(",", "."))
