"""The casework's enums as GraphQL enums (the rules' own classes, named for the schema)."""

from __future__ import annotations

import strawberry

from casework import deadlines, models

WindowKind = strawberry.enum(
    models.WindowKind, name="WindowKind", description="综合窗口 / 专窗 / 出件窗口 / 办不成事窗口"
)
WindowStatus = strawberry.enum(models.WindowStatus, name="WindowStatus")
ApplicantKind = strawberry.enum(
    models.ApplicantKind, name="ApplicantKind", description="自然人 / 法人及其他组织"
)
Channel = strawberry.enum(models.Channel, name="Channel", description="申请渠道")
Delivery = strawberry.enum(models.Delivery, name="Delivery", description="窗口领取 / 免费寄递")
CaseStatus = strawberry.enum(models.CaseStatus, name="CaseStatus", description="办件状态")
CaseEventKind = strawberry.enum(models.EventKind, name="CaseEventKind", description="办件环节")
DeadlineState = strawberry.enum(
    deadlines.DeadlineState, name="DeadlineState", description="办结时限状态(工作日)"
)


RatingLevel = strawberry.enum(models.RatingLevel, name="RatingLevel", description="好差评五级")
FollowUpStatus = strawberry.enum(
    models.FollowUpStatus,
    name="FollowUpStatus",
    description="差评整改:待核实、待整改、待回访、已办结",
)
ComplaintStatus = strawberry.enum(
    models.ComplaintStatus, name="ComplaintStatus", description="办不成事:跟踪中、已办结"
)
ComplaintChannel = strawberry.enum(
    models.ComplaintChannel, name="ComplaintChannel", description="窗口反映 / 应用反映"
)
AppointmentStatus = strawberry.enum(
    models.AppointmentStatus, name="AppointmentStatus", description="已预约、已取消、已签到受理"
)
