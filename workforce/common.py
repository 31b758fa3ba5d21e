"""Helpers shared by the workforce services: policy numbers, dates, lookups."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from authz.errors import BadRequest
from authz.guard import Actor
from network.access import require
from network.models import Site
from network.tree import require_county_center
from tenants.context import session_tenant
from tenants.database import is_postgres
from tenants.errors import Collector, refuse
from tenants.models import Tenant
from tenants.policy import DEFAULT_POLICY
from tenants.values import group_by
from workforce.models import Staff, StaffStatus

# Dates outside these bounds are typos (and would overflow date arithmetic).
DATE_MIN = date(1950, 1, 1)
DATE_MAX = date(2099, 12, 31)


def check_date(errors: Collector, field: str, value: date | None, label: str = "日期") -> bool:
    """Adds INVALID_DATE when ``value`` is outside 1950–2099; True when it is fine."""
    if value is None or DATE_MIN <= value <= DATE_MAX:
        return True
    errors.add(field, "INVALID_DATE", f"{label}应在 {DATE_MIN.year}–{DATE_MAX.year} 年之间")
    return False


def require_date_in_range(value: date | None, argument: str) -> None:
    """For query arguments: a date out of range is a BAD_REQUEST GraphQL error."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise BadRequest(f"参数 {argument} 应在 {DATE_MIN.year}–{DATE_MAX.year} 年之间")


# The calendar day the services work on; tests pin it (None: the real clock).
pinned_today: date | None = None
# A day set for one task (``acting_on``): the demo replays its history as it happened.
_acting_day: ContextVar[date | None] = ContextVar("workforce_acting_day", default=None)


def today() -> date:
    return _acting_day.get() or pinned_today or date.today()  # clock-ok


@contextmanager
def acting_on(day: date) -> Iterator[date]:
    """The services' day is ``day`` inside the block (this task only): the demo issues a past
    order on the day it was issued, so that the rules of that day apply to it."""
    token = _acting_day.set(day)
    try:
        yield day
    finally:
        _acting_day.reset(token)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (2024-08-31 + 18 → 2026-02-28)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def workforce_policy(session: AsyncSession) -> dict[str, Any]:
    """The county's workforce policy numbers (tenant settings over the defaults)."""
    defaults = dict(DEFAULT_POLICY["workforce"])
    tenant_id = session_tenant(session)
    if tenant_id is None:
        return defaults
    tenant = await session.get(Tenant, tenant_id)
    if tenant is not None:
        defaults.update((tenant.settings or {}).get("workforce") or {})
    return defaults


def effective_status(staff: Staff, on: date) -> StaffStatus:
    """The status on a day: probation ends by itself, and so does the notice period."""
    return status_on(staff.status, staff.probation_end, staff.last_day, on)


def status_on(
    status: StaffStatus, probation_end: date | None, last_day: date | None, on: date
) -> StaffStatus:
    """``effective_status`` from the record's columns (for reads that have no ``Staff``)."""
    if status is StaffStatus.PROBATION and probation_end and on > probation_end:
        return StaffStatus.ACTIVE
    if status is StaffStatus.NOTICE_GIVEN and last_day and on > last_day:
        return StaffStatus.LEFT
    return status


async def get_staff(session: AsyncSession, staff_id: uuid.UUID, field: str = "staffId") -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise refuse(field, "NOT_FOUND", "人员不存在")
    return staff


async def lock_staff(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Staff]:
    """Lock these people for the rest of the transaction and (re)load them: taken before any
    check of their status or assignments, so that two changes to one person take turns and the
    second checks what the first committed (one regular post per day, one suspension, ...).

    PostgreSQL: ``SELECT … FOR NO KEY UPDATE`` (what an UPDATE of the row takes: it serializes
    the lockers and every writer of the row, but not the foreign-key checks of rows that merely
    reference the person), in id order so that two orders moving the same people cannot
    deadlock. SQLite has no row locks: a write that changes nothing takes the database's one
    write lock, which is held until the end of the transaction (reads before it ran outside
    the transaction; the people are read again after it)."""
    ids = sorted(set(staff_ids))
    if not ids:
        return {}
    if not is_postgres(session.bind):
        await session.execute(
            update(Staff)
            .where(Staff.id.in_(ids))
            .values(updated_at=Staff.updated_at)
            .execution_options(synchronize_session=False)
        )
    rows = await session.execute(
        select(Staff)
        .where(Staff.id.in_(ids))
        .order_by(Staff.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return {staff.id: staff for staff in rows.scalars()}


async def lock_person(session: AsyncSession, staff_id: uuid.UUID, field: str = "staffId") -> Staff:
    """``get_staff`` under the person's lock (``lock_staff``)."""
    staff = (await lock_staff(session, [staff_id])).get(staff_id)
    if staff is None:
        raise refuse(field, "NOT_FOUND", "人员不存在")
    return staff


async def require_at_county(session: AsyncSession, actor: Actor, obj: str, act: str) -> Site:
    """Checks ``obj:act`` at the county centre (county-wide work); returns the centre."""
    root = await require_county_center(session)
    await require(session, actor, obj, act, root.id, root.official_name)
    return root


async def page_of(
    session: AsyncSession, query: Select, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """One page of ``query`` (ordered by the caller) and how many rows it has in all."""
    total = (
        await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    rows = await session.execute(query.offset(offset).limit(limit))
    return list(rows.scalars()), total


async def grouped_rows(
    session: AsyncSession, key: InstrumentedAttribute, keys: Sequence[Hashable], *order_by: Any
) -> dict[Any, list[Any]]:
    """The rows of ``key``'s table whose ``key`` is one of ``keys``, grouped by it (every key
    present), each group in ``order_by`` order: a batch of parents' children in one query."""
    rows = await session.execute(select(key.class_).where(key.in_(keys)).order_by(*order_by))
    return group_by(keys, rows.scalars(), attrgetter(key.key))
