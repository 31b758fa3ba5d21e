"""Building blocks for casework tests: people on duty with accounts, windows, a catalog with a
matter whose proofs may be deferred or promised, and a case through its whole flow.

Dates: people are hired on 2025-01-06; tests act on days of 2025 given as ``now`` (services)
or pinned with :func:`pin_now` (GraphQL).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.service import new_user
from authz.guard import Actor
from casework import complaints, flow, intake, ratings, windows
from casework.applicants import ApplicantData
from casework.common import CHINA_TZ
from casework.models import (
    AlertRecipient,
    ApplicantKind,
    Appointment,
    AppointmentStatus,
    CalendarDay,
    Case,
    DeadlineAlert,
    Delivery,
    RatingLevel,
    SlotCount,
    Window,
    WindowKind,
)
from casework.schema import clock
from catalog import changes, releases
from catalog.models import ChangeKind, Department
from tests.support.catalog import MARRIAGE, matter_payload
from tests.support.factories import PASSWORD, County
from tests.support.workforce import CIPHER, id_number
from workforce import assignments
from workforce import staff as staff_service
from workforce.common import acting_on
from workforce.models import AssignmentKind, Education, EmploymentType, Post, Staff

__all__ = ["CIPHER", "MARRIAGE"]

ALLOWANCE = "MZ-009"  # 最低生活保障审核确认: proofs from other departments (容缺, 告知承诺)
HIRED = date(2025, 1, 6)
_serial = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    """An instant on ``day`` in China."""
    return datetime.combine(day, time(hour, 0), tzinfo=CHINA_TZ)


def pin_now(monkeypatch: pytest.MonkeyPatch, day: date, hour: int = 10) -> datetime:
    """The schema's clock (``casework.schema.clock``) reads ``day`` for one test."""
    instant = at(day, hour)
    monkeypatch.setattr(clock, "pinned_now", instant)
    return instant


@dataclass
class Person:
    """A staff member with a linked account."""

    county: County
    staff: Staff
    username: str

    async def actor(self) -> Actor:
        actor = await self.county.actor(self.username)
        actor.staff_id = self.staff.id
        return actor

    def token(self) -> str:
        return self.county.token(self.username)


async def person(
    county: County,
    site: str,
    post: Post,
    *,
    employer: str = "某人力资源服务有限公司",
    name: str = "窗口人员",
    hire_date: date = HIRED,
) -> Person:
    """Hire someone at ``site`` in ``post`` (REGULAR from ``hire_date``) and give them an
    account linked to the record."""
    admin = await county.actor("admin")
    username = f"cw{next(_serial)}"
    async with county.db.transaction(county.tenant_id) as session:
        staff = await staff_service.hire_staff(
            session,
            admin,
            CIPHER,
            staff_service.NewStaff(
                name=name,
                id_number=id_number(),
                phone=None,
                education=Education.BACHELOR,
                employment_type=EmploymentType.CIVIL_SERVANT,
                employer=employer,
                hire_date=hire_date,
                site_id=county.sites[site].id,
                post=post,
                # whatever the casework tests move them to later (``move``)
                posts=sorted({post, Post.INTAKE, Post.ISSUE, Post.APPROVAL}),
            ),
        )
        await session.flush()
        user = await new_user(
            session,
            "test",
            username=username,
            password=PASSWORD,
            display_name=name,
            staff_id=staff.id,
        )
    county.users[username] = user
    return Person(county, staff, username)


async def move(county: County, who: Person, site: str, post: Post, start: date) -> None:
    """A new REGULAR assignment of ``who`` from ``start`` (the previous one ends the day
    before)."""
    admin = await county.actor("admin")
    with acting_on(start):  # made on the day it starts, not back-dated
        await _assign(county, admin, who, site, post, start)


async def _assign(county: County, admin: Actor, who: Person, site: str, post: Post, start: date):
    async with county.db.transaction(county.tenant_id) as session:
        await assignments.assign_staff(
            session,
            admin,
            assignments.NewAssignment(
                staff_id=who.staff.id,
                site_id=county.sites[site].id,
                post=post,
                kind=AssignmentKind.REGULAR,
                start_date=start,
            ),
        )


async def open_window(
    county: County,
    site: str,
    number: str,
    kind: WindowKind = WindowKind.COMPREHENSIVE,
    *,
    area: str | None = None,
    matter_codes: list[str] | None = None,
) -> Window:
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        return await windows.open_window(
            session,
            admin,
            windows.NewWindow(
                site_id=county.sites[site].id,
                number=number,
                kind=kind,
                area=area,
                matter_codes=matter_codes or [],
            ),
        )


async def add_allowance_matter(county: County) -> None:
    """最低生活保障审核确认 (民政局, county level): ID and form are key; the income and
    household proofs come from other departments (deferrable, replaceable by a commitment).
    Published as a new release. Needs ``setup_catalog`` first."""
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        civil = next(d for d in await _departments(session) if d.name == "民政局")
        await changes.propose(
            session,
            admin,
            ChangeKind.DEFINE_MATTER,
            matter_payload(
                ALLOWANCE,
                "最低生活保障审核确认",
                str(civil.id),
                type="PAYMENT",
                materials=[
                    {"name": "居民身份证", "required": True, "source": "申请人自备"},
                    {"name": "申请表", "required": True, "source": "申请人自备"},
                    {"name": "收入证明", "required": True, "source": "政府部门核发"},
                    {"name": "户籍证明", "required": True, "source": "政府部门核发"},
                    {"name": "照片", "required": False, "source": "申请人自备"},
                ],
                legal_limit_days=20,
                promised_limit_days=10,
            ),
        )
        await releases.publish(session, admin, "低保审核确认")


async def _departments(session: AsyncSession) -> list[Department]:
    return list((await session.execute(select(Department))).scalars())


def applicant(kind: ApplicantKind = ApplicantKind.PERSON, number: str | None = None):
    return ApplicantData(
        kind=kind, name="李四", id_number=number or id_number(date(1986, 5, 1)), phone="13900001111"
    )


async def accept(
    county: County,
    who: Person,
    window: Window,
    now: datetime,
    matter: str = MARRIAGE,
    received: list[str] | None = None,
    **extra,
) -> intake.Accepted:
    async with county.db.transaction(county.tenant_id) as session:
        return await intake.accept_case(
            session,
            await who.actor(),
            CIPHER,
            intake.NewCase(
                window_id=window.id,
                matter_code=matter,
                applicant=extra.pop("applicant", None) or applicant(),
                received=received
                if received is not None
                else ["居民身份证", "户口簿", "近期半身免冠合影照片"],
                **extra,
            ),
            now,
        )


async def decide(county: County, who: Person, case: Case, now: datetime, approve: bool = True):
    async with county.db.transaction(county.tenant_id) as session:
        return await flow.decide_case(
            session,
            await who.actor(),
            case.id,
            approve,
            None if approve else "不符合条件",
            None,
            now,
        )


async def issue(county: County, who: Person, case: Case, window: Window, now: datetime):
    async with county.db.transaction(county.tenant_id) as session:
        return await flow.issue_result(
            session, await who.actor(), case.id, window.id, Delivery.COUNTER, None, now
        )


async def casework_rows(county: County) -> None:
    """For the isolation suite (after the catalog's rows): windows, a notice, and a case
    accepted, decided and issued (its steps and the day's sequences with it)."""
    intake_desk = await person(county, "root", Post.INTAKE, name="隔离受理")
    approver = await person(county, "root", Post.APPROVAL, employer=f"{county.name}民政局")
    issuer = await person(county, "root", Post.ISSUE, name="隔离出件")
    counter = await open_window(county, "root", "Z01")
    issue_window = await open_window(county, "root", "Z09", WindowKind.ISSUE)
    day = date(2025, 3, 3)
    async with county.db.transaction(county.tenant_id) as session:
        await intake.notify_missing(
            session,
            await intake_desk.actor(),
            CIPHER,
            intake.NewNotice(
                window_id=counter.id,
                matter_code=MARRIAGE,
                applicant=applicant(),
                missing=["户口簿"],
            ),
            at(day, 9),
        )
    accepted = await accept(county, intake_desk, counter, at(day))
    await decide(county, approver, accepted.case, at(day, 15))
    await issue(county, issuer, accepted.case, issue_window, at(day, 16))
    await feedback_rows(county, accepted, intake_desk)


async def feedback_rows(county: County, accepted: intake.Accepted, desk: Person) -> None:
    """A bad rating of the issued case (its follow-up), a complaint tracked by the site's
    manager; a county calendar day, a deadline alert, a booked slot."""
    await person(county, "root", Post.MANAGEMENT, name="隔离主任")
    case = accepted.case
    async with county.db.transaction(county.tenant_id) as session:
        await ratings.rate_case(
            session,
            CIPHER,
            case.number,
            accepted.receipt_code,
            RatingLevel.DISSATISFIED,
            "隔离",
            at(date(2025, 3, 4)),
        )
        await complaints.report_unresolved(
            session,
            await desk.actor(),
            CIPHER,
            complaints.NewComplaint(
                site_id=case.site_id, description="隔离反映", contact_phone="13800001111"
            ),
            at(date(2025, 3, 4)),
        )
        start = at(date(2025, 3, 5), 9)
        session.add(CalendarDay(day=date(2025, 3, 10), working=False, reason="隔离", set_by="t"))
        session.add(
            DeadlineAlert(
                case_id=case.id,
                site_id=case.site_id,
                state="OVERDUE",
                due_date=date(2025, 3, 3),
                recipient=AlertRecipient.SUPERVISOR,
                alerted_on=date(2025, 3, 4),
            )
        )
        session.add(SlotCount(site_id=case.site_id, start=start, booked=1))
        session.add(
            Appointment(
                number=f"{county.code}-Y20250305-0001",
                site_id=case.site_id,
                matter_code=case.matter_code,
                matter_name=case.matter_name,
                start=start,
                end=at(date(2025, 3, 5), 9) + timedelta(minutes=30),
                name="隔离",
                phone_cipher=CIPHER.encrypt("13800001111"),
                phone_hash=CIPHER.lookup_hash("13800001111"),
                phone_masked="138****1111",
                status=AppointmentStatus.BOOKED,
            )
        )
