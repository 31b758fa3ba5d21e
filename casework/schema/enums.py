"""The casework's enums as GraphQL enums (the rules' own classes, named for the schema)."""

from __future__ import annotations

import enum

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


@strawberry.enum(name="RatingLevel", description="好差评五级")
class RatingLevel(enum.StrEnum):
    VERY_SATISFIED = "VERY_SATISFIED"
    SATISFIED = "SATISFIED"
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"
    DISSATISFIED = "DISSATISFIED"
    VERY_DISSATISFIED = "VERY_DISSATISFIED"
