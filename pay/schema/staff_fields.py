"""``Staff.payslips``, contributed to workforce's type at composition (``api.schema``): the
person's slips of approved payrolls, read by the person or whoever reads pay at their site."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.loaders import aligned, batch
from assessment.records import LAST_MAX, can_read_record
from authz.errors import BadRequest, Forbidden
from pay.access import approved_slips
from pay.schema.types import PayLineType
from workforce.common import today
from workforce.models import Staff


@batch("staff.payslips")
async def _slips_loader(ctx: AppContext, keys: list[tuple[uuid.UUID, int]]) -> list[list]:
    last = max(k[1] for k in keys)
    async with ctx.read() as session:
        found = await approved_slips(session, [k[0] for k in keys], last)
    return [found.get(sid, [])[:n] for sid, n in keys]


@batch("staff.pay_readable")
async def _readable_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[bool]:
    async with ctx.read() as session:
        on = today()
        found = {sid: await can_read_record(session, ctx.actor, sid, on, "payroll") for sid in ids}
    return aligned(ids, found, False)


@strawberry.type(description="Fields that pay contributes to workforce's Staff")
class StaffPayFields:
    row: strawberry.Private[Staff]

    @strawberry.field(description="最近已审定的工资条,新的在前(本人,或管理其所在场所者)")
    async def payslips(self, info: Info, last: int = 12) -> list[PayLineType]:
        if not 1 <= last <= LAST_MAX:
            raise BadRequest(f"last 应为 1–{LAST_MAX}", "BAD_REQUEST")
        ctx = app_context(info)
        ctx.require_actor()
        if not await _readable_loader(ctx).load(self.row.id):
            raise Forbidden("payroll:read", f"staff:{self.row.id}", self.row.name)
        found = await _slips_loader(ctx).load((self.row.id, last))
        return [PayLineType.from_row(line) for line, _ in found]
