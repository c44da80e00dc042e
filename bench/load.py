"""Bounded load test on loopback: uvicorn in a subprocess, 50 asyncio clients, then it stops.

0. Cold start, on the fresh server (empty response cache): every client sends the same
   `simulate` at once, then the same page of the territory view at once. Reports the requests,
   the computations the server ran for them (answers computed and solver threads started, read
   from a bench-only /bench/stats route) and the latency.
1. Mixed load for --seconds (60): each client loops over nested reads (a page of the front
   end's territory view, bench/api.py) and, one request in five, a `simulate` with a fragile
   floor drawn from 26 values (so both solves and cached answers). Reports errors, p50/p99
   latency of each kind and the throughput.
2. Small-query throughput, for a quarter of --seconds each, like against like (plain Starlette
   routes mounted on a bench-only app, `bench_app` below):
   - cached: `{ regions { code name zone } }` through /graphql, answered from the response cache,
     against /plain/cached returning the same answer's bytes encoded once;
   - uncached: the same query with a distinct (unused) variable each time, so every request
     misses the cache and runs, against /plain running the same database query and encoding
     the answer each time.
   Reports both ratios.

Run: .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--databases var/bench]
     .venv/bin/python bench/load.py --cold-only [--no-single-flight]   # phase 0 alone; with
     the flag the server computes every request that misses the cache (the behaviour before)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from functools import partial
from pathlib import Path

import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.types import ExecutionResult

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import VIEW, database  # noqa: E402
from bench.whatif import SIMULATE  # noqa: E402
from models import queries  # noqa: E402
from models.db import make_sessionmaker  # noqa: E402
from schema.view import find_view  # noqa: E402
from server import create_app  # noqa: E402

SMALL = "{ regions { code name zone } }"
FLOORS = [round(0.50 + i / 100, 2) for i in range(26)]


class Unshared(dict[Hashable, "asyncio.Future[ExecutionResult | None]"]):
    """Flights that are never found: every request that misses the cache computes."""

    def get(self, key: Hashable, default: object = None) -> None:  # type: ignore[override]
        return None

    def __setitem__(self, key: Hashable, value: asyncio.Future[ExecutionResult | None]) -> None:
        pass

    def __delitem__(self, key: Hashable) -> None:
        pass


def bench_app() -> Starlette:
    """The real app plus bench-only routes: the small query's data as plain JSON, encoded each
    time (/plain) or once (/plain/cached), and the server's counters (/bench/stats)."""
    app = create_app()
    sessions = make_sessionmaker(app.state.engine)
    view = find_view(app)
    if os.environ.get("BENCH_SINGLE_FLIGHT") == "0":
        view.flights = Unshared()
    encoded: list[bytes] = []

    async def answer() -> bytes:
        async with sessions() as session:
            rows = await queries.regions(session)
        regions = [{"code": r.code, "name": r.name, "zone": r.zone} for r in rows]
        return orjson.dumps({"data": {"regions": regions}})

    async def plain(request: Request) -> Response:
        await request.body()
        return Response(await answer(), 200, media_type="application/json")

    async def plain_cached(request: Request) -> Response:
        await request.body()
        if not encoded:
            encoded.append(await answer())
        return Response(encoded[0], 200, media_type="application/json")

    async def stats(request: Request) -> Response:
        cache = view.cache
        return JSONResponse(
            {
                "computed": view.computed,
                "shared": view.shared,
                "solves": view.runner.started,
                "hits": cache.hits,
                "misses": cache.misses,
            }
        )

    app.router.routes += [
        Route("/plain", plain, methods=["POST"]),
        Route("/plain/cached", plain_cached, methods=["POST"]),
        Route("/bench/stats", stats),
    ]
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, single_flight: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "BENCH_SINGLE_FLIGHT": str(int(single_flight))}
    command = [sys.executable, "-m", "uvicorn", "bench.load:bench_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not answer /health within 30 s")


class Tally:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    async def post(
        self, http: httpx.AsyncClient, kind: str, path: str, body: dict[str, object]
    ) -> None:
        start = time.perf_counter()
        try:
            response = await http.post(path, json=body)
            answer = orjson.loads(response.content)
            if response.status_code != 200 or "errors" in answer:
                self.errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
        except (httpx.HTTPError, orjson.JSONDecodeError) as error:
            self.errors.append(f"{kind}: {error!r}")
        self.latencies[kind].append(time.perf_counter() - start)

    def report(self, seconds: float) -> None:
        total = sum(len(v) for v in self.latencies.values())
        print(
            f"  {total:,} requests in {seconds:.0f} s: {total / seconds:,.1f} req/s, "
            f"{len(self.errors)} errors"
        )
        for kind, values in sorted(self.latencies.items()):
            values.sort()
            p50, p99 = (
                values[len(values) // 2],
                values[min(len(values) - 1, len(values) * 99 // 100)],
            )
            print(
                f"  {kind:<17} {len(values):>6,}  "
                f"p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms"
            )
        for error in self.errors[:5]:
            print(f"  error: {error}")


Work = Callable[[httpx.AsyncClient, random.Random], Awaitable[None]]


async def run(base: str, clients: int, seconds: float, work: Work) -> float:
    """`clients` concurrent loops of `work` until `seconds` have passed; the elapsed time."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:
        deadline = time.perf_counter() + seconds
        start = time.perf_counter()

        async def client(n: int) -> None:
            rng = random.Random(n)
            while time.perf_counter() < deadline:
                await work(http, rng)

        await asyncio.gather(*(client(n) for n in range(clients)))
        return time.perf_counter() - start


async def main_async(args: argparse.Namespace) -> int:
    url = await database(args.databases, 1_600)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, port, not args.no_single_flight)
    try:
        errors = await cold_start(base, args.clients)
        if args.cold_only:
            return 1 if errors else 0

        async with httpx.AsyncClient(base_url=base) as http:
            first = orjson.loads((await http.post("/graphql", json={"query": VIEW})).content)
        second_page = first["data"]["territories"]["pageInfo"]["endCursor"]

        mixed = Tally()

        async def mix(http: httpx.AsyncClient, rng: random.Random) -> None:
            if rng.random() < 0.2:
                floor = rng.choice(FLOORS)
                variables = {"scenario": {"base": "france-relance-2020", "fragileShareMin": floor}}
                await mixed.post(
                    http, "simulate", "/graphql", {"query": SIMULATE, "variables": variables}
                )
            else:
                after = rng.choice([None, second_page])
                await mixed.post(
                    http, "view", "/graphql", {"query": VIEW, "variables": {"after": after}}
                )

        print(f"mixed load: {args.clients} clients, {args.seconds:g} s, nested reads + simulations")
        mixed.report(await run(base, args.clients, args.seconds, mix))
        errors += mixed.errors

        small_seconds = max(5.0, args.seconds / 4)
        cases = {
            "graphql, cached": ("/graphql", {"query": SMALL}),
            "plain, cached": ("/plain/cached", {}),
            "graphql, uncached": ("/graphql", {"query": SMALL, "variables": UNIQUE}),
            "plain, uncached": ("/plain", {}),
        }
        tallies = {name: Tally() for name in cases}
        elapsed = dict.fromkeys(cases, 0.0)
        slices = max(1, round(small_seconds / SLICE_S))
        print(
            f"small query: {args.clients} clients, {small_seconds:g} s a case, "
            f"in {slices} interleaved slices (machine noise hits every case alike)"
        )
        for _ in range(slices):
            for name, (path, body) in cases.items():
                work = partial(_small, tally=tallies[name], kind=name, path=path, body=body)
                elapsed[name] += await run(base, args.clients, small_seconds / slices, work)
        rates = {}
        for name, tally in tallies.items():
            print(f"small query, {name} ({cases[name][0]}):")
            tally.report(elapsed[name])
            rates[name] = sum(len(v) for v in tally.latencies.values()) / elapsed[name]
            errors += tally.errors
        for case in ("cached", "uncached"):
            ratio = rates[f"graphql, {case}"] / rates[f"plain, {case}"]
            print(f"small query throughput, {case}, GraphQL / plain Starlette: {ratio:.0%}")
        errors += await one_client(base, cases)
        return 1 if errors else 0
    finally:
        server.terminate()
        server.wait(timeout=30)


SLICE_S = 2.5
SEQUENTIAL_ROUNDS, SEQUENTIAL_REQUESTS = 10, 20
UNIQUE = object()  # marks the body whose variables are made unique per request


async def cold_start(base: str, clients: int) -> list[str]:
    """`clients` identical requests at once on the cold server, for a simulate then a view page:
    requests against computations, and latency. The errors seen."""
    errors = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:
        # Connections first, so the identical requests really arrive together.
        await asyncio.gather(*(http.get("/health") for _ in range(clients)))
        variables = {"scenario": {"base": "france-relance-2020", "fragileShareMin": 0.7}}
        for kind, body in (
            ("simulate", {"query": SIMULATE, "variables": variables}),
            ("view", {"query": VIEW, "variables": {"after": None}}),
        ):
            before = (await http.get("/bench/stats")).json()
            tally = Tally()
            start = time.perf_counter()
            await asyncio.gather(
                *(tally.post(http, kind, "/graphql", body) for _ in range(clients))
            )
            elapsed = time.perf_counter() - start
            after = (await http.get("/bench/stats")).json()
            computed = after["computed"] - before["computed"]
            solves = after["solves"] - before["solves"]
            print(
                f"cold start, {clients} identical {kind} requests at once: {computed} computed "
                f"({solves} solver threads), {after['shared'] - before['shared']} shared, "
                f"{after['hits'] - before['hits']} cache hits"
            )
            tally.report(elapsed)
            print(f"  slowest {max(tally.latencies[kind]) * 1000:8.1f} ms")
            errors += tally.errors
    return errors


async def one_client(base: str, cases: dict[str, tuple[str, dict[str, object]]]) -> list[str]:
    """The same cases from one client in sequence (no queueing), interleaved by rounds: the
    server's own cost per request, less sensitive to the load generator sharing the cores."""
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    async with httpx.AsyncClient(base_url=base) as http:
        tally = Tally()
        rng = random.Random(0)
        for _ in range(SEQUENTIAL_ROUNDS):
            for name, (path, body) in cases.items():
                for _ in range(SEQUENTIAL_REQUESTS):
                    start = time.perf_counter()
                    await _small(http, rng, tally=tally, kind=name, path=path, body=body)
                    seconds[name].append(time.perf_counter() - start)
    median = {name: statistics.median(values) for name, values in seconds.items()}
    count = SEQUENTIAL_ROUNDS * SEQUENTIAL_REQUESTS
    print(f"small query, one client in sequence, {count} requests a case (median per request):")
    for name, value in median.items():
        print(f"  {name:<17} {value * 1000:6.2f} ms")
    for case in ("cached", "uncached"):
        ratio = median[f"plain, {case}"] / median[f"graphql, {case}"]
        print(f"small query, one client, {case}, GraphQL rate / plain Starlette rate: {ratio:.0%}")
    for error in tally.errors[:5]:
        print(f"  error: {error}")
    return tally.errors


async def _small(
    http: httpx.AsyncClient,
    rng: random.Random,
    *,
    tally: Tally,
    kind: str,
    path: str,
    body: dict[str, object],
) -> None:
    if body.get("variables") is UNIQUE:  # an unused variable: another cache key each time
        body = {**body, "variables": {"nonce": rng.random()}}
    await tally.post(http, kind, path, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--databases", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--cold-only", action="store_true", help="the cold-start phase alone")
    parser.add_argument(
        "--no-single-flight", action="store_true", help="identical requests are not shared"
    )
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
