"""The assessment's mutations; each only translates to the rules (``assessment.recording``,
``monthly``, ``annual``) and, for the closes, submits the job (``assessment.jobs``)."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.errors import mutate
from api.gql.ids import input_id
from assessment import annual, attendance, monthly, recording, rubric
from assessment.jobs import close_assessment_month, close_assessment_year
from assessment.jobs import import_attendance as import_attendance_job
from assessment.models import AssessmentStatus
from assessment.months import check_year, input_month, label, require_county
from assessment.people import month_end
from assessment.schema.inputs import (
    AdjustMonthlyGradeInput,
    AssessmentEventPayload,
    AssessmentMonthPayload,
    AssessmentRubricPayload,
    AssessmentYearPayload,
    CloseAssessmentMonthInput,
    CloseAssessmentYearInput,
    ImportAttendanceInput,
    ImportAttendancePayload,
    MonthlyScorePayload,
    PublishAssessmentMonthInput,
    RecordAssessmentEventInput,
    UpdateAssessmentRubricInput,
    VoidAssessmentEventInput,
)
from assessment.schema.types import (
    AnnualAssessmentType,
    AssessmentEventType,
    AssessmentMonthType,
    AssessmentRubric,
    MonthlyScoreType,
)
from authz.guard import Actor
from tenants.errors import refuse
from workers.jobs import submit
from workers.queue import queue_for
from workforce.common import today
from workforce.schema.files import JobType, report_of_job

REQUEST_ID_MAX = 100


def _check_request_id(request_id: str | None) -> None:
    if request_id is not None and not 0 < len(request_id) <= REQUEST_ID_MAX:
        raise refuse("requestId", "INVALID_REQUEST_ID", "请求号应为 1-100 个字符")


async def _submit(info: Info, kind: str, request_id: str | None, params: dict[str, Any]):
    ctx = app_context(info)
    return await submit(
        ctx.db,
        queue_for(ctx.settings, ctx.db),
        ctx.require_actor(),
        kind=kind,
        request_id=request_id,
        params=params,
    )


@strawberry.type
class AssessmentMutation:
    @strawberry.mutation(description="记录考核事项(管理此人所在场所者:镇负责人、部门管理员、县办)")
    async def record_assessment_event(
        self, info: Info, input: RecordAssessmentEventInput
    ) -> AssessmentEventPayload:
        async def change(session: AsyncSession, actor: Actor) -> AssessmentEventType:
            data = recording.NewEvent(
                staff_id=input_id(input.staff_id, "Staff", "staffId"),
                item_code=input.item_code,
                occurred_on=input.occurred_on,
                count=input.count if input.count is not None else 1,
                points=input.points,
                note=input.note,
                evidence_key=input.evidence_key,
            )
            return AssessmentEventType.from_row(await recording.record_event(session, actor, data))

        event, errors = await mutate(info, change)
        return AssessmentEventPayload(event=event, user_errors=errors)

    @strawberry.mutation(
        description="修订考核细则:保存为新版本,自某月 1 日起生效(不改变已结算的月份)"
    )
    async def update_assessment_rubric(
        self, info: Info, input: UpdateAssessmentRubricInput
    ) -> AssessmentRubricPayload:
        async def change(session: AsyncSession, actor: Actor) -> AssessmentRubric:
            await require_county(session, actor, "rubric")
            row = await rubric.new_version(
                session, actor.label, input.to_document(), input.effective_from, input.note
            )
            return AssessmentRubric.from_rubric(
                rubric.Rubric(row.version, row.effective_from, row.document)
            )

        found, errors = await mutate(info, change)
        return AssessmentRubricPayload(rubric=found, user_errors=errors)

    @strawberry.mutation(description="导入考勤机导出的考勤(.xlsx,1.1–1.4):任一行有误则整份不导入")
    async def import_attendance(
        self, info: Info, input: ImportAttendanceInput
    ) -> ImportAttendancePayload:
        ctx = app_context(info)

        async def check(session: AsyncSession, actor: Actor) -> bool:
            await attendance.may_import(session, actor)
            return True

        allowed, errors = await mutate(info, check)
        if not allowed:
            return ImportAttendancePayload(report=None, user_errors=errors, job=None)
        job = JobType.from_row(
            await submit(
                ctx.db,
                queue_for(ctx.settings, ctx.db),
                ctx.require_actor(),
                kind=import_attendance_job.__name__,
                request_id=None,
                params={"upload_key": input.upload_key},
            )
        )
        report, errors = report_of_job(job)
        return ImportAttendancePayload(report=report, user_errors=errors, job=job)

    @strawberry.mutation(description="作废考核记录(须说明理由;该月公布前)")
    async def void_assessment_event(
        self, info: Info, input: VoidAssessmentEventInput
    ) -> AssessmentEventPayload:
        async def change(session: AsyncSession, actor: Actor) -> AssessmentEventType:
            event_id = input_id(input.event_id, "AssessmentEvent", "eventId")
            row = await recording.void_event(session, actor, event_id, input.reason)
            return AssessmentEventType.from_row(row)

        event, errors = await mutate(info, change)
        return AssessmentEventPayload(event=event, user_errors=errors)

    @strawberry.mutation(description="月度考核结算(后台任务):计分、按名额拟定等次、计算奖励")
    async def close_assessment_month(
        self, info: Info, input: CloseAssessmentMonthInput
    ) -> AssessmentMonthPayload:
        async def check(session: AsyncSession, actor: Actor) -> dict[str, Any]:
            await require_county(session, actor, "close")
            _check_request_id(input.request_id)
            month = input_month(input.month)
            if month_end(month) >= today():
                raise refuse("month", "MONTH_NOT_OVER", f"{label(month)} 尚未结束,不能结算")
            found = await monthly.find_month(session, month)
            if found is not None and found.status is AssessmentStatus.PUBLISHED:
                raise refuse("month", "MONTH_FINAL", f"{label(month)} 考核已公布,不能重新结算")
            return {"month": month.isoformat()}

        params, errors = await mutate(info, check)
        if params is None:
            return AssessmentMonthPayload(month=None, job=None, user_errors=errors)
        job = await _submit(info, close_assessment_month.__name__, input.request_id, params)
        month = input_month(input.month)
        ctx = app_context(info)
        async with ctx.read() as session:
            row = await monthly.find_month(session, month)
        return AssessmentMonthPayload(
            month=AssessmentMonthType.from_row(row, month),
            job=JobType.from_row(job),
            user_errors=[],
        )

    @strawberry.mutation(description="调整月度等次(不超过“好”名额;评为“差”须说明理由;公布后为更正)")
    async def adjust_monthly_grade(
        self, info: Info, input: AdjustMonthlyGradeInput
    ) -> MonthlyScorePayload:
        async def change(session: AsyncSession, actor: Actor) -> MonthlyScoreType:
            await require_county(session, actor, "adjust")
            month = input_month(input.month)
            staff_id = input_id(input.staff_id, "Staff", "staffId")
            row = await monthly.adjust_grade(
                session, actor.label, month, staff_id, input.grade, input.reason
            )
            return MonthlyScoreType.from_row(row, month)

        score, errors = await mutate(info, change)
        return MonthlyScorePayload(score=score, user_errors=errors)

    @strawberry.mutation(description="公布月度考核(此后只能附理由更正)")
    async def publish_assessment_month(
        self, info: Info, input: PublishAssessmentMonthInput
    ) -> AssessmentMonthPayload:
        async def change(session: AsyncSession, actor: Actor) -> AssessmentMonthType:
            await require_county(session, actor, "publish")
            month = input_month(input.month)
            row = await monthly.publish_month(session, actor.label, month)
            return AssessmentMonthType.from_row(row, month)

        month, errors = await mutate(info, change)
        return AssessmentMonthPayload(month=month, job=None, user_errors=errors)

    @strawberry.mutation(
        description="年度考核(后台任务):按规则依次评定不合格、优秀、合格、基本合格"
    )
    async def close_assessment_year(
        self, info: Info, input: CloseAssessmentYearInput
    ) -> AssessmentYearPayload:
        async def check(session: AsyncSession, actor: Actor) -> dict[str, Any]:
            await require_county(session, actor, "close")
            _check_request_id(input.request_id)
            year = check_year(input.year)
            if year >= today().year:
                raise refuse("year", "YEAR_NOT_OVER", f"{year} 年尚未结束,不能进行年度考核")
            await annual.publishable_months(session, year)
            return {"year": year}

        params, errors = await mutate(info, check)
        if params is None:
            return AssessmentYearPayload(year=None, job=None, user_errors=errors)
        job = await _submit(info, close_assessment_year.__name__, input.request_id, params)
        ctx = app_context(info)
        async with ctx.read() as session:
            row = await annual.find_year(session, params["year"])
        year = AnnualAssessmentType.from_row(row, params["year"])
        return AssessmentYearPayload(year=year, job=JobType.from_row(job), user_errors=[])
