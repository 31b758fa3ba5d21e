"""Whether a request runs a query, known from its body before the operation starts: the
request's reads then begin as one snapshot (``api.gql.reads``), which must be decided before
the caller's row, the transaction's first read.

Only a body that names one query for sure counts: anything else (a mutation, a batch, an upload,
a text that does not parse, an unknown operation name) reads as before, each statement seeing
the latest committed state, and strawberry reports whatever is wrong with it.
"""

from __future__ import annotations

import msgspec

from api.lru import LRU
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

# query text → {operation name (None: anonymous) → its kind}; as strawberry's parse cache, a
# text is parsed once while it is among the recent ones.
_KINDS = LRU(256)


def kinds_of(query: str, max_tokens: int) -> dict[str | None, OperationType]:
    kinds = _KINDS.get(query)
    if kinds is None:
        try:
            document = parse(query, no_location=True, max_tokens=max_tokens)
        except GraphQLError:
            kinds = {}
        else:
            kinds = {
                (d.name.value if d.name else None): d.operation
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
            }
        _KINDS.put(query, kinds)
    return kinds


def is_query(body: bytes, max_tokens: int) -> bool:
    """Whether the JSON ``body`` of a GraphQL POST asks for one query operation."""
    try:
        payload = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return False
    if not isinstance(payload, dict):
        return False
    query, name = payload.get("query"), payload.get("operationName")
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return False
    kinds = kinds_of(query, max_tokens)
    if name is None:
        kind = next(iter(kinds.values())) if len(kinds) == 1 else None
    else:
        kind = kinds.get(name)
    return kind is OperationType.QUERY
