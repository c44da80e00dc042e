"""`create_app(settings)` for uvicorn: `uvicorn server:create_app --factory`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import orjson
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from data.csv_reader import ReferenceDataError
from data.outlines import map_outlines
from data.reference import OPTIONAL_FILES
from exports.http import export_routes
from models.db import engine_for, make_sessionmaker
from schema.errors import JSONErrors
from schema.view import GraphQLView
from settings import Settings

log = logging.getLogger("territoires.server")
WEB = Path(__file__).resolve().parent / "web"
OUTLINES = OPTIONAL_FILES["outlines1"]


class MapOutlines:
    """The phase-1 outlines, simplified for the map: computed at the first request (about 0.1 s
    of shapely work, off the event loop), then served from memory for the server's life."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.body: bytes | None = None
        self.lock = anyio.Lock()

    async def response(self) -> Response:
        if self.body is None:
            async with self.lock:  # one computation, however many first requests arrive at once
                if self.body is None:
                    if not (self.data_dir / OUTLINES).is_file():
                        return _unavailable(
                            f"{OUTLINES} is absent from the reference data folder "
                            "(TERRITOIRES_DATA_DIR)",
                            404,
                        )
                    try:
                        collection = await anyio.to_thread.run_sync(map_outlines, self.data_dir)
                    except ReferenceDataError as error:
                        return _unavailable(str(error), 500)
                    self.body = orjson.dumps(collection)
        return Response(self.body, media_type="application/geo+json")


def _unavailable(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": "outlines unavailable", "message": message}, status)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    graphql = GraphQLView(settings, sessions)

    async def health(request: Request) -> JSONResponse:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    async def dashboard(request: Request) -> Response:
        return FileResponse(WEB / "index.html")

    async def report(request: Request) -> Response:
        return FileResponse(WEB / "report.html")  # web/report.js reads ?name= or ?scenario=

    # Read from the reference folder, never shipped: the repo holds no outlines.
    outlines = MapOutlines(settings.data_dir)

    async def territory_outlines(request: Request) -> Response:
        return await outlines.response()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:  # jobs a stopped server left running can then be resumed
            await graphql.jobs.interrupt_stale()
        except Exception:  # the server starts without its database (health says so)
            log.warning("running jobs not checked at start: database unavailable", exc_info=True)
        watching = asyncio.get_running_loop().create_task(graphql.jobs.watch())  # and then on
        yield
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
        await graphql.jobs.close()
        await engine.dispose()

    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    app = Starlette(
        routes=[
            # JSONErrors limits the body and codes refusals like GraphQL errors (schema.errors).
            Route(
                "/graphql", JSONErrors(graphql, settings.max_body_bytes, settings.body_timeout_s)
            ),
            Route("/health", health),
            Route("/", dashboard),
            Route("/report", report),
            Route("/geo/territories-phase1.geojson", territory_outlines),
            *export_routes(graphql),  # results and comparisons as .xlsx and .csv
            Mount("/static", StaticFiles(directory=WEB), name="static"),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.runner = graphql.runner
    app.state.jobs = graphql.jobs
    return app
