"""Request limits every operation passes before it runs: text without control characters, and
a cost budget that multiplies list sizes down the tree.

Both are schema extensions that look at the parsed document and the variables, so one place
covers every string argument and every field of every domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from strawberry.extensions import SchemaExtension

from api.lru import LRU
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)

# C0 controls but tab, newline and carriage return; DEL and C1; bidirectional overrides and
# isolates (they make a name read differently from what is stored).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

PAGE_DEFAULT = 50
# An unpaginated list (a site's ancestors, a person's certificates) is short by nature.
LIST_DEFAULT = 10
COST_BUDGET = 50_000


class RequestRefused(GraphQLError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def forbidden_text(value: Any) -> bool:
    """True if ``value`` (a string, or lists / objects of them) holds a refused character."""
    if isinstance(value, str):
        return FORBIDDEN_CHARACTERS.search(value) is not None
    if isinstance(value, Mapping):
        return any(forbidden_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(forbidden_text(v) for v in value)
    return False


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.refused = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if FORBIDDEN_CHARACTERS.search(node.value):
            self.refused = True


def _unwrap(type_: Any) -> tuple[Any, bool]:
    """The named type under non-null and list wrappers, and whether a list was among them."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list


class _Cost:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _first(self, field: FieldNode) -> int | None:
        for argument in field.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) else None
        return None

    def _fields(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[GraphQLNamedType, FieldNode]]:
        """The fields selected on ``parent``, fragments expanded (with their own type)."""
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                yield parent, node
                continue
            if isinstance(node, InlineFragmentNode):
                condition, selections = node.type_condition, node.selection_set
            elif (fragment := self.fragments.get(node.name.value)) is not None:
                condition, selections = fragment.type_condition, fragment.selection_set
            else:
                continue
            target = self.schema.get_type(condition.name.value) if condition else parent
            yield from self._fields(target or parent, selections)

    def selection(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        return sum(self.field(owner, node) for owner, node in self._fields(parent, selection_set))

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> int:
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(node.name.value)
        if definition is None:  # __typename, or a field validation has refused already
            return 1
        child, is_list = _unwrap(definition.type)
        first = self._first(node)
        if first is not None:
            size = max(first, 0)
        elif "first" in definition.args:
            size = PAGE_DEFAULT
        else:
            size = LIST_DEFAULT if is_list else 1
        if child.name.endswith("Connection"):
            # ``edges`` / ``nodes`` hold ``size`` items; totalCount and pageInfo are one each.
            total = 1
            for owner, part in self._fields(child, node.selection_set):
                if part.name.value in ("edges", "nodes"):
                    item, _ = _unwrap(owner.fields[part.name.value].type)  # type: ignore[union-attr]
                    total += size * (1 + self.selection(item, part.selection_set))
                else:
                    total += self.field(owner, part)
            return total
        return 1 + size * self.selection(child, node.selection_set)


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The operation's worst case: every list as long as it may be, multiplied down the tree."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = _Cost(schema, fragments, variables or {})
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name and (definition.name is None or definition.name.value != operation_name):
            continue
        root = schema.get_root_type(definition.operation)
        return cost.selection(root, definition.selection_set) if root else 0
    return 0


class RequestLimits(SchemaExtension):
    """Refuse, before anything runs: control characters in any string argument or variable
    (``INVALID_CHARACTERS``), and an operation over the cost budget (``QUERY_TOO_COSTLY``).

    Both verdicts on the document are remembered per query text (as the parse and validation
    caches do): a shipped document holds every operation of its file, and walking all of it
    for its string literals cost ~10 ms a request. The cost depends on the variables only
    through their integers (page sizes), which are part of its key.
    """

    _literals: LRU = LRU(1024)  # query text → a literal holds a refused character
    _costs: LRU = LRU(4096)  # (query text, operation, integer variables) → cost

    @classmethod
    def known_cost(
        cls, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> int | None:
        """The cost already computed for this text, operation and integer variables (None:
        not yet; the request must then go through ``on_execute``)."""
        return cls._costs.get((query, operation_name, _integers(variables)))

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            query = context.query
            refused = self._literals.get(query) if query is not None else None
            if refused is None:
                literals = _StringLiterals()
                visit(document, literals)
                refused = literals.refused
                if query is not None:
                    self._literals.put(query, refused)
            if refused or forbidden_text(context.variables or {}):
                raise RequestRefused("输入含有不允许的控制字符", "INVALID_CHARACTERS")
            variables = context.variables or {}
            key = (query, context.operation_name, _integers(variables))
            cost = self._costs.get(key) if query is not None else None
            if cost is None:
                cost = operation_cost(
                    context.schema._schema, document, context.operation_name, variables
                )
                if query is not None:
                    self._costs.put(key, cost)
            if cost > COST_BUDGET:
                raise RequestRefused(
                    f"查询过于复杂(估算 {cost},上限 {COST_BUDGET}),请减少嵌套或每页条数",
                    "QUERY_TOO_COSTLY",
                )
        yield


def _integers(variables: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    """The integer variables, the only ones a cost depends on (page sizes)."""
    return tuple(sorted((k, v) for k, v in variables.items() if type(v) is int))
