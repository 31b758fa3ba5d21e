"""Pay slips by hand (DOMAIN §3, §7): skill, tenure and education allowances, probation,
proration by calendar days, rounding half-up to the fen; money is Decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pay.policy import DEFAULTS
from pay.rules import PersonMonth, fen, full_years, slip

JAN = date(2026, 1, 1)
BASE = Decimal("3500.00")


def person(**kw) -> PersonMonth:
    values = {
        "hire_date": date(2015, 1, 1),
        "last_day": None,
        "probation_end": None,
        "education": "HIGH_SCHOOL",
        "certificates": (),
        "base_wage": BASE,
        "reward": Decimal("0.00"),
    }
    values.update(kw)
    return PersonMonth(**values)


def test_level_4_held_six_years_with_a_bachelor():
    """150 (四级) + 50 (≥ 5 years since the certificate) + 100 (本科)."""
    s = slip(
        person(certificates=(("LEVEL_4", date(2019, 12, 20)),), education="BACHELOR"), JAN, DEFAULTS
    )
    assert (s.skill, s.tenure, s.education) == (
        Decimal("150.00"),
        Decimal("50.00"),
        Decimal("100.00"),
    )
    assert s.tenure_years == 6
    assert s.gross == BASE + Decimal("300.00")


def test_skill_allowance_is_the_highest_certificate_only():
    certificates = (("LEVEL_5", date(2016, 1, 1)), ("LEVEL_3", date(2020, 1, 1)))
    assert slip(person(certificates=certificates), JAN, DEFAULTS).skill == Decimal("200.00")
    levels = {
        "LEVEL_5": "100.00",
        "LEVEL_4": "150.00",
        "LEVEL_3": "200.00",
        "TECHNICIAN": "400.00",
        "SENIOR_TECHNICIAN": "600.00",
    }
    for level, yuan in levels.items():
        s = slip(person(certificates=((level, date(2025, 6, 1)),)), JAN, DEFAULTS)
        assert s.skill == Decimal(yuan)
    # a certificate issued after the month's last day does not count yet
    later = (("LEVEL_5", date(2016, 1, 1)), ("TECHNICIAN", date(2026, 2, 1)))
    assert slip(person(certificates=later), JAN, DEFAULTS).skill == Decimal("100.00")


def test_tenure_steps_and_a_rehire_starts_again():
    def tenure(issued: date, hired: date = date(2010, 1, 1)) -> Decimal:
        s = slip(person(hire_date=hired, certificates=(("LEVEL_5", issued),)), JAN, DEFAULTS)
        return s.tenure

    assert tenure(date(2025, 6, 1)) == Decimal("0.00")  # under a year
    assert tenure(date(2025, 1, 31)) == Decimal("20.00")  # ≥ 1 year
    assert tenure(date(2021, 1, 1)) == Decimal("50.00")  # ≥ 5 years
    assert tenure(date(2016, 1, 31)) == Decimal("100.00")  # ≥ 10 years
    # certificate in 2012, rehired in 2024: continuous service counts from the rehire
    assert tenure(date(2012, 1, 1), hired=date(2024, 3, 1)) == Decimal("20.00")
    assert full_years(date(2020, 2, 29), date(2021, 2, 28)) == 0


def test_education_allowance():
    assert slip(person(education="BACHELOR"), JAN, DEFAULTS).education == Decimal("100.00")
    assert slip(person(education="POSTGRADUATE"), JAN, DEFAULTS).education == Decimal("200.00")
    assert slip(person(education="COLLEGE"), JAN, DEFAULTS).education == Decimal("0.00")


def test_probation_is_base_and_skill_only():
    s = slip(
        person(
            probation_end=date(2026, 3, 31),
            education="POSTGRADUATE",
            certificates=(("LEVEL_4", date(2010, 1, 1)),),
            reward=Decimal("273.00"),
        ),
        JAN,
        DEFAULTS,
    )
    assert s.probation and s.note == "试用期:仅发基本工资和技能津贴"
    assert (s.skill, s.tenure, s.education, s.reward) == (
        Decimal("150.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert s.gross == Decimal("3650.00")


def test_joiners_and_leavers_are_prorated_by_calendar_days():
    joined = slip(person(hire_date=date(2026, 1, 12), education="BACHELOR"), JAN, DEFAULTS)
    assert (joined.days_paid, joined.days_in_month) == (20, 31)
    assert joined.base == fen(BASE * 20 / 31) == Decimal("2258.06")  # 2258.0645…
    assert joined.education == Decimal("64.52")  # 64.516… half-up
    assert joined.note == "1 月 12 日入职,按日历天数折算 20/31"
    left = slip(person(last_day=date(2026, 2, 14)), date(2026, 2, 1), DEFAULTS)
    assert (left.days_paid, left.base) == (14, Decimal("1750.00"))
    assert "2 月 14 日离职" in left.note
    # left before the month, or hired after it: no slip
    assert slip(person(last_day=date(2025, 12, 31)), JAN, DEFAULTS) is None
    assert slip(person(hire_date=date(2026, 2, 1)), JAN, DEFAULTS) is None


def test_the_reward_is_paid_whole_and_the_slip_adds_up():
    s = slip(person(reward=Decimal("273.00"), hire_date=date(2026, 1, 2)), JAN, DEFAULTS)
    assert s.reward == Decimal("273.00")
    assert s.gross == s.base + s.skill + s.tenure + s.education + s.reward
    assert all(isinstance(v, Decimal) for v in (s.base, s.gross))
