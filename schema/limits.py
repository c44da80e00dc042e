"""A cost limit for a public endpoint: the product of page sizes down each path.

Every object the query may return costs one; a connection multiplies what is below it by its
`first` or `last` (100 when absent), a plain list by an estimate of its length. The estimated
cost is reported in the response's `extensions.cost`; a query over the budget is refused before
it runs.

Fields that run the engine also cost their solves: `simulate` and `runScenario` one each,
`compareScenarios` one per name, `tradeOffCurve` one per started 25 values (a warm-started
curve of 50 points costs about two cold solves), `paretoFront` one per started 25 points. Each
solve adds SOLVE_COST to the cost, and a request asking for more than MAX_SOLVES solves is
refused (SOLVE_LIMIT_EXCEEDED) before any runs: a handful of aliased solves would otherwise
queue dozens of them for one anonymous request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from strawberry.extensions import SchemaExtension

from schema.whatif import MAX_COMPARED, MAX_CURVE_POINTS
from simulation.pareto import MAX_POINTS as MAX_PARETO_POINTS

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
SOLVE_LIMIT_EXCEEDED = "SOLVE_LIMIT_EXCEEDED"
MAX_SOLVES = 8  # per request: the longest curve (200 values) or a comparison of 6 alone fit
SOLVE_COST = 10_000
CURVE_POINTS_PER_SOLVE = 25
PARETO_POINTS = 50  # paretoFront's default
DEFAULT_BUDGET = 200_000
PAGE_DEFAULT = 100
LIST_ESTIMATES = {"Query.regions": 18, "Region.territories": 25, "Project.awards": 1}
LIST_DEFAULT = 25
WRAPPERS = {"edges", "node", "nodes", "pageInfo"}  # counted at their connection


def _first(field: FieldNode, variables: Mapping[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):  # one of them pages, never both
            value = argument.value
            # A negative `first` is refused when the field runs; counted as 0 here, so it
            # cannot cancel the cost of its siblings.
            if isinstance(value, IntValueNode):
                return max(int(value.value), 0)
            if isinstance(value, VariableNode):
                raw = variables.get(value.name.value)
                if isinstance(raw, int) and not isinstance(raw, bool):
                    return max(raw, 0)
                return PAGE_DEFAULT
    return PAGE_DEFAULT


def _length(field: FieldNode, argument: str, variables: Mapping[str, Any]) -> int:
    """Number of items a list argument holds (a single value is a list of one)."""
    for given in field.arguments or ():
        if given.name.value == argument:
            value = given.value
            if isinstance(value, ListValueNode):
                return len(value.values)
            if isinstance(value, VariableNode):
                raw = variables.get(value.name.value)
                return len(raw) if isinstance(raw, list) else 1
            return 1
    return 0


def _solves(field: FieldNode, variables: Mapping[str, Any]) -> int:
    """Solves a root field runs. Lists past the fields' own limits are refused without a
    solve, so they count as the limit."""
    name = field.name.value
    if name in ("simulate", "runScenario"):
        return 1
    if name == "compareScenarios":
        return min(_length(field, "names", variables), MAX_COMPARED)
    if name == "tradeOffCurve":
        points = min(_length(field, "values", variables), MAX_CURVE_POINTS)
        return -(-points // CURVE_POINTS_PER_SOLVE)  # started groups of 25
    if name == "paretoFront":
        points = min(_integer(field, "points", variables, PARETO_POINTS), MAX_PARETO_POINTS)
        return -(-max(points, 0) // CURVE_POINTS_PER_SOLVE)  # like a curve's values
    return 0


def _integer(field: FieldNode, argument: str, variables: Mapping[str, Any], default: int) -> int:
    """An Int argument's value (its default when absent or not an integer)."""
    for given in field.arguments or ():
        if given.name.value == argument:
            value = given.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                raw = variables.get(value.name.value)
                if isinstance(raw, int) and not isinstance(raw, bool):
                    return raw
    return default


@dataclass(frozen=True)
class CostModel:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]

    def cost(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for field, owner in self._fields(parent, selection_set):
            definition = owner.fields.get(field.name.value)
            if definition is None or field.selection_set is None:
                continue  # scalars are free; unknown fields fail validation anyway
            kind = get_named_type(definition.type)
            if field.name.value in WRAPPERS:
                size = 1
            elif kind.name.endswith("Connection"):
                size = _first(field, self.variables)
            elif isinstance(get_nullable_type(definition.type), GraphQLList):
                size = LIST_ESTIMATES.get(f"{owner.name}.{field.name.value}", LIST_DEFAULT)
            else:
                size = 1
            objects = 0 if field.name.value in WRAPPERS else size
            total += objects + size * self.cost(kind, field.selection_set)
        if parent is self.schema.query_type:
            total += SOLVE_COST * self.solves(parent, selection_set)
        return total

    def solves(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        """Solves the selection runs (the engine is only reached from root query fields)."""
        if parent is not self.schema.query_type:
            return 0
        return sum(
            _solves(field, self.variables) for field, _ in self._fields(parent, selection_set)
        )

    def _fields(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[FieldNode, GraphQLObjectType | GraphQLInterfaceType]]:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
                    yield selection, parent
            elif isinstance(selection, InlineFragmentNode | FragmentSpreadNode):
                fragment = (
                    selection
                    if isinstance(selection, InlineFragmentNode)
                    else self.fragments.get(selection.name.value)
                )
                if fragment is None:
                    continue
                condition = fragment.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(kind or parent, fragment.selection_set)


def make_cost_limit(budget: int = DEFAULT_BUDGET) -> type[SchemaExtension]:
    class CostLimit(SchemaExtension):
        cost = 0
        solves = 0

        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None:
                fragments = {
                    d.name.value: d
                    for d in document.definitions
                    if isinstance(d, FragmentDefinitionNode)
                }
                operations = [
                    d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                ]
                chosen = [
                    op
                    for op in operations
                    if context.operation_name is None
                    or (op.name and op.name.value == context.operation_name)
                ]
                schema = context.schema._schema
                model = CostModel(schema, fragments, context.variables or {})
                roots = [
                    (root, op.selection_set)
                    for op in chosen
                    if (root := schema.get_root_type(op.operation)) is not None
                ]
                self.cost = sum(model.cost(root, selection) for root, selection in roots)
                self.solves = sum(model.solves(root, selection) for root, selection in roots)
                if self.solves > MAX_SOLVES:
                    raise GraphQLError(
                        f"the request asks for {self.solves} solves; at most {MAX_SOLVES} solves "
                        "per request (simulate and runScenario count one each, compareScenarios "
                        f"one per name, tradeOffCurve one per {CURVE_POINTS_PER_SOLVE} values, "
                        f"paretoFront one per {CURVE_POINTS_PER_SOLVE} points): "
                        "split it into several requests",
                        extensions={
                            "code": SOLVE_LIMIT_EXCEEDED,
                            "solves": self.solves,
                            "maxSolves": MAX_SOLVES,
                        },
                    )
                if self.cost > budget:
                    raise GraphQLError(
                        f"query cost {self.cost} exceeds the budget of {budget}: "
                        "ask for smaller pages (first:) or fewer nested lists",
                        extensions={"code": COST_LIMIT_EXCEEDED, "cost": self.cost},
                    )
            yield

        def get_results(self) -> dict[str, Any]:
            return {
                "cost": {
                    "estimated": self.cost,
                    "budget": budget,
                    "solves": self.solves,
                    "maxSolves": MAX_SOLVES,
                }
            }

    return CostLimit
