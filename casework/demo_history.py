"""Demo history for 涟水县: a year of issued cases at the county centre's 商事登记区, with their
steps, ratings (mostly good; a few bad, their follow-ups at every stage) and 办不成事
complaints — generated deterministically (a seeded ``random.Random``) and written with bulk
inserts (one statement per table), so that ``onewindow demo`` stays fast.

The cases are older than the demo's live ones (from 40 working days back), numbered from 0001
on their days with the day's sequence row written alongside, so that later intakes continue
the numbering. Substantiated bad ratings and complaints record their rubric items
(``assessment.events``) as the live rules do.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from assessment.events import record_system_event
from casework.calendar import CHINA
from casework.common import CHINA_TZ
from casework.complaints import ITEM_COMPLAINT
from casework.models import (
    BAD_LEVELS,
    ApplicantKind,
    Case,
    CaseEvent,
    CaseSequence,
    CaseStatus,
    Channel,
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
    Delivery,
    EventKind,
    FollowUpStatus,
    Rating,
    RatingFollowUp,
    RatingLevel,
    Route,
)
from casework.ratings import ITEM_BAD_RATING
from catalog.models import HandlingKind
from workforce.personal import PersonalDataCipher

NAMES = ("陈建国", "刘芳", "周海燕", "吴志强", "孙丽", "郑晓东", "王秀英", "赵磊")
HISTORY_CASES = 240
OLDEST = 300  # working days back
NEWEST = 40
LEVELS = (
    (RatingLevel.VERY_SATISFIED, 70),
    (RatingLevel.SATISFIED, 18),
    (RatingLevel.BASICALLY_SATISFIED, 6),
    (RatingLevel.DISSATISFIED, 4),
    (RatingLevel.VERY_DISSATISFIED, 2),
)
COMPLAINTS = (
    ("营业执照变更跑了两次仍未办成,窗口说系统不支持", True),
    ("材料清单与窗口要求不一致", True),
    ("预约后到窗口仍需排队一小时", False),
    ("社保转移接续无法在县里办理", False),
    ("不动产登记需要的证明开不出来", False),
    ("个体户注销要求提供的材料过多", False),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA_TZ)


def _working_days(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        day -= timedelta(days=1)
        if CHINA.is_working_day(day):
            days.append(day)
    return days


async def load_history(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    county_code: str,
    root_id: uuid.UUID,
    window_id: uuid.UUID,
    issue_window_id: uuid.UUID,
    entries: list[dict[str, Any]],
    department_id: uuid.UUID,
    clerk_id: uuid.UUID,
    approver_id: uuid.UUID,
    issuer_id: uuid.UUID,
    manager_id: uuid.UUID,
    cipher: PersonalDataCipher,
    today: date,
) -> None:
    if not entries:
        return
    rng = random.Random(f"casework-history:{county_code}")
    days = _working_days(today, OLDEST)[NEWEST:]
    picked = sorted(rng.choice(days) for _ in range(HISTORY_CASES))
    per_day: Counter[date] = Counter()
    cases, events, ratings, follow_ups, substantiated = [], [], [], [], []
    phones = [f"139{rng.randrange(10**8):08d}" for _ in range(8)]
    bodies = [f"320826{1980 + i}0101{100 + i:03d}" for i in range(8)]
    numbers = [b + ric.calc_check_digit(b + "0") for b in bodies]
    id_ciphers = [
        (cipher.encrypt(n), cipher.lookup_hash(n), n[:6] + "********" + n[-4:]) for n in numbers
    ]
    phone_ciphers = [(cipher.encrypt(p), p[:3] + "****" + p[-4:]) for p in phones]
    for index, day in enumerate(picked):
        per_day[day] += 1
        entry = entries[index % len(entries)]
        limit = int(entry["promisedLimitDays"] or 0)
        due = CHINA.add_working_days(day, limit)
        late = rng.random() < 0.04
        decided_on = (
            CHINA.add_working_days(due, 2)
            if late
            else CHINA.add_working_days(day, max(1, limit // 2))
        )
        case_id = uuid.uuid4()
        person = index % len(numbers)
        accepted_at, decided_at = _at(day, 9 + index % 7, index % 60), _at(decided_on, 15)
        issued_at = _at(decided_on, 16)
        cases.append(
            {
                "id": case_id,
                "tenant_id": tenant_id,
                "number": f"{county_code}-{day:%Y%m%d}-{per_day[day]:04d}",
                "receipt_hash": cipher.lookup_hash(f"HISTORY{index:05d}"),
                "site_id": root_id,
                "window_id": window_id,
                "matter_code": entry["code"],
                "matter_name": entry["name"],
                "department_id": department_id,
                "handling_kind": HandlingKind.PROMISED,
                "limit_days": limit,
                "channel": Channel.COUNTER,
                "received": [m["name"] for m in entry["materials"] if m["required"]],
                "deferred": [],
                "commitment": False,
                "committed": [],
                "supplement_items": [],
                "first_receiver_id": clerk_id,
                "status": CaseStatus.ISSUED,
                "accepted_at": accepted_at,
                "accepted_on": day,
                "accepted_by_id": clerk_id,
                "route": Route.DEPARTMENT,
                "processing_site_id": root_id,
                "clock_started_on": day,
                "days_used": CHINA.working_days_between(day, decided_on),
                "due_date": due,
                "decided_at": decided_at,
                "decided_on": decided_on,
                "decided_by_id": approver_id,
                "opinion": "符合条件,准予",
                "issued_at": issued_at,
                "issued_by_id": issuer_id,
                "issue_window_id": issue_window_id,
                "delivery": Delivery.COUNTER,
                "applicant_kind": ApplicantKind.PERSON,
                "applicant_name": NAMES[person],
                "applicant_id_cipher": id_ciphers[person][0],
                "applicant_id_hash": id_ciphers[person][1],
                "applicant_id_masked": id_ciphers[person][2],
                "applicant_phone_cipher": phone_ciphers[person][0],
                "applicant_phone_masked": phone_ciphers[person][1],
                "created_at": accepted_at,
                "updated_at": issued_at,
            }
        )
        for step, (at, kind, before, after, actor) in enumerate(
            (
                (accepted_at, EventKind.ACCEPTED, None, CaseStatus.ACCEPTED, clerk_id),
                (
                    decided_at,
                    EventKind.APPROVED,
                    CaseStatus.ACCEPTED,
                    CaseStatus.APPROVED,
                    approver_id,
                ),
                (issued_at, EventKind.ISSUED, CaseStatus.APPROVED, CaseStatus.ISSUED, issuer_id),
            ),
            start=1,
        ):
            events.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": tenant_id,
                    "case_id": case_id,
                    "step": step,
                    "at": at,
                    "kind": kind,
                    "from_status": before,
                    "to_status": after,
                    "actor_staff_id": actor,
                    "actor_label": "历史数据导入",
                }
            )
        if rng.random() < 0.9:
            level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
            rated_on = decided_on + timedelta(days=rng.randint(0, 3))
            ratings.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": tenant_id,
                    "case_id": case_id,
                    "site_id": root_id,
                    "staff_id": clerk_id,
                    "level": level,
                    "bad": level in BAD_LEVELS,
                    "comment": "态度不好,等候时间长" if level in BAD_LEVELS else None,
                    "rated_at": _at(rated_on, 17),
                    "rated_on": rated_on,
                }
            )
    bad = [r for r in ratings if r["bad"]]
    stages = [FollowUpStatus.VERIFYING, FollowUpStatus.RECTIFYING, FollowUpStatus.REVISITING]
    for position, rating in enumerate(reversed(bad)):  # the newest ones are still open
        status = stages[position] if position < len(stages) else FollowUpStatus.CLOSED
        rated_on = rating["rated_on"]
        verified = status is not FollowUpStatus.VERIFYING
        proved = (verified and position % 2 == 1) or status is FollowUpStatus.RECTIFYING
        rectified = proved and status in (FollowUpStatus.REVISITING, FollowUpStatus.CLOSED)
        follow_ups.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "rating_id": rating["id"],
                "case_id": rating["case_id"],
                "site_id": root_id,
                "staff_id": clerk_id,
                "status": status,
                "opened_on": rated_on,
                "verify_due": CHINA.add_working_days(rated_on, 3),
                "rectify_due": CHINA.add_working_days(rated_on, 15),
                "revisit_due": CHINA.add_working_days(rated_on, 18) if verified else None,
                "substantiated": proved if verified else None,
                "finding": ("经核实属实" if proved else "经核实系误解,已解释")
                if verified
                else None,
                "verified_on": CHINA.add_working_days(rated_on, 2) if verified else None,
                "verified_by": "县中心值班主任" if verified else None,
                "measures": "批评教育并组织礼仪培训" if rectified else None,
                "rectified_on": CHINA.add_working_days(rated_on, 10) if rectified else None,
                "rectified_by": "县中心值班主任" if rectified else None,
                "applicant_satisfied": True if status is FollowUpStatus.CLOSED else None,
                "revisit_note": "电话回访,表示满意" if status is FollowUpStatus.CLOSED else None,
                "revisited_on": (
                    CHINA.add_working_days(rated_on, 12)
                    if status is FollowUpStatus.CLOSED
                    else None
                ),
                "revisited_by": "县中心值班主任" if status is FollowUpStatus.CLOSED else None,
                "created_at": _at(rated_on, 17),
                "updated_at": _at(rated_on, 17),
            }
        )
        if proved:
            substantiated.append(("RATING", rating["id"], ITEM_BAD_RATING, rated_on))
    complaints = []
    complaint_days: Counter[date] = Counter()
    for index, (text, proved) in enumerate(COMPLAINTS):
        day = days[NEWEST // 4 + index * 17]
        complaint_days[day] += 1
        resolved = index >= 2  # the two newest are still being tracked
        complaint_id = uuid.uuid4()
        complaints.append(
            {
                "id": complaint_id,
                "tenant_id": tenant_id,
                "number": f"{county_code}-B{day:%Y%m%d}-{complaint_days[day]:04d}",
                "site_id": root_id,
                "channel": ComplaintChannel.WINDOW if index % 2 else ComplaintChannel.APP,
                "description": text,
                "contact_phone_cipher": phone_ciphers[index % len(phones)][0],
                "contact_phone_masked": phone_ciphers[index % len(phones)][1],
                "tracker_id": manager_id,
                "status": ComplaintStatus.RESOLVED if resolved else ComplaintStatus.TRACKING,
                "reported_at": _at(day, 11),
                "reported_on": day,
                "reported_by": "历史数据导入",
                "outcome": ("已协调办结,向申请人说明" if resolved else None),
                "substantiated": proved if resolved else None,
                "staff_at_fault_id": clerk_id if resolved and proved else None,
                "resolved_at": _at(CHINA.add_working_days(day, 3), 16) if resolved else None,
                "resolved_by": "县中心值班主任" if resolved else None,
                "created_at": _at(day, 11),
                "updated_at": _at(day, 11),
            }
        )
        if resolved and proved:
            substantiated.append(("COMPLAINT", complaint_id, ITEM_COMPLAINT, day))
    sequences = [
        {"id": uuid.uuid4(), "tenant_id": tenant_id, "kind": "case", "day": d, "last": n}
        for d, n in per_day.items()
    ] + [
        {"id": uuid.uuid4(), "tenant_id": tenant_id, "kind": "complaint", "day": d, "last": n}
        for d, n in complaint_days.items()
    ]
    for model, rows in (
        (CaseSequence, sequences),
        (Case, cases),
        (CaseEvent, events),
        (Rating, ratings),
        (RatingFollowUp, follow_ups),
        (Complaint, complaints),
    ):
        if rows:
            await session.execute(insert(model), rows)
    for kind, source_id, item, day in substantiated:
        await record_system_event(
            session,
            tenant_id=tenant_id,
            staff_id=clerk_id,
            item_code=item,
            occurred_on=day,
            source_kind=kind,
            source_id=source_id,
            note="历史数据导入",
        )
