"""The error contract: every error in `errors` carries `extensions.code`.

GraphQLError
 ├── parse failure            -> GRAPHQL_PARSE_FAILED
 ├── validation failure       -> GRAPHQL_VALIDATION_FAILED (limits, unknown fields)
 ├── UserInputError           -> BAD_USER_INPUT (arguments that parse but make no sense)
 ├── AuthError                -> UNAUTHENTICATED / FORBIDDEN
 ├── database unreachable     -> SERVICE_UNAVAILABLE (a retry later works), never showing SQL
 └── anything else            -> INTERNAL_SERVER_ERROR, masked in production with a reference

Requests refused before GraphQL runs (a body that is not a JSON object, a wrong content type or
method, an Accept header naming no type we write, a body over the size limit or slower than the
body timeout, two `Authorization` headers) get the same shape from `JSONErrors`: a JSON body with
`errors[].extensions.code` (BAD_REQUEST, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, PAYLOAD_TOO_LARGE,
UNSUPPORTED_MEDIA_TYPE, REQUEST_TIMEOUT, UNAUTHENTICATED, ...), in the media type the client
accepts (schema.media).
"""

from __future__ import annotations

import codecs
import logging
import uuid
from typing import Any

import anyio
import orjson
from graphql import GraphQLError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.relay.types import GlobalIDValueError

from schema.media import JSON, content_type, negotiate

log = logging.getLogger("territoires.graphql")

BAD_USER_INPUT = "BAD_USER_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
INTERNAL = "INTERNAL_SERVER_ERROR"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
UNAVAILABLE = "SERVICE_UNAVAILABLE"
BAD_REQUEST = "BAD_REQUEST"
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
GRAPHQL_METHODS = b"GET, POST"  # the Allow header of a 405 from the GraphQL endpoint
HTTP_CODES = {
    400: BAD_REQUEST,
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
# Connection refused or dropped, file unopenable, pool exhausted: the database, not the request.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeoutError)


class UserInputError(GraphQLError):
    def __init__(self, argument: str, message: str) -> None:
        super().__init__(
            f"{argument}: {message}", extensions={"code": BAD_USER_INPUT, "argument": argument}
        )


class AuthError(GraphQLError):
    def __init__(self, message: str, code: str = UNAUTHENTICATED) -> None:
        super().__init__(message, extensions={"code": code})


def _code(error: GraphQLError) -> str:
    original = error.original_error
    if original is None:
        return PARSE_FAILED if error.message.startswith("Syntax Error") else VALIDATION_FAILED
    if isinstance(original, GlobalIDValueError):
        return BAD_USER_INPUT
    if isinstance(original, UNREACHABLE):
        return UNAVAILABLE
    if isinstance(original, GraphQLError):
        code = (original.extensions or {}).get("code")
        if code is None and error.path is None:
            return BAD_USER_INPUT  # a variable's value failed coercion ("NaN" for a Float)
        return str(code or INTERNAL)
    if isinstance(original, ValueError | TypeError) and error.path is None:
        return BAD_USER_INPUT  # a custom scalar refused a literal while the query was validated
    return INTERNAL


def apply_codes(errors: list[GraphQLError], production: bool) -> None:
    """Give each error its code, in place; log and (in production) mask unexpected ones."""
    for error in errors:
        code = (error.extensions or {}).get("code") or _code(error)
        extensions = {**(error.extensions or {}), "code": code}
        if code == UNAVAILABLE:
            reference = uuid.uuid4().hex[:12]
            extensions["reference"] = reference
            log.warning("database unavailable %s", reference, exc_info=error.original_error)
            error.message = f"{UNAVAILABLE_MESSAGE} (reference {reference})."
        elif code == INTERNAL:
            reference = uuid.uuid4().hex[:12]
            extensions["reference"] = reference
            log.error(
                "unexpected error %s at %s", reference, error.path, exc_info=error.original_error
            )
            if production:
                error.message = f"Unexpected error (reference {reference})."
        else:
            log.info("%s: %s", code, error.message)
        error.extensions = extensions


UNAVAILABLE_MESSAGE = "The database is unavailable for a moment: retry shortly"


class BadBody(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlowBody(Exception):
    """The body did not arrive within the body timeout (a slow or stalled client)."""


class JSONErrors:
    """ASGI wrapper of the GraphQL endpoint: refusals before GraphQL runs become coded JSON.

    It limits the body size itself (so the 413 is JSON too) and the time the body may take to
    arrive (408), refuses JSON bodies that are not UTF-8 or not an object or a list and requests
    with several `Authorization` headers (which key would count?), turns plain-text refusals of
    the view (400, 404, 405, 406, 415) into `{"errors": [...]}`, and answers an exception escaping
    the view with a coded JSON error (SERVICE_UNAVAILABLE 503 when the database is unreachable)
    instead of a bare 500. Each is labelled with the media type the client accepts: with
    application/graphql-response+json, a body without `data` under a 4xx or 5xx status is the
    server's own refusal, not a proxy's. A client that leaves mid-body is a client event, logged
    in one line.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout_s: float = 10.0) -> None:
        self.app = RequestBodyLimitMiddleware(app, max_body_size=max_body_bytes)
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope.get("method")
        request = f"{method} {scope.get('path')}"
        keys = [value for name, value in scope.get("headers", []) if name == b"authorization"]
        accept = [value for name, value in scope.get("headers", []) if name == b"accept"]
        labelled = content_type(negotiate(b", ".join(accept).decode("latin-1") if accept else None))
        if len(keys) > 1:
            message = f"send one Authorization header, got {len(keys)}"
            log.info("%s: %s (%s)", UNAUTHENTICATED, message, request)
            await _send_error(send, 400, message, UNAUTHENTICATED, media_type=labelled)
            return
        started = False
        held: Message | None = None
        chunks: list[bytes] = []

        async def send_json_errors(message: Message) -> None:
            nonlocal started, held
            if message["type"] == "http.response.start":
                started = True
                headers = dict(message.get("headers", []))
                plain = headers.get(b"content-type", b"").startswith(b"text/plain")
                if message["status"] >= 400 and plain:
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                reason = b"".join(chunks).decode("utf-8", "replace")
                status = held["status"]
                # GET and POST reach the view: a 405 to a GET is a mutation, which needs a POST.
                allow = b"POST" if method == "GET" else GRAPHQL_METHODS
                extra = [(b"allow", allow)] if status == 405 else []
                await _send_error(
                    send, status, reason, HTTP_CODES.get(status), headers=extra, media_type=labelled
                )
                return
            await send(message)

        body = _timed_body(receive, self.body_timeout_s)
        try:
            await self.app(scope, _checked_body(scope, body), send_json_errors)
        except BadBody as error:
            if started:
                raise
            await _send_error(send, 400, error.message, BAD_REQUEST, media_type=labelled)
        except ClientDisconnect:
            # Nobody is left to answer; a network hiccup or a closed tab, not a server fault.
            log.info("client left before sending the whole body: %s", request)
        except SlowBody:
            if started:
                raise
            limit = f"{self.body_timeout_s:g} s"
            log.warning("request body not complete after %s: %s", limit, request)
            message = f"the request body took longer than {limit} to arrive"
            close = [(b"connection", b"close")]  # the rest of the body may still be on its way
            await _send_error(
                send, 408, message, REQUEST_TIMEOUT, headers=close, media_type=labelled
            )
        except Exception as error:
            if started:
                raise
            reference = uuid.uuid4().hex[:12]
            if isinstance(error, UNREACHABLE):
                log.warning("database unavailable %s", reference, exc_info=error)
                message = f"{UNAVAILABLE_MESSAGE} (reference {reference})."
                await _send_error(send, 503, message, UNAVAILABLE, reference, media_type=labelled)
            else:
                log.error("unexpected error %s", reference, exc_info=error)
                message = f"Unexpected error (reference {reference})."
                await _send_error(send, 500, message, INTERNAL, reference, media_type=labelled)


def _timed_body(receive: Receive, timeout_s: float) -> Receive:
    """`receive` that raises SlowBody when the whole body has not arrived `timeout_s` after the
    request did (a client trickling bytes would hold a worker's connection for ever). Once the
    body is complete, waiting (for a disconnect) is not bounded."""
    deadline = anyio.current_time() + timeout_s
    complete = False

    async def timed() -> Message:
        nonlocal complete
        if complete:
            return await receive()
        try:
            with anyio.fail_after(max(deadline - anyio.current_time(), 0)):
                message = await receive()
        except TimeoutError:
            raise SlowBody from None
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return timed


def _checked_body(scope: Scope, receive: Receive) -> Receive:
    """`receive` that refuses a JSON body which is not UTF-8, or not an object or list (the view
    would fail on it with a 500), as the bytes arrive."""
    headers = dict(scope.get("headers", []))
    if scope.get("method") != "POST" or b"json" not in headers.get(b"content-type", b""):
        return receive
    decoder = codecs.getincrementaldecoder("utf-8")()
    first: str | None = None

    async def checked() -> Message:
        nonlocal first
        message = await receive()
        if message["type"] != "http.request":
            return message
        more = message.get("more_body", False)
        try:
            text = decoder.decode(message.get("body", b""), final=not more)
        except UnicodeDecodeError as error:
            raise BadBody(f"the body is not UTF-8 text (byte {error.start})") from None
        if first is None and text.strip():
            first = text.lstrip()[0]
            if first not in "{[":
                raise BadBody('the body must be a JSON object: {"query": "...", "variables": {}}')
        return message

    return checked


async def _send_error(
    send: Send,
    status: int,
    message: str,
    code: str | None,
    reference: str | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    media_type: str = JSON,
) -> None:
    extensions: dict[str, Any] = {"code": code or BAD_REQUEST}
    if reference is not None:
        extensions["reference"] = reference
    body = orjson.dumps({"errors": [{"message": message, "extensions": extensions}]})
    sent = [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]
    sent += headers or []
    if status == 503:
        sent.append((b"retry-after", b"5"))
    await send({"type": "http.response.start", "status": status, "headers": sent})
    await send({"type": "http.response.body", "body": body})
