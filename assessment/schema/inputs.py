"""Inputs and payloads of the assessment's mutations."""

from __future__ import annotations

from datetime import date

import strawberry

from api.gql.errors import UserErrorType
from assessment.schema.enums import MonthlyGrade
from assessment.schema.types import (
    AnnualAssessmentType,
    AssessmentEventType,
    AssessmentMonthType,
    AssessmentRubric,
    MonthlyScoreType,
)
from workforce.schema.files import JobType, RosterImportReport


@strawberry.input
class RecordAssessmentEventInput:
    staff_id: strawberry.ID
    item_code: str = strawberry.field(description="细则项编号,如 1.1")
    occurred_on: date
    count: int | None = strawberry.field(default=None, description="次数(天数),默认 1")
    points: int | None = strawberry.field(
        default=None, description="酌情项或多情形项的每次分值(填绝对值即可,如 3)"
    )
    note: str | None = None
    evidence_key: str | None = strawberry.field(
        default=None, description='佐证材料:requestUpload(purpose: "scan") 上传后的 key'
    )


@strawberry.input
class RubricVariantInput:
    points: int
    label: str
    grave: bool = False


@strawberry.input
class RubricItemInput:
    code: str
    description: str
    points: int | None = None
    min_points: int | None = None
    max_points: int | None = None
    grave: bool = False
    variants: list[RubricVariantInput] | None = None


@strawberry.input
class RubricCategoryInput:
    code: str
    name: str
    max_points: int | None
    items: list[RubricItemInput]


@strawberry.input
class UpdateAssessmentRubricInput:
    effective_from: date = strawberry.field(description="生效日期:某月 1 日,晚于已结算的月份")
    categories: list[RubricCategoryInput]
    note: str | None = None

    def to_document(self) -> dict:
        return {
            "categories": [
                {
                    "code": c.code,
                    "name": c.name,
                    "max": c.max_points,
                    "items": [
                        {
                            "code": i.code,
                            "description": i.description,
                            "points": i.points,
                            "min_points": i.min_points,
                            "max_points": i.max_points,
                            "grave": i.grave,
                            "variants": [
                                {"points": v.points, "label": v.label, "grave": v.grave}
                                for v in i.variants or []
                            ],
                        }
                        for i in c.items
                    ],
                }
                for c in self.categories
            ]
        }


@strawberry.input
class ImportAttendanceInput:
    upload_key: str = strawberry.field(description='requestUpload(purpose: "roster") 上传的 .xlsx')


@strawberry.type
class ImportAttendancePayload:
    report: RosterImportReport | None = strawberry.field(description="逐行报告(任务完成后才有)")
    user_errors: list[UserErrorType]
    job: JobType | None = strawberry.field(
        description="导入任务;未在请求内完成时凭它查询结果(node(id) 的 importReport)"
    )


@strawberry.input
class VoidAssessmentEventInput:
    event_id: strawberry.ID
    reason: str


@strawberry.input
class CloseAssessmentMonthInput:
    month: str = strawberry.field(description="YYYY-MM")
    request_id: str | None = strawberry.field(default=None, description="幂等请求号(可选)")


@strawberry.input
class AdjustMonthlyGradeInput:
    month: str
    staff_id: strawberry.ID
    grade: MonthlyGrade
    reason: str | None = None


@strawberry.input
class PublishAssessmentMonthInput:
    month: str


@strawberry.input
class CloseAssessmentYearInput:
    year: int
    request_id: str | None = None


@strawberry.type
class AssessmentRubricPayload:
    rubric: AssessmentRubric | None
    user_errors: list[UserErrorType]


@strawberry.type
class AssessmentEventPayload:
    event: AssessmentEventType | None
    user_errors: list[UserErrorType]


@strawberry.type
class AssessmentMonthPayload:
    month: AssessmentMonthType | None
    job: JobType | None
    user_errors: list[UserErrorType]


@strawberry.type
class MonthlyScorePayload:
    score: MonthlyScoreType | None
    user_errors: list[UserErrorType]


@strawberry.type
class AssessmentYearPayload:
    year: AnnualAssessmentType | None
    job: JobType | None
    user_errors: list[UserErrorType]
