"""How an intake's rows are written (``casework.intake``): by statements built once that name
every column, run by the driver after their first execution (``tenants.rows``,
``tenants.prepared``), the audit row appended by the intake itself (``tenants.audit``).

The locks are taken in the order every writer takes them: the site's counts and days first
(``casework.counts``, before these), then the county's rows — the day's case sequence and the
audit chain's head — and nothing is read after them.
"""

from __future__ import annotations

import functools
import uuid
from datetime import date
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.ext.asyncio import AsyncConnection

from casework import numbers
from casework.models import Case, CaseEvent
from tenants import audit, prepared, rows
from tenants.models import AuditEvent


@functools.cache
def number_and_link_statements(dialect: str) -> tuple[Executable, ...]:
    """The day's next case number and the audit chain's next link: on PostgreSQL one
    statement (the sequence's upsert a ``WITH`` part of the head's, whose ``RETURNING`` adds
    the number), elsewhere two. Only intakes take a case sequence row, always with the head
    right after it, so the order of the two within the statement cannot deadlock."""
    sequence = numbers.advance(dialect)
    head, _ = audit.head_statements(dialect)
    if dialect != "postgresql":
        return head, sequence
    taken = sequence.cte("case_sequence")
    return (head.add_cte(taken).returning(select(taken.c.last).scalar_subquery()),)


async def number_and_link(
    connection: AsyncConnection, tenant_id: uuid.UUID, day: date
) -> tuple[int, tuple[int, str]]:
    """(the day's case sequence, (audit number, previous hash)) — both rows locked."""
    parameters = {
        **numbers.advance_parameters(tenant_id, numbers.CASE, day),
        **audit.head_parameters(tenant_id),
    }
    statements = number_and_link_statements(connection.dialect.name)
    if len(statements) == 1:
        seq, previous, sequence = (
            await prepared.execute(connection, statements[0], parameters)
        ).one()
        return int(sequence), (int(seq), previous)
    head, advance = statements
    sequence = (await prepared.execute(connection, advance, parameters)).scalar_one()
    seq, previous = (await prepared.execute(connection, head, parameters)).one()
    return int(sequence), (int(seq), previous)


@functools.cache
def write_statements(dialect: str) -> tuple[Executable, ...]:
    """The case, its first step and its audit row (with the chain head's new hash): on
    PostgreSQL one statement (the others as data-modifying ``WITH`` parts; the foreign key
    from the step to the case is checked at the statement's end), elsewhere four."""
    keep_hash, audit_row = audit.link_statements(dialect)
    case_row = rows.insert_all(Case.__table__, "case_").returning(Case.__table__.c.id)
    event_row = rows.insert_all(CaseEvent.__table__, "event_")
    if dialect != "postgresql":
        return case_row, event_row, keep_hash, audit_row
    audit_id = AuditEvent.__table__.c.id
    return (
        case_row.add_cte(event_row.returning(CaseEvent.__table__.c.id).cte("case_event"))
        .add_cte(keep_hash.cte("audit_head"))
        .add_cte(audit_row.returning(audit_id).cte("audit_event")),
    )


async def write(
    connection: AsyncConnection,
    case: dict[str, Any],
    event: dict[str, Any],
    trail: dict[str, Any],
) -> None:
    """The case, its first step, the chain head's new hash and the audit row (column values
    from ``tenants.rows.values_of`` and ``tenants.audit.linked_row``)."""
    parameters = {
        **rows.bound("case_", case),
        **rows.bound("event_", event),
        **audit.link_parameters(trail),
    }
    for statement in write_statements(connection.dialect.name):
        await prepared.execute(connection, statement, parameters)
