"""The workforce's root query fields."""

from __future__ import annotations

from datetime import date
from functools import partial

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.ids import query_id
from api.gql.pagination import Connection
from authz.guard import Actor
from workforce import certificates, listing, redeployment, training
from workforce.schema.enums import StaffStatus
from workforce.schema.reading import as_caller, paged
from workforce.schema.types import (
    CertificateWarning,
    RedeploymentOrderType,
    StaffType,
    TrainingProgramType,
)


@strawberry.type
class WorkforceQuery:
    @strawberry.field(
        description="人员名册。给 siteId 时为今日在该场所及其下级在岗的人员;否则为全县(县级角色)"
    )
    async def staff(
        self,
        info: Info,
        site_id: strawberry.ID | None = None,
        status: StaffStatus | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StaffType]:
        def read(session: AsyncSession, actor: Actor, *, offset: int, limit: int):
            return listing.staff_page(
                session,
                actor,
                site_id=query_id(site_id, "Site", "siteId") if site_id is not None else None,
                status=status,
                search=search,
                offset=offset,
                limit=limit,
            )

        return await paged(info, first, after, read, StaffType.from_row)

    @strawberry.field(description="调配令,最新的在前")
    async def redeployment_orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[RedeploymentOrderType]:
        return await paged(
            info, first, after, redeployment.list_orders, RedeploymentOrderType.from_row
        )

    @strawberry.field(description="培训计划")
    async def training_programs(
        self,
        info: Info,
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TrainingProgramType]:
        read = partial(training.list_programs, year=year)
        return await paged(info, first, after, read, TrainingProgramType.from_row)

    @strawberry.field(description="季度集中培训未参加名单:季度末在岗、季度内未参加任何集中培训")
    async def training_noncompliance(self, info: Info, year: int, quarter: int) -> list[StaffType]:
        read = partial(training.quarterly_noncompliance, year=year, quarter=quarter)
        return [StaffType.from_row(r) for r in await as_caller(info, read)]

    @strawberry.field(description="持证上岗提醒:逾期在前")
    async def certificate_warnings(
        self, info: Info, on: date | None = None
    ) -> list[CertificateWarning]:
        read = partial(certificates.certificate_warnings, on=on)
        return [CertificateWarning.from_warning(w) for w in await as_caller(info, read)]

    @strawberry.field(description="花名册导入模板(.xlsx)的下载地址")
    def roster_template_url(self) -> str:
        return "/workforce/roster-template.xlsx"
