"""GraphQL types of pay; money is a decimal string in yuan."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.ids import query_id
from api.gql.loaders import batch
from api.gql.pagination import Connection, connection, page_args
from assessment.months import label
from pay import models
from pay.access import read_scope
from pay.budget import Budget, BudgetMonth, MonthBasis
from pay.carryover import adjustments_of
from pay.payroll import lines_page
from workforce.schema.loaders import staff_loader
from workforce.schema.types import StaffType

PayrollStatus = strawberry.enum(
    models.PayrollStatus, name="PayrollStatus", description="工资表状态"
)


def yuan(value) -> str:
    return f"{value:.2f}"


@strawberry.type(
    name="PayAdjustment", description="补发/扣回:以前月份考核奖励在该月工资表审定后的变动"
)
class PayAdjustmentType:
    source_month: str = strawberry.field(description="所补/所扣的考核月份 YYYY-MM")
    amount_yuan: str = strawberry.field(description="正数为补发,负数为扣回")
    paid_before_yuan: str = strawberry.field(description="此前已发该月考核奖励")
    due_yuan: str = strawberry.field(description="该月考核奖励现应发")
    reason: str

    @classmethod
    def from_row(cls, row: models.PayAdjustment) -> PayAdjustmentType:
        return cls(
            source_month=label(row.source_month),
            amount_yuan=yuan(row.amount),
            paid_before_yuan=yuan(row.paid_before),
            due_yuan=yuan(row.due),
            reason=row.reason,
        )


@batch("pay.adjustments")
async def _adjustments_loader(
    ctx: AppContext, keys: list[tuple[uuid.UUID, uuid.UUID]]
) -> list[list[PayAdjustmentType]]:
    """Each slip's adjustments, one statement per payroll among the keys."""
    found: dict[tuple[uuid.UUID, uuid.UUID], list[PayAdjustmentType]] = {}
    by_payroll: dict[uuid.UUID, list[uuid.UUID]] = {}
    for payroll_id, staff_id in keys:
        by_payroll.setdefault(payroll_id, []).append(staff_id)
    async with ctx.read() as session:
        for payroll_id, staff_ids in by_payroll.items():
            for row in await adjustments_of(session, payroll_id, staff_ids):
                found.setdefault((payroll_id, row.staff_id), []).append(
                    PayAdjustmentType.from_row(row)
                )
    return [found.get(key, []) for key in keys]


@strawberry.type(name="PayLine", description="工资条:一人一月")
class PayLineType:
    month: str
    probation: bool
    skill_level: str | None
    tenure_years: int = strawberry.field(description="自首次取得证书起的连续工龄(整年)")
    days_paid: int
    days_in_month: int
    base_yuan: str
    skill_yuan: str
    tenure_yuan: str
    education_yuan: str
    reward_yuan: str
    adjustment_yuan: str = strawberry.field(description="补发/扣回以前月份考核奖励的合计")
    gross_yuan: str
    note: str | None = strawberry.field(description="折算、试用期、补发/扣回等说明")
    staff_id: strawberry.Private[uuid.UUID]
    payroll_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: models.PayLine) -> PayLineType:
        return cls(
            month=label(row.month),
            probation=row.probation,
            skill_level=row.skill_level,
            tenure_years=row.tenure_years,
            days_paid=row.days_paid,
            days_in_month=row.days_in_month,
            base_yuan=yuan(row.base),
            skill_yuan=yuan(row.skill),
            tenure_yuan=yuan(row.tenure),
            education_yuan=yuan(row.education),
            reward_yuan=yuan(row.reward),
            adjustment_yuan=yuan(row.adjustment),
            gross_yuan=yuan(row.gross),
            note=row.note,
            staff_id=row.staff_id,
            payroll_id=row.payroll_id,
        )

    @strawberry.field(description="补发/扣回明细(以前月份考核奖励)")
    async def adjustments(self, info: Info) -> list[PayAdjustmentType]:
        if self.adjustment_yuan == "0.00":
            return []
        return await _adjustments_loader(app_context(info)).load((self.payroll_id, self.staff_id))

    @strawberry.field
    async def staff(self, info: Info) -> StaffType | None:
        found = await staff_loader(app_context(info)).load(self.staff_id)
        return StaffType.from_row(found) if found else None


@strawberry.type(name="Payroll", description="月度工资表")
class PayrollType:
    month: str
    status: PayrollStatus
    headcount: int
    total_yuan: str
    run_at: datetime | None
    approved_at: datetime | None
    payroll_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: models.Payroll | None, month: date) -> PayrollType:
        return cls(
            month=label(month),
            status=row.status if row else models.PayrollStatus.DRAFT,
            headcount=row.headcount if row else 0,
            total_yuan=yuan(row.total) if row else "0.00",
            run_at=row.run_at if row else None,
            approved_at=row.approved_at if row else None,
            payroll_id=row.id if row else None,
        )

    @strawberry.field(description="工资条;给 siteId 时为该场所及其下级的人员")
    async def lines(
        self,
        info: Info,
        site_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PayLineType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        site = query_id(site_id, "Site", "siteId") if site_id is not None else None
        async with ctx.read() as session:
            scope = await read_scope(session, actor, site)
            if self.payroll_id is None:
                rows, total = [], 0
            else:
                rows, total = await lines_page(
                    session, self.payroll_id, scope, offset=page.offset, limit=page.limit
                )
        return connection(rows, total, page, PayLineType.from_row)


BudgetBasis = strawberry.enum(
    MonthBasis,
    name="BudgetBasis",
    description="ACTUAL 按工资表;PROJECTED 尚无工资表,按现有人员测算",
)


@strawberry.type(description="经费测算的一个月")
class StaffingBudgetMonth:
    month: str
    basis: BudgetBasis
    payroll_status: PayrollStatus | None = strawberry.field(description="实际月份的工资表状态")
    headcount: int
    person_months: str
    pay_yuan: str
    social_insurance_yuan: str

    @classmethod
    def from_month(cls, m: BudgetMonth) -> StaffingBudgetMonth:
        return cls(
            month=label(m.month),
            basis=m.basis,
            payroll_status=m.payroll_status,
            headcount=m.headcount,
            person_months=f"{m.person_months:.2f}",
            pay_yuan=yuan(m.pay),
            social_insurance_yuan=yuan(m.social_insurance),
        )


@strawberry.type(description="窗口人员年度经费测算(000 §六)")
class StaffingBudget:
    year: int
    headcount: int
    person_months: str
    pay_yuan: str
    social_insurance_yuan: str
    management_fee_yuan: str
    tax_yuan: str
    total_yuan: str
    per_person_month_yuan: str
    reference_per_person_month_yuan: str = strawberry.field(
        description="对照:邗江区每人每月综合成本(002,5400 元)"
    )
    months: list[StaffingBudgetMonth] = strawberry.field(
        description="逐月:有工资表的月份按实际,其余按今天的在册人员和薪酬规则测算(考核奖励按基数全额)"
    )

    @classmethod
    def from_budget(cls, year: int, b: Budget) -> StaffingBudget:
        return cls(
            year=year,
            headcount=b.headcount,
            person_months=f"{b.person_months:.2f}",
            pay_yuan=yuan(b.pay),
            social_insurance_yuan=yuan(b.social_insurance),
            management_fee_yuan=yuan(b.management_fee),
            tax_yuan=yuan(b.tax),
            total_yuan=yuan(b.total),
            per_person_month_yuan=yuan(b.per_person_month),
            reference_per_person_month_yuan=yuan(b.reference_per_person_month),
            months=[StaffingBudgetMonth.from_month(m) for m in b.months],
        )
