"""Mutations of head appointments: propose a head, the county office's opinion."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.ids import input_id
from workforce import heads
from workforce.schema.head_types import HeadAppointmentType
from workforce.schema.inputs import ProposeHeadInput, ReviewHeadAppointmentInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import HeadAppointmentPayload


@strawberry.type
class HeadMutation:
    @strawberry.mutation(
        description="提名分中心或镇(街道)中心负责人,待县政务服务管理办公室出具意见"
    )
    async def propose_head(self, info: Info, input: ProposeHeadInput) -> HeadAppointmentPayload:
        appointment, errors = await changed(
            info,
            HeadAppointmentType.from_row,
            lambda session, actor: heads.propose_head(
                session,
                actor,
                site_id=input_id(input.site_id, "Site", "siteId"),
                staff_id=input_id(input.staff_id, "Staff", "staffId") if input.staff_id else None,
                person_name=input.person_name,
                effective_date=input.effective_date,
                reason=input.reason,
            ),
        )
        return HeadAppointmentPayload(appointment=appointment, user_errors=errors)

    @strawberry.mutation(description="县政务服务管理办公室对负责人任免出具意见(同意/不同意)")
    async def review_head_appointment(
        self, info: Info, input: ReviewHeadAppointmentInput
    ) -> HeadAppointmentPayload:
        appointment, errors = await changed(
            info,
            HeadAppointmentType.from_row,
            lambda session, actor: heads.review_head(
                session,
                actor,
                input_id(input.appointment_id, "HeadAppointment", "appointmentId"),
                agree=input.agree,
                reason=input.reason,
            ),
        )
        return HeadAppointmentPayload(appointment=appointment, user_errors=errors)
