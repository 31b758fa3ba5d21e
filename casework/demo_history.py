"""Demo history for 涟水县: a year of cases across the county's centres, shaped like 002's
volumes — generated deterministically (a seeded ``random.Random``, dates counted back from the
demo's ``today``) and written with bulk inserts (one statement per table), so that ``onewindow
demo`` stays fast.

Volumes, and how they are scaled to the demo network:

- The county centre takes 002 §四(三)'s annual volume of each service area (商事登记 9,504;
  人社 31,000; 不动产登记 30,000; 社会民生 14,268; 建设交通 2,403; 投资项目 651; 经济综合
  1,983 — about 90,000 a year for 22 front-desk people, i.e. 002's 3,000 → 6,000 per person).
  An area's volume is split evenly over the demo catalog's departments that belong to it
  (``AREAS``); a department whose back office is a sub-centre in 涟水县's "1+7+N" (人社, 民政,
  司法, 公安 …) takes its share at that sub-centre instead. Areas whose 002 departments the demo
  catalog lacks (投资项目区's 发改/消防) take the nearest ones (生态环境).
- A township centre takes ``TOWNSHIP_RATE`` cases a year per resident (approximate populations
  in ``network.demo_data``): a third of 002's county-level rate (90,000 for a district of about
  half a million), since most matters are handled at the county.
- The demo keeps one case in ``SAMPLE`` (30) of those real-scale figures: about 5,100 cases
  instead of 150,000, so that loading them takes a few seconds. Figures that count cases
  (``serviceReport``'s ``accepted``, cases per front-desk person a year) read 1/30 of the real
  scale; shares (on time, satisfaction, the "three 100%") are unaffected.

Each case is a matter of the site's effective catalog that its comprehensive windows accept (即办件
weighted up, ``IMMEDIATE_WEIGHT``, as they are the common ones), accepted at one of the site's
windows (the county centre: a window of the matter's area) by a front-desk person placed there
that day, decided by a back-office approver who did not accept it — the department's, placed at
its site, or the township's for the matters it processes itself (``casework.routing``) — and
issued by a third person of the site's front desk. Shares: supplements (补正, clock stopped), a few
refusals (issued as written decisions), withdrawals, late decisions, mailed results; ratings on
most issued cases, mostly good, the newest bad ones still at each follow-up stage; 办不成事
complaints by volume, substantiated or not. Substantiated bad ratings and complaints record their
rubric items (``assessment.events``) as the live rules do.

Every history case is finished (issued or withdrawn) and accepted before the demo's live period
(``LIVE_WORKING_DAYS``), so the live work queues show only the live cases. Numbers run per day
across the county from 0001, with the day's sequence row written alongside, so later intakes
continue the numbering. The history is an import: it writes no audit-trail links (the live cases
do), and its steps are labelled ``历史数据导入``.
"""

from __future__ import annotations

import bisect
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
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
    Window,
    WindowKind,
)
from casework.ratings import ITEM_BAD_RATING
from catalog.effective import effective_catalog
from catalog.models import Department, HandlingKind
from network.demo_data import DemoCounty, township_populations
from network.models import Site, SiteLevel
from workforce.models import (
    Assignment,
    AssignmentKind,
    Education,
    EmploymentType,
    Post,
    Staff,
    StaffStatus,
)
from workforce.personal import PersonalDataCipher, mask_id_number

LABEL = "历史数据导入"
SAMPLE = 30  # one case in 30 of the real-scale figures
TOWNSHIP_RATE = 0.06  # cases a year per resident at a township centre (real scale)
IMMEDIATE_WEIGHT = 4  # an 即办 matter is drawn 4 times as often as a promised one
LIVE_WORKING_DAYS = 30  # the live demo's period: no history case is accepted in it
YEAR_DAYS = 365
# 002 §四(三): service area → (cases a year, the demo catalog's departments in it).
AREAS: dict[str, tuple[int, tuple[str, ...]]] = {
    "商事登记区": (9504, ("市场监督管理局",)),
    "医保人社区": (31000, ("人力资源和社会保障局", "医疗保障局")),
    "不动产登记区": (30000, ("自然资源和规划局", "税务局", "住房公积金管理中心")),
    "社会民生区": (
        14268,
        ("民政局", "卫生健康委员会", "教育局", "残疾人联合会", "司法局", "退役军人事务局"),
    ),
    "建设交通区": (2403, ("住房和城乡建设局", "交通运输局", "公安局")),
    "投资项目区": (651, ("生态环境局",)),
    "经济综合区": (1983, ("水务局", "农业农村局", "民族宗教事务局")),
}
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
CASES_PER_COMPLAINT = 400
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
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA_TZ)


class _Days:
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
class _Place:
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


class _Approvers:
    """The back offices' approvers: one civil servant per department at the department's site
    and one per township centre (which processes its own matters), placed a year before the
    history begins. They have no demo account; the history names them as deciders."""

    def __init__(self, cipher: PersonalDataCipher, rng: random.Random, hired: date) -> None:
        self.cipher, self.rng, self.hired = cipher, rng, hired
        self.staff: list[Staff] = []
        self.assignments: list[Assignment] = []
        self.by_department: dict[uuid.UUID, uuid.UUID] = {}
        self.by_site: dict[uuid.UUID, uuid.UUID] = {}

    def add(self, site_id: uuid.UUID, employer: str) -> uuid.UUID:
        rng = self.rng
        birth = date(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))
        body = f"320826{birth:%Y%m%d}{len(self.staff) + 500:03d}"
        number = body + ric.calc_check_digit(body + "0")
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        staff = Staff(
            id=uuid.uuid4(),
            name=name,
            gender="MALE" if int(number[16]) % 2 else "FEMALE",
            birth_date=birth,
            id_number_cipher=self.cipher.encrypt(number),
            id_number_hash=self.cipher.lookup_hash(number),
            id_number_masked=mask_id_number(number),
            education=Education.BACHELOR,
            employment_type=EmploymentType.CIVIL_SERVANT,
            employer=employer,
            hire_date=self.hired,
            posts=[Post.APPROVAL.value],
            status=StaffStatus.ACTIVE,
        )
        self.staff.append(staff)
        self.assignments.append(
            Assignment(
                staff_id=staff.id,
                site_id=site_id,
                post=Post.APPROVAL,
                kind=AssignmentKind.REGULAR,
                start_date=self.hired,
                reason="后台审批岗",
                created_by=LABEL,
            )
        )
        return staff.id


async def _front_desks(
    session: AsyncSession, site_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, date, date | None]]]:
    """Who worked each site's front desk, and when (regular placements, from their hiring)."""
    front = (Post.INTAKE, Post.ISSUE, Post.CONSULTATION, Post.GUIDANCE, Post.ONLINE)
    rows = await session.execute(
        select(
            Assignment.site_id,
            Assignment.staff_id,
            Assignment.start_date,
            Assignment.end_date,
            Staff.hire_date,
        )
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(
            Assignment.site_id.in_(site_ids),
            Assignment.kind == AssignmentKind.REGULAR,
            Assignment.post.in_(front),
            Assignment.cancelled_at.is_(None),
        )
        # A stable order (the ids are random): the same draws on every load of the same day.
        .order_by(Staff.id_number_hash, Assignment.start_date)
    )
    desks: dict[uuid.UUID, list[tuple[uuid.UUID, date, date | None]]] = defaultdict(list)
    for site_id, staff_id, start, end, hired in rows:
        desks[site_id].append((staff_id, max(start, hired), end))
    return desks


def _windows(
    rows: list[Window], site: Site
) -> tuple[dict[str | None, list[uuid.UUID]], list[uuid.UUID]]:
    counters: dict[str | None, list[uuid.UUID]] = defaultdict(list)
    issue: list[uuid.UUID] = []
    for w in sorted(rows, key=lambda w: w.number):
        if w.site_id != site.id:
            continue
        if w.kind is WindowKind.COMPREHENSIVE:
            counters[w.area if site.level is SiteLevel.COUNTY_CENTER else None].append(w.id)
        elif w.kind is WindowKind.ISSUE:
            issue.append(w.id)
    return counters, issue


async def load_history(
    session: AsyncSession,
    *,
    county: DemoCounty,
    sites: dict[str, Site],
    windows: list[Window],
    manager_id: uuid.UUID,
    cipher: PersonalDataCipher,
    today: date,
) -> None:
    rng = random.Random(f"casework-history:{county.code}")
    root = sites["county"]
    tenant_id = root.tenant_id
    live = _Days(today - timedelta(days=YEAR_DAYS + 200), today + timedelta(days=60))
    # back[k]: the k-th working day before today (back[0]: today, or the last one before it)
    back = [d for d in live.days if d <= today][::-1]
    end = back[LIVE_WORKING_DAYS]
    start = end - timedelta(days=YEAR_DAYS)
    days = [d for d in live.days if start < d <= end]

    departments = {
        d.name: d
        for d in (await session.execute(select(Department).order_by(Department.name))).scalars()
    }
    places = _places(county, sites, windows, departments)
    desks = await _front_desks(session, [p.site.id for p in places])
    approvers = _Approvers(cipher, rng, start - timedelta(days=30))
    for department in departments.values():
        if department.site_id is not None:
            approvers.by_department[department.id] = approvers.add(
                department.site_id, department.name
            )
    for place in places:
        place.front = desks.get(place.site.id, [])
        if place.site.level is SiteLevel.TOWNSHIP_CENTER:
            approvers.by_site[place.site.id] = approvers.add(
                place.site.id, f"{place.site.name}人民政府"
            )
        folded = await effective_catalog(session, tenant_id, place.site.id)
        _matters(place, folded.entries, departments, county.name)
    session.add_all(approvers.staff)
    await session.flush()
    session.add_all(approvers.assignments)
    await session.flush()

    applicants = _applicants(cipher, rng)
    built = _Built()
    for place in places:
        _cases_of(place, built, rng, live, days, back, departments, approvers, applicants, cipher)
    _number(built, county.code)
    _ratings(built, rng, live, today)
    _complaints(built, places, rng, live, days, manager_id, cipher, county.code, root.id)
    for model, rows in (
        (CaseSequence, built.sequences),
        (Case, built.cases),
        (CaseEvent, built.events),
        (Rating, built.ratings),
        (RatingFollowUp, built.follow_ups),
        (Complaint, built.complaints),
    ):
        if rows:
            # Core's executemany on the table: no ORM bookkeeping per row.
            await session.execute(
                insert(model.__table__), [{"tenant_id": tenant_id, **r} for r in rows]
            )
    for kind, source_id, item, day, staff_id in built.substantiated:
        await record_system_event(
            session,
            tenant_id=tenant_id,
            staff_id=staff_id,
            item_code=item,
            occurred_on=day,
            source_kind=kind,
            source_id=source_id,
            note=LABEL,
        )


def _places(
    county: DemoCounty,
    sites: dict[str, Site],
    windows: list[Window],
    departments: dict[str, Department],
) -> list[_Place]:
    """The sites taking history cases and their yearly number of (sampled) cases."""
    root = sites["county"]
    volumes: Counter[uuid.UUID] = Counter()
    for _area, (volume, names) in AREAS.items():
        present = [departments.get(f"{county.name}{n}") for n in names]
        present = [d for d in present if d is not None]
        for department in present:
            volumes[department.site_id or root.id] += volume / len(present)
    populations = township_populations(county.code)
    for key, site in sites.items():
        if site.level is SiteLevel.TOWNSHIP_CENTER:
            volumes[site.id] += populations.get(key, 0) * TOWNSHIP_RATE
    places = []
    for site in sites.values():
        cases = round(volumes.get(site.id, 0) / SAMPLE)
        if not cases:
            continue
        counters, issue = _windows(windows, site)
        if cases and counters and issue:
            places.append(_Place(site, cases, [], issue, counters))
    return places


def _matters(
    place: _Place,
    entries: list[dict[str, Any]],
    departments: dict[str, Department],
    county_name: str,
) -> None:
    """The matters the site's comprehensive windows accept, with the area that takes each at
    the county centre (None elsewhere)."""
    area_of = {name: area for area, (_v, names) in AREAS.items() for name in names}
    for entry in entries:
        if not (entry["acceptedHere"] and entry["comprehensiveWindow"]):
            continue
        if entry["departmentName"] not in departments:
            continue
        area = None
        if place.site.level is SiteLevel.COUNTY_CENTER:
            area = area_of.get(entry["departmentName"].removeprefix(county_name))
            if area is None or area not in place.windows:
                continue
        weight = IMMEDIATE_WEIGHT if entry["handlingKind"] == "IMMEDIATE" else 1
        place.entries.append((entry, area))
        place.weights.append(weight + (place.weights[-1] if place.weights else 0))


def _applicants(cipher: PersonalDataCipher, rng: random.Random) -> list[dict[str, Any]]:
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
class _Built:
    cases: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    sequences: list[dict[str, Any]] = field(default_factory=list)
    substantiated: list[tuple[str, uuid.UUID, str, date, uuid.UUID]] = field(default_factory=list)


def _step(
    built: _Built,
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


def _cases_of(
    place: _Place,
    built: _Built,
    rng: random.Random,
    cal: _Days,
    days: list[date],
    back: list[date],
    departments: dict[str, Department],
    approvers: _Approvers,
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
            route, processing, approver = Route.SITE, site.id, approvers.by_site[site.id]
        else:
            route = Route.DEPARTMENT
            processing = department.site_id
            approver = approvers.by_department[department.id]
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
        issuers = [p for p in place.people_on(issued_at.date()) if p != clerk] or [
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


def _number(built: _Built, county_code: str) -> None:
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


def _ratings(built: _Built, rng: random.Random, cal: _Days, today: date) -> None:
    for case in built.cases:
        if case["status"] is not CaseStatus.ISSUED or rng.random() >= RATED:
            continue
        level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
        issued_on = case["issued_at"].date()
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


def _complaints(
    built: _Built,
    places: list[_Place],
    rng: random.Random,
    cal: _Days,
    days: list[date],
    manager_id: uuid.UUID,
    cipher: PersonalDataCipher,
    county_code: str,
    root_id: uuid.UUID,
) -> None:
    """办不成事 reports by volume (one per ``CASES_PER_COMPLAINT`` cases of a site); the county
    centre's are tracked by its duty manager, a township's by one of its front desk; the two
    newest are still being tracked."""
    made: list[tuple[date, dict[str, Any]]] = []
    for place in places:
        if place.site.level not in (SiteLevel.COUNTY_CENTER, SiteLevel.TOWNSHIP_CENTER):
            continue
        for _ in range(max(round(place.cases / CASES_PER_COMPLAINT), 1)):
            day = rng.choice(days)
            people = place.people_on(day)
            if not people:
                continue
            text, proved = rng.choice(COMPLAINTS)
            tracker = manager_id if place.site.id == root_id else rng.choice(people)
            phone = f"139{rng.randrange(10**8):08d}"
            row = {
                "id": uuid.uuid4(),
                "site_id": place.site.id,
                "channel": rng.choice((ComplaintChannel.WINDOW, ComplaintChannel.APP)),
                "description": text,
                "contact_phone_cipher": cipher.encrypt(phone),
                "contact_phone_masked": phone[:3] + "****" + phone[-4:],
                "tracker_id": tracker,
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
