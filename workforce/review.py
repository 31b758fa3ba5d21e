"""待审查名单 (review list): the people the documents say the employer should dismiss or
remove from window work (001 §四(四)1) — 年度考核不合格, 入职后 2 年内未通过五级考试, 不能胜任且拒绝
合理调整, 多次旷工 — gathered from every domain that knows one of them.

Each trigger is a function registered by code (``register_trigger``): given a session and the
day, it answers the people it flags with a short Chinese detail and the day the trigger was
reached. Workforce registers CERTIFICATE_DEADLINE_MISSED (no LEVEL_5 within the county's
``certificate_deadline_months`` of the hire date — also when one came later: the fact stays);
a higher domain registers its own at composition (assessment: ANNUAL_FAIL from the annual
grades, REPEATED_ABSENCE from its 旷工 events). The list shows people still in the pool; acting
on it is ``workforce.separation`` (dismiss, remove from window), never automatic.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from workforce.certificates import deadline_fact, first_certified
from workforce.common import (
    effective_status,
    require_at_county,
    require_date_in_range,
    today,
    workforce_policy,
)
from workforce.models import Staff, StaffStatus


@dataclass(frozen=True)
class Flag:
    """One trigger reached by one person."""

    code: str
    detail: str
    since: date | None = None


Trigger = Callable[[AsyncSession, date], Awaitable[dict[uuid.UUID, Flag]]]


@dataclass(frozen=True)
class TriggerInfo:
    code: str
    label: str
    find: Trigger


@dataclass
class ReviewEntry:
    staff: Staff
    flags: list[Flag] = field(default_factory=list)


_triggers: dict[str, TriggerInfo] = {}


def register_trigger(code: str, label: str, find: Trigger) -> None:
    """Add (or replace, by code) a dismissal trigger; ``label`` is its Chinese name."""
    _triggers[code] = TriggerInfo(code, label, find)


def triggers() -> list[TriggerInfo]:
    return list(_triggers.values())


async def certificate_deadline_missed(session: AsyncSession, on: date) -> dict[uuid.UUID, Flag]:
    months = int((await workforce_policy(session))["certificate_deadline_months"])
    first = await first_certified(session)
    found: dict[uuid.UUID, Flag] = {}
    for person in (await session.execute(select(Staff))).scalars():
        fact = deadline_fact(person, first.get(person.id), on, months)
        if not fact.missed:
            continue
        if fact.certified_on is None:
            detail = f"入职满 {months} 个月({fact.deadline})仍未取得五级证书"
        else:
            detail = (
                f"五级证书于 {fact.certified_on} 取得,晚于入职 {months} 个月的期限 {fact.deadline}"
            )
        found[person.id] = Flag("CERTIFICATE_DEADLINE_MISSED", detail, fact.deadline)
    return found


register_trigger(
    "CERTIFICATE_DEADLINE_MISSED", "入职后 2 年内未取得五级证书", certificate_deadline_missed
)


async def review_list(
    session: AsyncSession, actor: Actor, on: date | None = None
) -> list[ReviewEntry]:
    """Everyone in the pool on ``on`` (default today) that a trigger flags, by name; county-wide
    (``staff:read`` at the county centre)."""
    await require_at_county(session, actor, "staff", "read")
    require_date_in_range(on, "on")
    on = on or today()
    flagged: dict[uuid.UUID, list[Flag]] = {}
    for trigger in triggers():
        for staff_id, flag in (await trigger.find(session, on)).items():
            flagged.setdefault(staff_id, []).append(flag)
    if not flagged:
        return []
    people = (await session.execute(select(Staff).where(Staff.id.in_(list(flagged))))).scalars()
    entries = [
        ReviewEntry(person, sorted(flagged[person.id], key=lambda f: f.code))
        for person in people
        if effective_status(person, on) is not StaffStatus.LEFT and person.separation is None
    ]
    entries.sort(key=lambda e: (e.staff.name, str(e.staff.id)))
    return entries


async def review_page(
    session: AsyncSession, actor: Actor, *, on: date | None = None, offset: int, limit: int
) -> tuple[list[ReviewEntry], int]:
    found = await review_list(session, actor, on)
    return found[offset : offset + limit], len(found)
