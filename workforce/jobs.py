"""Workforce's background jobs (arq on Redis in production, inline on the embedded default),
and who may read one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.jobs import requester
from api.storage import Storage
from authz.guard import Actor
from workers.jobs import JobRefused, JobResult, run_job
from workers.models import BackgroundJob
from workers.registry import job
from workers.reports import ReportRow, import_result
from workforce.common import require_at_county
from workforce.personal import PersonalDataCipher, cipher_for
from workforce.roster import ImportReport, RosterRefused, export_work
from workforce.roster import import_roster as import_roster_file


@job
async def import_roster(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """花名册导入: every row or none (REFUSED, with the row-by-row report)."""
    return await run_job(ctx, tenant_id, job_id, partial(import_work, import_roster_file))


# An import of a roster-shaped sheet (the roster, the attendance machine's export): a
# function of (session, actor, cipher, storage, upload key) that raises ``RosterRefused``.
SheetImport = Callable[
    [AsyncSession, Actor, PersonalDataCipher, Storage, str], Awaitable[ImportReport]
]


async def import_work(
    import_file: SheetImport, session: AsyncSession, row: BackgroundJob, ctx: dict[str, Any]
) -> JobResult:
    """A roster-shaped import job's work, for the user who asked as they are now; its report
    is kept on the job (``REFUSED`` when any row is refused, nothing applied)."""
    actor = await requester(ctx["db"], row)
    cipher = cipher_for(ctx["settings"].secret_key)
    try:
        report = await import_file(session, actor, cipher, ctx["storage"], row.params["upload_key"])
    except RosterRefused as refusal:
        raise JobRefused(import_result_of(refusal.report)) from None
    return JobResult(data=import_result_of(report))


def import_result_of(report: ImportReport) -> dict[str, Any]:
    """The roster report as a job keeps it (``workers.reports``)."""
    rows = [ReportRow(r.row, r.name, r.errors) for r in report.rows]
    return import_result(report.created, rows, report.file_errors)


@job
async def export_roster(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """花名册导出: the roster of a site's subtree as an xlsx file in storage."""
    return await run_job(ctx, tenant_id, job_id, export_work)


# Reading someone else's job is not a "read" (the supervisor reads everything with "*, read",
# and an export holds personal data, phones in full for an administrator): only a role granted
# job:oversee at the county centre may, which by default is county_admin ("*, *").
OVERSEE = ("job", "oversee")


async def readable_job(
    session: AsyncSession, actor: Actor, job_id: uuid.UUID
) -> BackgroundJob | None:
    """A job and its file belong to who asked for it; the county's administrators may read
    anyone's. Anyone else: FORBIDDEN (None when there is no such job in the county)."""
    found = await session.get(BackgroundJob, job_id)
    if found is None:
        return None
    if actor.user_id is None or found.requested_by_user_id != actor.user_id:
        await require_at_county(session, actor, *OVERSEE)
    return found
