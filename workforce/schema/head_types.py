"""分中心、镇(街道)中心负责人任免 as GraphQL: the appointment and who proposed and reviewed it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from accounts.schema.users import UserType
from api.gql.time import aware
from network.schema import SiteType, site_of
from workforce.models import HeadAppointment
from workforce.schema.enums import HeadAppointmentStatus
from workforce.schema.types import StaffType, staff_of, user_of


@strawberry.type(name="HeadAppointment", description="分中心、镇(街道)中心负责人任免")
class HeadAppointmentType(relay.Node):
    id: relay.NodeID[str]
    person_name: str
    effective_date: date
    status: HeadAppointmentStatus
    proposal_reason: str | None
    opinion_reason: str | None = strawberry.field(description="县政务服务管理办公室意见")
    reviewed_at: datetime | None
    ended_on: date | None
    site_id: strawberry.Private[uuid.UUID]
    staff_id: strawberry.Private[uuid.UUID | None]
    proposed_by_id: strawberry.Private[uuid.UUID | None]
    reviewed_by_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: HeadAppointment) -> HeadAppointmentType:
        return cls(
            id=str(row.id),
            person_name=row.person_name,
            effective_date=row.effective_date,
            status=row.status,
            proposal_reason=row.proposal_reason,
            opinion_reason=row.opinion_reason,
            reviewed_at=aware(row.reviewed_at),
            ended_on=row.ended_on,
            site_id=row.site_id,
            staff_id=row.staff_id,
            proposed_by_id=row.proposed_by_user_id,
            reviewed_by_id=row.reviewed_by_user_id,
        )

    @strawberry.field(description="提名人")
    async def proposed_by(self, info: Info) -> UserType | None:
        return await user_of(info, self.proposed_by_id)

    @strawberry.field(description="出具意见的人(县政务服务管理办公室)")
    async def reviewed_by(self, info: Info) -> UserType | None:
        return await user_of(info, self.reviewed_by_id)

    @strawberry.field
    async def site(self, info: Info) -> SiteType:
        return await site_of(info, self.site_id)  # type: ignore[return-value]

    @strawberry.field
    async def staff(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.staff_id)
