"""Readable numbers: ``<county code>-<yyyymmdd>-<sequence>`` for cases and
``<county code>-N<yyyymmdd>-<sequence>`` for notices (一次性告知书), unique in the county.

The sequence of a (county, kind, day) lives in one ``casework_sequences`` row, advanced by a
single ``INSERT … ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last``: the database
serialises concurrent intakes on that row, so two never get the same number (and the case's
unique constraint would refuse it if they did). Receipt codes are random and only their keyed
hash is kept.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casework.models import CaseSequence
from tenants import prepared
from tenants.context import session_tenant

CASE = "case"
NOTICE = "notice"
# No 0/O, 1/I/L: a receipt code is read aloud and typed from paper.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 8


@cache
def advance(dialect: str):
    """The sequence's ``INSERT … ON CONFLICT DO UPDATE … RETURNING``, built once per dialect
    (building it and its cache key anew was a good part of an intake's number)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = CaseSequence.__table__
    return (
        insert(table)
        .values(
            id=bindparam("id"),
            tenant_id=bindparam("tenant_id"),
            kind=bindparam("kind"),
            day=bindparam("day"),
            last=1,
        )
        .on_conflict_do_update(
            index_elements=[table.c.tenant_id, table.c.kind, table.c.day],
            set_={"last": table.c.last + 1},
        )
        .returning(table.c.last)
    )


async def next_sequence(session: AsyncSession, kind: str, day: date) -> int:
    tenant_id = session_tenant(session)
    if tenant_id is None:
        raise RuntimeError("numbers are given inside a county")
    statement = advance(session.bind.dialect.name)
    connection = await prepared.session_connection(session)
    parameters = advance_parameters(tenant_id, kind, day)
    return (await prepared.execute(connection, statement, parameters)).scalar_one()


def advance_parameters(tenant_id: uuid.UUID, kind: str, day: date) -> dict[str, object]:
    """The parameters of :func:`advance` (``id``, ``tenant_id``, ``kind``, ``day``)."""
    return {"id": uuid.uuid4(), "tenant_id": tenant_id, "kind": kind, "day": day}


def case_number_of(county_code: str, day: date, sequence: int) -> str:
    return f"{county_code}-{day:%Y%m%d}-{sequence:04d}"


async def case_number(session: AsyncSession, county_code: str, day: date) -> str:
    return case_number_of(county_code, day, await next_sequence(session, CASE, day))


async def notice_number(session: AsyncSession, county_code: str, day: date) -> str:
    sequence = await next_sequence(session, NOTICE, day)
    return f"{county_code}-N{day:%Y%m%d}-{sequence:04d}"


def receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
