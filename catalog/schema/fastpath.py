"""A fast path for ``effectiveCatalog`` and ``publicCatalog``: the hottest queries of the apps.

Going through graphql-core, a 1,100-entry catalog costs some 30,000 resolver calls per request.
The entries are cached plain dicts already (``catalog.effective``); this schema extension serves
an operation made *only* of ``effectiveCatalog`` / ``publicCatalog`` root fields by projecting the
cached dicts onto the selection set directly, after parsing and validation have run as usual.

It is exact or it steps aside: anything it does not know (a field with arguments below the root,
a directive, a Site field other than ``id``/``level``, an error of any kind) falls back to normal
execution, which then produces the same data or the proper error. The arguments are checked and
authorized by the very functions the resolvers use (``catalog.schema.reads``).
"""

from __future__ import annotations

import itertools
import os
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import msgspec
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from api.gql.pagination import encode_cursor
from api.lru import LRU
from catalog import effective
from catalog.schema.reads import (
    CatalogRequest,
    check_effective_catalog,
    check_public_catalog,
    known_version,
)
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

ROOT_FIELDS = ("effectiveCatalog", "publicCatalog")
# The plain shape of the cached data: type name → {field: child type name or None for a leaf}.
PLAIN_TYPES: dict[str, dict[str, str | None]] = {
    "EffectiveCatalogConnection": {
        "totalCount": None,
        "release": None,
        "preview": None,
        "edges": "EffectiveMatterEdge",
        "pageInfo": "PageInfo",
    },
    "EffectiveMatterEdge": {"cursor": None, "node": "EffectiveMatter"},
    "PageInfo": {
        "hasNextPage": None,
        "hasPreviousPage": None,
        "startCursor": None,
        "endCursor": None,
    },
    "EffectiveMatter": {
        "code": None,
        "name": None,
        "type": None,
        "basis": None,
        "departmentName": None,
        "serviceObject": None,
        "conditions": None,
        "process": None,
        "handlingKind": None,
        "legalLimitDays": None,
        "promisedLimitDays": None,
        "feeYuan": None,
        "feeBasis": None,
        "online": None,
        "keywords": None,
        "acceptedHere": None,
        "processedHere": None,
        "comprehensiveWindow": None,
        "materials": "Material",
        "note": None,
        "acceptancePlace": None,
        "processingPlace": None,
        "overriddenAt": "Site",
    },
    "Material": {
        "name": None,
        "kind": None,
        "form": None,
        "copies": None,
        "required": None,
        "source": None,
        "note": None,
        "blankForm": None,
        "sample": None,
    },
    # Only what the cache holds exactly (a Site's id and level never change).
    "Site": {"id": None, "level": None},
}
Projector = Callable[[Any], Any]


class Unsupported(Exception):
    """The operation needs normal execution."""


def _collect(
    schema: GraphQLSchema,
    type_name: str,
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    out: OrderedDict[str, list[FieldNode]],
) -> None:
    """Fields by response key, fragments expanded (graphql's CollectFields, without directives)."""
    for selection in selection_set.selections:
        if selection.directives:
            raise Unsupported("directive")
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            out.setdefault(key, []).append(selection)
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            if fragment.directives:
                raise Unsupported("directive")
            condition, sub = fragment.type_condition, fragment.selection_set
        elif isinstance(selection, InlineFragmentNode):
            condition, sub = selection.type_condition, selection.selection_set
        else:  # pragma: no cover - graphql has no other selection kinds
            raise Unsupported("selection")
        if condition is not None and condition.name.value != type_name:
            object_type = schema.get_type(type_name)
            names = {i.name for i in getattr(object_type, "interfaces", ())}
            if condition.name.value not in names:
                raise Unsupported("type condition")
        _collect(schema, type_name, sub, fragments, out)


def _compile(
    schema: GraphQLSchema,
    type_name: str,
    nodes: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
) -> Projector:
    """A function that projects a plain dict of ``type_name`` onto the merged selections."""
    fields: OrderedDict[str, list[FieldNode]] = OrderedDict()
    for node in nodes:
        if node.selection_set is not None:
            _collect(schema, type_name, node.selection_set, fragments, fields)
    shape = PLAIN_TYPES[type_name]
    plan: list[tuple[str, str, Any]] = []
    for key, field_nodes in fields.items():
        name = field_nodes[0].name.value
        if any(n.arguments for n in field_nodes):
            raise Unsupported("arguments")
        if name == "__typename":
            plan.append((key, "const", type_name))
            continue
        if name not in shape:
            raise Unsupported(f"{type_name}.{name}")
        child = shape[name]
        if child is None:
            plan.append((key, "leaf", name))
        else:
            plan.append((key, "child", (name, _compile(schema, child, field_nodes, fragments))))

    def project(source: Any) -> Any:
        if source is None:
            return None
        if isinstance(source, list):
            return [project(item) for item in source]
        out: dict[str, Any] = {}
        for key, kind, arg in plan:
            if kind == "leaf":
                out[key] = source[arg]
            elif kind == "const":
                out[key] = arg
            else:
                out[key] = arg[1](source[arg[0]])
        return out

    return project


class Plan:
    """A compiled operation: for each root field, its arguments' definition and projector.

    ``serial`` identifies it in the response cache (never reused, unlike ``id()``).
    """

    _serials = itertools.count(1)

    def __init__(self, fields: list[tuple[str, str, FieldNode, Any, Projector]]) -> None:
        self.fields = fields
        self.serial = next(self._serials)


def compile_plan(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> tuple[OperationDefinitionNode, Plan] | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    operation = operations[0]
    if operation.directives:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    query_type = schema.query_type
    assert query_type is not None
    fields: list[tuple[str, str, FieldNode, Any, Projector]] = []
    try:
        for selection in operation.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                return None
            name = selection.name.value
            key = selection.alias.value if selection.alias else name
            if name not in ROOT_FIELDS:
                return None
            projector = _compile(schema, "EffectiveCatalogConnection", [selection], fragments)
            fields.append((key, name, selection, query_type.fields[name], projector))
    except Unsupported:
        return None
    return operation, Plan(fields)


# Compiled plans by (query text, operation name); None is kept too (not a catalog-only query).
plans = LRU(256)
_NOT_SEEN = object()


def plan_for(
    schema: GraphQLSchema, document: DocumentNode, query: str, operation_name: str | None
) -> tuple[OperationDefinitionNode, Plan] | None:
    compiled = plans.get((query, operation_name), _NOT_SEEN)
    if compiled is _NOT_SEEN:
        compiled = compile_plan(schema, document, operation_name)
        plans.put((query, operation_name), compiled)
    return compiled


def connection_source(folded: Any, items: list[dict[str, Any]], offset: int, limit: int) -> dict:
    rows = items[offset : offset + limit]
    edges = [{"cursor": encode_cursor(offset + i), "node": row} for i, row in enumerate(rows)]
    return {
        "totalCount": len(items),
        "release": folded.release,
        "preview": folded.preview,
        "edges": edges,
        "pageInfo": {
            "hasNextPage": offset + len(rows) < len(items),
            "hasPreviousPage": offset > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


# Projected pages as JSON, keyed exactly: (plan, root field key, tenant, site, arguments,
# preview, release or draft version). Entries of an old version are simply never asked for
# again. Bounded by their total size (a page of 200 entries is ~270 KB of JSON).
responses = LRU(
    int(os.environ.get("ONEWINDOW_CATALOG_CACHE_PAGES_MB", "64")) * 1024 * 1024,
    weigh=lambda page: len(page.raw),
)


async def _field(ctx: Any, plan_id: int, key: str, name: str, args: dict[str, Any], project):
    if name == "effectiveCatalog":
        request = await check_effective_catalog(
            ctx,
            args["siteId"],
            args.get("search"),
            args.get("preview"),
            args.get("first"),
            args.get("after"),
        )
    else:
        request = await check_public_catalog(
            ctx,
            args["tenant"],
            args["siteId"],
            args.get("search"),
            args.get("first"),
            args.get("after"),
        )
    return await _page(ctx, plan_id, key, request, project)


async def _page(
    ctx: Any, plan_id: int, key: str, request: CatalogRequest, project: Projector
) -> Any:
    """The projected page: from the response cache, or folded (from the fold cache) and kept.

    The session is opened lazily: a cached page whose version came with the request's caller
    touches no database at all.
    """
    async with ctx.read(request.tenant_id) as session:
        version = await effective.catalog_version(session, known_version(ctx, request.tenant_id))
        cache_key = (
            plan_id,
            key,
            request.tenant_id,
            request.site_id,
            request.search,
            request.page,
            request.preview,
            (version.draft, version.release) if request.preview else version.release,
        )
        found = responses.get(cache_key)
        if found is None:
            folded = await effective.effective_catalog(
                session,
                request.tenant_id,
                request.site_id,
                preview=request.preview,
                version=version,
            )
            items = folded.search(request.search)
            found = CachedPage(
                project(connection_source(folded, items, request.page.offset, request.page.limit))
            )
            responses.put(cache_key, found)
    return found.raw if ctx.raw_json else found.plain()


class CachedPage:
    """A projected page, kept as its JSON only (``msgspec.Raw``, written into HTTP responses as
    it is); callers that want plain data (not the HTTP view) get it decoded."""

    __slots__ = ("raw",)

    def __init__(self, data: Any) -> None:
        self.raw = msgspec.Raw(msgspec.json.encode(data))

    def plain(self) -> Any:
        return msgspec.json.decode(self.raw)


class CatalogFastPath(SchemaExtension):
    """Serves catalog-only operations from the cached plain entries (see module docstring)."""

    enabled = True  # tests switch it off to compare with normal execution

    async def on_execute(self):
        ec = self.execution_context
        if not self.enabled:
            yield
            return
        try:
            data = await self._serve(ec)
        except Exception:
            data = None  # any doubt: normal execution decides (and reports the error)
        if data is not None:
            ec.result = ExecutionResult(data=data, errors=None)
        yield

    async def _serve(self, ec) -> dict[str, Any] | None:
        document = ec.graphql_document
        if document is None or ec.query is None:
            return None
        schema: GraphQLSchema = ec.schema._schema
        compiled = plan_for(schema, document, ec.query, ec.operation_name)
        if compiled is None:
            return None
        operation, plan = compiled
        variables = get_variable_values(
            schema, operation.variable_definitions or [], ec.variables or {}
        )
        if isinstance(variables, list):  # coercion errors
            return None
        ctx = ec.context["app"]
        data: dict[str, Any] = {}
        for key, name, node, field_def, project in plan.fields:
            args = get_argument_values(field_def, node, variables)
            data[key] = await _field(ctx, plan.serial, key, name, args, project)
        return data
