"""GraphQL types of the catalog's history: change requests, releases, the diff of two releases."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from accounts.schema.users import UserType, load_user
from api.gql.context import app_context
from api.gql.ids import global_id
from api.gql.time import aware
from catalog import change_lines
from catalog.models import ChangeRequest, Release
from catalog.releases import DiffEntry
from catalog.schema.enums import ChangeKind, ChangeStatus
from network.schema import SiteType, site_of


@strawberry.type(name="CatalogChangeLine", description="变更明细的一行:要素、原值 → 新值")
class CatalogChangeLineType:
    field: str = strawberry.field(description="要素(与输入字段同名;材料为 materials[名称])")
    label: str = strawberry.field(description="要素的中文名称")
    before: str | None = strawberry.field(description="原值(文字);null 为未设置")
    after: str | None = strawberry.field(description="新值(文字);null 为未设置或撤销")

    @classmethod
    def of(cls, lines: list[change_lines.Line]) -> list[CatalogChangeLineType]:
        return [cls(field=x.field, label=x.label, before=x.before, after=x.after) for x in lines]


@strawberry.type(name="CatalogChange", description="目录变更申请")
class CatalogChangeType(relay.Node):
    id: relay.NodeID[str]
    kind: ChangeKind
    status: ChangeStatus
    matter_code: str | None
    summary: str
    payload: JSON = strawberry.field(description="申请的内容(原始数据;审核请看 diff)")
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    withdrawn_at: datetime | None = strawberry.field(description="申请人撤回的时间")
    comment: str | None = strawberry.field(description="审核意见(撤回时为撤回原因)")
    released_in: int | None = strawberry.field(description="发布该变更的版本号")
    site_id: strawberry.Private[uuid.UUID | None]
    proposer_id: strawberry.Private[uuid.UUID | None]
    reviewer_id: strawberry.Private[uuid.UUID | None]
    row: strawberry.Private[ChangeRequest]

    @classmethod
    def from_row(cls, c: ChangeRequest) -> CatalogChangeType:
        return cls(
            id=str(c.id),
            kind=c.kind,
            status=c.status,
            matter_code=c.matter_code,
            summary=c.summary,
            payload=c.payload,
            proposed_by=c.proposed_by_label,
            proposed_at=aware(c.proposed_at),  # type: ignore[arg-type]
            reviewed_by=c.reviewed_by_label,
            reviewed_at=aware(c.reviewed_at),
            withdrawn_at=aware(c.withdrawn_at),
            comment=c.comment,
            released_in=c.released_in,
            site_id=c.site_id,
            proposer_id=c.proposed_by,
            reviewer_id=c.reviewed_by,
            row=c,
        )

    @strawberry.field(description="变更涉及的场所")
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.site_id)

    @strawberry.field(description="申请人")
    async def proposer(self, info: Info) -> UserType | None:
        if self.proposer_id is None:
            return None
        return await load_user(app_context(info), self.proposer_id)

    @strawberry.field(description="审核人")
    async def reviewer(self, info: Info) -> UserType | None:
        if self.reviewer_id is None:
            return None
        return await load_user(app_context(info), self.reviewer_id)

    @strawberry.field(description="变更明细:每个要素的中文名称、提交时的原值 → 申请的新值")
    async def diff(self, info: Info) -> list[CatalogChangeLineType]:
        async with app_context(info).read() as session:
            found = await change_lines.describe(session, self.row)
        return CatalogChangeLineType.of(found)

    @strawberry.field(
        description="待审核的申请提交后,它所改的要素又被其他变更修改过的:提交时的值 → 现值。"
        "非空时审核通过会被拒绝(CONFLICT)"
    )
    async def conflicts(self, info: Info) -> list[CatalogChangeLineType]:
        async with app_context(info).read() as session:
            found = await change_lines.conflicts(session, self.row)
        return CatalogChangeLineType.of(found)


@strawberry.type(name="CatalogRelease", description="目录发布版本(不可更改)")
class CatalogReleaseType(relay.Node):
    id: relay.NodeID[str]
    number: int
    published_at: datetime
    published_by: str
    note: str
    matter_count: int
    change_count: int
    publisher_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="发布人")
    async def publisher(self, info: Info) -> UserType | None:
        if self.publisher_id is None:
            return None
        return await load_user(app_context(info), self.publisher_id)

    @classmethod
    def from_row(cls, r: Release) -> CatalogReleaseType:
        return cls(
            id=str(r.id),
            number=r.number,
            published_at=aware(r.published_at),  # type: ignore[arg-type]
            published_by=r.published_by_label,
            note=r.note,
            matter_count=r.matter_count,
            change_count=r.change_count,
            publisher_id=r.published_by,
        )


@strawberry.type(name="CatalogDiffEntry", description="两个版本之间的一处差异")
class CatalogDiffEntryType:
    kind: str = strawberry.field(description="MATTER / OVERRIDE / DELEGATION / BUNDLE")
    change: str = strawberry.field(description="ADDED / REMOVED / CHANGED")
    code: str
    name: str | None
    site_id: strawberry.ID | None
    fields: list[str]

    @classmethod
    def from_entry(cls, e: DiffEntry) -> CatalogDiffEntryType:
        return cls(
            kind=e.kind,
            change=e.change,
            code=e.code,
            name=e.name,
            site_id=strawberry.ID(global_id("Site", e.site_id)) if e.site_id else None,
            fields=list(e.fields),
        )


@strawberry.type(name="CatalogDiff")
class CatalogDiffType:
    from_release: int
    to_release: int
    entries: list[CatalogDiffEntryType]
