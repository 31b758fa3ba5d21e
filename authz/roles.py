"""The roles of OneWindow and where each may be bound."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    PLATFORM_OPERATOR = "platform_operator"  # 平台运营: no county; creates counties
    COUNTY_ADMIN = "county_admin"  # 县政务服务管理办公室
    DEPARTMENT_ADMIN = "department_admin"  # 业务主管部门
    TOWNSHIP_HEAD = "township_head"  # 镇(街道)便民服务中心负责人
    STATION_MANAGER = "station_manager"  # 村(社区)便民服务站站长
    WINDOW_STAFF = "window_staff"  # 窗口工作人员
    APPROVER = "approver"  # 审批人员
    SUPERVISOR = "supervisor"  # 效能办 / 纪检


TENANT_ROLES: tuple[Role, ...] = tuple(r for r in Role if r is not Role.PLATFORM_OPERATOR)


def role_object(role: Role | str) -> str:
    return f"role.{Role(role).value}"
