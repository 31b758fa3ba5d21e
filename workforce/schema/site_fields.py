"""Fields the workforce contributes to network's ``Site`` at composition (``api.schema`` passes
``SiteWorkforceFields`` to ``api.gql.extend.contribute_fields``)."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.pagination import Connection
from workforce import heads, listing
from workforce.schema.head_types import HeadAppointmentType
from workforce.schema.loaders import head_loader, staff_count_loader
from workforce.schema.reading import as_caller, paged
from workforce.schema.types import AssignmentType


@strawberry.type(description="Fields that workforce contributes to network's Site")
class SiteWorkforceFields:
    """Resolved with the ``Site`` object as ``self`` (see ``api.gql.extend``)."""

    site_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="在岗人数(当日生效的分配)")
    async def staff_count(self, info: Info) -> int:
        return await staff_count_loader(app_context(info)).load(self.site_id)

    @strawberry.field(description="该日(默认今天)在此场所生效的人员分配(workforce)")
    async def assignments_on(
        self,
        info: Info,
        date: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AssignmentType]:
        # The Site was loaded (in this county) by its parent resolver: no second read of it.
        read = partial(listing.assignments_at, site_id=self.site_id, on=date)
        return await paged(info, first, after, read, lambda pair: AssignmentType.from_row(*pair))

    @strawberry.field(description="现任负责人(县政务服务管理办公室同意后生效)")
    async def head(self, info: Info) -> HeadAppointmentType | None:
        ctx = app_context(info)
        ctx.tenant_id()
        found = await head_loader(ctx).load(self.site_id)
        return HeadAppointmentType.from_row(found) if found else None

    @strawberry.field(description="负责人任免记录,最新的在前")
    async def head_appointments(self, info: Info) -> list[HeadAppointmentType]:
        read = partial(heads.appointment_history, site_id=self.site_id)
        return [HeadAppointmentType.from_row(r) for r in await as_caller(info, read)]
