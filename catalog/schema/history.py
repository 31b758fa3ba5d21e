"""GraphQL types of the catalog's history: change requests, releases, the diff of two releases."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.gql.ids import global_id
from catalog.models import ChangeRequest, Release
from catalog.releases import DiffEntry
from catalog.schema.enums import ChangeKind, ChangeStatus
from network.schema import SiteType, site_of


@strawberry.type(name="CatalogChange", description="目录变更申请")
class CatalogChangeType(relay.Node):
    id: relay.NodeID[str]
    kind: ChangeKind
    status: ChangeStatus
    matter_code: str | None
    summary: str
    payload: JSON = strawberry.field(description="申请的内容")
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    comment: str | None = strawberry.field(description="审核意见")
    released_in: int | None = strawberry.field(description="发布该变更的版本号")
    site_id: strawberry.Private[uuid.UUID | None]

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
            proposed_at=c.proposed_at,
            reviewed_by=c.reviewed_by_label,
            reviewed_at=c.reviewed_at,
            comment=c.comment,
            released_in=c.released_in,
            site_id=c.site_id,
        )

    @strawberry.field(description="变更涉及的场所")
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.site_id)


@strawberry.type(name="CatalogRelease", description="目录发布版本(不可更改)")
class CatalogReleaseType(relay.Node):
    id: relay.NodeID[str]
    number: int
    published_at: datetime
    published_by: str
    note: str
    matter_count: int
    change_count: int

    @classmethod
    def from_row(cls, r: Release) -> CatalogReleaseType:
        return cls(
            id=str(r.id),
            number=r.number,
            published_at=r.published_at,
            published_by=r.published_by_label,
            note=r.note,
            matter_count=r.matter_count,
            change_count=r.change_count,
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
