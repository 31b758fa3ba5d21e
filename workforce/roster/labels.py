"""The words a county office's roster uses for the workforce's values (导入 and 导出 alike)."""

from __future__ import annotations

from workforce.models import (
    AssignmentKind,
    Education,
    EmploymentType,
    Post,
    SkillLevel,
    StaffStatus,
)

EDUCATION_LABEL = {
    Education.HIGH_SCHOOL: "高中及以下",
    Education.COLLEGE: "大专",
    Education.BACHELOR: "本科",
    Education.POSTGRADUATE: "研究生",
}
EMPLOYMENT_LABEL = {
    EmploymentType.CIVIL_SERVANT: "在编",
    EmploymentType.LABOUR_DISPATCH: "劳务派遣",
    EmploymentType.PURCHASED_SERVICE: "政府购买服务",
    EmploymentType.TEMPORARY: "临聘",
}
POST_LABEL = {
    Post.CONSULTATION: "咨询",
    Post.GUIDANCE: "导办",
    Post.AGENCY: "帮办代办",
    Post.ONLINE: "网办",
    Post.INTAKE: "收件",
    Post.ISSUE: "出件",
    Post.APPROVAL: "审批",
    Post.MANAGEMENT: "管理",
}
KIND_LABEL = {
    AssignmentKind.REGULAR: "常驻",
    AssignmentKind.TEMPORARY_COVER: "临时顶岗",
    AssignmentKind.VILLAGE_DISPATCH: "派驻村(社区)",
}
STATUS_LABEL = {
    StaffStatus.PROBATION: "试用期",
    StaffStatus.ACTIVE: "在岗",
    StaffStatus.NOTICE_GIVEN: "辞职通知期",
    StaffStatus.LEFT: "已离岗",
    StaffStatus.SUSPENDED: "暂停(接受调查)",
}
SKILL_LABEL = {
    SkillLevel.LEVEL_5: "五级/初级工",
    SkillLevel.LEVEL_4: "四级/中级工",
    SkillLevel.LEVEL_3: "三级/高级工",
    SkillLevel.TECHNICIAN: "二级/技师",
    SkillLevel.SENIOR_TECHNICIAN: "一级/高级技师",
}
GENDER_LABEL = {"MALE": "男", "FEMALE": "女"}
