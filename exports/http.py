"""The export URLs: a saved or shipped scenario, any what-if and a comparison, as an Excel
workbook or a CSV file, solved by the GraphQL endpoint's own runner (the same limits, the same
recent results) and refused with the codes /graphql uses.

    GET /exports/scenarios/{name}.xlsx|.csv
    GET /exports/simulate.xlsx|.csv?scenario=<JSON ScenarioInput>
    GET /exports/comparison.xlsx|.csv?names=a&names=b
    and &lang=en for English words (French by default)

An infeasible or invalid scenario is still a 200 and a file that says so.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio
import orjson
import strawberry
from graphql import GraphQLError, GraphQLInputObjectType, GraphQLNonNull
from graphql.utilities import coerce_input_value, validate_input_value
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.types.arguments import convert_argument

from exports import csvfile, workbook
from exports.names import comparison_names, result_names, stamp_of
from exports.tables import (
    LANGS,
    Lang,
    Problem,
    Stamp,
    Table,
    comparison_tables,
    invalid_tables,
    result_tables,
)
from schema.cache import Version, data_version
from schema.errors import BAD_USER_INPUT, INTERNAL, UNAVAILABLE, UNAVAILABLE_MESSAGE, UNREACHABLE
from schema.result import InvalidScenario
from schema.scenarios import Catalogue, ScenarioInput
from schema.view import GraphQLView
from schema.whatif import MAX_COMPARED
from simulation import compare
from simulation.errors import EngineError
from simulation.result import Result
from simulation.scenario import Scenario, ScenarioError

log = logging.getLogger("territoires.exports")

# The tables in the language asked, built (and written) in a worker thread, off the event loop.
Build = Callable[[Lang], list[Table]]
WRITERS: dict[str, tuple[str, Callable[[Sequence[Table], Lang], bytes]]] = {
    "xlsx": (workbook.MEDIA_TYPE, lambda tables, _lang: workbook.workbook_bytes(tables)),
    "csv": (csvfile.MEDIA_TYPE, csvfile.csv_bytes),
}
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Refusal(Exception):
    """A request refused as /graphql refuses one: a status, a code, the parameter at fault."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        argument: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.extensions = extensions | ({} if argument is None else {"argument": argument})

    def response(self) -> JSONResponse:
        return error_response(
            self.status, [(self.message, self.code, self.extensions)], self.headers
        )


def error_response(
    status: int,
    errors: Sequence[tuple[str, str, dict[str, Any]]],
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The /graphql error shape: {"errors": [{"message", "extensions": {"code", ...}}]}."""
    body = {
        "errors": [
            {"message": message, "extensions": {"code": code, **extensions}}
            for message, code, extensions in errors
        ]
    }
    return JSONResponse(body, status, headers)


class Invalid:
    """The scenario itself is wrong: exported as a file that says so (the API's InvalidScenario)."""

    def __init__(self, name: str, error: ScenarioError) -> None:
        self.name = name
        self.outcome = InvalidScenario.of(error)


class Exports:
    def __init__(self, view: GraphQLView) -> None:
        self.settings = view.settings
        self.sessions = view.sessions
        self.runner = view.runner
        schema = view.schema
        assert isinstance(schema, strawberry.Schema)
        self.schema = schema
        found = schema._schema.get_type("ScenarioInput")
        assert isinstance(found, GraphQLInputObjectType)
        self.scenario_input = GraphQLNonNull(found)

    def routes(self) -> list[Route]:
        routes = [Route("/exports/scenarios/{file}", self.saved)]
        for suffix in WRITERS:
            routes.append(
                Route(f"/exports/simulate.{suffix}", self._endpoint(self.what_if, suffix))
            )
            routes.append(
                Route(f"/exports/comparison.{suffix}", self._endpoint(self.comparison, suffix))
            )
        return routes

    def _endpoint(
        self, make: Callable[[Request], Awaitable[tuple[str, Build]]], suffix: str
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await self.answer(request, suffix, make)

        return endpoint

    async def saved(self, request: Request) -> Response:
        name, dot, suffix = str(request.path_params["file"]).rpartition(".")
        if not dot or not name or suffix not in WRITERS:
            message = "give the scenario's name and .xlsx or .csv: /exports/scenarios/NAME.xlsx"
            return Refusal(404, "NOT_FOUND", message).response()

        async def make(request: Request) -> tuple[str, Build]:
            return name, await self.scenario_build(name)

        return await self.answer(request, suffix, make)

    async def answer(
        self, request: Request, suffix: str, make: Callable[[Request], Awaitable[tuple[str, Build]]]
    ) -> Response:
        """The file, or the refusal coded as /graphql codes it; never a stack trace."""
        media_type, write = WRITERS[suffix]
        try:
            query = request.scope.get("query_string", b"")
            if len(query) > self.settings.max_body_bytes:
                raise Refusal(
                    413,
                    "PAYLOAD_TOO_LARGE",
                    f"the query string has {len(query)} bytes, over the limit of "
                    f"{self.settings.max_body_bytes} (TERRITOIRES_MAX_BODY_BYTES)",
                )
            lang = language(request)
            filename, build = await make(request)
            body = await anyio.to_thread.run_sync(lambda: write(build(lang), lang))
        except Refusal as refusal:
            log.info("%s: %s", refusal.code, refusal.message)
            return refusal.response()
        except GraphQLError as error:  # the runner's SERVICE_BUSY and SOLVER_TIMEOUT
            extensions = dict(error.extensions or {})
            code = str(extensions.pop("code", INTERNAL))
            busy = code == "SERVICE_BUSY"
            headers = {"Retry-After": str(extensions.get("retryAfterS", 5))} if busy else None
            status = 503 if busy else 504 if code == "SOLVER_TIMEOUT" else 500
            return error_response(status, [(error.message, code, extensions)], headers)
        except UNREACHABLE as error:
            reference = uuid.uuid4().hex[:12]
            log.warning("database unavailable %s", reference, exc_info=error)
            message = f"{UNAVAILABLE_MESSAGE} (reference {reference})."
            extensions = {"reference": reference}
            return error_response(503, [(message, UNAVAILABLE, extensions)], {"Retry-After": "5"})
        except Exception as error:
            reference = uuid.uuid4().hex[:12]
            log.error("unexpected error %s in %s", reference, request.url.path, exc_info=error)
            message = f"Unexpected error (reference {reference})."
            return error_response(500, [(message, INTERNAL, {"reference": reference})])
        disposition = f'attachment; filename="territoires-{file_part(filename)}.{suffix}"'
        return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})

    # ---- what each URL exports ---------------------------------------------------------------

    async def scenario_build(self, name: str) -> Build:
        async with self.sessions() as session:
            catalogue = Catalogue(session)
            if await catalogue.entry(name) is None:
                raise Refusal(404, "NOT_FOUND", f"no saved or shipped scenario {name!r}", "name")
            version = await data_version(session)
            try:
                spec = await catalogue.load(name)
            except ScenarioError as error:
                return invalid_build(Invalid(name, error), version)
        return await self.solved_build(spec, version)

    async def what_if(self, request: Request) -> tuple[str, Build]:
        given = self.what_if_input(request)
        async with self.sessions() as session:
            version = await data_version(session)
            try:
                spec = await Catalogue(session).resolve(given.to_data())
            except ScenarioError as error:
                return "simulation", invalid_build(Invalid(given.name, error), version)
        return "simulation", await self.solved_build(spec, version)

    def what_if_input(self, request: Request) -> ScenarioInput:
        """The `scenario` parameter coerced as the GraphQL variable of simulate(scenario:)."""
        given = request.query_params.getlist("scenario")
        if len(given) != 1:
            message = (
                f"scenario: give one what-if as JSON (a ScenarioInput), got {len(given)} "
                "parameters named scenario"
            )
            raise Refusal(400, BAD_USER_INPUT, message, "scenario")
        try:
            raw = orjson.loads(given[0])
        except orjson.JSONDecodeError as error:
            raise Refusal(400, BAD_USER_INPUT, f"scenario: not JSON: {error}", "scenario") from None
        problems: list[tuple[str, str, dict[str, Any]]] = []

        def refused(error: GraphQLError, path: Sequence[str | int]) -> None:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
            extensions = {"argument": "scenario", "path": list(path)}
            problems.append((f"scenario{where}: {error.message}", BAD_USER_INPUT, extensions))

        validate_input_value(raw, self.scenario_input, refused)
        if problems:
            raise Problems(problems)
        value = coerce_input_value(raw, self.scenario_input)
        converted = convert_argument(
            value, ScenarioInput, self.schema.schema_converter.scalar_registry, self.schema.config
        )
        assert isinstance(converted, ScenarioInput)
        return converted

    async def comparison(self, request: Request) -> tuple[str, Build]:
        names = request.query_params.getlist("names")
        if not 1 <= len(names) <= MAX_COMPARED:
            message = f"names: give 1 to {MAX_COMPARED} names, got {len(names)}"
            raise Refusal(400, BAD_USER_INPUT, message, "names")
        async with self.sessions() as session:
            catalogue = Catalogue(session)
            for name in names:
                if await catalogue.entry(name) is None:
                    message = f"names: no saved or shipped scenario {name!r}"
                    raise Refusal(404, "NOT_FOUND", message, "names")
            version = await data_version(session)
            specs = []
            for name in names:
                try:
                    specs.append(await catalogue.load(name))
                except ScenarioError as error:
                    return "comparaison", invalid_build(Invalid(name, error), version)
            columns = [await self.runner.projects(session, spec, version) for spec in specs]
        runs: list[tuple[Scenario, Result]] = []
        for spec, projects in zip(specs, columns, strict=True):
            try:
                runs.append((spec, await self.runner.solve(spec, projects)))
            except EngineError as error:
                invalid = Invalid(spec.name, ScenarioError(error.field, error.message))
                return "comparaison", invalid_build(invalid, version)
        compared = compare.compare(runs)
        async with self.sessions() as session:
            named = await comparison_names(session, compared)
        return "comparaison", lambda lang: comparison_tables(compared, named, lang)

    async def solved_build(self, spec: Scenario, version: Version) -> Build:
        async with self.sessions() as session:
            projects = await self.runner.projects(session, spec, version)
        try:
            result = await self.runner.solve(spec, projects)
        except EngineError as error:
            return invalid_build(
                Invalid(spec.name, ScenarioError(error.field, error.message)), version
            )
        async with self.sessions() as session:
            names = await result_names(session, result, projects)
        stamp = stamp_of(version)
        return lambda lang: result_tables(spec, result, projects, names, stamp, lang)


class Problems(Refusal):
    """A what-if that does not coerce as a ScenarioInput: one error per problem, each with its
    path (the variable's errors at /graphql)."""

    def __init__(self, problems: list[tuple[str, str, dict[str, Any]]]) -> None:
        super().__init__(400, BAD_USER_INPUT, "; ".join(message for message, _, _ in problems))
        self.problems = problems

    def response(self) -> JSONResponse:
        return error_response(400, self.problems)


def invalid_build(invalid: Invalid, version: Version) -> Build:
    outcome = invalid.outcome
    problems = [Problem(p.path, p.field, p.message) for p in outcome.problems]
    stamp: Stamp = stamp_of(version)
    return lambda lang: invalid_tables(invalid.name, outcome.message, problems, stamp, lang)


def language(request: Request) -> Lang:
    given = request.query_params.getlist("lang")
    if not given:
        return "fr"
    if len(given) == 1 and given[0] in LANGS:
        return "fr" if given[0] == "fr" else "en"
    shown = ", ".join(repr(value) for value in given)
    message = f"lang: give fr or en, got {shown}"
    raise Refusal(400, BAD_USER_INPUT, message, "lang")


def file_part(name: str) -> str:
    """A scenario name as it may stand in a file name (no quote, slash or space)."""
    return UNSAFE.sub("-", name).strip("-.") or "scenario"


def export_routes(view: GraphQLView) -> list[Route]:
    return Exports(view).routes()
