"""Fields the assessment contributes to workforce's ``Staff`` at composition (``api.schema``
passes ``StaffAssessmentFields`` to ``api.gql.extend.contribute_fields``): the person's published
monthly results, read by the person or whoever reads the assessment at their site."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.loaders import aligned, batch
from assessment.records import LAST_MAX, can_read_record, published_scores
from assessment.schema.types import MonthlyScoreType
from authz.errors import BadRequest, Forbidden
from workforce.common import today
from workforce.models import Staff


@batch("staff.monthly_scores")
async def _scores_loader(ctx: AppContext, keys: list[tuple[uuid.UUID, int]]) -> list[list]:
    last = max(k[1] for k in keys)
    async with ctx.read() as session:
        found = await published_scores(session, [k[0] for k in keys], last)
    return [found.get(sid, [])[:n] for sid, n in keys]


@batch("staff.assessment_readable")
async def _readable_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[bool]:
    async with ctx.read() as session:
        on = today()
        found = {sid: await can_read_record(session, ctx.actor, sid, on) for sid in ids}
    return aligned(ids, found, False)


def check_last(last: int) -> None:
    if not 1 <= last <= LAST_MAX:
        raise BadRequest(f"last 应为 1–{LAST_MAX}", "BAD_REQUEST")


@strawberry.type(description="Fields that assessment contributes to workforce's Staff")
class StaffAssessmentFields:
    """Resolved with the ``Staff`` object as ``self`` (see ``api.gql.extend``)."""

    row: strawberry.Private[Staff]

    @strawberry.field(description="最近已公布的月度考核结果,新的在前(本人,或管理其所在场所者)")
    async def monthly_scores(self, info: Info, last: int = 12) -> list[MonthlyScoreType]:
        check_last(last)
        ctx = app_context(info)
        ctx.require_actor()
        if not await _readable_loader(ctx).load(self.row.id):
            raise Forbidden("assessment:read", f"staff:{self.row.id}", self.row.name)
        found = await _scores_loader(ctx).load((self.row.id, last))
        return [MonthlyScoreType.from_row(score, month) for score, month in found]
