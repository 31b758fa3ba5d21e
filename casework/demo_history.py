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
- The demo keeps one case in ``SAMPLE`` (50) of those real-scale figures: about 3,000 cases
  instead of 150,000, so that loading them takes about two seconds (``onewindow demo`` must
  start within a minute; ``bench.demo_load``). Figures that count cases (``serviceReport``'s
  ``accepted``, cases per front-desk person a year) read 1/50 of the real scale; shares (on
  time, satisfaction, the "three 100%") are unaffected.

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

import random
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from assessment.events import record_system_event
from casework import counts
from casework.complaints import choose_tracker
from casework.demo_history_rows import (
    GIVEN,
    LABEL,
    LIVE_WORKING_DAYS,
    SURNAMES,
    Built,
    Days,
    Place,
    applicants,
    cases_of,
    complaints_of,
    number_cases,
    rate_cases,
)
from casework.models import (
    Case,
    CaseEvent,
    CaseSequence,
    Complaint,
    Rating,
    RatingFollowUp,
    Window,
    WindowKind,
)
from catalog.effective import effective_catalog
from catalog.models import Department
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

__all__ = ["LABEL", "load_history"]

SAMPLE = 50  # one case in 50 of the real-scale figures
TOWNSHIP_RATE = 0.06  # cases a year per resident at a township centre (real scale)
IMMEDIATE_WEIGHT = 4  # an 即办 matter is drawn 4 times as often as a promised one
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
    live = Days(today - timedelta(days=YEAR_DAYS + 200), today + timedelta(days=60))
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

    people = applicants(cipher, rng)
    built = Built()
    for place in places:
        cases_of(
            place,
            built,
            rng,
            live,
            days,
            back,
            departments,
            approvers.by_department,
            approvers.by_site,
            people,
            cipher,
        )
    number_cases(built, county.code)
    rate_cases(built, rng, live, today)
    complaints_of(built, places, rng, live, days, cipher, county.code)
    by_id = {site.id: site for site in sites.values()}
    for row in built.complaints:  # 一跟到底: the tracker the live rule names on that day
        tracker = await choose_tracker(session, by_id[row["site_id"]], row["reported_on"])
        row["tracker_id"] = tracker.id if tracker is not None else manager_id
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
    # The maintained counts and days of the new cases (``casework.counts``' contract for a bulk
    # insert); the history's are the county's only cases so far.
    await counts.add_cases(session, Case.accepted_on.between(days[0], days[-1]))
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
) -> list[Place]:
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
            places.append(Place(site, cases, [], issue, counters))
    return places


def _matters(
    place: Place,
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
