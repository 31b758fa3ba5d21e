"""导出花名册: a background job (``workers``) writes the roster of a site's subtree (a site, a
township with its villages, or the whole county) as ``.xlsx`` and stores it; its link is on the
job."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import Settings
from api.storage import XLSX, Storage, new_key
from authz.guard import Actor
from network import tree
from network.access import require
from network.models import Site
from network.tree import require_county_center
from tenants import audit, spreadsheets
from tenants.errors import refuse
from workers.models import BackgroundJob
from workforce.access import can_unmask_county
from workforce.common import effective_status, today
from workforce.models import Assignment, Staff
from workforce.personal import PersonalDataCipher, cipher_for, shown_phone
from workforce.placement import placing
from workforce.roster.labels import (
    EDUCATION_LABEL,
    EMPLOYMENT_LABEL,
    GENDER_LABEL,
    KIND_LABEL,
    POST_LABEL,
    SKILL_LABEL,
    STATUS_LABEL,
)

REQUEST_ID_MAX = 100
EXPORT_COLUMNS = (
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "手机号码",
    "学历",
    "用工类型",
    "用工单位",
    "入职日期",
    "状态",
    "所在场所",
    "岗位",
    "分配类型",
    "技能等级",
)


async def export_scope(session: AsyncSession, actor: Actor, site_id: uuid.UUID | None) -> Site:
    """The site whose subtree is exported (the county centre when none is given)."""
    site = await session.get(Site, site_id) if site_id else await require_county_center(session)
    if site is None:
        raise refuse("siteId", "NOT_FOUND", "场所不存在")
    await require(session, actor, "roster", "export", site.id, site.official_name)
    return site


async def export_request(
    session: AsyncSession,
    actor: Actor,
    site_id: uuid.UUID | None,
    request_id: str | None,
    on: date | None = None,
) -> dict[str, Any]:
    """Checks an export before its job is queued; returns the job's params (the site, the day,
    and whether the file shows phones in full)."""
    actor.require_tenant_user()
    site = await export_scope(session, actor, site_id)
    unmask = await can_unmask_county(session, actor)
    if request_id is not None and not (0 < len(request_id) <= REQUEST_ID_MAX):
        raise refuse("requestId", "INVALID_REQUEST_ID", "请求号应为 1-100 个字符")
    return {"site_id": str(site.id), "on": (on or today()).isoformat(), "unmask_phone": unmask}


async def roster_rows(
    session: AsyncSession, cipher: PersonalDataCipher, site_id: uuid.UUID, on: date, unmask: bool
) -> list[tuple]:
    """One row per person placed in the site's subtree on ``on``, by site then name.

    Only the columns the file shows are read (no ORM identity map for ~450 × 3 objects).
    """
    subtree = tree.subtree_ids_query(site_id)
    rows = await session.execute(
        select(
            Staff.name,
            Staff.gender,
            Staff.birth_date,
            Staff.id_number_masked,
            Staff.phone_masked,
            Staff.phone_cipher,
            Staff.education,
            Staff.employment_type,
            Staff.employer,
            Staff.hire_date,
            Staff.status,
            Staff.probation_end,
            Staff.last_day,
            Staff.skill_level,
            Site.official_name,
            Assignment.post,
            Assignment.kind,
        )
        .join(Assignment, Assignment.staff_id == Staff.id)
        .join(Site, Site.id == Assignment.site_id)
        .where(Assignment.site_id.in_(subtree), placing(on))
        .order_by(Site.depth, Site.division_code, Site.name, Staff.name, Staff.id)
    )
    result = []
    for number, r in enumerate(rows.all(), start=1):
        phone = shown_phone(cipher, r.phone_cipher, r.phone_masked, unmask) or ""
        status = effective_status(
            Staff(status=r.status, probation_end=r.probation_end, last_day=r.last_day), on
        )
        result.append(
            (
                number,
                r.name,
                GENDER_LABEL[r.gender.value],
                r.birth_date.isoformat(),
                r.id_number_masked,
                phone,
                EDUCATION_LABEL[r.education],
                EMPLOYMENT_LABEL[r.employment_type],
                r.employer,
                r.hire_date.isoformat(),
                STATUS_LABEL[status],
                r.official_name,
                POST_LABEL[r.post],
                KIND_LABEL[r.kind],
                SKILL_LABEL[r.skill_level] if r.skill_level else "未取得",
            )
        )
    return result


def roster_workbook(title: str, rows: list[tuple]) -> bytes:
    """The roster file: a title row, the headings, one row per person. CPU work (openpyxl):
    the job calls it in a thread."""
    return spreadsheets.write_xlsx(
        spreadsheets.SheetOut("花名册", [(title,), EXPORT_COLUMNS, *rows])
    )


async def export_work(
    session: AsyncSession, job: BackgroundJob, ctx: dict[str, Any]
) -> tuple[str, str]:
    """The export job's work: build the workbook and store it; returns (key, file name)."""
    settings: Settings = ctx["settings"]
    storage: Storage = ctx["storage"]
    params = job.params or {}
    site = await session.get(Site, uuid.UUID(params["site_id"]))
    if site is None:
        raise LookupError("site of the export is gone")
    on = date.fromisoformat(params["on"])
    unmask = bool(params.get("unmask_phone"))
    rows = await roster_rows(session, cipher_for(settings.secret_key), site.id, on, unmask)
    title = f"{site.official_name} 人员花名册({on.isoformat()},共 {len(rows)} 人)"
    data = await asyncio.to_thread(roster_workbook, title, rows)
    key = new_key(job.tenant_id, "export", XLSX)
    await storage.put(key, data, XLSX)
    # Personal data leaving the system is on the record: who, which subtree, how many people,
    # whether phones were in full (in the job's transaction: the row exists iff the file does).
    audit.record(
        session,
        job.requested_by,
        "roster.export",
        "Job",
        job.id,
        {
            "site_id": str(site.id),
            "site": site.official_name,
            "on": on.isoformat(),
            "rows": len(rows),
            "unmask_phone": unmask,
            "requested_by_user_id": str(job.requested_by_user_id)
            if job.requested_by_user_id
            else None,
        },
    )
    return key, f"花名册-{site.name}-{on.isoformat()}.xlsx"
