"""`create_app(settings)` for uvicorn: `uvicorn server:create_app --factory`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from models.db import make_engine, make_sessionmaker
from schema.errors import JSONErrors
from schema.view import GraphQLView
from settings import Settings


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    sessions = make_sessionmaker(engine)
    graphql = GraphQLView(settings, sessions)

    async def health(request: Request) -> JSONResponse:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

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
            Route("/graphql", JSONErrors(graphql, settings.max_body_bytes)),
            Route("/health", health),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.runner = graphql.runner
    return app
