"""Roster (花名册) import, and its export as a background job."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import input_id
from authz.guard import Actor
from workers.jobs import submit
from workers.queue import queue_for
from workforce import roster
from workforce.common import require_at_county
from workforce.jobs import export_roster as export_roster_job
from workforce.jobs import import_roster as import_roster_job
from workforce.schema.files import JobType
from workforce.schema.inputs import ExportRosterInput, ImportRosterInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import ImportRosterPayload, JobPayload


@strawberry.type
class RosterMutation:
    @strawberry.mutation(description="导入花名册(.xlsx,后台任务):任一行有误则整份不导入,并逐行报告")
    async def import_roster(self, info: Info, input: ImportRosterInput) -> ImportRosterPayload:
        ctx = app_context(info)

        async def check(session: AsyncSession, actor: Actor) -> bool:
            await require_at_county(session, actor, "roster", "import")
            return True

        allowed, errors = await changed(info, _as_is, check)
        if not allowed:
            return ImportRosterPayload(report=None, user_errors=errors, job=None)
        job = await submit(
            ctx.db,
            queue_for(ctx.settings, ctx.db),
            ctx.require_actor(),
            kind=import_roster_job.__name__,
            request_id=None,
            params={"upload_key": input.upload_key},
        )
        return ImportRosterPayload.of_job(JobType.from_row(job))

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
