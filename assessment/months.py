"""Months as the API names them ("2026-11") and the county-level checks of the assessment."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest
from authz.guard import Actor
from network.models import Site
from tenants.errors import refuse
from workforce.common import require_at_county

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _parse(value: str) -> date | None:
    found = MONTH_RE.match(value or "")
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not (1950 <= year <= 2099 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def input_month(value: str, field: str = "month") -> date:
    """A month in a mutation's input; a bad one is a user error."""
    parsed = _parse(value)
    if parsed is None:
        raise refuse(field, "INVALID_MONTH", "月份格式应为 YYYY-MM")
    return parsed


def query_month(value: str, argument: str = "month") -> date:
    """A month given as a query argument; a bad one is a GraphQL error."""
    parsed = _parse(value)
    if parsed is None:
        raise BadRequest(f"参数 {argument} 应为 YYYY-MM 格式的月份", "BAD_REQUEST")
    return parsed


def check_year(value: int, field: str | None = "year", query: bool = False) -> int:
    if not 1950 <= value <= 2099:
        if query:
            raise BadRequest("年份应在 1950–2099 之间", "BAD_REQUEST")
        raise refuse(field, "INVALID_YEAR", "年份应在 1950–2099 之间")
    return value


def label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


async def require_county(session: AsyncSession, actor: Actor, act: str) -> Site:
    """``assessment:<act>`` at the county centre: the county office's own work (closing,
    adjusting, publishing a month; closing a year)."""
    return await require_at_county(session, actor, "assessment", act)
