"""The error contract: every error in `errors` carries `extensions.code`.

GraphQLError
 ├── parse failure            -> GRAPHQL_PARSE_FAILED
 ├── validation failure       -> GRAPHQL_VALIDATION_FAILED (limits, unknown fields)
 ├── UserInputError           -> BAD_USER_INPUT (arguments that parse but make no sense)
 ├── AuthError                -> UNAUTHENTICATED / FORBIDDEN
 └── anything else            -> INTERNAL_SERVER_ERROR, masked in production with a reference
"""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError
from strawberry.relay.types import GlobalIDValueError

log = logging.getLogger("territoires.graphql")

BAD_USER_INPUT = "BAD_USER_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
INTERNAL = "INTERNAL_SERVER_ERROR"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


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
    if isinstance(original, GraphQLError):
        return str((original.extensions or {}).get("code", INTERNAL))
    return INTERNAL


def apply_codes(errors: list[GraphQLError], production: bool) -> None:
    """Give each error its code, in place; log and (in production) mask unexpected ones."""
    for error in errors:
        code = (error.extensions or {}).get("code") or _code(error)
        extensions = {**(error.extensions or {}), "code": code}
        if code == INTERNAL:
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
