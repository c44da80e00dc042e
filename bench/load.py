"""Bounded load test on loopback: uvicorn in a subprocess, 50 asyncio clients, then it stops.

1. Mixed load for --seconds (60): each client loops over nested reads (a page of the front
   end's territory view, bench/api.py) and, one request in five, a `simulate` with a fragile
   floor drawn from 26 values (so both solves and cached answers). Reports errors, p50/p99
   latency of each kind and the throughput.
2. Small-query throughput, for a quarter of --seconds each: `{ regions { code name zone } }`
   through /graphql against a plain Starlette JSON route returning the same data from the same
   database query (mounted on a bench-only app, `bench_app` below). Reports the ratio.

Run: .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--databases var/bench]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import VIEW, database  # noqa: E402
from bench.whatif import SIMULATE  # noqa: E402
from models import queries  # noqa: E402
from models.db import make_sessionmaker  # noqa: E402
from server import create_app  # noqa: E402

SMALL = "{ regions { code name zone } }"
FLOORS = [round(0.50 + i / 100, 2) for i in range(26)]


def bench_app() -> Starlette:
    """The real app plus /plain: the small query's data as a plain JSON route (bench only)."""
    app = create_app()
    sessions = make_sessionmaker(app.state.engine)

    async def plain(request: Request) -> Response:
        async with sessions() as session:
            rows = await queries.regions(session)
        regions = [{"code": r.code, "name": r.name, "zone": r.zone} for r in rows]
        return Response(
            orjson.dumps({"data": {"regions": regions}}), 200, media_type="application/json"
        )

    app.router.routes.append(Route("/plain", plain, methods=["POST"]))
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
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
                f"  {kind:<9} {len(values):>6,}  p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms"
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
    server = start_server(url, port)
    try:
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

        small_seconds = max(5.0, args.seconds / 4)
        rates = {}
        for name, path, body in (
            ("graphql", "/graphql", {"query": SMALL}),
            ("plain", "/plain", {}),
        ):
            tally = Tally()
            print(f"small query via {path}: {args.clients} clients, {small_seconds:g} s")
            work = partial(_small, tally=tally, kind=name, path=path, body=body)
            elapsed = await run(base, args.clients, small_seconds, work)
            tally.report(elapsed)
            rates[name] = sum(len(v) for v in tally.latencies.values()) / elapsed
            mixed.errors += tally.errors
        print(
            f"small query throughput, GraphQL / plain Starlette JSON: "
            f"{rates['graphql'] / rates['plain']:.0%} (target >= 40 %)"
        )
        return 1 if mixed.errors else 0
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _small(
    http: httpx.AsyncClient,
    rng: random.Random,
    *,
    tally: Tally,
    kind: str,
    path: str,
    body: dict[str, object],
) -> None:
    await tally.post(http, kind, path, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--databases", type=Path, default=ROOT / "var" / "bench")
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
