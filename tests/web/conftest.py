"""The real server in a subprocess and headless Chromium, for the dashboard tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graphql import NoDeprecatedCustomRule, parse, validate
from playwright.sync_api import Browser, Page, sync_playwright

from schema import make_schema
from tests.conftest import _in_ci

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def live_server(seeded_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`uvicorn server:create_app` on a socket this process bound (no port race)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    env = {**os.environ, "DATABASE_URL": seeded_db_url}
    command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--fd", str(listener.fileno()), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    listener.close()
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling the health check, not waiting for a result
    pytest.fail(f"the server did not become healthy in 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Browser]:
    # Playwright runs an event loop in this thread until the module ends: the server (and the
    # seeded database, set up with asyncio.run) start before it, async tests run after it.
    if not CHROMIUM.exists():
        reason = f"needs Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)"
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh tab on the dashboard as a first visitor sees it: in French. Any script error
    fails the test, and so does a query the page sends that uses a deprecated field (the
    dashboard is the API's example client)."""
    yield from _tab(browser, live_server, None)


@pytest.fixture
def page_en(browser: Browser, live_server: str) -> Iterator[Page]:
    """The same tab for a visitor who chose English before (remembered by the browser)."""
    yield from _tab(browser, live_server, "en")


def _tab(browser: Browser, live_server: str, lang: str | None) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server, accept_downloads=True
    )
    context.set_default_timeout(20_000)
    if lang is not None:
        context.add_init_script(f"localStorage.setItem('territoires.lang', '{lang}')")
    tab = context.new_page()
    errors: list[str] = []
    queries: set[str] = set()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on(
        "request", lambda r: queries.add(r.post_data or "") if r.url.endswith("/graphql") else None
    )
    tab.goto("/")
    yield tab
    context.close()
    assert not errors, errors
    assert not deprecated_uses(queries)


def deprecated_uses(bodies: set[str]) -> list[str]:
    schema = make_schema()._schema
    found = []
    for body in bodies:
        if body:
            document = parse(json.loads(body)["query"])
            found += [
                error.message for error in validate(schema, document, [NoDeprecatedCustomRule])
            ]
    return found
