"""GraphQL types of 好差评, its follow-up and 办不成事 complaints."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.gql.context import app_context
from casework import ratings
from casework.models import Complaint, Rating, RatingFollowUp
from casework.schema.enums import ComplaintChannel, ComplaintStatus, FollowUpStatus, RatingLevel
from casework.schema.loaders import case_loader, rating_loader
from network.schema import SiteType, site_of
from workforce.schema.types import StaffType, staff_of

if TYPE_CHECKING:
    from casework.schema.types import CaseType


@strawberry.type(name="Rating", description="好差评")
class RatingType:
    level: RatingLevel
    comment: str | None
    rated_at: datetime
    row: strawberry.Private[Rating]

    @classmethod
    def from_row(cls, row: Rating) -> RatingType:
        return cls(level=row.level, comment=row.comment, rated_at=row.rated_at, row=row)

    @strawberry.field(description="被评价的办件")
    async def case(
        self, info: Info
    ) -> Annotated[CaseType, strawberry.lazy("casework.schema.types")] | None:
        from casework.schema.types import CaseType

        row = await case_loader(app_context(info)).load(self.row.case_id)
        return CaseType.from_row(row) if row is not None else None

    @strawberry.field(description="被评价的工作人员(默认为受理人)")
    async def staff(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.staff_id)


@strawberry.type(name="PublicRating", description="申请人提交的评价(不含经办人)")
class PublicRatingType:
    level: RatingLevel
    rated_at: datetime


@strawberry.type(name="RatingFollowUp", description="差评整改:核实、整改、回访(三个100%)")
class RatingFollowUpType(relay.Node):
    id: relay.NodeID[str]
    status: FollowUpStatus
    due_date: date | None = strawberry.field(description="当前环节的期限(已办结为空)")
    verify_due: date = strawberry.field(description="核实期限")
    rectify_due: date = strawberry.field(description="整改期限")
    revisit_due: date | None = strawberry.field(description="回访期限")
    substantiated: bool | None = strawberry.field(description="核实是否属实")
    finding: str | None = strawberry.field(description="核实情况")
    measures: str | None = strawberry.field(description="整改措施")
    applicant_satisfied: bool | None = strawberry.field(description="回访时申请人是否满意")
    revisit_note: str | None
    row: strawberry.Private[RatingFollowUp]

    @classmethod
    def from_row(cls, row: RatingFollowUp) -> RatingFollowUpType:
        return cls(
            id=str(row.id),
            status=row.status,
            due_date=ratings.current_due(row),
            verify_due=row.verify_due,
            rectify_due=row.rectify_due,
            revisit_due=row.revisit_due,
            substantiated=row.substantiated,
            finding=row.finding,
            measures=row.measures,
            applicant_satisfied=row.applicant_satisfied,
            revisit_note=row.revisit_note,
            row=row,
        )

    @strawberry.field(description="差评")
    async def rating(self, info: Info) -> RatingType | None:
        row = await rating_loader(app_context(info)).load(self.row.case_id)
        return RatingType.from_row(row) if row is not None else None

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.site_id)


@strawberry.type(name="Complaint", description="办不成事反映:一人跟踪到底")
class ComplaintType(relay.Node):
    id: relay.NodeID[str]
    number: str
    status: ComplaintStatus
    channel: ComplaintChannel
    description: str
    masked_contact_phone: str
    matter_code: str | None
    reported_at: datetime
    outcome: str | None
    substantiated: bool | None
    resolved_at: datetime | None
    row: strawberry.Private[Complaint]

    @classmethod
    def from_row(cls, row: Complaint) -> ComplaintType:
        return cls(
            id=str(row.id),
            number=row.number,
            status=row.status,
            channel=row.channel,
            description=row.description,
            masked_contact_phone=row.contact_phone_masked,
            matter_code=row.matter_code,
            reported_at=row.reported_at,
            outcome=row.outcome,
            substantiated=row.substantiated,
            resolved_at=row.resolved_at,
            row=row,
        )

    @strawberry.field(description="跟踪人(一跟到底)")
    async def tracker(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.tracker_id)

    @strawberry.field(description="责任人(反映属实时)")
    async def staff_at_fault(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.staff_at_fault_id)

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.site_id)


def rating_type(row: Rating | None) -> RatingType | None:
    return RatingType.from_row(row) if row is not None else None
