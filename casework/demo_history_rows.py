"""The rows of the demo history (``casework.demo_history``): cases with their steps, ratings
with their follow-ups, 办不成事 complaints and the days' sequence rows, built as plain dicts in
Python (no ORM object, no query) for one bulk insert per table."""

from __future__ import annotations

import bisect
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from stdnum.cn import ric

from casework.calendar import CHINA
from casework.common import CHINA_TZ
from casework.complaints import ITEM_COMPLAINT
from casework.models import (
    BAD_LEVELS,
    ApplicantKind,
    CaseStatus,
    Channel,
    ComplaintChannel,
    ComplaintStatus,
    Delivery,
    EventKind,
    FollowUpStatus,
    RatingLevel,
    Route,
)
from casework.ratings import ITEM_BAD_RATING
from catalog.models import Department, HandlingKind
from network.models import Site, SiteLevel
from workforce.personal import PersonalDataCipher

LABEL = "历史数据导入"
LIVE_WORKING_DAYS = 30  # the live demo's period: no history case is accepted in it

# Shares of promised cases (the rest are approved on time).
SUPPLEMENT = 0.07
REFUSED = 0.02
WITHDRAWN = 0.01
LATE = 0.03
MAILED = 0.15  # results mailed free of charge (002 §四(五)), county centre and sub-centres
RATED = 0.8
LEVELS = (
    (RatingLevel.VERY_SATISFIED, 780),
    (RatingLevel.SATISFIED, 160),
    (RatingLevel.BASICALLY_SATISFIED, 50),
    (RatingLevel.DISSATISFIED, 8),
    (RatingLevel.VERY_DISSATISFIED, 2),
)
OPEN_PER_STAGE = 2  # the newest bad ratings still being verified / rectified / revisited
CASES_PER_COMPLAINT = 250  # of the sampled cases: the smaller sites have none
COMPLAINTS = (
    ("营业执照变更跑了两次仍未办成,窗口说系统不支持", True),
    ("材料清单与窗口要求不一致", True),
    ("预约后到窗口仍需排队一小时", False),
    ("社保转移接续无法在县里办理", False),
    ("不动产登记需要的证明开不出来", False),
    ("个体户注销要求提供的材料过多", False),
    ("窗口工作人员午休时间提前离岗", True),
    ("同一事项乡镇和县里要求的材料不一样", False),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红玲芬燕彬鹏辉"
APPLICANTS = 240  # distinct applicants (their numbers are encrypted once each)
SUPPLEMENT_ITEMS = ("身份证明复印件", "经营场所使用证明原件", "申请表签字页", "委托书原件")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of a day in China, in UTC: SQLite keeps a timestamp's text as given, and the
    readers (``casework.counts``' days among them) take that text as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA_TZ).astimezone(UTC)


def _day_of(instant: datetime) -> date:
    return instant.astimezone(CHINA_TZ).date()


class Days:
    """China's working days around the history, indexed (the calendar's rules, precomputed:
    thousands of cases each count days)."""

    def __init__(self, first: date, last: date) -> None:
        self.days: list[date] = []
        day = first
        while day <= last:
            if CHINA.is_working_day(day):
                self.days.append(day)
            day += timedelta(days=1)
        self.index = {d: i for i, d in enumerate(self.days)}

    def add(self, day: date, count: int) -> date:
        return self.days[self.index[day] + count]

    def between(self, start: date, end: date) -> int:
        return max(self.index[end] - self.index[start], 0)


@dataclass
class Place:
    """One site taking history cases: its windows, its people and its catalog."""

    site: Site
    cases: int
    front: list[tuple[uuid.UUID, date, date | None]]  # (staff, from, until)
    issue_windows: list[uuid.UUID]
    windows: dict[str | None, list[uuid.UUID]]  # by area (None: the site's own windows)
    entries: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)  # cumulative, for ``random.choices``
    _people: dict[date, list[uuid.UUID]] = field(default_factory=dict)

    def people_on(self, day: date) -> list[uuid.UUID]:
        found = self._people.get(day)
        if found is None:
            found = self._people[day] = [
                s for s, start, end in self.front if start <= day and (end is None or end >= day)
            ]
        return found


def applicants(cipher: PersonalDataCipher, rng: random.Random) -> list[dict[str, Any]]:
    people = []
    for index in range(APPLICANTS):
        birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))
        body = f"320826{birth:%Y%m%d}{index:03d}"
        number = body + ric.calc_check_digit(body + "0")
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        people.append(
            {
                "applicant_kind": ApplicantKind.PERSON,
                "applicant_name": name,
                "applicant_id_cipher": cipher.encrypt(number),
                "applicant_id_hash": cipher.lookup_hash(number),
                "applicant_id_masked": number[:6] + "********" + number[-4:],
                "applicant_phone_cipher": cipher.encrypt(phone),
                "applicant_phone_masked": phone[:3] + "****" + phone[-4:],
            }
        )
    return people


@dataclass
class Built:
    cases: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    sequences: list[dict[str, Any]] = field(default_factory=list)
    substantiated: list[tuple[str, uuid.UUID, str, date, uuid.UUID]] = field(default_factory=list)


def _step(
    built: Built,
    case: dict[str, Any],
    step: int,
    at: datetime,
    kind: EventKind,
    before: CaseStatus | None,
    after: CaseStatus,
    actor: uuid.UUID,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    built.events.append(
        {
            "id": uuid.uuid4(),
            "case_id": case["id"],
            "step": step,
            "at": at,
            "kind": kind,
            "from_status": before,
            "to_status": after,
            "actor_staff_id": actor,
            "actor_label": LABEL,
            "note": note,
            "detail": detail,
        }
    )
    return step + 1


def cases_of(
    place: Place,
    built: Built,
    rng: random.Random,
    cal: Days,
    days: list[date],
    back: list[date],
    departments: dict[str, Department],
    approver_of_department: dict[uuid.UUID, uuid.UUID],
    approver_of_site: dict[uuid.UUID, uuid.UUID],
    applicants: list[dict[str, Any]],
    cipher: PersonalDataCipher,
) -> None:
    if not place.entries:
        return
    site = place.site
    township = site.level is SiteLevel.TOWNSHIP_CENTER
    by_name = departments
    made = 0
    attempts = 0
    while made < place.cases and attempts < place.cases * 3:
        attempts += 1
        entry, area = rng.choices(place.entries, cum_weights=place.weights)[0]
        immediate = entry["handlingKind"] == "IMMEDIATE"
        limit = 0 if immediate else max(int(entry["promisedLimitDays"] or 0), 1)
        # Accepted early enough to be finished (issued) before the live period.
        latest = back[max(LIVE_WORKING_DAYS, limit + 15)]
        usable = bisect.bisect_right(days, latest)
        if usable == 0:
            continue
        day = days[rng.randrange(usable)]
        people = place.people_on(day)
        if len(people) < 2:
            continue
        clerk = rng.choice(people)
        department = by_name[entry["departmentName"]]
        if township and entry["processedHere"]:  # casework.routing's rule
            route, processing, approver = Route.SITE, site.id, approver_of_site[site.id]
        else:
            route = Route.DEPARTMENT
            processing = department.site_id
            approver = approver_of_department[department.id]
        made += 1
        accepted_at = _at(day, rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16)), rng.randrange(60))
        online = entry["online"] and not township and rng.random() < 0.08
        case_id = uuid.uuid4()
        case: dict[str, Any] = {
            "id": case_id,
            "receipt_hash": cipher.lookup_hash(f"H{case_id.hex}"),
            "site_id": site.id,
            "window_id": rng.choice(place.windows[area]),
            "matter_code": entry["code"],
            "matter_name": entry["name"],
            "department_id": department.id,
            "handling_kind": HandlingKind.IMMEDIATE if immediate else HandlingKind.PROMISED,
            "limit_days": limit,
            "channel": Channel.ONLINE if online else Channel.COUNTER,
            "received": [m["name"] for m in entry["materials"] if m["required"]],
            "deferred": [],
            "deferred_due": None,
            "commitment": False,
            "committed": [],
            "note": None,
            "appointment_id": None,
            "notice_id": None,
            "first_receiver_id": clerk,
            "accepted_at": accepted_at,
            "accepted_on": day,
            "accepted_by_id": clerk,
            "route": route,
            "processing_site_id": processing,
            "clock_started_on": day,
            "days_used": 0,
            "stopped_on": None,
            "due_date": cal.add(day, limit),
            "supplement_items": [],
            "decided_at": None,
            "decided_on": None,
            "decided_by_id": None,
            "opinion": None,
            "result_title": None,
            "issued_at": None,
            "issued_by_id": None,
            "issue_window_id": None,
            "delivery": None,
            "tracking_number": None,
            "withdrawn_at": None,
            "withdraw_reason": None,
            "created_at": accepted_at,
            **rng.choice(applicants),
        }
        built.cases.append(case)
        step = _step(
            built, case, 1, accepted_at, EventKind.ACCEPTED, None, CaseStatus.ACCEPTED, clerk
        )
        roll = rng.random()
        if not immediate and roll < WITHDRAWN:
            at = _at(cal.add(day, rng.randint(0, max(limit // 2, 1))), 16, rng.randrange(60))
            reason = "申请人主动撤回"
            case.update(
                status=CaseStatus.WITHDRAWN, withdrawn_at=at, withdraw_reason=reason, updated_at=at
            )
            _step(
                built,
                case,
                step,
                at,
                EventKind.WITHDRAWN,
                CaseStatus.ACCEPTED,
                CaseStatus.WITHDRAWN,
                clerk,
                reason,
            )
            continue
        started, used = day, 0
        if not immediate and roll < WITHDRAWN + SUPPLEMENT and limit >= 2:
            used = rng.randint(1, limit - 1)
            stopped = cal.add(day, used)
            items = [rng.choice(SUPPLEMENT_ITEMS)]
            step = _step(
                built,
                case,
                step,
                _at(stopped, 11, rng.randrange(60)),
                EventKind.SUPPLEMENT_REQUESTED,
                CaseStatus.ACCEPTED,
                CaseStatus.AWAITING_SUPPLEMENT,
                approver,
                "请补正材料",
                {"items": items, "daysUsed": used},
            )
            started = cal.add(stopped, rng.randint(1, 5))
            step = _step(
                built,
                case,
                step,
                _at(started, 10, rng.randrange(60)),
                EventKind.SUPPLEMENT_RECEIVED,
                CaseStatus.AWAITING_SUPPLEMENT,
                CaseStatus.ACCEPTED,
                clerk,
            )
            case.update(
                supplement_items=items,
                clock_started_on=started,
                due_date=cal.add(started, limit - used),
            )
        refused = roll > 1 - (REFUSED / 4 if immediate else REFUSED)
        if immediate:
            decided_on, decided_at = day, accepted_at + timedelta(minutes=rng.randint(5, 40))
        else:
            if rng.random() < LATE:
                decided_on = cal.add(case["due_date"], rng.randint(1, 3))
            else:
                decided_on = cal.add(started, rng.randint(1, max(limit - used, 1)))
            decided_at = _at(decided_on, rng.choice((10, 11, 15, 16)), rng.randrange(60))
        status = CaseStatus.REFUSED if refused else CaseStatus.APPROVED
        opinion = "申请材料不符合法定条件,不予许可" if refused else "符合条件,准予"
        case.update(
            decided_at=decided_at,
            decided_on=decided_on,
            decided_by_id=approver,
            opinion=opinion,
            days_used=used + cal.between(started, decided_on),
        )
        step = _step(
            built,
            case,
            step,
            decided_at,
            EventKind.REFUSED if refused else EventKind.APPROVED,
            CaseStatus.ACCEPTED,
            status,
            approver,
            opinion,
        )
        mailed = not immediate and not township and rng.random() < MAILED
        if immediate:
            issued_at = decided_at + timedelta(minutes=rng.randint(2, 20))
        elif mailed:
            issued_at = _at(decided_on, 17, rng.randrange(30))
        else:
            issued_at = _at(cal.add(decided_on, rng.randint(0, 3)), rng.randint(9, 16))
        # 出件: someone else of the front desk, on duty the day the result is handed out.
        issuers = [p for p in place.people_on(_day_of(issued_at)) if p != clerk] or [
            p for p in people if p != clerk
        ]
        issuer = rng.choice(issuers)
        case.update(
            status=CaseStatus.ISSUED,
            issued_at=issued_at,
            issued_by_id=issuer,
            issue_window_id=rng.choice(place.issue_windows),
            delivery=Delivery.MAIL if mailed else Delivery.COUNTER,
            tracking_number=f"SF{rng.randrange(10**10):010d}" if mailed else None,
            updated_at=issued_at,
        )
        _step(built, case, step, issued_at, EventKind.ISSUED, status, CaseStatus.ISSUED, issuer)


def number_cases(built: Built, county_code: str) -> None:
    """Numbers per day across the county, in the order of intake; the days' sequence rows."""
    built.cases.sort(key=lambda c: (c["accepted_at"], c["id"]))
    per_day: Counter[date] = Counter()
    for case in built.cases:
        day = case["accepted_on"]
        per_day[day] += 1
        case["number"] = f"{county_code}-{day:%Y%m%d}-{per_day[day]:04d}"
    built.sequences.extend(
        {"id": uuid.uuid4(), "kind": "case", "day": d, "last": n} for d, n in per_day.items()
    )


def rate_cases(built: Built, rng: random.Random, cal: Days, today: date) -> None:
    for case in built.cases:
        if case["status"] is not CaseStatus.ISSUED or rng.random() >= RATED:
            continue
        level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
        issued_on = _day_of(case["issued_at"])
        rated_on = min(issued_on + timedelta(days=rng.choice((0, 0, 0, 1, 2))), today)
        bad = level in BAD_LEVELS
        built.ratings.append(
            {
                "id": uuid.uuid4(),
                "case_id": case["id"],
                "site_id": case["site_id"],
                "staff_id": case["accepted_by_id"],
                "level": level,
                "bad": bad,
                "comment": rng.choice(("态度不好,等候时间长", "材料要求反复变化", "办理太慢"))
                if bad
                else None,
                "rated_at": _at(rated_on, 18, rng.randrange(60)),
                "rated_on": rated_on,
            }
        )
    bad = sorted((r for r in built.ratings if r["bad"]), key=lambda r: r["rated_at"])
    stages = [FollowUpStatus.VERIFYING, FollowUpStatus.RECTIFYING, FollowUpStatus.REVISITING]
    for position, rating in enumerate(reversed(bad)):  # the newest ones are still open
        stage = position // OPEN_PER_STAGE
        status = stages[stage] if stage < len(stages) else FollowUpStatus.CLOSED
        rated_on = cal.days[bisect.bisect_left(cal.days, rating["rated_on"])]
        verified = status is not FollowUpStatus.VERIFYING
        proved = status is FollowUpStatus.RECTIFYING or (verified and rng.random() < 0.5)
        rectified = proved and status in (FollowUpStatus.REVISITING, FollowUpStatus.CLOSED)
        revisited = status is FollowUpStatus.CLOSED
        who = "值班主任"
        follow_up = {
            "id": uuid.uuid4(),
            "rating_id": rating["id"],
            "case_id": rating["case_id"],
            "site_id": rating["site_id"],
            "staff_id": rating["staff_id"],
            "status": status,
            "opened_on": rating["rated_on"],
            "verify_due": cal.add(rated_on, 3),
            "rectify_due": cal.add(rated_on, 15),
            "revisit_due": cal.add(rated_on, 18) if verified else None,
            "substantiated": proved if verified else None,
            "finding": ("经核实属实" if proved else "经核实系误解,已解释") if verified else None,
            "verified_on": cal.add(rated_on, 2) if verified else None,
            "verified_by": who if verified else None,
            "measures": "批评教育并组织礼仪培训" if rectified else None,
            "rectified_on": cal.add(rated_on, 10) if rectified else None,
            "rectified_by": who if rectified else None,
            "applicant_satisfied": True if revisited else None,
            "revisit_note": "电话回访,表示满意" if revisited else None,
            "revisited_on": cal.add(rated_on, 12) if revisited else None,
            "revisited_by": who if revisited else None,
            "created_at": rating["rated_at"],
            "updated_at": rating["rated_at"],
        }
        built.follow_ups.append(follow_up)
        if proved:
            built.substantiated.append(
                ("RATING", rating["id"], ITEM_BAD_RATING, rating["rated_on"], rating["staff_id"])
            )


def complaints_of(
    built: Built,
    places: list[Place],
    rng: random.Random,
    cal: Days,
    days: list[date],
    cipher: PersonalDataCipher,
    county_code: str,
) -> None:
    """办不成事 reports by volume (one per ``CASES_PER_COMPLAINT`` cases of a site); the two
    newest are still being tracked. Their trackers are left for the caller to name
    (``tracker_id`` None): the live rule's choice reads the sites' managers."""
    made: list[tuple[date, dict[str, Any]]] = []
    for place in places:
        if place.site.level not in (SiteLevel.COUNTY_CENTER, SiteLevel.TOWNSHIP_CENTER):
            continue
        for _ in range(round(place.cases / CASES_PER_COMPLAINT)):
            day = rng.choice(days)
            people = place.people_on(day)
            if not people:
                continue
            text, proved = rng.choice(COMPLAINTS)
            phone = f"139{rng.randrange(10**8):08d}"
            row = {
                "id": uuid.uuid4(),
                "site_id": place.site.id,
                "channel": rng.choice((ComplaintChannel.WINDOW, ComplaintChannel.APP)),
                "description": text,
                "contact_phone_cipher": cipher.encrypt(phone),
                "contact_phone_masked": phone[:3] + "****" + phone[-4:],
                "tracker_id": None,
                "reported_at": _at(day, 11, rng.randrange(60)),
                "reported_on": day,
                "reported_by": LABEL,
                "created_at": _at(day, 11),
                "updated_at": _at(day, 11),
                "_proved": proved,
                "_at_fault": rng.choice(people),
            }
            made.append((day, row))
    made.sort(key=lambda m: (m[0], m[1]["reported_at"]))
    per_day: Counter[date] = Counter()
    for index, (day, row) in enumerate(made):
        per_day[day] += 1
        proved, at_fault = row.pop("_proved"), row.pop("_at_fault")
        resolved = index < len(made) - 2
        row.update(
            number=f"{county_code}-B{day:%Y%m%d}-{per_day[day]:04d}",
            status=ComplaintStatus.RESOLVED if resolved else ComplaintStatus.TRACKING,
            outcome="已协调办结,向申请人说明" if resolved else None,
            substantiated=proved if resolved else None,
            staff_at_fault_id=at_fault if resolved and proved else None,
            resolved_at=_at(cal.add(day, 3), 16) if resolved else None,
            resolved_by="值班主任" if resolved else None,
        )
        built.complaints.append(row)
        if resolved and proved:
            built.substantiated.append(("COMPLAINT", row["id"], ITEM_COMPLAINT, day, at_fault))
    built.sequences.extend(
        {"id": uuid.uuid4(), "kind": "complaint", "day": d, "last": n} for d, n in per_day.items()
    )
