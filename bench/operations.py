"""The client contract's GraphQL documents, taken verbatim from ``graphql/operations/``.

``graphql/operations/*.graphql`` in the repository mirrors ``shared/contract/*.graphql``; a
workload sends the exact text of one named operation (plus any fragments it spreads), so the
benchmark exercises what the mobile app and the web console really send.
"""

from __future__ import annotations

import base64
import sys
import uuid
from functools import cache
from pathlib import Path

from graphql.language import FragmentDefinitionNode, OperationDefinitionNode, visit
from graphql.language.visitor import Visitor

from graphql import parse

REPO = Path(__file__).resolve().parents[1]
OPERATIONS = REPO / "graphql" / "operations"
# Where the shared contract lives beside a checkout (``shared/`` next to the repository).
CONTRACT_DIRS = (REPO.parent / "shared" / "contract", REPO.parent.parent / "shared" / "contract")


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node, *_args) -> None:
        self.names.add(node.name.value)


@cache
def _source(file_name: str) -> str:
    path = OPERATIONS / file_name
    text = path.read_text(encoding="utf-8")
    for directory in CONTRACT_DIRS:
        contract = directory / file_name
        if contract.is_file() and contract.read_text(encoding="utf-8") != text:
            print(f"bench: warning: {path} differs from {contract}", file=sys.stderr)
    return text


@cache
def operation(file_name: str, name: str) -> str:
    """The exact source text of operation ``name`` in ``graphql/operations/<file_name>``."""
    text = _source(file_name)
    document = parse(text)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None:
            if definition.name.value != name:
                continue
            parts = [definition]
            pending = [definition]
            seen: set[str] = set()
            while pending:
                spreads = _Spreads()
                visit(pending.pop(), spreads)
                for fragment in sorted(spreads.names - seen):
                    seen.add(fragment)
                    parts.append(fragments[fragment])
                    pending.append(fragments[fragment])
            return "\n\n".join(text[p.loc.start : p.loc.end] for p in parts)  # type: ignore[union-attr]
    raise KeyError(f"no operation {name!r} in {file_name}")


def decode_id(global_id: str) -> tuple[str, uuid.UUID]:
    """``(type name, uuid)`` of a Relay global ID (base64 of ``Type:uuid``)."""
    type_name, _, raw = base64.b64decode(global_id).decode().partition(":")
    return type_name, uuid.UUID(raw)
