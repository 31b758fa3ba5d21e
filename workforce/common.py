"""Helpers shared by the workforce services: policy numbers, dates, lookups."""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tenants.context import session_tenant
from tenants.errors import Collector, refuse
from tenants.models import Tenant
from tenants.policy import DEFAULT_POLICY
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
        from authz.errors import BadRequest

        raise BadRequest(f"参数 {argument} 应在 {DATE_MIN.year}–{DATE_MAX.year} 年之间")


# The calendar day the services work on; tests pin it (None: the real clock).
pinned_today: date | None = None


def today() -> date:
    return pinned_today or date.today()


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
    if staff.status is StaffStatus.PROBATION and staff.probation_end and on > staff.probation_end:
        return StaffStatus.ACTIVE
    if staff.status is StaffStatus.NOTICE_GIVEN and staff.last_day and on > staff.last_day:
        return StaffStatus.LEFT
    return staff.status


async def get_staff(session: AsyncSession, staff_id: uuid.UUID, field: str = "staffId") -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise refuse(field, "NOT_FOUND", "人员不存在")
    return staff
