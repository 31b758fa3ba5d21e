"""The casework's root query fields: the case list, the work queue, a site's windows, and the
applicant's anonymous progress page (``publicCase``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import query_id
from api.gql.pagination import Connection, connection, page_args
from casework import reading, windows
from casework.events import events_of
from casework.models import Case
from casework.ratings import rated
from casework.schema import clock
from casework.schema.appointments import AppointmentQuery
from casework.schema.calendar import CalendarQuery
from casework.schema.enums import CaseStatus, DeadlineState
from casework.schema.feedback import FeedbackQuery
from casework.schema.report import ReportQuery
from casework.schema.trail import TrailQuery
from casework.schema.types import CaseType, PublicCaseStep, PublicCaseType, WindowType
from catalog.public import open_county
from network.models import Site
from workforce.common import require_date_in_range
from workforce.personal import cipher_for


async def _public_case(info: Info, row: Case) -> PublicCaseType:
    ctx = app_context(info)
    async with ctx.read(row.tenant_id) as session:  # the county named by the request
        site = await session.get(Site, row.site_id)
        steps = (await events_of(session, [row.id]))[row.id]
        was_rated = await rated(session, row.id)
    return PublicCaseType(
        number=row.number,
        status=row.status,
        matter_name=row.matter_name,
        site_name=site.official_name if site else "",
        accepted_at=row.accepted_at,
        due_date=row.due_date,
        issued_at=row.issued_at,
        delivery=row.delivery,
        steps=[PublicCaseStep(at=e.at, kind=e.kind) for e in steps],
        rated=was_rated,
    )


@strawberry.type
class CaseworkQuery(FeedbackQuery, TrailQuery, ReportQuery, CalendarQuery, AppointmentQuery):
    @strawberry.field(
        description="办件列表:给 siteId 时为该场所及其下级受理或审批的办件,否则为全县;新受理的在前"
    )
    async def cases(
        self,
        info: Info,
        site_id: strawberry.ID | None = None,
        status: list[CaseStatus] | None = None,
        deadline_state: DeadlineState | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CaseType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        site = query_id(site_id, "Site", "siteId") if site_id is not None else None
        require_date_in_range(from_, "from")
        require_date_in_range(to, "to")
        async with ctx.read() as session:
            rows, total = await reading.list_cases(
                session,
                actor,
                cipher_for(ctx.settings.secret_key),
                clock.today(),
                site_id=site,
                statuses=status,
                deadline_state=deadline_state,
                accepted_from=from_,
                accepted_to=to,
                search=search,
                offset=page.offset,
                limit=page.limit,
            )
        return connection(rows, total, page, CaseType.from_row)

    @strawberry.field(description="我的待办:今日可处理的办件,办结期限最早的在前")
    async def work_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CaseType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await reading.work_queue(
                session, actor, clock.today(), offset=page.offset, limit=page.limit
            )
        return connection(rows, total, page, CaseType.from_row)

    @strawberry.field(description="场所的窗口(默认只列开放中的)")
    async def windows(
        self, info: Info, site_id: strawberry.ID, include_closed: bool = False
    ) -> list[WindowType]:
        ctx = app_context(info)
        ctx.require_actor()
        ctx.tenant_id()
        site = query_id(site_id, "Site", "siteId")
        async with ctx.read() as session:
            rows = await windows.site_windows(session, site, include_closed=include_closed)
        return [WindowType.from_row(w) for w in rows]

    @strawberry.field(description="办件进度查询(公开):县代码 + 办件编号 + 回执查询码;不符时为 null")
    async def public_case(
        self, info: Info, tenant: str, number: str, receipt_code: str
    ) -> PublicCaseType | None:
        ctx = app_context(info)
        tenant_id, known = await open_county(ctx.db, tenant)
        ctx.counters[tenant_id] = known
        async with ctx.read(tenant_id) as session:
            row = await reading.public_case(
                session, cipher_for(ctx.settings.secret_key), number, receipt_code
            )
        return await _public_case(info, row) if row is not None else None
