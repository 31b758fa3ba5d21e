"""Pay's root fields: the payroll of a month, the staffing budget; running, approving and
exporting a payroll (the run and the export are jobs). They only translate to ``pay``'s rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.errors import UserErrorType, mutate
from api.gql.ids import input_id, query_id
from assessment.months import check_year, input_month, label, query_month
from authz.guard import Actor
from pay import budget, payroll
from pay.access import read_scope, require_county
from pay.jobs import export_payroll as export_job
from pay.jobs import run_payroll as run_job
from pay.models import PayrollStatus
from pay.schema.types import PayrollType, StaffingBudget
from tenants.errors import refuse
from workers.jobs import submit
from workers.queue import queue_for
from workforce.common import get_staff, today
from workforce.schema.files import JobType

REQUEST_ID_MAX = 100


@strawberry.input
class RunPayrollInput:
    month: str = strawberry.field(description="YYYY-MM")
    request_id: str | None = None


@strawberry.input
class ApprovePayrollInput:
    month: str


@strawberry.input
class ExportPayrollInput:
    month: str
    request_id: str | None = None


@strawberry.input
class SetBaseWageInput:
    staff_id: strawberry.ID
    monthly_yuan: str = strawberry.field(description='合同约定的月基本工资(元),如 "3800.00"')


@strawberry.type
class BaseWagePayload:
    monthly_yuan: str | None
    user_errors: list[UserErrorType]


@strawberry.type
class PayrollPayload:
    payroll: PayrollType | None
    job: JobType | None
    user_errors: list[UserErrorType]


@strawberry.type
class PayrollJobPayload:
    job: JobType | None
    user_errors: list[UserErrorType]


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
class PayQuery:
    @strawberry.field(description="月度工资表(month 为 YYYY-MM)")
    async def payroll(self, info: Info, month: str) -> PayrollType:
        ctx = app_context(info)
        ctx.require_actor()
        ctx.tenant_id()
        first = query_month(month)
        async with ctx.read() as session:
            row = await payroll.find_payroll(session, first)
        return PayrollType.from_row(row, first)

    @strawberry.field(
        description="窗口人员年度经费:工资、单位社保、管理费 5%、税费 6.72%;无工资表的月份按测算"
    )
    async def staffing_budget(
        self, info: Info, year: int, site_id: strawberry.ID | None = None
    ) -> StaffingBudget:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        check_year(year, query=True)
        site = query_id(site_id, "Site", "siteId") if site_id is not None else None
        async with ctx.read() as session:
            scope = await read_scope(session, actor, site)
            found = await budget.staffing_budget(session, year, scope, today=today())
        return StaffingBudget.from_budget(year, found)


@strawberry.type
class PayMutation:
    @strawberry.mutation(description="工资核算(后台任务):审定前可重算")
    async def run_payroll(self, info: Info, input: RunPayrollInput) -> PayrollPayload:
        async def check(session: AsyncSession, actor: Actor) -> dict[str, Any]:
            await require_county(session, actor, "run")
            _check_request_id(input.request_id)
            month = input_month(input.month)
            if month > today():
                raise refuse("month", "MONTH_NOT_STARTED", f"{label(month)} 尚未开始")
            found = await payroll.find_payroll(session, month)
            if found is not None and found.status is PayrollStatus.APPROVED:
                raise refuse("month", "PAYROLL_APPROVED", f"{label(month)} 工资表已审定,不能重算")
            return {"month": month.isoformat()}

        params, errors = await mutate(info, check)
        if params is None:
            return PayrollPayload(payroll=None, job=None, user_errors=errors)
        job = await _submit(info, run_job.__name__, input.request_id, params)
        month = input_month(input.month)
        async with app_context(info).read() as session:
            row = await payroll.find_payroll(session, month)
        return PayrollPayload(
            payroll=PayrollType.from_row(row, month), job=JobType.from_row(job), user_errors=[]
        )

    @strawberry.mutation(description="审定工资表(此后冻结,不能重算)")
    async def approve_payroll(self, info: Info, input: ApprovePayrollInput) -> PayrollPayload:
        async def change(session: AsyncSession, actor: Actor) -> PayrollType:
            await require_county(session, actor, "approve")
            month = input_month(input.month)
            row = await payroll.approve_payroll(session, actor.label, month)
            return PayrollType.from_row(row, month)

        found, errors = await mutate(info, change)
        return PayrollPayload(payroll=found, job=None, user_errors=errors)

    @strawberry.mutation(description="设定个人基本工资(合同约定;未设定者按全县基本工资)")
    async def set_base_wage(self, info: Info, input: SetBaseWageInput) -> BaseWagePayload:
        async def change(session: AsyncSession, actor: Actor) -> str:
            await require_county(session, actor, "wage")
            staff_id = input_id(input.staff_id, "Staff", "staffId")
            await get_staff(session, staff_id)
            try:
                monthly = Decimal(input.monthly_yuan.strip())
            except (InvalidOperation, ValueError):
                raise refuse("monthlyYuan", "INVALID_AMOUNT", "金额格式应为元,如 3800.00") from None
            if not monthly.is_finite() or monthly != monthly.quantize(Decimal("0.01")):
                raise refuse("monthlyYuan", "INVALID_AMOUNT", "金额最多精确到分")
            row = await payroll.set_base_wage(session, actor.label, staff_id, monthly)
            return f"{row.monthly:.2f}"

        found, errors = await mutate(info, change)
        return BaseWagePayload(monthly_yuan=found, user_errors=errors)

    @strawberry.mutation(description="导出工资表(.xlsx,后台任务)")
    async def export_payroll(self, info: Info, input: ExportPayrollInput) -> PayrollJobPayload:
        async def check(session: AsyncSession, actor: Actor) -> dict[str, Any]:
            await require_county(session, actor, "export")
            _check_request_id(input.request_id)
            month = input_month(input.month)
            if await payroll.find_payroll(session, month) is None:
                raise refuse("month", "NO_PAYROLL", f"{label(month)} 尚未生成工资表")
            return {"month": month.isoformat()}

        params, errors = await mutate(info, check)
        if params is None:
            return PayrollJobPayload(job=None, user_errors=errors)
        job = await _submit(info, export_job.__name__, input.request_id, params)
        return PayrollJobPayload(job=JobType.from_row(job), user_errors=[])
