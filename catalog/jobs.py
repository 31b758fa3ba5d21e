"""Catalog's background jobs: importing the county's catalog from a spreadsheet (arq in
production, the inline queue's threads on the embedded default — never the serving loop)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.jobs import requester
from api.storage import Storage
from catalog import importer
from tenants.errors import UserError
from workers.jobs import JobRefused, JobResult, run_job
from workers.models import BackgroundJob
from workers.registry import job
from workers.reports import ReportRow, import_result, refused_file

UPLOAD_PURPOSE = "catalog-import"  # the key's middle part (``api.storage.new_key``)


@job
async def import_catalog(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """目录导入: every row checked and applied as approved changes, or none (REFUSED, with the
    row-by-row report)."""
    return await run_job(ctx, tenant_id, job_id, _import_work)


async def _import_work(session: AsyncSession, row: BackgroundJob, ctx: dict[str, Any]) -> JobResult:
    storage: Storage = ctx["storage"]
    key = row.params["upload_key"]
    content = await storage.get(key)  # checked by the importer itself, as the request sent it
    if content is None:
        raise JobRefused(
            refused_file(UserError("fileBase64", "UPLOAD_NOT_FOUND", "未找到导入的文件"))
        )
    actor = await requester(ctx["db"], row)
    try:
        report = await importer.import_catalog(session, actor, content)
    except importer.ImportRefused as refusal:
        raise JobRefused(_result(refusal.report, refusal.errors)) from None
    finally:
        await storage.delete(key)  # the upload served its one purpose
    return JobResult(data=_result(report, []))


def _result(report: importer.ImportReport, errors: list[UserError]) -> dict[str, Any]:
    rows = [ReportRow(r.row, r.code, r.errors) for r in report.rows]
    return import_result(report.imported, rows, errors)
