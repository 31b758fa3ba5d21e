"""The casework's mutations: windows, intake, one-time notice, supplement, decision, issue,
withdrawal. Each only translates to the rules (``casework.windows`` / ``intake`` / ``flow``)
and passes them the schema's ``now``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.errors import mutate
from api.gql.ids import input_id
from casework import flow, intake, windows
from casework.schema import clock
from casework.schema.appointments import AppointmentMutation
from casework.schema.calendar import CalendarMutation
from casework.schema.feedback import FeedbackMutation
from casework.schema.inputs import (
    AcceptCaseInput,
    CloseWindowInput,
    DecideCaseInput,
    IssueResultInput,
    NotifyMissingInput,
    OpenWindowInput,
    ReceiveSupplementInput,
    RequestSupplementInput,
    WithdrawCaseInput,
)
from casework.schema.payloads import CasePayload, NoticePayload, WindowPayload
from casework.schema.types import CaseType, NoticeType, WindowType
from network.schema import SiteType, site_loader
from workforce.personal import cipher_for
from workforce.schema.loaders import staff_loader


def _cipher(info: Info):
    return cipher_for(app_context(info).settings.secret_key)


@strawberry.type
class CaseworkMutation(FeedbackMutation, CalendarMutation, AppointmentMutation):
    @strawberry.mutation(description="开设窗口(或以新设置重开已关闭的同号窗口)")
    async def open_window(self, info: Info, input: OpenWindowInput) -> WindowPayload:
        async def change(session, actor):
            data = windows.NewWindow(
                site_id=input_id(input.site_id, "Site", "siteId"),
                number=input.number,
                kind=input.kind,
                area=input.area,
                matter_codes=list(input.matter_codes or []),
            )
            return WindowType.from_row(await windows.open_window(session, actor, data))

        window, errors = await mutate(info, change)
        return WindowPayload(window=window, user_errors=errors)

    @strawberry.mutation(description="关闭窗口(历史保留)")
    async def close_window(self, info: Info, input: CloseWindowInput) -> WindowPayload:
        async def change(session, actor):
            window_id = input_id(input.window_id, "Window", "windowId")
            row = await windows.close_window(session, actor, window_id, input.reason, clock.now())
            return WindowType.from_row(row)

        window, errors = await mutate(info, change)
        return WindowPayload(window=window, user_errors=errors)

    @strawberry.mutation(description="受理:今日在该场所前台岗位的工作人员,在受理窗口受理")
    async def accept_case(self, info: Info, input: AcceptCaseInput) -> CasePayload:
        cipher = _cipher(info)

        async def change(session, actor):
            data = intake.NewCase(
                window_id=input_id(input.window_id, "Window", "windowId"),
                matter_code=input.matter_code,
                applicant=input.applicant.to_domain(),
                channel=input.channel,
                received=list(input.received or []),
                deferred=list(input.deferred or []),
                commitment=bool(input.commitment),
                appointment_id=(
                    input_id(input.appointment_id, "Appointment", "appointmentId")
                    if input.appointment_id is not None
                    else None
                ),
                note=input.note,
            )
            accepted = await intake.accept_case(session, actor, cipher, data, clock.now())
            # The payload's site and clerk are what the intake read: no second transaction.
            context = app_context(info)
            site_loader(context).prime(accepted.site.id, SiteType.from_row(accepted.site))
            if accepted.clerk is not None:
                staff_loader(context).prime(accepted.clerk.id, accepted.clerk)
            return CaseType.from_row(accepted.case, accepted.receipt_code)

        case, errors = await mutate(info, change)
        return CasePayload(case=case, user_errors=errors)

    @strawberry.mutation(description="一次性告知:列明缺少的全部材料,出具编号的告知书")
    async def notify_missing(self, info: Info, input: NotifyMissingInput) -> NoticePayload:
        cipher = _cipher(info)

        async def change(session, actor):
            data = intake.NewNotice(
                window_id=input_id(input.window_id, "Window", "windowId"),
                matter_code=input.matter_code,
                applicant=input.applicant.to_domain(),
                missing=list(input.missing or []),
                note=input.note,
            )
            row = await intake.notify_missing(session, actor, cipher, data, clock.now())
            return NoticeType.from_row(row)

        notice, errors = await mutate(info, change)
        return NoticePayload(notice=notice, user_errors=errors)

    @strawberry.mutation(description="补正告知:后台要求补充材料,办结时限暂停计算")
    async def request_supplement(self, info: Info, input: RequestSupplementInput) -> CasePayload:
        async def change(session, actor):
            case_id = input_id(input.case_id, "Case", "caseId")
            row = await flow.request_supplement(
                session, actor, case_id, list(input.items or []), input.note, clock.now()
            )
            return CaseType.from_row(row)

        case, errors = await mutate(info, change)
        return CasePayload(case=case, user_errors=errors)

    @strawberry.mutation(description="收到补正材料(时限恢复计算)或容缺材料")
    async def receive_supplement(self, info: Info, input: ReceiveSupplementInput) -> CasePayload:
        async def change(session, actor):
            case_id = input_id(input.case_id, "Case", "caseId")
            row = await flow.receive_supplement(
                session, actor, case_id, list(input.items or []), clock.now()
            )
            return CaseType.from_row(row)

        case, errors = await mutate(info, change)
        return CasePayload(case=case, user_errors=errors)

    @strawberry.mutation(description="审批:受理人不得审批(受理不审批);不予批准须写明意见")
    async def decide_case(self, info: Info, input: DecideCaseInput) -> CasePayload:
        async def change(session, actor):
            case_id = input_id(input.case_id, "Case", "caseId")
            row = await flow.decide_case(
                session,
                actor,
                case_id,
                input.approve,
                input.opinion,
                input.result_title,
                clock.now(),
            )
            return CaseType.from_row(row)

        case, errors = await mutate(info, change)
        return CasePayload(case=case, user_errors=errors)

    @strawberry.mutation(description="统一出件:出件窗口,审批人不得出件(审批不出件)")
    async def issue_result(self, info: Info, input: IssueResultInput) -> CasePayload:
        async def change(session, actor):
            row = await flow.issue_result(
                session,
                actor,
                input_id(input.case_id, "Case", "caseId"),
                input_id(input.window_id, "Window", "windowId"),
                input.delivery,
                input.tracking_number,
                clock.now(),
            )
            return CaseType.from_row(row)

        case, errors = await mutate(info, change)
        return CasePayload(case=case, user_errors=errors)

    @strawberry.mutation(description="申请人撤回(作出决定之前)")
    async def withdraw_case(self, info: Info, input: WithdrawCaseInput) -> CasePayload:
        async def change(session, actor):
            case_id = input_id(input.case_id, "Case", "caseId")
            row = await flow.withdraw_case(session, actor, case_id, input.reason, clock.now())
            return CaseType.from_row(row)

        case, errors = await mutate(info, change)
        return CasePayload(case=case, user_errors=errors)
