"""GraphQL types of the assessment: the rubric, events, a month and its scores, a year and its
grades. Money is a decimal string in yuan."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import global_id
from api.gql.pagination import Connection, connection
from assessment import models
from assessment.months import label
from assessment.rubric import Rubric
from assessment.schema.enums import AnnualGrade, AssessmentStatus, EventSource, MonthlyGrade
from assessment.schema.loaders import recorder_loader
from assessment.schema.reading import annual_grade_rows, month_score_rows
from workforce.schema.loaders import staff_loader
from workforce.schema.types import StaffType


def yuan(value) -> str:
    return f"{value:.2f}"


@strawberry.type(description="细则项的一种情形(如 6.2 书面表扬 +2、锦旗表扬 +5)")
class RubricVariant:
    points: int
    label: str
    grave: bool


@strawberry.type(description="考核细则的一项:扣分为负、加分为正;酌情项给出分值范围")
class RubricItem:
    code: str
    description: str
    points: int | None = strawberry.field(description="每次的分值(酌情项为空)")
    min_points: int | None = strawberry.field(description="酌情项的分值下限(如 -5)")
    max_points: int | None = strawberry.field(description="酌情项的分值上限(如 -1)")
    grave: bool = strawberry.field(description="严重项:出现即当月为“差”(5.5 仅“造成严重影响”)")
    variants: list[RubricVariant]


@strawberry.type(description="考核类别:满分起扣、扣完为止;6 为加分项,不设上限")
class RubricCategory:
    code: str
    name: str
    max_points: int | None = strawberry.field(description="满分(加分项为空:不设上限)")
    items: list[RubricItem]


@strawberry.type(description="考核细则(某一版本)")
class AssessmentRubric:
    version: int
    effective_from: date
    categories: list[RubricCategory]

    @classmethod
    def from_rubric(cls, rubric: Rubric) -> AssessmentRubric:
        return cls(
            version=rubric.version,
            effective_from=rubric.effective_from,
            categories=[
                RubricCategory(
                    code=c["code"],
                    name=c["name"],
                    max_points=c["max"],
                    items=[
                        RubricItem(
                            code=i["code"],
                            description=i["description"],
                            points=i.get("points"),
                            min_points=i.get("min_points"),
                            max_points=i.get("max_points"),
                            grave=bool(i.get("grave")),
                            variants=[RubricVariant(**v) for v in i.get("variants") or []],
                        )
                        for i in c["items"]
                    ],
                )
                for c in rubric.categories
            ],
        )


@strawberry.type(description="记录人")
class AssessmentRecorder:
    id: strawberry.ID
    name: str


@strawberry.type(name="AssessmentEvent", description="考核记录(扣分为负、加分为正)")
class AssessmentEventType(relay.Node):
    id: relay.NodeID[str]
    item_code: str
    points: int
    count: int
    occurred_on: date
    source: EventSource
    grave: bool
    note: str | None
    voided: bool
    void_reason: str | None
    row: strawberry.Private[models.AssessmentEvent]

    @classmethod
    def from_row(cls, row: models.AssessmentEvent) -> AssessmentEventType:
        return cls(
            id=str(row.id),
            item_code=row.item_code,
            points=row.points,
            count=row.count,
            occurred_on=row.occurred_on,
            source=row.source_kind,
            grave=row.grave,
            note=row.note,
            voided=row.voided,
            void_reason=row.void_reason,
            row=row,
        )

    @strawberry.field(description="记录人(系统记录为空)")
    async def recorded_by(self, info: Info) -> AssessmentRecorder | None:
        user_id = self.row.recorded_by_user_id
        if user_id is None:
            return None
        name = await recorder_loader(app_context(info)).load(user_id)
        return AssessmentRecorder(id=strawberry.ID(global_id("User", user_id)), name=name or "")

    @strawberry.field
    async def staff(self, info: Info) -> StaffType | None:
        found = await staff_loader(app_context(info)).load(self.row.staff_id)
        return StaffType.from_row(found) if found else None


@strawberry.type(description="类别得分")
class CategoryScore:
    code: str
    score: int


@strawberry.type(description="一人一月的考核结果")
class MonthlyScoreType:
    month: str
    total: int
    bonus: int
    deductions: int = strawberry.field(description="扣分合计(未封底)")
    grade: MonthlyGrade | None = strawberry.field(description="等次(立案调查期间暂停为空)")
    proposed_grade: MonthlyGrade | None
    suspended: bool
    reward_yuan: str
    adjusted_reason: str | None
    categories: list[CategoryScore]
    staff_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: models.MonthlyScore, month: date) -> MonthlyScoreType:
        return cls(
            month=label(month),
            total=row.total,
            bonus=row.bonus,
            deductions=row.deductions,
            grade=row.grade,
            proposed_grade=row.proposed_grade,
            suspended=row.suspended,
            reward_yuan=yuan(row.reward),
            adjusted_reason=row.adjusted_reason,
            categories=[CategoryScore(code=k, score=v) for k, v in sorted(row.categories.items())],
            staff_id=row.staff_id,
        )

    @strawberry.field
    async def staff(self, info: Info) -> StaffType | None:
        found = await staff_loader(app_context(info)).load(self.staff_id)
        return StaffType.from_row(found) if found else None


@strawberry.type(description="一人的年度考核等次及其理由")
class AnnualGradeType:
    grade: AnnualGrade
    good_months: int
    fair_months: int
    poor_months: int
    suspended_months: int
    total_score: int
    reasons: list[str]
    staff_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: models.AnnualGradeRow) -> AnnualGradeType:
        return cls(
            grade=row.grade,
            good_months=row.good_months,
            fair_months=row.fair_months,
            poor_months=row.poor_months,
            suspended_months=row.suspended_months,
            total_score=row.total_score,
            reasons=list(row.reasons or []),
            staff_id=row.staff_id,
        )

    @strawberry.field
    async def staff(self, info: Info) -> StaffType | None:
        found = await staff_loader(app_context(info)).load(self.staff_id)
        return StaffType.from_row(found) if found else None


@strawberry.type(description="月度考核")
class AssessmentMonthType:
    month: str
    status: AssessmentStatus
    rubric_version: int | None
    assessed_count: int
    good_quota: int = strawberry.field(description="“好”等次名额:参加考核人数 × 30%,向下取整")
    good_count: int
    month_id: strawberry.Private[uuid.UUID | None]
    first_day: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: models.AssessmentMonth | None, month: date) -> AssessmentMonthType:
        return cls(
            month=label(month),
            status=row.status if row else models.AssessmentStatus.OPEN,
            rubric_version=row.rubric_version if row else None,
            assessed_count=row.assessed_count if row else 0,
            good_quota=row.good_quota if row else 0,
            good_count=row.good_count if row else 0,
            month_id=row.id if row else None,
            first_day=month,
        )

    @strawberry.field(description="各人得分,高分在前;给 siteId 时为该场所及其下级的人员")
    async def scores(
        self,
        info: Info,
        site_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MonthlyScoreType]:
        rows, total, page = await month_score_rows(info, self.month_id, site_id, first, after)
        return connection(rows, total, page, lambda r: MonthlyScoreType.from_row(r, self.first_day))


@strawberry.type(description="年度考核")
class AnnualAssessmentType:
    year: int
    status: AssessmentStatus
    assessed_count: int
    excellent_quota: int
    year_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: models.AssessmentYear | None, year: int) -> AnnualAssessmentType:
        return cls(
            year=year,
            status=row.status if row else models.AssessmentStatus.OPEN,
            assessed_count=row.assessed_count if row else 0,
            excellent_quota=row.excellent_quota if row else 0,
            year_id=row.id if row else None,
        )

    @strawberry.field(description="各人的年度等次")
    async def grades(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AnnualGradeType]:
        rows, total, page = await annual_grade_rows(info, self.year_id, first, after)
        return connection(rows, total, page, AnnualGradeType.from_row)
