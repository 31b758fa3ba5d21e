"""The assessment's enums as GraphQL enums (the same classes as in the rules)."""

from __future__ import annotations

import strawberry

from assessment import models

AssessmentStatus = strawberry.enum(
    models.AssessmentStatus, name="AssessmentStatus", description="考核月份或年度的状态"
)
MonthlyGrade = strawberry.enum(models.MonthlyGrade, name="MonthlyGrade", description="月度等次")
AnnualGrade = strawberry.enum(models.AnnualGrade, name="AnnualGrade", description="年度等次")
EventSource = strawberry.enum(
    models.EventSource, name="AssessmentEventSource", description="考核记录的来源"
)
