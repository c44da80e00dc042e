"""Nested-read benchmark: the front end's full territory view over HTTP, as ratios.

The view is every phase-1 territory with its projects and their awards, paged as a client would
(`territories(first: 100, after: ...)`, two pages at 1,600 projects). In one process and one run,
side by side, it times:

- cold: the view over HTTP (in-process ASGI, httpx) with the response cache emptied first;
- warm: the same request again, answered from the response cache;
- peer: bare graphql-core (`graphql_sync`, default resolvers) executing the same query on the
  same data preloaded as Python dicts;
- floor: the same requests to a plain Starlette route, mounted on the same app, that returns the
  same already-encoded response bytes (the cost of sending a cached answer: routing, reading the
  request, writing the bytes; the client parses each page alike);
- encoding only (for reference): json-encoding the same payload (`json.dumps`, `orjson.dumps`).

Then it counts the SQL statements of one cold view at 1,600 and at 16,000 projects.

Run: .venv/bin/python bench/api.py [--databases var/bench] [--rounds 15] [--profile]
(missing databases are seeded there first, like `TERRITOIRES_PROJECTS=16000 territoires db setup`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import orjson
from graphql import build_schema, graphql_sync
from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.seed import setup_database  # noqa: E402
from schema.view import find_view  # noqa: E402
from server import create_app  # noqa: E402
from settings import Settings  # noqa: E402

VIEW = """
query TerritoryView($after: String) {
  territories(first: 100, after: $after, filter: {phase: 1}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id code name regionCode departments population
      projects(first: 100) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id name sector communeCode investmentEur aidRequestedEur jobsCreated jobsKept
          decarbonisation co2AvoidedT fragile
          awards { id amountEur awardedOn review }
        } }
      }
    } }
  }
}
"""


async def database(directory: Path, projects: int) -> str:
    path = directory / f"territoires-{projects}.db"
    url = f"sqlite+aiosqlite:///{path}"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        print(f"seeding {path} with {projects:,} projects ...", file=sys.stderr)
        await setup_database(Settings(database_url=url, project_count=projects))
    return url


async def fetch_view(http: httpx.AsyncClient, path: str = "/graphql") -> list[bytes]:
    """Every page of the view, as the raw response bodies."""
    bodies, after = [], None
    while True:
        response = await http.post(path, json={"query": VIEW, "variables": {"after": after}})
        response.raise_for_status()
        bodies.append(response.content)
        page = orjson.loads(response.content)
        assert "errors" not in page, page["errors"]
        info = page["data"]["territories"]["pageInfo"]
        if not info["hasNextPage"]:
            return bodies
        after = info["endCursor"]


def best_of(rounds: int, cases: dict[str, Callable[[], Awaitable[object]]]) -> dict[str, float]:
    """Minimum time of each case; cases interleave so machine noise hits them alike."""
    best = dict.fromkeys(cases, float("inf"))

    async def run() -> None:
        for _ in range(rounds):
            for name, case in cases.items():
                start = time.perf_counter()
                await case()
                best[name] = min(best[name], time.perf_counter() - start)

    asyncio.get_event_loop().run_until_complete(run())
    return best


def ratios(url: str, rounds: int, profile: bool) -> None:
    app = create_app(Settings(database_url=url))
    view = find_view(app)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    loop = asyncio.get_event_loop()
    bodies = loop.run_until_complete(fetch_view(http))
    pages = [orjson.loads(body) for body in bodies]
    variables = [None] + [p["data"]["territories"]["pageInfo"]["endCursor"] for p in pages[:-1]]
    peer_schema = build_schema((ROOT / "schema.graphql").read_text())
    projects = sum(
        len(edge["node"]["projects"]["edges"])
        for page in pages
        for edge in page["data"]["territories"]["edges"]
    )
    print(
        f"view: {len(pages)} pages, {projects:,} projects, {sum(map(len, bodies)):,} bytes of JSON"
    )

    async def cold() -> None:
        view.cache.clear()
        await fetch_view(http)

    async def warm() -> None:
        await fetch_view(http)

    async def peer() -> None:
        for page, after in zip(pages, variables, strict=True):
            result = graphql_sync(
                peer_schema, VIEW, root_value=page["data"], variable_values={"after": after}
            )
            assert not result.errors, result.errors
            json.dumps({"data": result.data})

    by_cursor = dict(zip(variables, bodies, strict=True))

    async def cached_bytes(request: Request) -> Response:
        after = orjson.loads(await request.body())["variables"]["after"]
        return Response(by_cursor[after], media_type="application/json")

    app.router.routes.append(Route("/bench/bytes", cached_bytes, methods=["POST"]))

    async def floor() -> None:
        assert await fetch_view(http, "/bench/bytes") == bodies

    async def floor_json() -> None:
        for page in pages:
            json.dumps(page)

    async def floor_orjson() -> None:
        for page in pages:
            orjson.dumps(page)

    if profile:
        from pyinstrument import Profiler

        with Profiler(async_mode="enabled") as profiler:
            for _ in range(5):
                loop.run_until_complete(cold())
        profiler.print(show_all=False)
    best = best_of(
        rounds,
        {
            "cold": cold,
            "warm": warm,
            "peer": peer,
            "floor": floor,
            "floor_json": floor_json,
            "floor_orjson": floor_orjson,
        },
    )
    loop.run_until_complete(http.aclose())
    loop.run_until_complete(app.state.engine.dispose())
    for name, seconds in best.items():
        print(f"  {name:<13} {seconds * 1000:8.2f} ms (min of {rounds})")
    print(f"cold request / bare graphql-core : {best['cold'] / best['peer']:.2f} (target <= 1.5)")
    print(f"warm request / cached bytes route: {best['warm'] / best['floor']:.2f} (target <= 2)")
    print(f"warm request / json.dumps        : {best['warm'] / best['floor_json']:.2f}")
    print(f"warm request / orjson.dumps      : {best['warm'] / best['floor_orjson']:.2f}")


def count_statements(url: str) -> int:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    app = create_app(Settings(database_url=url))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    loop = asyncio.get_event_loop()
    event.listen(Engine, "before_cursor_execute", count)
    try:
        loop.run_until_complete(fetch_view(http))
    finally:
        event.remove(Engine, "before_cursor_execute", count)
        loop.run_until_complete(http.aclose())
        loop.run_until_complete(app.state.engine.dispose())
    return len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="pyinstrument of 5 cold views")
    args = parser.parse_args()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    small = loop.run_until_complete(database(args.databases, 1_600))
    large = loop.run_until_complete(database(args.databases, 16_000))
    print(f"Python {platform.python_version()}, {platform.machine()}; SQLite")
    ratios(small, args.rounds, args.profile)
    at_small, at_large = count_statements(small), count_statements(large)
    print(f"SQL statements per view (all pages): {at_small} at 1,600, {at_large} at 16,000")


if __name__ == "__main__":
    main()
