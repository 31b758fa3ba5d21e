"""Training and certificates, the review list, dismissal and resignation (issue 10): no
attendance for a session still to come; a session lists who attended; a late certificate
clears the warning but keeps the missed deadline; the review list gathers the triggers of
001 §四(四)1 from every domain; dismissing and removing name their reason and are audited; a
resignation notice is recorded when received, never ahead."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tenants.audit import AuditEvent
from tests.support.errors import refused
from tests.support.factories import make_county
from tests.support.graphql import gid, gql
from tests.support.workforce import hire, pin_today
from workforce import certificates, review, separation, training
from workforce import staff as staff_service
from workforce.common import add_months
from workforce.models import Separation, SkillLevel, StaffStatus, TrainingKind

TODAY = date(2026, 10, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    pin_today(monkeypatch, TODAY)


async def _session_on(county, held_on: date):
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        program = await training.create_program(
            session,
            admin,
            kind=TrainingKind.REGULAR,
            title="集中培训",
            year=held_on.year,
            centralised=True,
            organizer=None,
        )
        await session.flush()
        return await training.add_session(
            session,
            admin,
            program_id=program.id,
            held_on=held_on,
            hours="2",
            place="培训室",
            online=False,
            topics="礼仪",
            trainer="讲师",
        )


async def test_attendance_only_once_the_session_has_been_held(db, client):
    county = await make_county(db, "培训签到县")
    person = await hire(county, "town_a", name="签到人", hire_date=date(2025, 3, 3))
    later = await _session_on(county, TODAY + timedelta(days=20))
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            training.record_attendance(session, admin, session_id=later.id, staff_ids=[person.id])
        ) == [("sessionId", "FUTURE_SESSION")]
    held = await _session_on(county, TODAY)
    async with db.transaction(county.tenant_id) as session:
        await training.record_attendance(session, admin, session_id=held.id, staff_ids=[person.id])
    listed = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on TrainingSession { attendeeCount "
        "attendees(first: 10) { totalCount edges { node { id name } } } } } }",
        {"id": gid("TrainingSession", held.id)},
        county.token("admin"),
    )
    node = listed["data"]["node"]
    assert node["attendeeCount"] == 1
    assert node["attendees"]["edges"] == [
        {"node": {"id": gid("Staff", person.id), "name": "签到人"}}
    ]
    future = await gql(
        client,
        "mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { "
        "userErrors { field code } } }",
        {
            "i": {
                "sessionId": gid("TrainingSession", later.id),
                "staffIds": [gid("Staff", person.id)],
            }
        },
        county.token("admin"),
    )
    assert future["data"]["recordAttendance"]["userErrors"] == [
        {"field": "sessionId", "code": "FUTURE_SESSION"}
    ]


async def test_a_late_certificate_clears_the_warning_but_not_the_missed_deadline(db, client):
    county = await make_county(db, "迟证县")
    hired = add_months(TODAY, -30)
    late = await hire(county, "town_a", name="迟到证", hire_date=hired)
    none = await hire(county, "town_b", name="无证", hire_date=hired)
    ok = await hire(county, "town_b", name="按期", hire_date=hired)
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        for person, issued, number in (
            (late, add_months(hired, 25), "LATE-1"),
            (ok, add_months(hired, 6), "OK-1"),
        ):
            await certificates.record_certificate(
                session,
                admin,
                None,
                staff_id=person.id,
                level=SkillLevel.LEVEL_5,
                number=f"{number}-{county.code}",
                issued_on=issued,
                scan_key=None,
            )
    async with db.session(county.tenant_id) as session:
        warned = await certificates.staff_warnings(session, [late.id, none.id, ok.id])
        facts = await certificates.deadline_facts(session, [late.id, none.id, ok.id])
        listed = await review.review_list(session, admin)
    assert set(warned) == {none.id}
    assert {k for k, f in facts.items() if f.missed} == {late.id, none.id}
    assert facts[late.id].certified_on == add_months(hired, 25)
    flagged = {e.staff.name: [f.code for f in e.flags] for e in listed}
    assert flagged == {
        "迟到证": ["CERTIFICATE_DEADLINE_MISSED"],
        "无证": ["CERTIFICATE_DEADLINE_MISSED"],
    }
    shown = await gql(
        client,
        "{ reviewList(first: 10) { totalCount edges { node { staff { name "
        "certificateWarning { level } certificateDeadlineMissed } "
        "flags { code label detail since } } } } }",
        token=county.token("admin"),
    )
    edges = shown["data"]["reviewList"]["edges"]
    assert [e["node"]["staff"]["name"] for e in edges] == ["无证", "迟到证"]
    assert edges[1]["node"]["staff"]["certificateWarning"] is None
    assert edges[1]["node"]["staff"]["certificateDeadlineMissed"] is True
    assert edges[1]["node"]["flags"][0]["label"] == "入职后 2 年内未取得五级证书"
    denied = await gql(client, "{ reviewList { totalCount } }", token=county.token("head_a"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_domain_adds_its_trigger(db):
    county = await make_county(db, "触发县")
    person = await hire(county, "town_a", name="旷工者", hire_date=date(2026, 1, 5))

    async def absent(session, on):
        return {person.id: review.Flag("TEST_ABSENCE", "一年内旷工 3 次", on)}

    review.register_trigger("TEST_ABSENCE", "多次旷工(测试)", absent)
    try:
        async with db.session(county.tenant_id) as session:
            listed = await review.review_list(session, await county.actor("admin"))
    finally:
        review._triggers.pop("TEST_ABSENCE")
    assert [(e.staff.name, [f.code for f in e.flags]) for e in listed] == [
        ("旷工者", ["TEST_ABSENCE"])
    ]


async def test_dismissal_and_removal_name_their_reason_and_are_audited(db, client):
    county = await make_county(db, "辞退县")
    person = await hire(county, "town_a", name="被辞退", hire_date=date(2023, 4, 3))
    moved = await hire(county, "town_a", name="调离者", hire_date=date(2023, 4, 3))
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        assert await refused(separation.dismiss(session, admin, person.id, " ", None)) == [
            ("reason", "REQUIRED")
        ]
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            separation.dismiss(session, admin, person.id, "理由", TODAY - timedelta(days=1))
        ) == [("lastDay", "PAST_DATE")]
    async with db.transaction(county.tenant_id) as session:
        done = await separation.dismiss(session, admin, person.id, "入职两年未取得五级证书", None)
    assert (done.separation, done.status, done.last_day) == (
        Separation.DISMISSED,
        StaffStatus.LEFT,
        TODAY,
    )
    async with db.session(county.tenant_id) as session:
        audited = await session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "staff.dismiss", AuditEvent.object_id == str(person.id)
            )
        )
        event = audited.scalar_one()
    assert event.detail["separation"] == "DISMISSED"
    removed = await gql(
        client,
        "mutation($i: SeparateStaffInput!) { removeFromWindow(input: $i) { "
        "staff { status separation separationReason lastDay } userErrors { field code } } }",
        {
            "i": {
                "staffId": gid("Staff", moved.id),
                "reason": "不能胜任且拒绝合理调整",
                "lastDay": (TODAY + timedelta(days=7)).isoformat(),
            }
        },
        county.token("admin"),
    )
    assert removed["data"]["removeFromWindow"] == {
        "staff": {
            "status": "LEFT",
            "separation": "REMOVED",
            "separationReason": "不能胜任且拒绝合理调整",
            "lastDay": (TODAY + timedelta(days=7)).isoformat(),
        },
        "userErrors": [],
    }
    denied = await gql(
        client,
        "mutation($i: SeparateStaffInput!) { dismissStaff(input: $i) { staff { id } } }",
        {"i": {"staffId": gid("Staff", moved.id), "reason": "x"}},
        county.token("head_a"),
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_resignation_notice_is_recorded_when_received(db, client):
    county = await make_county(db, "辞职县")
    person = await hire(county, "town_a", name="辞职者", hire_date=date(2024, 6, 3))
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        assert await refused(
            staff_service.resign(session, admin, person.id, TODAY + timedelta(days=3), None)
        ) == [("noticeDate", "FUTURE_DATE")]
    future = await gql(
        client,
        "mutation($i: ResignStaffInput!) { resignStaff(input: $i) { staff { id } "
        "userErrors { field code } } }",
        {
            "i": {
                "staffId": gid("Staff", person.id),
                "noticeDate": (TODAY + timedelta(days=1)).isoformat(),
            }
        },
        county.token("admin"),
    )
    assert future["data"]["resignStaff"]["userErrors"] == [
        {"field": "noticeDate", "code": "FUTURE_DATE"}
    ]
    async with db.transaction(county.tenant_id) as session:
        resigned = await staff_service.resign(session, admin, person.id, TODAY, "个人原因")
    assert resigned.last_day == TODAY + timedelta(days=30)
    assert resigned.separation is Separation.RESIGNED
    assert uuid.UUID(str(resigned.id))
