"""The workforce's root query fields."""

from __future__ import annotations

from datetime import date
from functools import partial

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import query_id
from api.gql.pagination import Connection
from authz.guard import Actor
from network.schema import SiteType
from workforce import certificates, listing, redeployment, review, training
from workforce.personal import cipher_for
from workforce.schema.enums import StaffStatus
from workforce.schema.reading import paged
from workforce.schema.training_types import TrainingProgramType
from workforce.schema.types import CertificateWarning, RedeploymentOrderType, ReviewEntry, StaffType


@strawberry.type
class WorkforceQuery:
    @strawberry.field(
        description="人员名册。给 siteId 时为今日在该场所及其下级在岗的人员;否则为全县(县级角色)。"
        "search:姓名的一部分、全拼或拼音首字母,或完整的 18 位公民身份号码(只比对其摘要)"
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
        cipher = cipher_for(app_context(info).settings.secret_key)

        def read(session: AsyncSession, actor: Actor, *, offset: int, limit: int):
            return listing.staff_page(
                session,
                actor,
                site_id=query_id(site_id, "Site", "siteId") if site_id is not None else None,
                status=status,
                search=search,
                offset=offset,
                limit=limit,
                cipher=cipher,
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
    async def training_noncompliance(
        self,
        info: Info,
        year: int,
        quarter: int,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StaffType]:
        read = partial(training.noncompliance_page, year=year, quarter=quarter)
        return await paged(info, first, after, read, StaffType.from_row)

    @strawberry.field(description="持证上岗提醒:逾期在前")
    async def certificate_warnings(
        self,
        info: Info,
        on: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CertificateWarning]:
        read = partial(certificates.warnings_page, on=on)
        return await paged(info, first, after, read, CertificateWarning.from_warning)

    @strawberry.field(
        description="待审查名单:出现辞退或调离窗口情形的人员(001 §四(四)1),按姓名;县级角色"
    )
    async def review_list(
        self,
        info: Info,
        on: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ReviewEntry]:
        read = partial(review.review_page, on=on)
        return await paged(info, first, after, read, ReviewEntry.from_entry)

    @strawberry.field(
        description="今日无人在岗的开放场所(暂停的人员不计):窗口因一人缺岗而关门的问题;县级角色"
    )
    async def unstaffed_sites(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SiteType]:
        return await paged(info, first, after, listing.unstaffed_sites, SiteType.from_row)

    @strawberry.field(description="花名册导入模板(.xlsx)的下载地址")
    def roster_template_url(self) -> str:
        return "/workforce/roster-template.xlsx"
