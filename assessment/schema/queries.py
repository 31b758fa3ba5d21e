"""The assessment's root query fields: the rubric, a month, a year."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from assessment import annual, attendance, monthly
from assessment.months import check_year, query_month
from assessment.rubric import rubric_in_force
from assessment.schema.types import AnnualAssessmentType, AssessmentMonthType, AssessmentRubric
from workforce.common import require_date_in_range, today


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="考核细则:某日(默认今天)所在月份生效的版本")
    async def assessment_rubric(self, info: Info, on: date | None = None) -> AssessmentRubric:
        ctx = app_context(info)
        ctx.require_actor()
        ctx.tenant_id()
        require_date_in_range(on, "on")
        async with ctx.read() as session:
            rubric = await rubric_in_force(session, (on or today()).replace(day=1))
        return AssessmentRubric.from_rubric(rubric)

    @strawberry.field(description="月度考核(month 为 YYYY-MM);未结算的月份为 OPEN")
    async def assessment_month(self, info: Info, month: str) -> AssessmentMonthType:
        ctx = app_context(info)
        ctx.require_actor()
        ctx.tenant_id()
        first = query_month(month)
        async with ctx.read() as session:
            row = await monthly.find_month(session, first)
        return AssessmentMonthType.from_row(row, first)

    @strawberry.field(description="年度考核")
    async def annual_assessment(self, info: Info, year: int) -> AnnualAssessmentType:
        ctx = app_context(info)
        ctx.require_actor()
        ctx.tenant_id()
        check_year(year, query=True)
        async with ctx.read() as session:
            row = await annual.find_year(session, year)
        return AnnualAssessmentType.from_row(row, year)

    @strawberry.field(description="考勤导入模板(.xlsx)的下载地址")
    def attendance_template_url(self) -> str:
        return attendance.TEMPLATE_PATH
