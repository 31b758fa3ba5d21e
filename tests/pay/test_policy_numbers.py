"""Every policy number of DOMAIN §3, §4 and §7 as the county's defaults (tenant data, seeded from
the documents), besides the ones the hand-checked cases use."""

from __future__ import annotations

from decimal import Decimal

from assessment.policy import DEFAULTS as ASSESSMENT
from pay.policy import DEFAULTS as PAY


def test_pay_numbers_of_the_documents():
    assert PAY["skill_allowance"] == {
        "LEVEL_5": "100.00",
        "LEVEL_4": "150.00",
        "LEVEL_3": "200.00",
        "TECHNICIAN": "400.00",
        "SENIOR_TECHNICIAN": "600.00",
    }
    assert [(s["min_years"], s["yuan"]) for s in PAY["tenure_allowance"]] == [
        (1, "20.00"),
        (5, "50.00"),
        (10, "100.00"),
    ]
    assert PAY["education_allowance"] == {"BACHELOR": "100.00", "POSTGRADUATE": "200.00"}
    # 000: management fee 5%, tax 6.72% = VAT 6% + surcharges of 12% of it
    assert Decimal(PAY["outsourcing_management_fee_rate"]) == Decimal("0.05")
    assert Decimal(PAY["outsourcing_tax_rate"]) == Decimal("0.06") * Decimal("1.12")
    assert Decimal(PAY["social_insurance_base"]) == Decimal("5346.5")
    assert Decimal(PAY["employer_social_insurance_rate"]) == Decimal("0.30")
    # 002 (Hanjiang): ≥ 3,500 gross, 600 performance bonus, 5,400 a person-month = 64,800 a year
    assert Decimal(PAY["base_wage"]) == Decimal(PAY["hanjiang_min_gross_monthly"]) == 3500
    assert Decimal(PAY["hanjiang_performance_bonus"]) == 600
    assert Decimal(PAY["all_in_cost_per_person_month"]) * 12 == Decimal("64800")


def test_assessment_numbers_of_the_documents():
    assert ASSESSMENT["category_max"] == {
        "attendance": 30,
        "work_style": 20,
        "service_norms": 20,
        "approval_business": 15,
        "internal_affairs": 15,
    }
    assert Decimal(ASSESSMENT["good_quota_ratio"]) == Decimal("0.30")
    assert Decimal(ASSESSMENT["excellent_quota_ratio"]) == Decimal("0.30")
    assert Decimal(ASSESSMENT["monthly_reward_base"]) == 300
    assert (ASSESSMENT["poor_below"], ASSESSMENT["good_from"]) == (70, 90)
    assert ASSESSMENT["reward_score_cap"] == 100
