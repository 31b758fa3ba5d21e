"""Fields the workforce contributes to accounts' ``User`` at composition (``api.schema`` passes
``UserWorkforceFields`` to ``api.gql.extend.contribute_fields``): ``me { staff { … } }``."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from workforce.access import can_read_staff
from workforce.schema.loaders import account_staff_loader, staff_loader
from workforce.schema.types import StaffType


@strawberry.type(description="Fields that workforce contributes to accounts' User")
class UserWorkforceFields:
    """Resolved with the ``User`` object as ``self``."""

    user_id: strawberry.Private[uuid.UUID]

    @strawberry.field(
        description="该账号对应的窗口工作人员档案(本人可读自己的分配、证书、培训);"
        "无档案或无权查看为空"
    )
    async def staff(self, info: Info) -> StaffType | None:
        ctx = app_context(info)
        actor = ctx.require_actor()
        if actor.tenant_id is None:
            return None
        staff_id = await account_staff_loader(ctx).load(self.user_id)
        if staff_id is None:
            return None
        row = await staff_loader(ctx).load(staff_id)
        if row is None:
            return None
        if actor.user_id != self.user_id:
            async with ctx.read() as session:
                if not await can_read_staff(session, actor, row):
                    return None
        return StaffType.from_row(row)
