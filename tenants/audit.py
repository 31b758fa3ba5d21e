"""全程留痕: record who changed what, in an append-only chain of hashes per county.

``record`` adds an ``AuditEvent`` to the session, as it always has; the chain is made when the
row is inserted (a mapper ``before_insert`` hook, so every caller gets it without knowing):

- the county's ``AuditChainHead`` is advanced by one upsert (``seq = seq + 1``) that returns the
  new number and the previous row's hash. The upsert locks the head row until the transaction
  ends (PostgreSQL row lock; SQLite's single writer), so two transactions of one county append
  one after the other and never fork the chain; an abandoned transaction gives its numbers
  back with its rows;
- the row's ``hash`` is SHA-256 over its content and ``prev_hash``
  (``tenants.audit_hash.row_hash``); the head keeps the last hash.

A hot write may append its row itself instead (:func:`take_link`, :func:`linked_row`,
:func:`link_statements`): the same head upsert and hash, by statements built once that the
caller runs — on PostgreSQL together with its own rows, in one statement. On PostgreSQL a
change and its row can also be one statement (:func:`append_after`): the database locks and
advances the head and finishes the row's hash from the text around the number and the
previous hash (``tenants.audit_hash.text_parts``) — the same hash ``row_hash`` makes.

The rows are never updated or deleted: on PostgreSQL the app role has only INSERT and SELECT on
``audit_events`` (grants, and row-level policies for SELECT and INSERT only); on SQLite
triggers refuse UPDATE and DELETE (migration ``0010_casework_followup``).
``tenants.audit_hash.verify_chain`` checks a county's chain.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, event, func, insert, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import Executable, Insert, Select, Update
from sqlalchemy.sql.selectable import CTE

from tenants import prepared, rows
from tenants.audit_hash import GENESIS, RowContent, hash_of, row_hash, text_parts
from tenants.base import utcnow
from tenants.models import AuditChainHead, AuditEvent


def record(
    session: AsyncSession,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: object | None,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        detail=detail,
        note=note,
    )
    session.add(event)
    return event


@functools.cache
def head_statements(dialect: str) -> tuple[Any, Any]:
    """The head's upsert and its hash update, built once per dialect: built per row, their
    construction and cache keys were half of an audited write's chain work."""
    table = AuditChainHead.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Until ``keep_hash`` runs, ``hash`` is the previous row's, which ``prev_hash`` keeps after.
    advance = (
        insert(table)
        .values(
            id=bindparam("head_id"),
            tenant_id=bindparam("county"),
            seq=1,
            hash=GENESIS,
            prev_hash=GENESIS,
        )
        .on_conflict_do_update(
            index_elements=[table.c.tenant_id],
            set_={"seq": table.c.seq + 1, "prev_hash": table.c.hash},
        )
        .returning(table.c.seq, table.c.hash)
    )
    keep_hash = (
        table.update()
        .where(table.c.tenant_id == bindparam("county"))
        .values(hash=bindparam("last_hash"))
    )
    return advance, keep_hash


def _advance_head(connection: Connection, tenant_id: uuid.UUID) -> tuple[int, str]:
    """Take the county's next number (locking its head until the transaction ends); returns
    (number, hash of the row before it)."""
    advance, _ = head_statements(connection.dialect.name)
    seq, previous = connection.execute(
        advance, {"head_id": uuid.uuid4(), "county": tenant_id}
    ).one()
    return int(seq), previous


@event.listens_for(AuditEvent, "before_insert")
def _chain(mapper, connection: Connection, target: AuditEvent) -> None:
    if target.id is None:
        target.id = uuid.uuid4()
    if target.at is None:
        target.at = utcnow()
    seq, previous = _advance_head(connection, target.tenant_id)
    target.seq = seq
    target.prev_hash = previous
    target.hash = hash_of(target)
    _, keep_hash = head_statements(connection.dialect.name)
    connection.execute(keep_hash, {"county": target.tenant_id, "last_hash": target.hash})


async def take_link(connection: AsyncConnection, tenant_id: uuid.UUID) -> tuple[int, str]:
    """:func:`_advance_head` for a caller writing its row itself: (number, previous hash),
    the county's head locked until the transaction ends. Take it after every other lock the
    transaction needs, as a flush does (its audit rows go last). A caller may run the head's
    upsert (the first of :func:`head_statements`, with :func:`head_parameters`) inside a
    statement of its own instead."""
    advance, _ = head_statements(connection.dialect.name)
    parameters = head_parameters(tenant_id)
    seq, previous = (await prepared.execute(connection, advance, parameters)).one()
    return int(seq), previous


def head_parameters(tenant_id: uuid.UUID) -> dict[str, Any]:
    return {"head_id": uuid.uuid4(), "county": tenant_id}


def linked_row(
    tenant_id: uuid.UUID,
    link: tuple[int, str],
    *,
    at: datetime,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: object | None,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The column values of the audit row at ``link`` (from :func:`take_link`), hash made."""
    seq, previous = link
    if at.tzinfo is not None:
        at = at.astimezone(UTC)  # SQLite keeps the text as given: UTC, as every other row's
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "at": at,
        "actor": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id) if object_id is not None else None,
        "detail": detail,
        "note": note,
        "seq": seq,
        "prev_hash": previous,
    }
    content = RowContent(
        tenant_id, row["id"], at, actor_label, action, object_type, row["object_id"], detail, note
    )
    row["hash"] = row_hash(content, seq, previous)
    return row


LINK_PREFIX = "audit_"


@functools.cache
def link_statements(dialect: str) -> tuple[Update, Insert]:
    """The head's new hash (parameters ``audit_county``, ``audit_last_hash``) and the row
    (``audit_<column>``: :func:`tenants.rows.bound` of :func:`linked_row`)."""
    table = AuditChainHead.__table__
    keep_hash = (
        table.update()
        .where(table.c.tenant_id == bindparam(f"{LINK_PREFIX}county"))
        .values(hash=bindparam(f"{LINK_PREFIX}last_hash"))
        .returning(table.c.seq)
    )
    return keep_hash, rows.insert_all(AuditEvent.__table__, LINK_PREFIX)


def link_parameters(row: dict[str, Any]) -> dict[str, Any]:
    """The parameters of :func:`link_statements` for ``row`` (from :func:`linked_row`)."""
    return {
        **rows.bound(LINK_PREFIX, row),
        f"{LINK_PREFIX}county": row["tenant_id"],
        f"{LINK_PREFIX}last_hash": row["hash"],
    }


@functools.cache
def append_statements(dialect: str) -> tuple[Executable, ...]:
    """:func:`link_statements` to run: on PostgreSQL one statement (the head's new hash a
    data-modifying ``WITH`` part of the row's insert), elsewhere the two."""
    keep_hash, row = link_statements(dialect)
    if dialect != "postgresql":
        return keep_hash, row
    return (row.returning(AuditEvent.__table__.c.id).add_cte(keep_hash.cte("audit_head")),)


async def append(connection: AsyncConnection, row: dict[str, Any]) -> None:
    """Write ``row`` (from :func:`linked_row`) and make its hash the county's head."""
    parameters = link_parameters(row)
    for statement in append_statements(connection.dialect.name):
        await prepared.execute(connection, statement, parameters)


# The columns of a row the database's part of :func:`append_after` does not fill in.
_GIVEN_COLUMNS = tuple(
    column for column in AuditEvent.__table__.c if column.key not in ("seq", "prev_hash", "hash")
)


def append_after(gate: CTE) -> Select:
    """One PostgreSQL statement: the change ``gate`` (a data-modifying ``WITH`` part that
    returns what it wrote) and, only when it wrote a row, the county's head advanced and the
    audit row appended — the number and both hashes taken and made by the database (``sha256``
    over ``tenants.audit_hash.text_parts`` around them), the rest given by
    :func:`after_parameters`. The head is advanced by an upsert, like every append's: it locks
    and reads the head as last committed even when the statement waited for the gate's rows
    (which it locks first, as every writer takes them); its ``SET`` reads the row it replaces,
    and the head keeps the previous hash for the ``RETURNING``. A county's first row makes its
    head. Returns (rows the gate wrote, the audit row's number)."""
    heads = AuditChainHead.__table__
    events = AuditEvent.__table__
    wrote = select(literal(1)).select_from(gate).exists()

    def digest(seq: Any, previous: Any) -> Any:
        text = (
            bindparam(f"{LINK_PREFIX}text_start", type_=Text)
            + cast(seq, Text)
            + bindparam(f"{LINK_PREFIX}text_middle", type_=Text)
            + literal('"', Text)
            + previous
            + literal('"]', Text)
        )
        return func.encode(
            func.sha256(func.convert_to(text, literal_column("'UTF8'"))), literal_column("'hex'")
        )

    genesis = literal(GENESIS, Text)
    first = select(
        bindparam(f"{LINK_PREFIX}head_id", type_=heads.c.id.type),
        bindparam(f"{LINK_PREFIX}tenant_id", type_=heads.c.tenant_id.type),
        literal(1, heads.c.seq.type),
        digest(literal(1, heads.c.seq.type), genesis),
        genesis,
    ).where(wrote)
    advanced = (
        postgresql.insert(heads)
        .from_select(["id", "tenant_id", "seq", "hash", "prev_hash"], first)
        .on_conflict_do_update(
            index_elements=[heads.c.tenant_id],
            set_={
                "seq": heads.c.seq + 1,
                "hash": digest(heads.c.seq + 1, heads.c.hash),
                "prev_hash": heads.c.hash,
            },
        )
        .returning(heads.c.seq, heads.c.prev_hash, heads.c.hash)
        .cte("audit_head")
    )
    given = [bindparam(f"{LINK_PREFIX}{c.key}", type_=c.type) for c in _GIVEN_COLUMNS]
    appended = (
        insert(events)
        .from_select(
            [*(c.key for c in _GIVEN_COLUMNS), "seq", "prev_hash", "hash"],
            select(*given, advanced.c.seq, advanced.c.prev_hash, advanced.c.hash),
        )
        .returning(events.c.seq)
        .cte("audit_row")
    )
    return select(
        select(func.count()).select_from(gate).scalar_subquery().label("written"),
        select(appended.c.seq).scalar_subquery().label("seq"),
    )


def after_parameters(
    tenant_id: uuid.UUID,
    *,
    at: datetime,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: object | None,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """:func:`append_after`'s parameters for the audit row of a change."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    row_id = uuid.uuid4()
    object_text = str(object_id) if object_id is not None else None
    start, middle = text_parts(
        RowContent(
            tenant_id, row_id, at, actor_label, action, object_type, object_text, detail, note
        )
    )
    return {
        f"{LINK_PREFIX}head_id": uuid.uuid4(),  # the head's, if this is the county's first row
        f"{LINK_PREFIX}id": row_id,
        f"{LINK_PREFIX}tenant_id": tenant_id,
        f"{LINK_PREFIX}at": at,
        f"{LINK_PREFIX}actor": actor_label,
        f"{LINK_PREFIX}action": action,
        f"{LINK_PREFIX}object_type": object_type,
        f"{LINK_PREFIX}object_id": object_text,
        f"{LINK_PREFIX}detail": detail,
        f"{LINK_PREFIX}note": note,
        f"{LINK_PREFIX}text_start": start,
        f"{LINK_PREFIX}text_middle": middle,
    }
