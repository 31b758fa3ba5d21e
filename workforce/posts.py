"""岗位 (posts) and the two teams (000): civil servants approve in the back office; outsourced
staff (labour dispatch, purchased service, temporary) do the front-desk work.

Each person holds the posts they are qualified for (``Staff.posts``, 可胜任的岗位); hiring,
assigning, redeploying and covering check the post against them and against the employment
type: APPROVAL only for the types in the county's policy ``approval_employment_types``
(default: CIVIL_SERVANT).
"""

from __future__ import annotations

from typing import Any

from tenants.errors import Collector
from workforce.models import EmploymentType, Post, Staff

POST_LABEL = {
    Post.CONSULTATION: "咨询",
    Post.GUIDANCE: "导办",
    Post.AGENCY: "帮办代办",
    Post.ONLINE: "网办",
    Post.INTAKE: "收件",
    Post.ISSUE: "出件",
    Post.APPROVAL: "审批",
    Post.MANAGEMENT: "管理",
    Post.MOBILE: "掌办",
}
EMPLOYMENT_LABEL = {
    EmploymentType.CIVIL_SERVANT: "在编",
    EmploymentType.LABOUR_DISPATCH: "劳务派遣",
    EmploymentType.PURCHASED_SERVICE: "政府购买服务",
    EmploymentType.TEMPORARY: "临聘",
}


def approval_types(policy: dict[str, Any]) -> set[str]:
    return set(policy.get("approval_employment_types") or [EmploymentType.CIVIL_SERVANT.value])


def check_employment(
    errors: Collector,
    field: str,
    employment_type: EmploymentType | str,
    posts: list[Post] | list[str],
    policy: dict[str, Any],
    name: str = "",
) -> None:
    """APPROVAL among ``posts`` for an employment type the county does not let approve:
    POST_NOT_FOR_EMPLOYMENT."""
    if Post.APPROVAL.value in {str(p) for p in posts}:
        kind = EmploymentType(employment_type)
        if kind.value not in approval_types(policy):
            errors.add(
                field,
                "POST_NOT_FOR_EMPLOYMENT",
                f"{name}为{EMPLOYMENT_LABEL[kind]}人员,审批岗位只能由在编人员担任",
            )


def check_post(
    errors: Collector, field: str, staff: Staff, post: Post, policy: dict[str, Any]
) -> None:
    """The post is one the person holds (POST_NOT_HELD) and fits their employment type."""
    held = set(staff.posts or [])
    if post.value not in held:
        shown = "、".join(POST_LABEL[Post(p)] for p in sorted(held)) or "无"
        errors.add(
            field,
            "POST_NOT_HELD",
            f"{staff.name}不具备「{POST_LABEL[post]}」岗位资格(可胜任:{shown})",
        )
    check_employment(errors, field, staff.employment_type, [post], policy, staff.name)
