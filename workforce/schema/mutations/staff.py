"""Mutations of the staff registry: hire, update, resign, suspend, reinstate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import input_id
from api.gql.inputs import given
from workforce import separation
from workforce import staff as staff_service
from workforce.models import Staff
from workforce.personal import cipher_for
from workforce.schema.inputs import (
    HireStaffInput,
    ReinstateStaffInput,
    ResignStaffInput,
    SeparateStaffInput,
    SuspendStaffInput,
    UpdateStaffInput,
)
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import StaffPayload
from workforce.schema.types import StaffType


async def _on_staff(
    info: Info, rule: Callable[..., Awaitable[Staff]], staff_id: str, *args: Any
) -> StaffPayload:
    """A change of one person's status: ``rule(session, actor, staff id, *args)``."""
    staff, errors = await changed(
        info,
        StaffType.from_row,
        lambda session, actor: rule(session, actor, input_id(staff_id, "Staff", "staffId"), *args),
    )
    return StaffPayload(staff=staff, user_errors=errors)


@strawberry.type
class StaffMutation:
    @strawberry.mutation(description="入职:登记人员并分配到场所")
    async def hire_staff(self, info: Info, input: HireStaffInput) -> StaffPayload:
        cipher = cipher_for(app_context(info).settings.secret_key)
        staff, errors = await changed(
            info,
            StaffType.from_row,
            lambda session, actor: staff_service.hire_staff(
                session, actor, cipher, input.to_domain()
            ),
        )
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="修改人员信息")
    async def update_staff(self, info: Info, input: UpdateStaffInput) -> StaffPayload:
        cipher = cipher_for(app_context(info).settings.secret_key)
        staff, errors = await changed(
            info,
            StaffType.from_row,
            lambda session, actor: staff_service.update_staff(
                session,
                actor,
                cipher,
                input_id(input.id, "Staff", "id"),
                name=given(input.name),
                phone=given(input.phone),
                education=given(input.education),
                employment_type=given(input.employment_type),
                employer=given(input.employer),
                posts=given(input.posts),
            ),
        )
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="登记书面辞职申请:最后工作日为通知日加 30 天")
    async def resign_staff(self, info: Info, input: ResignStaffInput) -> StaffPayload:
        return await _on_staff(
            info, staff_service.resign, input.staff_id, input.notice_date, input.note
        )

    @strawberry.mutation(description="接受调查期间暂停")
    async def suspend_staff(self, info: Info, input: SuspendStaffInput) -> StaffPayload:
        return await _on_staff(info, staff_service.suspend, input.staff_id, input.reason)

    @strawberry.mutation(description="调查结束,恢复")
    async def reinstate_staff(self, info: Info, input: ReinstateStaffInput) -> StaffPayload:
        return await _on_staff(info, staff_service.reinstate, input.staff_id)

    @strawberry.mutation(description="辞退(须说明原因,留痕):最后工作日后离岗")
    async def dismiss_staff(self, info: Info, input: SeparateStaffInput) -> StaffPayload:
        return await _on_staff(
            info, separation.dismiss, input.staff_id, input.reason, input.last_day
        )

    @strawberry.mutation(description="调离窗口工作岗位(须说明原因,留痕):最后工作日后离开窗口队伍")
    async def remove_from_window(self, info: Info, input: SeparateStaffInput) -> StaffPayload:
        return await _on_staff(
            info, separation.remove_from_window, input.staff_id, input.reason, input.last_day
        )
