"""GraphQL of the audit trail (``auditTrail``) and its chain check (``auditChain``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from accounts.schema.users import UserType
from api.gql.context import AppContext, app_context
from api.gql.ids import global_id, parse_global_id
from api.gql.nodes import register_node
from api.gql.pagination import Connection, connection, page_args
from authz.errors import BadRequest
from casework import trail
from casework.schema.loaders import user_loader
from tenants.models import AuditEvent


@strawberry.type(name="AuditEvent", description="留痕:一次变更,按县串成散列链,只增不改")
class AuditEventType(relay.Node):
    id: relay.NodeID[str]
    seq: int = strawberry.field(description="本县留痕序号(1, 2, …)")
    at: datetime
    action: str
    actor_label: str = strawberry.field(description="操作人(账号或申请人、系统)")
    subject_type: str
    detail: JSON | None
    note: str | None
    hash: str = strawberry.field(description="本条散列(覆盖内容和上一条的散列)")
    prev_hash: str
    row: strawberry.Private[AuditEvent]

    @classmethod
    def from_row(cls, row: AuditEvent) -> AuditEventType:
        return cls(
            id=str(row.id),
            seq=row.seq,
            at=row.at,
            action=row.action,
            actor_label=row.actor,
            subject_type=row.object_type,
            detail=row.detail,
            note=row.note,
            hash=row.hash,
            prev_hash=row.prev_hash,
            row=row,
        )

    @strawberry.field(description="变更对象的 ID")
    def subject_id(self) -> strawberry.ID | None:
        try:
            return strawberry.ID(global_id(self.row.object_type, uuid.UUID(self.row.object_id)))
        except (TypeError, ValueError):
            return None

    @strawberry.field(description="操作账号(申请人、系统操作时为空)")
    async def actor(self, info: Info) -> UserType | None:
        user_id = trail.actor_user_id(self.row.actor)
        if user_id is None:
            return None
        user = await user_loader(app_context(info)).load(user_id)
        return UserType.from_row(user) if user is not None else None


@strawberry.type(name="AuditChain", description="留痕散列链的核验结果")
class AuditChainType:
    verified: bool
    length: int = strawberry.field(description="核验通过的条数")
    first_broken_at: int | None = strawberry.field(description="第一处断链的留痕序号")


async def _event(ctx: AppContext, object_id: uuid.UUID) -> AuditEventType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await trail.readable_event(session, actor, object_id)
    return AuditEventType.from_row(row) if row is not None else None


register_node("AuditEvent", _event)


@strawberry.type
class TrailQuery:
    @strawberry.field(description="全程留痕:本县的变更记录,新的在前(县管理办、效能办)")
    async def audit_trail(
        self,
        info: Info,
        subject_id: strawberry.ID | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEventType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        subject = None
        if subject_id is not None:
            parsed = parse_global_id(subject_id)
            if parsed is None:
                raise BadRequest("参数 subjectId 不是有效的 ID", "INVALID_ID")
            subject = parsed[1]
        async with ctx.read() as session:
            rows, total = await trail.trail(
                session,
                actor,
                subject_id=subject,
                since=from_,
                until=to,
                offset=page.offset,
                limit=page.limit,
            )
        return connection(rows, total, page, AuditEventType.from_row)

    @strawberry.field(description="核验本县留痕的散列链,报告第一处断链")
    async def audit_chain(self, info: Info) -> AuditChainType:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        async with ctx.read() as session:
            report = await trail.chain(session, actor)
        return AuditChainType(
            verified=report.verified,
            length=report.length,
            first_broken_at=report.first_broken_at,
        )
