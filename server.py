"""`create_app(settings)` for uvicorn: `uvicorn server:create_app --factory`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from models.db import engine_for, make_sessionmaker
from schema.errors import JSONErrors
from schema.view import GraphQLView
from settings import Settings

WEB = Path(__file__).resolve().parent / "web"
OUTLINES = "territoires_industrie_phase2.geojson"


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

    async def territory_outlines(request: Request) -> Response:
        # Passed through from the reference folder at request time: the repo ships no outlines.
        path = settings.data_dir / OUTLINES
        if not path.is_file():
            message = f"{OUTLINES} is absent from the reference data folder (TERRITOIRES_DATA_DIR)"
            return JSONResponse({"error": "outlines unavailable", "message": message}, 404)
        return FileResponse(path, media_type="application/geo+json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
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
            Route("/geo/territories.geojson", territory_outlines),
            Mount("/static", StaticFiles(directory=WEB), name="static"),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.runner = graphql.runner
    return app
