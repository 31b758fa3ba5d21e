"""Roster (花名册) import, and its export as a background job."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import input_id
from api.storage import storage_for
from authz.guard import Actor
from workers.jobs import submit
from workers.queue import queue_for
from workforce import roster
from workforce.jobs import export_roster as export_roster_job
from workforce.personal import cipher_for
from workforce.schema.files import JobType, RosterImportReport
from workforce.schema.inputs import ExportRosterInput, ImportRosterInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import ImportRosterPayload, JobPayload


@strawberry.type
class RosterMutation:
    @strawberry.mutation(description="导入花名册(.xlsx):任一行有误则整份不导入,并逐行报告")
    async def import_roster(self, info: Info, input: ImportRosterInput) -> ImportRosterPayload:
        ctx = app_context(info)
        cipher, files = cipher_for(ctx.settings.secret_key), storage_for(ctx.settings)
        refused: list[roster.ImportReport] = []

        async def change(session: AsyncSession, actor: Actor) -> roster.ImportReport:
            try:
                return await roster.import_roster(session, actor, cipher, files, input.upload_key)
            except roster.RosterRefused as exc:
                refused.append(exc.report)  # the per-row report goes back with the refusal
                raise

        report, errors = await changed(info, RosterImportReport.from_report, change)
        if report is None and refused:
            report = RosterImportReport.from_report(refused[0])
        return ImportRosterPayload(report=report, user_errors=errors)

    @strawberry.mutation(description="导出花名册(后台任务):场所(含下级)或全县")
    async def export_roster(self, info: Info, input: ExportRosterInput) -> JobPayload:
        params, errors = await changed(
            info,
            _as_is,
            lambda session, actor: roster.export_request(
                session,
                actor,
                input_id(input.site_id, "Site", "siteId") if input.site_id else None,
                input.request_id,
            ),
        )
        if params is None:
            return JobPayload(job=None, user_errors=errors)
        ctx = app_context(info)
        job = await submit(
            ctx.db,
            queue_for(ctx.settings, ctx.db),
            ctx.require_actor(),
            kind=export_roster_job.__name__,
            request_id=input.request_id,
            params=params,
        )
        return JobPayload(job=JobType.from_row(job), user_errors=[])


def _as_is(value: Any) -> Any:
    return value
