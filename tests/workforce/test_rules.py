"""Head appointments, training hours and the quarterly check, certificates and the 18/24-month
warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenants.errors import UserErrors
from tests.support.factories import make_county
from tests.support.workforce import hire, pin_today
from workforce import certificates, heads, training
from workforce.certificates import CertificateWarningLevel, warning_for
from workforce.common import add_months
from workforce.models import HeadAppointmentStatus, SkillLevel, TrainingKind


async def refused(coro) -> list[tuple[str | None, str]]:
    with pytest.raises(UserErrors) as caught:
        await coro
    return [(e.field, e.code) for e in caught.value.errors]


@pytest.fixture(scope="module")
async def county(db):
    return await make_county(db, "规则县")


async def test_head_takes_effect_only_after_the_county_agrees(county, monkeypatch):
    pin_today(monkeypatch, date(2024, 12, 1))  # proposed and reviewed before the dates
    db = county.db
    head, admin = await county.actor("head_a"), await county.actor("admin")
    site = county.sites["town_a"].id
    async with db.transaction(county.tenant_id) as session:
        first = await heads.propose_head(
            session,
            head,
            site_id=site,
            staff_id=None,
            person_name="周一",
            effective_date=date(2025, 1, 1),
            reason="原负责人调任",
        )
    async with db.session(county.tenant_id) as session:
        assert (await heads.current_heads(session, [site], date(2025, 6, 1)))[site] is None
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            heads.propose_head(
                session,
                head,
                site_id=site,
                staff_id=None,
                person_name="插队",
                effective_date=date(2025, 1, 1),
                reason=None,
            )
        ) == [("siteId", "PROPOSAL_PENDING")]
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            heads.review_head(session, admin, first.id, agree=False, reason="")
        ) == [("reason", "REASON_REQUIRED")]
    async with db.transaction(county.tenant_id) as session:
        await heads.review_head(session, admin, first.id, agree=True, reason="同意")
    async with db.transaction(county.tenant_id) as session:
        second = await heads.propose_head(
            session,
            head,
            site_id=site,
            staff_id=None,
            person_name="吴二",
            effective_date=date(2026, 1, 1),
            reason=None,
        )
    async with db.transaction(county.tenant_id) as session:
        objected = await heads.review_head(
            session, admin, second.id, agree=False, reason="任职年限不足"
        )
    assert objected.status is HeadAppointmentStatus.OBJECTED
    async with db.transaction(county.tenant_id) as session:
        third = await heads.propose_head(
            session,
            head,
            site_id=site,
            staff_id=None,
            person_name="郑三",
            effective_date=date(2026, 3, 1),
            reason=None,
        )
        await session.flush()
        await heads.review_head(session, admin, third.id, agree=True, reason=None)
    async with db.session(county.tenant_id) as session:
        on = await heads.current_heads(session, [site], date(2026, 2, 28))
        assert on[site].person_name == "周一"
        later = await heads.current_heads(session, [site], date(2026, 3, 1))
        assert later[site].person_name == "郑三"
        history = await heads.appointments_of(session, site)
    assert [h.person_name for h in history] == ["郑三", "吴二", "周一"]
    assert history[2].ended_on == date(2026, 2, 28)
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            heads.propose_head(
                session,
                head,
                site_id=county.sites["village_a1"].id,
                staff_id=None,
                person_name="某",
                effective_date=date(2025, 1, 1),
                reason=None,
            )
        ) == [("siteId", "NOT_HEADED_SITE")]


async def test_training_hours_and_quarterly_noncompliance(county):
    db, admin = county.db, await county.actor("admin")
    keen = await hire(county, "town_b", name="勤学", hire_date=date(2024, 1, 2))
    absent = await hire(county, "town_b", name="缺训", hire_date=date(2024, 1, 2))
    later = await hire(county, "town_b", name="晚到", hire_date=date(2025, 4, 1))
    async with db.transaction(county.tenant_id) as session:
        central = await training.create_program(
            session,
            admin,
            kind=TrainingKind.REGULAR,
            title="一季度集中培训",
            year=2025,
            centralised=True,
            organizer="县政务办",
        )
        local = await training.create_program(
            session,
            admin,
            kind=TrainingKind.MENTORING,
            title="师徒结对",
            year=2025,
            centralised=False,
            organizer=None,
        )
        await session.flush()
        lesson = await training.add_session(
            session,
            admin,
            program_id=central.id,
            held_on=date(2025, 3, 20),
            hours="3.5",
            place="培训室",
            online=False,
            topics="礼仪",
            trainer="王老师",
        )
        mentoring = await training.add_session(
            session,
            admin,
            program_id=local.id,
            held_on=date(2025, 2, 1),
            hours="2",
            place=None,
            online=True,
            topics="帮带",
            trainer="李师傅",
        )
        await session.flush()
        await training.record_attendance(
            session, admin, session_id=lesson.id, staff_ids=[keen.id, keen.id]
        )
        await training.record_attendance(
            session, admin, session_id=mentoring.id, staff_ids=[absent.id]
        )
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            training.record_attendance(session, admin, session_id=lesson.id, staff_ids=[later.id])
        ) == [("staffIds[0]", "BEFORE_HIRE")]
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            training.add_session(
                session,
                admin,
                program_id=central.id,
                held_on=date(2024, 3, 1),
                hours="0",
                place=None,
                online=False,
                topics="",
                trainer="",
            )
        ) == [
            ("hours", "INVALID_HOURS"),
            ("heldOn", "OUTSIDE_PROGRAM_YEAR"),
            ("place", "REQUIRED"),
            ("topics", "REQUIRED"),
            ("trainer", "REQUIRED"),
        ]
    async with db.session(county.tenant_id) as session:
        hours = await training.training_hours(session, [keen.id, absent.id, later.id], 2025)
        assert hours == {keen.id: 3.5, absent.id: 2, later.id: 0}
        missing = await training.quarterly_noncompliance(session, admin, 2025, 1)
    names = {s.name for s in missing}
    assert "缺训" in names  # mentoring is not centralised training
    assert "勤学" not in names and "晚到" not in names  # 晚到 joined after the quarter


@pytest.mark.parametrize(
    ("hired", "on", "level"),
    [
        (date(2024, 8, 31), date(2026, 2, 27), None),
        (date(2024, 8, 31), date(2026, 2, 28), CertificateWarningLevel.DUE_SOON),  # clamped
        (date(2024, 1, 15), date(2025, 7, 14), None),
        (date(2024, 1, 15), date(2025, 7, 15), CertificateWarningLevel.DUE_SOON),
        (date(2024, 1, 15), date(2026, 1, 14), CertificateWarningLevel.DUE_SOON),
        (date(2024, 1, 15), date(2026, 1, 15), CertificateWarningLevel.OVERDUE),
    ],
)
def test_certificate_warning_day_boundaries(hired, on, level):
    from workforce.models import Staff, StaffStatus

    person = Staff(hire_date=hired, status=StaffStatus.ACTIVE)
    found = warning_for(person, False, on, 18, 24)
    assert (found.level if found else None) == level
    assert warning_for(person, True, on, 18, 24) is None


async def test_skill_level_is_the_highest_and_warnings_clear(county):
    db, admin = county.db, await county.actor("admin")
    today = date(2026, 6, 15)  # mid-month: month ends are in test_awkward_dates.py
    overdue = await hire(county, "sub", name="逾期", hire_date=add_months(today, -24))
    due = await hire(county, "sub", name="将到期", hire_date=add_months(today, -18))
    await hire(county, "sub", name="新人", hire_date=add_months(today, -18) + timedelta(days=1))
    async with db.session(county.tenant_id) as session:
        found = {
            w.staff.name: w.level
            for w in await certificates.certificate_warnings(session, admin, today)
        }
    assert found["逾期"] is CertificateWarningLevel.OVERDUE
    assert found["将到期"] is CertificateWarningLevel.DUE_SOON
    assert "新人" not in found
    for level, number in ((SkillLevel.LEVEL_4, "A-1"), (SkillLevel.LEVEL_5, "A-2")):
        async with db.transaction(county.tenant_id) as session:
            person = await certificates.record_certificate(
                session,
                admin,
                None,
                staff_id=due.id,
                level=level,
                number=f"{county.code}{number}",
                issued_on=today,
                scan_key=None,
                on=today,
            )
    assert person.skill_level is SkillLevel.LEVEL_4
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            certificates.record_certificate(
                session,
                admin,
                None,
                staff_id=overdue.id,
                level=SkillLevel.LEVEL_5,
                number=f"{county.code}A-1",
                issued_on=today + timedelta(days=1),
                scan_key="elsewhere/scan/x.pdf",
                on=today,
            )
        ) == [
            ("issuedOn", "FUTURE_DATE"),
            ("number", "DUPLICATE_CERTIFICATE"),
            ("scanUploadKey", "INVALID_UPLOAD"),
        ]
    async with db.session(county.tenant_id) as session:
        warnings = await certificates.certificate_warnings(session, admin, today)
    names = {w.staff.name for w in warnings}
    assert "将到期" not in names and "逾期" in names
