"""GraphQL of 好差评 (``rateCase``, public), its follow-up and 办不成事 complaints: it only
translates to ``casework.ratings`` and ``casework.complaints``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.errors import UserErrorType, mutate, run_change
from api.gql.ids import input_id
from api.gql.pagination import Connection, connection, page_args
from authz.errors import BadRequest
from casework import complaints, ratings
from casework.schema import clock
from casework.schema.enums import ComplaintStatus, FollowUpStatus
from casework.schema.feedback_types import ComplaintType, PublicRatingType, RatingFollowUpType
from casework.schema.inputs import (
    RateCaseInput,
    RectifyRatingInput,
    ReportUnresolvedInput,
    ResolveComplaintInput,
    RevisitRatingInput,
    VerifyRatingInput,
)
from catalog.public import open_county
from workforce.personal import cipher_for


@strawberry.type
class RateCasePayload:
    rating: PublicRatingType | None
    user_errors: list[UserErrorType]


@strawberry.type
class FollowUpPayload:
    follow_up: RatingFollowUpType | None
    user_errors: list[UserErrorType]


@strawberry.type
class ComplaintPayload:
    complaint: ComplaintType | None
    user_errors: list[UserErrorType]


@strawberry.type
class FeedbackQuery:
    @strawberry.field(description="差评整改:调用者可读场所的差评,当前环节期限最早的在前")
    async def rating_follow_ups(
        self,
        info: Info,
        status: FollowUpStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RatingFollowUpType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await ratings.list_follow_ups(
                session, actor, status, offset=page.offset, limit=page.limit
            )
        return connection(rows, total, page, RatingFollowUpType.from_row)

    @strawberry.field(description="办不成事反映:调用者可读场所的,以及本人跟踪的;新的在前")
    async def complaints(
        self,
        info: Info,
        status: ComplaintStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ComplaintType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await complaints.list_complaints(
                session, actor, status, offset=page.offset, limit=page.limit
            )
        return connection(rows, total, page, ComplaintType.from_row)


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation(description="好差评(公开):凭办件编号和查询码,出件后每件一次")
    async def rate_case(self, info: Info, input: RateCaseInput) -> RateCasePayload:
        ctx = app_context(info)
        try:
            tenant_id, _known = await open_county(ctx.db, input.tenant)
        except BadRequest as exc:
            error = UserErrorType(field="tenant", code="NOT_FOUND", message=str(exc))
            return RateCasePayload(rating=None, user_errors=[error])
        cipher = cipher_for(ctx.settings.secret_key)

        async def change(session):
            row = await ratings.rate_case(
                session,
                cipher,
                input.number,
                input.receipt_code,
                input.level,
                input.comment,
                clock.now(),
            )
            return PublicRatingType(level=row.level, rated_at=row.rated_at)

        rating, errors = await run_change(lambda: ctx.db.transaction(tenant_id), change)
        return RateCasePayload(rating=rating, user_errors=errors)

    @strawberry.mutation(description="差评核实:属实的转整改(并记考核 4.4),不属实的转回访")
    async def verify_rating(self, info: Info, input: VerifyRatingInput) -> FollowUpPayload:
        async def change(session, actor):
            row = await ratings.verify_rating(
                session,
                actor,
                input_id(input.follow_up_id, "RatingFollowUp", "followUpId"),
                input.substantiated,
                input.finding,
                clock.now(),
            )
            return RatingFollowUpType.from_row(row)

        follow_up, errors = await mutate(info, change)
        return FollowUpPayload(follow_up=follow_up, user_errors=errors)

    @strawberry.mutation(description="差评整改:填写整改措施,转回访")
    async def rectify_rating(self, info: Info, input: RectifyRatingInput) -> FollowUpPayload:
        async def change(session, actor):
            row = await ratings.rectify_rating(
                session,
                actor,
                input_id(input.follow_up_id, "RatingFollowUp", "followUpId"),
                input.measures,
                clock.now(),
            )
            return RatingFollowUpType.from_row(row)

        follow_up, errors = await mutate(info, change)
        return FollowUpPayload(follow_up=follow_up, user_errors=errors)

    @strawberry.mutation(description="差评回访:办结")
    async def revisit_rating(self, info: Info, input: RevisitRatingInput) -> FollowUpPayload:
        async def change(session, actor):
            row = await ratings.revisit_rating(
                session,
                actor,
                input_id(input.follow_up_id, "RatingFollowUp", "followUpId"),
                input.applicant_satisfied,
                input.note,
                clock.now(),
            )
            return RatingFollowUpType.from_row(row)

        follow_up, errors = await mutate(info, change)
        return FollowUpPayload(follow_up=follow_up, user_errors=errors)

    @strawberry.mutation(description="办不成事反映:登记并指定跟踪人(一跟到底)")
    async def report_unresolved(self, info: Info, input: ReportUnresolvedInput) -> ComplaintPayload:
        cipher = cipher_for(app_context(info).settings.secret_key)

        async def change(session, actor):
            data = complaints.NewComplaint(
                site_id=input_id(input.site_id, "Site", "siteId"),
                description=input.description,
                contact_phone=input.contact_phone,
                matter_code=input.matter_code,
                case_id=(
                    input_id(input.case_id, "Case", "caseId") if input.case_id is not None else None
                ),
            )
            row = await complaints.report_unresolved(session, actor, cipher, data, clock.now())
            return ComplaintType.from_row(row)

        complaint, errors = await mutate(info, change)
        return ComplaintPayload(complaint=complaint, user_errors=errors)

    @strawberry.mutation(description="办不成事办结:属实的须指明责任人(并记考核 2.1)")
    async def resolve_complaint(self, info: Info, input: ResolveComplaintInput) -> ComplaintPayload:
        async def change(session, actor):
            row = await complaints.resolve_complaint(
                session,
                actor,
                input_id(input.complaint_id, "Complaint", "complaintId"),
                input.outcome,
                input.substantiated,
                (
                    input_id(input.staff_at_fault_id, "Staff", "staffAtFaultId")
                    if input.staff_at_fault_id is not None
                    else None
                ),
                clock.now(),
            )
            return ComplaintType.from_row(row)

        complaint, errors = await mutate(info, change)
        return ComplaintPayload(complaint=complaint, user_errors=errors)
