"""Default policy parameters of a county (tenant settings), seeded from DOMAIN.md.

These are data, not constants: each county may change them. Later features read them through
``Tenant.policy``.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_POLICY: dict[str, Any] = {
    # 薪酬 (001 §四(四)3): monthly allowances in yuan.
    "pay": {
        "skill_allowance": {
            "LEVEL_5": "100.00",
            "LEVEL_4": "150.00",
            "LEVEL_3": "200.00",
            "TECHNICIAN": "400.00",
            "SENIOR_TECHNICIAN": "600.00",
        },
        "tenure_allowance": [
            {"min_years": 1, "yuan": "20.00"},
            {"min_years": 5, "yuan": "50.00"},
            {"min_years": 10, "yuan": "100.00"},
        ],
        "education_allowance": {"BACHELOR": "100.00", "POSTGRADUATE": "200.00"},
        "outsourcing_management_fee_rate": "0.05",
        "outsourcing_tax_rate": "0.0672",
        "social_insurance_base": "5346.50",
        "hanjiang_min_gross_monthly": "3500.00",
        "hanjiang_performance_bonus": "600.00",
        "all_in_cost_per_person_month": "5400.00",
    },
    # 考核 (001 §四(六)3): monthly and annual assessment.
    "assessment": {
        "category_max": {
            "attendance": 30,
            "work_style": 20,
            "service_norms": 20,
            "approval_business": 15,
            "internal_affairs": 15,
        },
        "good_quota_ratio": "0.30",
        "monthly_reward_base": "300.00",
        "excellent_quota_ratio": "0.30",
    },
    # 人员 (001 §四(四)): staffing rules.
    "workforce": {
        "resignation_notice_days": 30,
        # 试用期 (months after the hire date; 0 = none) and the longest 临时顶岗.
        "probation_months": 3,
        "temporary_cover_max_days": 92,
        "certificate_due_soon_months": 18,
        "certificate_deadline_months": 24,
        "trainings_per_quarter": 1,
        "township_front_staff_min": 2,
        "township_front_staff_max": 6,
        "township_extra_guide_population": 50000,
        "yearly_cases_per_front_staff_target": 6000,
        # 审批 is the civil servants' (000); a county may open it to other employment types.
        "approval_employment_types": ["CIVIL_SERVANT"],
    },
    # 事项 (003): catalog targets.
    "catalog": {"one_window_ratio_target": "0.95"},
    # 站点 (003): site standard targets.
    "network": {
        "township_standard_ratio_target": "1.00",
        "township_benchmark_ratio_target": "0.30",
        "service_circle_minutes_county_seat": 15,
        "service_circle_minutes_township": 30,
    },
}


def default_policy() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_POLICY)
