"""The casework's mutation inputs, as the contract (casework.graphql) spells them."""

from __future__ import annotations

import strawberry

from casework import applicants
from casework.schema.enums import ApplicantKind, Channel, Delivery, RatingLevel, WindowKind


@strawberry.input
class OpenWindowInput:
    site_id: strawberry.ID
    number: str = strawberry.field(description="窗口号,如 A03")
    kind: WindowKind
    area: str | None = strawberry.field(default=None, description="服务区,如 商事登记区")
    matter_codes: list[str] | None = strawberry.field(default=None, description="专窗受理的事项")


@strawberry.input
class CloseWindowInput:
    window_id: strawberry.ID
    reason: str | None = None


@strawberry.input
class ApplicantInput:
    kind: ApplicantKind
    name: str
    id_number: str = strawberry.field(description="公民身份号码或统一社会信用代码")
    phone: str | None = None

    def to_domain(self) -> applicants.ApplicantData:
        return applicants.ApplicantData(
            kind=self.kind, name=self.name, id_number=self.id_number, phone=self.phone
        )


@strawberry.input
class AcceptCaseInput:
    window_id: strawberry.ID
    matter_code: str
    applicant: ApplicantInput
    channel: Channel = Channel.COUNTER
    received: list[str] = strawberry.field(description="已收取的材料(按事项材料清单的名称)")
    deferred: list[str] | None = strawberry.field(
        default=None, description="容缺受理:非关键材料,限期补齐"
    )
    commitment: bool | None = strawberry.field(
        default=None, description="告知承诺:以书面承诺替代可替代的证明材料"
    )
    appointment_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.input
class NotifyMissingInput:
    window_id: strawberry.ID
    matter_code: str
    applicant: ApplicantInput
    missing: list[str] = strawberry.field(description="缺少的全部材料,一次告知")
    note: str | None = None


@strawberry.input
class RequestSupplementInput:
    case_id: strawberry.ID
    items: list[str]
    note: str | None = None


@strawberry.input
class ReceiveSupplementInput:
    case_id: strawberry.ID
    items: list[str]


@strawberry.input
class DecideCaseInput:
    case_id: strawberry.ID
    approve: bool
    opinion: str | None = strawberry.field(default=None, description="不予批准时必填")
    result_title: str | None = None


@strawberry.input
class IssueResultInput:
    case_id: strawberry.ID
    window_id: strawberry.ID
    delivery: Delivery
    tracking_number: str | None = strawberry.field(default=None, description="邮寄时必填")


@strawberry.input
class WithdrawCaseInput:
    case_id: strawberry.ID
    reason: str | None = None


@strawberry.input(description="好差评:凭办件编号和查询码,出件后每件一次")
class RateCaseInput:
    tenant: str = strawberry.field(description="县代码")
    number: str
    receipt_code: str
    level: RatingLevel
    comment: str | None = None


@strawberry.input
class VerifyRatingInput:
    follow_up_id: strawberry.ID
    substantiated: bool = strawberry.field(description="差评反映的问题是否属实")
    finding: str | None = strawberry.field(default=None, description="核实情况(必填)")


@strawberry.input
class RectifyRatingInput:
    follow_up_id: strawberry.ID
    measures: str | None = strawberry.field(default=None, description="整改措施(必填)")


@strawberry.input
class RevisitRatingInput:
    follow_up_id: strawberry.ID
    applicant_satisfied: bool
    note: str | None = strawberry.field(default=None, description="回访情况(必填)")


@strawberry.input(description="办不成事反映:窗口或应用登记,指定一名跟踪人")
class ReportUnresolvedInput:
    site_id: strawberry.ID
    description: str
    contact_phone: str
    matter_code: str | None = None
    case_id: strawberry.ID | None = None


@strawberry.input
class ResolveComplaintInput:
    complaint_id: strawberry.ID
    outcome: str | None = strawberry.field(default=None, description="办理结果(必填)")
    substantiated: bool
    staff_at_fault_id: strawberry.ID | None = strawberry.field(
        default=None, description="责任人(反映属实时必填)"
    )
