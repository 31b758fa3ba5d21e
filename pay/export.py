"""导出工资表: a background job writes a payroll as ``.xlsx`` with the office's Chinese headings
(``tenants.spreadsheets``: formula-safe, in a thread) and stores it; the link is on the job."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.storage import XLSX, Storage, new_key
from assessment.months import label
from network.models import Site
from pay.models import PayLine, Payroll
from tenants import audit, spreadsheets
from workers.models import BackgroundJob
from workforce.models import Staff
from workforce.roster.labels import SKILL_LABEL

COLUMNS = (
    "序号",
    "姓名",
    "所在场所",
    "试用期",
    "技能等级",
    "连续工龄(年)",
    "计薪天数",
    "基本工资",
    "技能津贴",
    "工龄津贴",
    "学历津贴",
    "考核奖励",
    "补发/扣回",
    "应发合计",
    "备注",
)
STATUS_LABEL = {"DRAFT": "草稿", "APPROVED": "已审定"}


async def payroll_rows(session: AsyncSession, payroll: Payroll) -> list[tuple]:
    rows = await session.execute(
        select(PayLine, Staff.name, Site.official_name)
        .join(Staff, Staff.id == PayLine.staff_id)
        .outerjoin(Site, Site.id == PayLine.site_id)
        .where(PayLine.payroll_id == payroll.id)
        .order_by(Site.depth, Site.division_code, Site.name, Staff.name, Staff.id)
    )
    out = []
    for number, (line, name, site) in enumerate(rows.all(), start=1):
        out.append(
            (
                number,
                name,
                site or "",
                "是" if line.probation else "否",
                SKILL_LABEL.get(line.skill_level, line.skill_level)
                if line.skill_level
                else "未取得",
                line.tenure_years,
                f"{line.days_paid}/{line.days_in_month}",
                line.base,
                line.skill,
                line.tenure,
                line.education,
                line.reward,
                line.adjustment,
                line.gross,
                line.note or "",
            )
        )
    return out


def payroll_workbook(title: str, rows: list[tuple], total) -> bytes:
    """CPU work (openpyxl): the job calls it in a thread."""
    footer = ("合计", *([""] * (len(COLUMNS) - 3)), total, "")
    return spreadsheets.write_xlsx(
        spreadsheets.SheetOut("工资表", [(title,), COLUMNS, *rows, footer])
    )


async def export_work(
    session: AsyncSession, job: BackgroundJob, ctx: dict[str, Any]
) -> tuple[str, str]:
    storage: Storage = ctx["storage"]
    month = date.fromisoformat(job.params["month"])
    payroll = (
        await session.execute(select(Payroll).where(Payroll.month == month))
    ).scalar_one_or_none()
    if payroll is None:
        raise LookupError("payroll of the export is gone")
    rows = await payroll_rows(session, payroll)
    status = STATUS_LABEL.get(payroll.status.value, payroll.status.value)
    title = f"{label(month)} 窗口工作人员工资表({status},共 {len(rows)} 人)"
    data = await asyncio.to_thread(payroll_workbook, title, rows, payroll.total)
    key = new_key(job.tenant_id, "export", XLSX)
    await storage.put(key, data, XLSX)
    audit.record(
        session,
        job.requested_by,
        "payroll.export",
        "Job",
        job.id,
        {"month": label(month), "rows": len(rows)},
    )
    return key, f"工资表-{label(month)}.xlsx"
