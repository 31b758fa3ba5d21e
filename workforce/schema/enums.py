"""The workforce's enums as GraphQL enums: the same classes as in the rules, given their GraphQL
names and descriptions here. The schema modules import them from this module."""

from __future__ import annotations

import strawberry

from workforce import certificates, models

StaffStatus = strawberry.enum(models.StaffStatus, name="StaffStatus", description="人员状态")
Gender = strawberry.enum(models.Gender, name="Gender")
Education = strawberry.enum(models.Education, name="Education", description="学历")
EmploymentType = strawberry.enum(
    models.EmploymentType, name="EmploymentType", description="用工类型"
)
Post = strawberry.enum(models.Post, name="Post", description="岗位")
AssignmentKind = strawberry.enum(
    models.AssignmentKind, name="AssignmentKind", description="分配类型"
)
Separation = strawberry.enum(models.Separation, name="Separation", description="离开窗口队伍的方式")
SkillLevel = strawberry.enum(models.SkillLevel, name="SkillLevel", description="职业技能等级")
HeadAppointmentStatus = strawberry.enum(models.HeadAppointmentStatus, name="HeadAppointmentStatus")
TrainingKind = strawberry.enum(models.TrainingKind, name="TrainingKind", description="培训类型")
CertificateWarningLevel = strawberry.enum(
    certificates.CertificateWarningLevel, name="CertificateWarningLevel"
)
