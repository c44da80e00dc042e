"""The ASGI GraphQL endpoint: a typed context with fresh DataLoaders per request, a response cache
for queries (schema.cache) checked against the database's data version on every request, and
answers in the media type the client accepts (schema.media, the GraphQL-over-HTTP rules)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from functools import partial
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import OperationType
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult

from schema import make_schema
from schema.cache import (
    Encoded,
    ResponseCache,
    cache_key,
    chosen,
    data_version,
    is_read_only,
    operations,
)
from schema.context import Context, Loaders
from schema.errors import INTERNAL, UNAVAILABLE
from schema.media import GRAPHQL_RESPONSE, JSON, UTF8, content_type, negotiate
from schema.runner import Runner
from settings import Settings
from studies.jobs import JobRunner


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
        self.jobs = JobRunner(settings, sessions)  # sweeps and Monte Carlo run in the background
        self.cache = ResponseCache()
        # Single flight: the answer being computed for each cache key, awaited by the same
        # requests arriving meanwhile (a cold cache under load computes each answer once).
        self.flights: dict[Hashable, asyncio.Future[ExecutionResult | None]] = {}
        self.computed = 0  # answers computed for cacheable requests
        self.shared = 0  # requests answered by another request's computation

    @property
    def graphql_ide_html(self) -> str:
        from schema.graphiql import graphiql_html  # its scripts from /static, not a public CDN

        return graphiql_html()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            settings=self.settings,
            sessions=self.sessions,
            loaders=Loaders(self.sessions),
            runner=self.runner,
            jobs=self.jobs,
            request=request,
            response=response,
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept"))
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # Checked after the GraphiQL page (a browser's text/html), before anything is read.
        accept = request.headers.get("accept")
        if negotiate(accept) is None:
            raise HTTPException(
                406, f"this endpoint answers in {GRAPHQL_RESPONSE} or {JSON}, not {accept}"
            )
        if request.method == "POST":
            check_content_type(request.content_type)
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        execute = partial(
            super().execute_single,
            request,
            request_adapter,
            sub_response,
            context,
            root_value,
            request_data,
        )
        check_request(request_data, request_adapter.method)
        query = request_data.query
        if (
            query is None
            or request_data.extensions
            or not is_read_only(query, request_data.operation_name)
        ):
            return await execute()
        async with self.sessions() as session:
            version = await data_version(session)
        context.data_version = version  # the solve fields reuse it (project arrays, provenance)
        self.cache.seen(version)
        key = cache_key(query, request_data.variables, request_data.operation_name, version)
        entry = self.cache.get(key)
        if entry is not None:
            return Cached(entry.response)
        flight = self.flights.get(key)
        if flight is not None:
            # The same request is being answered on this worker: share its answer. Shielded,
            # so a client leaving here never cancels the computation others wait for.
            shared = await asyncio.shield(flight)
            if shared is not None:
                self.shared += 1
                return shared
            return await execute()  # the request computing it went away: compute here
        flight = self.flights[key] = asyncio.get_running_loop().create_future()
        answer: ExecutionResult | None = None
        try:
            answer = await self._compute(execute, key, context)
            return answer
        finally:
            del self.flights[key]
            flight.set_result(answer)

    async def _compute(
        self, execute: Callable[[], Awaitable[ExecutionResult]], key: Hashable, context: Context
    ) -> ExecutionResult:
        self.computed += 1
        result = await execute()
        if result.errors or not context.final:
            return result
        response = Encoded(process_result(result))
        response.body = self.encode_json(response)
        self.cache.put(key, response)
        return Cached(response)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if isinstance(result, Cached):
            return result.response  # type: ignore[return-value]
        response = process_result(result)
        if negotiate(request.headers.get("accept")) == GRAPHQL_RESPONSE and refused(result):
            del response["data"]  # the specification's sign that the operation never ran
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = content_type(sub_response.media_type)
        response.headers.add_vary_header("Accept")  # the answer's type depends on it
        if isinstance(response_data, dict) and "data" not in response_data:
            response.status_code = refusal_status(response_data)
        return response

    def encode_json(self, data: object) -> bytes:
        if isinstance(data, Encoded) and hasattr(data, "body"):
            return data.body
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)


MAX_VARIABLE_DEPTH = 32  # far beyond any input type here; the JSON encoder stops at 254


def check_content_type(header: str | None) -> None:
    """Refuse, as a 415, a POST body that is not JSON in UTF-8 (a form or text/plain post is
    also the shape of a cross-site request forgery)."""
    if not header or not header.strip():
        raise HTTPException(415, f"Unsupported content type (none): send {JSON}")
    media, parameters = parse_content_type(header)
    if media != JSON:
        raise HTTPException(415, f"Unsupported content type {media}: send {JSON}")
    charset = parameters.get("charset", "utf-8").lower()
    if charset not in UTF8:
        raise HTTPException(415, f"Unsupported charset {charset}: send UTF-8")


def check_request(request_data: GraphQLRequestData, method: str) -> None:
    """Refuse, as a 400, what the GraphQL executor would trip on or silently guess at, and as a
    405 a mutation sent by GET (GET must stay safe to repeat, cache and prefetch)."""
    name = request_data.operation_name
    if name is not None and not isinstance(name, str):
        raise HTTPException(400, f"operationName must be a string, got {type(name).__name__}")
    if _depth(request_data.variables) > MAX_VARIABLE_DEPTH:
        raise HTTPException(400, f"variables are nested deeper than {MAX_VARIABLE_DEPTH} levels")
    # Strawberry runs the first operation when none is named; the GraphQL specification
    # requires an error instead.
    found = operations(request_data.query) if request_data.query else None
    if name is None and found is not None and len(found) > 1:
        raise HTTPException(
            400,
            f"operationName is required: the document has {len(found)} operations "
            f"({', '.join(n or 'anonymous' for n, _ in found)})",
        )
    if method == "GET" and chosen(found, name) == [OperationType.MUTATION]:
        raise HTTPException(405, "mutations are not allowed when using GET")


def refused(result: ExecutionResult) -> bool:
    """Whether GraphQL refused the request before running it: no data, and no error at a field
    (a document that does not parse or validate, variables that do not coerce, a cost over the
    budget). An error at a field means the operation ran, even when it nulled all the data."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


def refusal_status(response: GraphQLHTTPResponse) -> int:
    """The status of an answer without data: 400, unless the server itself failed."""
    codes = {
        (error.get("extensions") or {}).get("code")
        for error in response.get("errors") or ()
        if isinstance(error, dict)
    }
    if UNAVAILABLE in codes:
        return 503
    return 500 if INTERNAL in codes else 400


def _depth(value: object) -> int:
    """How deeply lists and objects nest in `value`, without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_VARIABLE_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class Cached(ExecutionResult):
    """An answer from (or just put in) the cache, already processed and encoded."""

    def __init__(self, response: Encoded) -> None:
        super().__init__(data=response.get("data"), errors=None, extensions=None)
        self.response = response


def find_view(app: Starlette) -> GraphQLView:
    """The app's GraphQL view (benchmarks and tests reach its cache through it)."""
    for route in app.routes:
        wrapped = getattr(route, "endpoint", None)
        while wrapped is not None:  # through ASGI wrappers (middleware keep theirs in .app)
            if isinstance(wrapped, GraphQLView):
                return wrapped
            wrapped = getattr(wrapped, "app", None)
    raise LookupError("the app has no GraphQL view")
