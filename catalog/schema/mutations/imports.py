"""Importing the county's catalog from a spreadsheet: a job (all rows or none, reported row by
row), answered with its report when it finishes while the request waits."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.errors import UserErrorType, mutate, to_user_errors
from api.gql.jobs import JobType
from api.storage import XLSX, new_key, storage_for
from catalog import importer
from catalog.jobs import UPLOAD_PURPOSE
from catalog.jobs import import_catalog as import_job
from catalog.schema.inputs import ImportCatalogInput
from tenants.errors import UserError
from workers.jobs import submit
from workers.models import JobStatus
from workers.queue import queue_for


@strawberry.type(name="ImportRow", description="导入报告的一行")
class ImportRowType:
    row: int
    code: str | None
    ok: bool
    errors: list[UserErrorType]


@strawberry.type
class ImportCatalogPayload:
    imported: int = strawberry.field(description="导入的事项数(未完成或失败时为 0)")
    rows: list[ImportRowType] = strawberry.field(description="逐行报告(任务完成后才有)")
    user_errors: list[UserErrorType]
    job: JobType | None = strawberry.field(
        description="导入任务;未在请求内完成时凭它查询结果(node(id) 的 importReport)"
    )

    @classmethod
    def refused(cls, errors: list[UserErrorType]) -> ImportCatalogPayload:
        return cls(imported=0, rows=[], user_errors=errors, job=None)

    @classmethod
    def of_job(cls, job: JobType) -> ImportCatalogPayload:
        if job.status is JobStatus.FAILED:
            failed = UserError("fileBase64", "IMPORT_FAILED", "导入任务失败,请稍后重试")
            return cls(imported=0, rows=[], user_errors=to_user_errors([failed]), job=job)
        report = job.report()
        if report is None:  # still running: the job says when it is done
            return cls(imported=0, rows=[], user_errors=[], job=job)
        return cls(
            imported=report.imported,
            rows=[
                ImportRowType(row=r.row, code=r.label, ok=r.ok, errors=r.errors)
                for r in report.rows
            ],
            user_errors=report.user_errors,
            job=job,
        )


@strawberry.type
class ImportMutation:
    @strawberry.mutation(description="从 .xlsx 导入县级目录(后台任务):全部成功才导入,并逐行报告")
    async def import_catalog(self, info: Info, input: ImportCatalogInput) -> ImportCatalogPayload:
        ctx = app_context(info)

        async def check(session, actor) -> bytes:
            await importer.may_import(session, actor)
            return input.content()

        content, errors = await mutate(info, check)
        if content is None:
            return ImportCatalogPayload.refused(errors)
        actor = ctx.require_actor()
        key = new_key(actor.require_tenant_user(), UPLOAD_PURPOSE, XLSX)
        await storage_for(ctx.settings).put(key, content, XLSX)
        job = await submit(
            ctx.db,
            queue_for(ctx.settings, ctx.db),
            actor,
            kind=import_job.__name__,
            request_id=None,
            params={"upload_key": key},
        )
        return ImportCatalogPayload.of_job(JobType.from_row(job))
