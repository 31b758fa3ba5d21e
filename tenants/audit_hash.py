"""The audit row's hash and a county's chain checked (全程留痕可验证).

A row's hash is SHA-256 over the JSON list of its content and the previous row's hash
(:func:`row_hash`); :func:`text_parts` gives that text around the number and the previous hash,
for a writer whose database finishes it (``tenants.audit.append_after``). :func:`verify_chain`
recomputes a county's chain and names the first broken link — a row altered, removed or inserted
behind the application's back, even by the tables' owner. Changing what the hash covers breaks
every chain already written: the migration that chained the old rows
(``0010_casework_followup``) uses :func:`row_hash` too.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenants.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64  # the "previous hash" of a county's first row
VERIFY_BATCH = 5000


def _instant(value: datetime) -> str:
    """An instant in UTC, to the microsecond (as both databases keep it)."""
    if value.tzinfo is None:  # SQLite gives back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(detail: Any) -> Any:
    """JSON as the database gives it back (tuples as lists, keys as strings)."""
    return None if detail is None else json.loads(json.dumps(detail, ensure_ascii=False))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class RowContent(NamedTuple):
    """What a row's hash covers besides its link (its number and the previous row's hash)."""

    tenant_id: uuid.UUID
    row_id: uuid.UUID
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    detail: Any
    note: str | None

    @classmethod
    def of(cls, row: Any) -> RowContent:
        """The content of an ``AuditEvent`` (or of a row of its columns)."""
        return cls(
            row.tenant_id,
            row.id,
            row.at,
            row.actor,
            row.action,
            row.object_type,
            row.object_id,
            row.detail,
            row.note,
        )


def text_parts(content: RowContent) -> tuple[str, str]:
    """The hashed text of a row around its number and previous hash, which the chain's head
    gives: the text is the JSON list of the row's content, ``start + <seq> + middle +
    <prev_hash as a JSON string> + "]"`` (the number its second item, the previous hash its
    last). Apart, the database can finish the text of a row whose link it takes itself
    (``tenants.audit.append_after``)."""
    start = "[" + _json(str(content.tenant_id)) + ","
    rest = (
        str(content.row_id),
        _instant(content.at),
        content.actor,
        content.action,
        content.object_type,
        content.object_id,
    )
    middle = "," + ",".join(map(_json, rest)) + "," + _json(_canonical(content.detail))
    return start, middle + "," + _json(content.note) + ","


def row_hash(content: RowContent, seq: int, prev_hash: str) -> str:
    """SHA-256 of the JSON list ``[tenant_id, seq, id, at, actor, action, object_type,
    object_id, detail, note, prev_hash]`` (keys sorted, no spaces, UTF-8)."""
    start, middle = text_parts(content)
    text = start + _json(seq) + middle + _json(prev_hash) + "]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The columns a row's hash covers (read as plain rows when a chain is verified).
CHAINED = (
    AuditEvent.tenant_id,
    AuditEvent.seq,
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.detail,
    AuditEvent.note,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def hash_of(row: Any) -> str:
    """The hash of an ``AuditEvent`` (or a row of :data:`CHAINED`)."""
    return row_hash(RowContent.of(row), row.seq, row.prev_hash)


@dataclass(frozen=True)
class ChainReport:
    verified: bool
    length: int
    first_broken_at: int | None  # the ``seq`` of the first row that does not hold


async def verify_chain(session: AsyncSession) -> ChainReport:
    """Recompute the session's county's chain, oldest first; the first row whose number, link
    or hash does not hold breaks it. The head must hold the last row's number, hash and link
    (a missing last row shows against it; a head whose link is not the last row's would give
    the next row a wrong one)."""
    expected_seq, previous, length = 1, GENESIS, 0
    link: str | None = None  # the last row's prev_hash
    last_seq = 0
    while True:
        rows = (
            await session.execute(
                select(*CHAINED)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(VERIFY_BATCH)
            )
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq or row.prev_hash != previous or hash_of(row) != row.hash:
                return ChainReport(False, length, expected_seq)
            link, previous = row.prev_hash, row.hash
            expected_seq, length = expected_seq + 1, length + 1
        last_seq = rows[-1].seq
    head = (
        await session.execute(
            select(AuditChainHead.seq, AuditChainHead.hash, AuditChainHead.prev_hash)
        )
    ).one_or_none()
    if head is not None and (head.seq, head.hash, head.prev_hash) != (length, previous, link):
        return ChainReport(False, length, length + 1)
    return ChainReport(True, length, None)
