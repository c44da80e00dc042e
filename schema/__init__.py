"""The GraphQL schema: a thin adapter over models/ and simulation/."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.errors import apply_codes
from schema.execution import ExecutionContext as FastExecutionContext
from schema.limits import make_cost_limit
from schema.mutations import Mutation
from schema.queries import Query
from schema.scalars import EUROS, Euros
from settings import Settings

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 15
# The limiters' rule classes, made once: fresh classes per request would key the validation
# cache on new objects every time, so every request would be validated again (about 10 ms).
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class Schema(strawberry.Schema):
    """Codes every error (see schema.errors) instead of only logging it."""

    def __init__(self, *, production: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.production = production

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        apply_codes(errors, self.production)


def make_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    extensions: list[object] = [
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        make_cost_limit(),
    ]
    if settings.production:
        extensions.append(DisableIntrospection)
    return Schema(
        production=settings.production,
        query=Query,
        mutation=Mutation,
        execution_context_class=FastExecutionContext,
        extensions=extensions,
        config=StrawberryConfig(
            scalar_map={Euros: EUROS},
            disable_field_suggestions=settings.production,
        ),
    )


def schema_sdl() -> str:
    """The schema as published in schema.graphql (development settings)."""
    return make_schema().as_str() + "\n"
