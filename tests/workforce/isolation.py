"""Row maker for the generic tenant-isolation suite: one row of every workforce model."""

from __future__ import annotations

from datetime import date, timedelta

from tests.factories import County
from tests.isolation_rows import row_maker
from tests.workforce.helpers import hire
from workers.models import BackgroundJob
from workforce import assignments, heads, redeployment, training
from workforce.models import AssignmentKind, Post, SkillLevel, TrainingKind


@row_maker
async def workforce_rows(county: County) -> None:
    admin = await county.actor("admin")
    start = date(2025, 2, 3)
    person = await hire(county, "town_a", name="隔离测试", hire_date=start)
    other = await hire(county, "town_b", name="隔离测试二", hire_date=start)
    async with county.db.transaction(county.tenant_id) as session:
        await assignments.assign_staff(
            session,
            admin,
            assignments.NewAssignment(
                staff_id=person.id,
                site_id=county.sites["village_a1"].id,
                post=Post.AGENCY,
                kind=AssignmentKind.VILLAGE_DISPATCH,
                start_date=start + timedelta(days=1),
            ),
        )
        await redeployment.redeploy(
            session,
            admin,
            effective_date=start + timedelta(days=10),
            reason="隔离测试",
            moves=[redeployment.Move(other.id, county.sites["root"].id, Post.INTAKE)],
        )
        appointment = await heads.propose_head(
            session,
            admin,
            site_id=county.sites["town_a"].id,
            staff_id=person.id,
            person_name=None,
            effective_date=start,
            reason=None,
        )
        program = await training.create_program(
            session,
            admin,
            kind=TrainingKind.REGULAR,
            title="集中培训",
            year=2025,
            centralised=True,
            organizer=None,
        )
        await session.flush()
        await heads.review_head(session, admin, appointment.id, agree=True, reason=None)
        lesson = await training.add_session(
            session,
            admin,
            program_id=program.id,
            held_on=date(2025, 3, 1),
            hours="3.5",
            place="培训室",
            online=False,
            topics="礼仪",
            trainer="讲师",
        )
        await session.flush()
        await training.record_attendance(
            session, admin, session_id=lesson.id, staff_ids=[person.id]
        )
        from workforce.certificates import record_certificate

        await record_certificate(
            session,
            admin,
            None,
            staff_id=person.id,
            level=SkillLevel.LEVEL_5,
            number=f"ISO-{county.code}",
            issued_on=date(2025, 6, 1),
            scan_key=None,
        )
        session.add(
            BackgroundJob(job_key="isolation", kind="export_roster", requested_by=admin.label)
        )
