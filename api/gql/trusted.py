"""Trusted documents (受信任的操作): the operations in ``graphql/operations/`` are what the
first-party clients (the county's web app, the public's mobile app) send.

A request's operation is *trusted* when it is, up to spacing, comments and the order of its
fragments, one of those operations together with the fragments it uses. A production setting
(``ONEWINDOW_ANONYMOUS_TRUSTED_ONLY``) restricts anonymous callers to them: the public app
needs nothing else, and an anonymous caller then cannot send a hand-made query at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from strawberry.extensions import SchemaExtension

from api.gql.context import AppContext
from api.gql.limits import RequestRefused
from api.lru import LRU
from graphql import (
    DefinitionNode,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "operations"


@dataclass(frozen=True)
class TrustedDocuments:
    """The trusted operations by their normalized text (``normalized``)."""

    names: dict[str, str]  # normalized text → "file.graphql:OperationName"

    def name_of(self, document: DocumentNode, operation_name: str | None) -> str | None:
        """The trusted operation ``document`` would run, or None."""
        text = normalized(document, operation_name)
        return self.names.get(text) if text is not None else None


def load(directory: Path = OPERATIONS_DIR) -> TrustedDocuments:
    return TrustedDocuments({text: name for name, text in operation_texts(directory)})


@cache
def shipped() -> TrustedDocuments:
    """The operations shipped with this version (read once per process)."""
    return load()


def normalized(document: DocumentNode, operation_name: str | None) -> str | None:
    """The operation ``operation_name`` selects (the only one when None) and the fragments it
    uses, printed canonically; None when no single operation is selected."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    used = sorted(_fragments_used(operations[0], fragments), key=lambda f: f.name.value)
    definitions: tuple[DefinitionNode, ...] = (operations[0], *used)
    return print_ast(DocumentNode(definitions=definitions))


def _fragments_used(
    root: DefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FragmentDefinitionNode]:
    seen: set[str] = set()
    pending: list[DefinitionNode] = [root]
    while pending:
        spreads = _Spreads()
        visit(pending.pop(), spreads)
        for name in spreads.names:
            if name not in seen and name in fragments:
                seen.add(name)
                pending.append(fragments[name])
                yield fragments[name]


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.names.append(node.name.value)


class AnonymousTrustedOnly(SchemaExtension):
    """Refuses (``UNTRUSTED_DOCUMENT``) an anonymous request whose operation is not trusted.
    The verdict is kept per query text and operation name."""

    _verdicts = LRU(1024)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        app: AppContext | None = (context.context or {}).get("app")
        document = context.graphql_document
        if app is not None and app.actor.is_anonymous and document is not None:
            key = (context.query, context.operation_name)
            trusted = self._verdicts.get(key)
            if trusted is None:
                trusted = shipped().name_of(document, context.operation_name) is not None
                self._verdicts.put(key, trusted)
            if not trusted:
                raise RequestRefused("未登录时只能调用客户端发布的操作", "UNTRUSTED_DOCUMENT")
        yield


def operation_texts(directory: Path = OPERATIONS_DIR) -> Iterable[tuple[str, str]]:
    """Each shipped operation as a client sends it: ("file.graphql:Name", the operation and
    the fragments it uses, normalized)."""
    for path in sorted(directory.glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                text = normalized(document, definition.name.value)
                if text is not None:
                    yield f"{path.name}:{definition.name.value}", text
