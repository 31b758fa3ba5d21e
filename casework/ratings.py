"""好差评 and its follow-up ("three 100%", 001 §四(六)1; DOMAIN.md §8).

- ``rate_case``: by the applicant, anonymously, with the case number and the receipt code; five
  levels; only once the result was issued; once per case — the unique key on the case settles
  two racing ratings (one conditional insert: the loser is ALREADY_RATED). The rating names the
  staff member who served the applicant at the rated step: by default who accepted the case
  (policy ``rated_step``: ``ACCEPTED`` or ``ISSUED``).
- A bad rating (不满意, 非常不满意) opens a follow-up: verify (核实) within
  ``rating_verify_working_days`` (3) of the rating, rectify (整改) within
  ``rating_rectify_working_days`` (15) of it, then revisit the applicant (回访) within
  ``rating_revisit_working_days`` (3) of the rectification (or of a finding that the complaint
  was not substantiated, which needs no rectification).
- A substantiated bad rating records rubric item 4.4 against the rated staff member
  (``assessment.events.record_system_event``, idempotent per rating).

Who follows up: ``rating:follow_up`` at the case's site (the county office, the township head,
the sub-centre's department, the station's manager); ``rating:read`` reads the list (and the
supervisors through ``*, read``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.events import record_system_event
from authz.errors import Forbidden
from authz.guard import Actor
from casework.common import clean_text, local_day
from casework.deadlines import county_calendar
from casework.models import (
    BAD_LEVELS,
    CaseStatus,
    FollowUpStatus,
    Rating,
    RatingFollowUp,
    RatingLevel,
)
from casework.policy import casework_policy
from casework.reading import public_case
from casework.scopes import readable_subtrees
from network.access import require
from tenants import audit
from tenants.errors import Collector, refuse
from workforce.personal import PersonalDataCipher

ITEM_BAD_RATING = "4.4"
FINDING_MAX = 2000
APPLICANT = "申请人(凭查询码)"


async def rate_case(
    session: AsyncSession,
    cipher: PersonalDataCipher,
    number: str,
    receipt_code: str,
    level: RatingLevel,
    comment: str | None,
    now: datetime,
) -> Rating:
    """好差评 by the applicant (no login: the receipt code is the proof)."""
    errors = Collector()
    text = clean_text(errors, "comment", comment, "评价内容")
    errors.raise_if_any()
    found = await public_case(session, cipher, number, receipt_code)
    if found is None:
        raise refuse("receiptCode", "NOT_FOUND", "办件编号或查询码不正确")
    if found.status is not CaseStatus.ISSUED:
        raise refuse("number", "NOT_ISSUED", "办件出件后才能评价")
    policy = await casework_policy(session)
    served = found.issued_by_id if policy.get("rated_step") == "ISSUED" else None
    today = local_day(now)
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "tenant_id": found.tenant_id,
        "case_id": found.id,
        "site_id": found.site_id,
        "staff_id": served or found.accepted_by_id,
        "level": level,
        "bad": level in BAD_LEVELS,
        "comment": text,
        "rated_at": now,
        "rated_on": today,
    }
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    inserted = await session.execute(
        insert(Rating)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["case_id"])
        .returning(Rating.id)
    )
    if inserted.scalar_one_or_none() is None:
        raise refuse("number", "ALREADY_RATED", "该办件已评价过,每件只能评价一次")
    rating = await session.get(Rating, values["id"])
    assert rating is not None
    if rating.bad:
        calendar = await county_calendar(session)
        session.add(
            RatingFollowUp(
                id=uuid.uuid4(),
                rating_id=rating.id,
                case_id=found.id,
                site_id=found.site_id,
                staff_id=rating.staff_id,
                status=FollowUpStatus.VERIFYING,
                opened_on=today,
                verify_due=calendar.add_working_days(
                    today, int(policy["rating_verify_working_days"])
                ),
                rectify_due=calendar.add_working_days(
                    today, int(policy["rating_rectify_working_days"])
                ),
            )
        )
    audit.record(
        session, APPLICANT, "case.rate", "Case", found.id, {"level": level.value, "bad": rating.bad}
    )
    return rating


def current_due(follow_up: RatingFollowUp) -> date | None:
    """The due date of the step the follow-up waits for (none once closed)."""
    return {
        FollowUpStatus.VERIFYING: follow_up.verify_due,
        FollowUpStatus.RECTIFYING: follow_up.rectify_due,
        FollowUpStatus.REVISITING: follow_up.revisit_due,
    }.get(follow_up.status)


async def _follow_up(
    session: AsyncSession, actor: Actor, follow_up_id: uuid.UUID
) -> RatingFollowUp:
    follow_up = await session.get(RatingFollowUp, follow_up_id)
    if follow_up is None:
        raise refuse("followUpId", "NOT_FOUND", "差评整改记录不存在")
    await require(session, actor, "rating", "follow_up", follow_up.site_id)
    return follow_up


async def _advance(
    session: AsyncSession,
    follow_up: RatingFollowUp,
    expected: FollowUpStatus,
    values: dict[str, Any],
) -> None:
    """One conditional UPDATE: of two racing steps only one moves the follow-up on."""
    labels = {
        FollowUpStatus.VERIFYING: "待核实",
        FollowUpStatus.RECTIFYING: "待整改",
        FollowUpStatus.REVISITING: "待回访",
        FollowUpStatus.CLOSED: "已办结",
    }
    if follow_up.status is not expected:
        raise refuse(
            "followUpId",
            "INVALID_STATUS",
            f"该差评{labels[follow_up.status]},不在{labels[expected]}环节",
        )
    changed = await session.execute(
        update(RatingFollowUp)
        .where(RatingFollowUp.id == follow_up.id, RatingFollowUp.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise refuse("followUpId", "STATUS_CHANGED", "差评整改已被他人处理,请刷新后重试")
    await session.refresh(follow_up)


def _required_text(errors: Collector, field: str, value: str | None, label: str) -> str | None:
    text = (value or "").strip() or None
    if text is None:
        errors.add(field, "REQUIRED", f"请填写{label}")
    elif len(text) > FINDING_MAX:
        errors.add(field, "TOO_LONG", f"{label}不能超过 {FINDING_MAX} 个字符")
    return text


async def verify_rating(
    session: AsyncSession,
    actor: Actor,
    follow_up_id: uuid.UUID,
    substantiated: bool,
    finding: str | None,
    now: datetime,
) -> RatingFollowUp:
    """核实: substantiated → rectify (and item 4.4); not substantiated → revisit to explain."""
    follow_up = await _follow_up(session, actor, follow_up_id)
    errors = Collector()
    text = _required_text(errors, "finding", finding, "核实情况")
    errors.raise_if_any()
    today = local_day(now)
    values: dict[str, Any] = {
        "substantiated": substantiated,
        "finding": text,
        "verified_on": today,
        "verified_by": actor.label,
    }
    if substantiated:
        values["status"] = FollowUpStatus.RECTIFYING
    else:
        policy = await casework_policy(session)
        calendar = await county_calendar(session)
        values["status"] = FollowUpStatus.REVISITING
        values["revisit_due"] = calendar.add_working_days(
            today, int(policy["rating_revisit_working_days"])
        )
    await _advance(session, follow_up, FollowUpStatus.VERIFYING, values)
    if substantiated:
        rating = await session.get(Rating, follow_up.rating_id)
        assert rating is not None
        await record_system_event(
            session,
            tenant_id=follow_up.tenant_id,
            staff_id=follow_up.staff_id,
            item_code=ITEM_BAD_RATING,
            occurred_on=rating.rated_on,
            source_kind="RATING",
            source_id=rating.id,
            note=text,
        )
    audit.record(
        session,
        actor.label,
        "rating.verify",
        "RatingFollowUp",
        follow_up.id,
        {"substantiated": substantiated},
        text,
    )
    return follow_up


async def rectify_rating(
    session: AsyncSession,
    actor: Actor,
    follow_up_id: uuid.UUID,
    measures: str | None,
    now: datetime,
) -> RatingFollowUp:
    """整改: the measures taken; then the applicant is revisited."""
    follow_up = await _follow_up(session, actor, follow_up_id)
    errors = Collector()
    text = _required_text(errors, "measures", measures, "整改措施")
    errors.raise_if_any()
    today = local_day(now)
    policy = await casework_policy(session)
    calendar = await county_calendar(session)
    await _advance(
        session,
        follow_up,
        FollowUpStatus.RECTIFYING,
        {
            "status": FollowUpStatus.REVISITING,
            "measures": text,
            "rectified_on": today,
            "rectified_by": actor.label,
            "revisit_due": calendar.add_working_days(
                today, int(policy["rating_revisit_working_days"])
            ),
        },
    )
    audit.record(session, actor.label, "rating.rectify", "RatingFollowUp", follow_up.id, None, text)
    return follow_up


async def revisit_rating(
    session: AsyncSession,
    actor: Actor,
    follow_up_id: uuid.UUID,
    applicant_satisfied: bool,
    note: str | None,
    now: datetime,
) -> RatingFollowUp:
    """回访: the applicant was asked again; the follow-up is closed."""
    follow_up = await _follow_up(session, actor, follow_up_id)
    errors = Collector()
    text = _required_text(errors, "note", note, "回访情况")
    errors.raise_if_any()
    await _advance(
        session,
        follow_up,
        FollowUpStatus.REVISITING,
        {
            "status": FollowUpStatus.CLOSED,
            "applicant_satisfied": applicant_satisfied,
            "revisit_note": text,
            "revisited_on": local_day(now),
            "revisited_by": actor.label,
        },
    )
    audit.record(
        session,
        actor.label,
        "rating.revisit",
        "RatingFollowUp",
        follow_up.id,
        {"applicantSatisfied": applicant_satisfied},
        text,
    )
    return follow_up


async def list_follow_ups(
    session: AsyncSession,
    actor: Actor,
    status: FollowUpStatus | None,
    *,
    offset: int,
    limit: int,
) -> tuple[list[RatingFollowUp], int]:
    """The follow-ups of the sites the caller reads ratings of, earliest due first."""
    within = await readable_subtrees(session, actor, "rating", "read")
    if within is None:
        raise Forbidden("rating:read", f"tenant:{actor.tenant_id}", "本县")
    condition = RatingFollowUp.site_id.in_(within)
    if status is not None:
        condition = and_(condition, RatingFollowUp.status == status)
    total = (
        await session.execute(select(func.count()).select_from(RatingFollowUp).where(condition))
    ).scalar_one()
    due = case(
        (RatingFollowUp.status == FollowUpStatus.VERIFYING, RatingFollowUp.verify_due),
        (RatingFollowUp.status == FollowUpStatus.RECTIFYING, RatingFollowUp.rectify_due),
        else_=RatingFollowUp.revisit_due,
    )
    rows = await session.execute(
        select(RatingFollowUp)
        .where(condition)
        .order_by(
            (RatingFollowUp.status == FollowUpStatus.CLOSED),
            due,
            RatingFollowUp.opened_on,
            RatingFollowUp.id,
        )
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total


async def readable_follow_up(
    session: AsyncSession, actor: Actor, follow_up_id: uuid.UUID
) -> RatingFollowUp | None:
    follow_up = await session.get(RatingFollowUp, follow_up_id)
    if follow_up is not None:
        await require(session, actor, "rating", "read", follow_up.site_id)
    return follow_up


async def ratings_of(session: AsyncSession, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, Rating]:
    rows = await session.execute(select(Rating).where(Rating.case_id.in_(case_ids)))
    return {r.case_id: r for r in rows.scalars()}


async def rated(session: AsyncSession, case_id: uuid.UUID) -> bool:
    found = await session.execute(select(Rating.id).where(Rating.case_id == case_id))
    return found.first() is not None
