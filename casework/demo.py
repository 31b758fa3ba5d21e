"""Demo casework (``api.demo.DEMO_EXTENSIONS``, after the workforce and the catalog).

Windows: the county centre's service areas of 002 (商事登记区 3, 医保人社区 4, 不动产登记区 4,
社会民生区 6, 建设交通区 2, 投资项目区 2, 经济综合区 2 comprehensive windows), two issue windows,
a 办不成事 window and a dedicated window for matters kept off the comprehensive windows; each
sub-centre and township centre a few windows.

涟水县 also gets a year of history before the live period (``casework.demo_history``: cases
across the county centre, the sub-centres and every township centre, shaped like 002's volumes,
with their ratings, follow-ups and complaints, bulk-inserted), then people on duty with demo
accounts (password as every demo account) and a handful of cases in every state, entered
through the real rules on past days:

| account | who |
|---|---|
| ``county-clerk`` | 县政务服务中心 收件 |
| ``county-issuer`` | 县政务服务中心 出件 |
| ``market-approver`` | 市场监督管理局 审批 (at the county centre) |
| ``hr-clerk`` / ``hr-approver`` | 人社分中心 收件 / 人社局 审批 |
| ``gaogou-clerk`` / ``gaogou-approver`` | 高沟镇便民服务中心 收件 / 审批 |
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from accounts.roles import bind
from accounts.service import new_user
from api.settings import Settings
from authz.guard import Actor
from authz.roles import Role
from casework import flow, intake
from casework.applicants import ApplicantData
from casework.calendar import CHINA
from casework.common import CHINA_TZ
from casework.demo_history import load_history
from casework.models import ApplicantKind, Case, Delivery, Window, WindowKind
from catalog.effective import effective_catalog
from catalog.models import Department
from network.demo_data import DemoCounty
from network.models import Site, SiteLevel
from workforce.common import today
from workforce.models import (
    Assignment,
    AssignmentKind,
    Education,
    EmploymentType,
    Post,
    Staff,
    StaffStatus,
)
from workforce.personal import PersonalDataCipher, cipher_for, mask_id_number

BIG_COUNTY = "320826"
DEMO_PASSWORD = "onewindow-demo"  # the same as api.demo's (the root may not be imported here)
COUNTY_AREAS = (
    ("商事登记区", 3),
    ("医保人社区", 4),
    ("不动产登记区", 4),
    ("社会民生区", 6),
    ("建设交通区", 2),
    ("投资项目区", 2),
    ("经济综合区", 2),
)
AREA_LETTERS = "ABEFGHJ"
APPLICANTS = ("陈建国", "刘芳", "周海燕", "吴志强", "孙丽", "郑晓东", "王秀英", "赵磊")


def _windows(county: DemoCounty, sites: dict[str, Site], dedicated: list[str]) -> list[Window]:
    root = sites["county"]
    rows: list[Window] = []

    def add(site: Site, number: str, kind: WindowKind, area: str | None = None, codes=()):
        rows.append(
            Window(
                id=uuid.uuid4(),
                site_id=site.id,
                number=number,
                kind=kind,
                area=area,
                matter_codes=list(codes),
                opened_by="demo",
            )
        )

    for letter, (area, count) in zip(AREA_LETTERS, COUNTY_AREAS, strict=True):
        for i in range(1, count + 1):
            add(root, f"{letter}{i:02d}", WindowKind.COMPREHENSIVE, area)
    if dedicated:
        add(root, "D01", WindowKind.DEDICATED, "不动产登记区", dedicated)
    add(root, "C01", WindowKind.ISSUE, "统一出件区")
    add(root, "C02", WindowKind.ISSUE, "统一出件区")
    add(root, "U01", WindowKind.UNRESOLVED, "办不成事反映窗口")
    for site in sites.values():
        if site.level is SiteLevel.SUB_CENTER:
            add(site, "A01", WindowKind.COMPREHENSIVE)
            add(site, "C01", WindowKind.ISSUE)
        elif site.level is SiteLevel.TOWNSHIP_CENTER:
            add(site, "A01", WindowKind.COMPREHENSIVE)
            add(site, "A02", WindowKind.COMPREHENSIVE)
            add(site, "C01", WindowKind.ISSUE)
            add(site, "U01", WindowKind.UNRESOLVED)
    return rows


@dataclass
class _Desk:
    actor: Actor
    site: Site


class _People:
    """Demo people on duty, each with an account linked to the record."""

    def __init__(self, session: AsyncSession, admin: Actor, cipher: PersonalDataCipher) -> None:
        self.session = session
        self.admin = admin
        self.cipher = cipher
        self.hired = today() - timedelta(days=400)
        self._serial = 0

    def _id_number(self) -> str:
        self._serial += 1
        body = (
            f"320826{date(1988, 1, 1) + timedelta(days=self._serial * 37):%Y%m%d}{self._serial:03d}"
        )
        return body + ric.calc_check_digit(body + "0")

    async def add(
        self, username: str, name: str, site: Site, post: Post, employer: str, role: Role
    ) -> _Desk:
        number = self._id_number()
        staff = Staff(
            id=uuid.uuid4(),
            name=name,
            gender="MALE" if int(number[16]) % 2 else "FEMALE",
            birth_date=ric.get_birth_date(number),
            id_number_cipher=self.cipher.encrypt(number),
            id_number_hash=self.cipher.lookup_hash(number),
            id_number_masked=mask_id_number(number),
            education=Education.BACHELOR,
            employment_type=EmploymentType.CIVIL_SERVANT,
            employer=employer,
            hire_date=self.hired,
            posts=[post.value],
            status=StaffStatus.ACTIVE,
        )
        self.session.add(staff)
        await self.session.flush()
        self.session.add(
            Assignment(
                staff_id=staff.id,
                site_id=site.id,
                post=post,
                kind=AssignmentKind.REGULAR,
                start_date=self.hired,
                reason="入职",
                created_by=self.admin.label,
            )
        )
        user = await new_user(
            self.session,
            self.admin.label,
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            staff_id=staff.id,
        )
        await self.session.flush()
        await bind(self.session, self.admin.label, user, role, site)
        actor = Actor(
            user_id=user.id,
            tenant_id=self.admin.tenant_id,
            username=username,
            authz_version=self.admin.authz_version,
            staff_id=staff.id,
        )
        return _Desk(actor, site)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=CHINA_TZ)


def _working_days_ago(count: int) -> date:
    day = today()
    while count > 0:
        day -= timedelta(days=1)
        if CHINA.is_working_day(day):
            count -= 1
    return day


def _fitting(entries: list[dict[str, Any]], department: str) -> list[dict[str, Any]]:
    """The department's promised matters of the comprehensive window (three days or more)."""
    return [
        e
        for e in entries
        if e["acceptedHere"]
        and e["comprehensiveWindow"]
        and e["departmentName"] == department
        and e["handlingKind"] == "PROMISED"
        and e["promisedLimitDays"] >= 3
    ]


def _pick(entries: list[dict[str, Any]], department: str, rng: random.Random) -> dict | None:
    fitting = _fitting(entries, department)
    return rng.choice(fitting) if fitting else None


def _staff(desk: _Desk) -> uuid.UUID:
    assert desk.actor.staff_id is not None
    return desk.actor.staff_id


def _applicant(rng: random.Random, index: int) -> ApplicantData:
    birth = date(1986, 1, 1) + timedelta(days=rng.randint(0, 9000))
    body = f"320826{birth:%Y%m%d}{rng.randrange(1000):03d}"
    number = body + ric.calc_check_digit(body + "0")
    if not ric.is_valid(number):
        body = f"110105{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
    return ApplicantData(
        kind=ApplicantKind.PERSON,
        name=APPLICANTS[index % len(APPLICANTS)],
        id_number=number,
        phone=f"139{rng.randrange(10**8):08d}",
    )


async def _cases(
    session: AsyncSession,
    admin: Actor,
    county: DemoCounty,
    sites: dict[str, Site],
    windows: dict[tuple[uuid.UUID, str], Window],
    cipher: PersonalDataCipher,
) -> None:
    rng = random.Random(f"casework:{county.code}")
    root = sites["county"]
    departments = {d.name: d for d in (await session.execute(select(Department))).scalars().all()}
    market = f"{county.name}市场监督管理局"
    hr = f"{county.name}人力资源和社会保障局"
    people = _People(session, admin, cipher)
    clerk = await people.add(
        "county-clerk",
        "县中心收件员",
        root,
        Post.INTAKE,
        "江淮人力资源服务有限公司",
        Role.WINDOW_STAFF,
    )
    issuer = await people.add(
        "county-issuer",
        "县中心出件员",
        root,
        Post.ISSUE,
        "江淮人力资源服务有限公司",
        Role.WINDOW_STAFF,
    )
    approver = await people.add(
        "market-approver", "市场监管审批员", root, Post.APPROVAL, market, Role.APPROVER
    )
    manager = await people.add(
        "county-manager",
        "县中心值班主任",
        root,
        Post.MANAGEMENT,
        f"{county.name}政务服务管理办公室",
        Role.WINDOW_STAFF,
    )
    if market not in departments:
        return
    await load_history(
        session,
        county=county,
        sites=sites,
        windows=list(windows.values()),
        manager_id=_staff(manager),
        cipher=cipher,
        today=today(),
    )
    entries = (await effective_catalog(session, root.tenant_id, root.id)).entries
    counter = windows[(root.id, "A01")]
    issue_window = windows[(root.id, "C01")]
    index = 0

    async def accept(desk: _Desk, window: Window, entry: dict, day: date) -> Case:
        nonlocal index
        index += 1
        received = [m["name"] for m in entry["materials"] if m["required"]]
        accepted = await intake.accept_case(
            session,
            desk.actor,
            cipher,
            intake.NewCase(
                window_id=window.id,
                matter_code=entry["code"],
                applicant=_applicant(rng, index),
                received=received,
            ),
            _at(day, 9 + index % 6),
        )
        await session.flush()
        return accepted.case

    plan = [  # (working days ago accepted, what happens next)
        (14, "issued"),
        (12, "refused"),
        (9, "issued_mail"),
        (6, "approved"),
        (4, "supplement"),
        (3, "withdrawn"),
        (2, "accepted"),
        (1, "accepted"),
        (0, "accepted"),
    ]
    for ago, outcome in plan:
        entry = _pick(entries, market, rng)
        if entry is None:
            break
        day = _working_days_ago(ago)
        case = await accept(clerk, counter, entry, day)
        later = _working_days_ago(max(ago - 2, 0))
        if outcome in ("issued", "issued_mail", "approved", "refused"):
            await flow.decide_case(
                session,
                approver.actor,
                case.id,
                outcome != "refused",
                "申请材料不符合法定形式" if outcome == "refused" else "符合条件,准予",
                None,
                _at(later, 15),
            )
        if outcome in ("issued", "issued_mail"):
            mail = outcome == "issued_mail"
            await flow.issue_result(
                session,
                issuer.actor,
                case.id,
                issue_window.id,
                Delivery.MAIL if mail else Delivery.COUNTER,
                f"SF{rng.randrange(10**10):010d}" if mail else None,
                _at(later, 16),
            )
        elif outcome == "supplement":
            await flow.request_supplement(
                session,
                approver.actor,
                case.id,
                ["经营场所使用证明原件"],
                "请补充原件",
                _at(later, 11),
            )
        elif outcome == "withdrawn":
            await flow.withdraw_case(session, clerk.actor, case.id, "申请人主动撤回", _at(day, 17))
        await session.flush()
    # An overdue case: an old intake nobody has decided.
    entry = _pick(entries, market, rng)
    if entry is not None:
        await accept(clerk, counter, entry, _working_days_ago(entry["promisedLimitDays"] + 3))
    # A one-time notice.
    entry = _pick(entries, market, rng)
    if entry is not None:
        await intake.notify_missing(
            session,
            clerk.actor,
            cipher,
            intake.NewNotice(
                window_id=counter.id,
                matter_code=entry["code"],
                applicant=_applicant(rng, 99),
                missing=[m["name"] for m in entry["materials"]][:2],
                note="请备齐以上材料后再来办理",
            ),
            _at(_working_days_ago(1), 10),
        )

    sub = sites.get("sub.hr")
    if sub is not None and hr in departments:
        hr_clerk = await people.add(
            "hr-clerk",
            "人社分中心收件员",
            sub,
            Post.INTAKE,
            "政通外包服务有限公司",
            Role.WINDOW_STAFF,
        )
        await people.add("hr-approver", "人社局审批员", sub, Post.APPROVAL, hr, Role.APPROVER)
        sub_entries = (await effective_catalog(session, sub.tenant_id, sub.id)).entries
        for ago in (5, 1):
            entry = _pick(sub_entries, hr, rng)
            if entry is not None:
                await accept(hr_clerk, windows[(sub.id, "A01")], entry, _working_days_ago(ago))

    town = sites.get("gaogou")
    if town is not None:
        town_clerk = await people.add(
            "gaogou-clerk",
            "高沟镇收件员",
            town,
            Post.INTAKE,
            f"{town.name}人民政府",
            Role.WINDOW_STAFF,
        )
        await people.add(
            "gaogou-approver",
            "高沟镇审批员",
            town,
            Post.APPROVAL,
            f"{town.name}人民政府",
            Role.WINDOW_STAFF,
        )
        town_entries = (await effective_catalog(session, town.tenant_id, town.id)).entries
        local = [e for e in town_entries if e["acceptedHere"] and e["processedHere"]]
        rng.shuffle(local)
        for ago, entry in zip((3, 0), local, strict=False):
            await accept(town_clerk, windows[(town.id, "A01")], entry, _working_days_ago(ago))


async def load(
    session: AsyncSession, admin: Actor, county: DemoCounty, sites: dict[str, Site]
) -> None:
    root = sites["county"]
    catalog = await effective_catalog(session, root.tenant_id, root.id)
    dedicated = [
        e["code"] for e in catalog.entries if e["acceptedHere"] and not e["comprehensiveWindow"]
    ][:5]
    rows = _windows(county, sites, dedicated)
    session.add_all(rows)
    await session.flush()
    if county.code != BIG_COUNTY:
        return
    windows = {(w.site_id, w.number): w for w in rows}
    cipher = cipher_for(Settings.from_env().secret_key)
    await _cases(session, admin, county, sites, windows, cipher)
