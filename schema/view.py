"""The ASGI GraphQL endpoint: builds a typed context with fresh DataLoaders per request."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from schema import make_schema
from schema.context import Context, Loaders
from schema.runner import Runner
from settings import Settings


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(
            make_schema(settings),
            graphql_ide=None if settings.production else "graphiql",
            subscription_protocols=(),
        )
        self.settings = settings
        self.sessions = sessions
        self.runner = Runner(settings.solver_time_limit_s)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            settings=self.settings,
            sessions=self.sessions,
            loaders=Loaders(self.sessions),
            runner=self.runner,
            request=request,
            response=response,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)
