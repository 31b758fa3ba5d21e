"""Resident ID numbers (公民身份号码) as the county's people carry them.

python-stdnum takes a county's code only for people born while the code existed; 涟水县's
320826 dates from 1983, so everyone born there earlier was refused, as a window staff member
(``parse_id_number``) and as an applicant (``casework.applicants``)."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from casework.applicants import ApplicantData, check_applicant
from casework.models import ApplicantKind
from tenants.errors import Collector
from tests.support.workforce import pin_today
from workforce.personal import InvalidIdNumber, parse_id_number, validate_resident_id


def _number(region: str, birth: date | str, seq: str = "001") -> str:
    body = f"{region}{birth if isinstance(birth, str) else f'{birth:%Y%m%d}'}{seq}"
    return body + ric.calc_check_digit(body + "0")


BORN_1979 = _number("320826", date(1979, 9, 9))


def test_python_stdnum_alone_refuses_a_number_issued_after_the_birth_year():
    # the reason for validate_resident_id: if this starts passing, the wrapper can go
    assert not ric.is_valid(BORN_1979)


def test_a_county_code_younger_than_the_person_is_accepted():
    parsed = parse_id_number(BORN_1979, today=date(2026, 1, 1))
    assert parsed.birth_date == date(1979, 9, 9)
    assert validate_resident_id(BORN_1979.lower()) == BORN_1979


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (_number("999999", date(1979, 9, 9)), "公民身份号码中的出生日期或地区代码无效"),
        (_number("320826", "19790230"), "公民身份号码中的出生日期或地区代码无效"),
        (BORN_1979[:-1] + ("0" if BORN_1979[-1] != "0" else "1"), "公民身份号码校验码错误"),
        (BORN_1979[:17], "公民身份号码应为 18 位"),
        ("32082619790909A014", "公民身份号码前 17 位应为数字"),
    ],
)
def test_what_stays_refused(number, message):
    with pytest.raises(InvalidIdNumber) as refused:
        parse_id_number(number, today=date(2026, 1, 1))
    assert str(refused.value) == message


def test_the_working_age_is_judged_on_the_services_day(monkeypatch):
    sixteen_on = date(2026, 3, 3)
    number = _number("320826", date(2010, 3, 3))
    pin_today(monkeypatch, sixteen_on.replace(day=2))
    with pytest.raises(InvalidIdNumber):
        parse_id_number(number)
    pin_today(monkeypatch, sixteen_on)
    assert parse_id_number(number).birth_date == date(2010, 3, 3)


def test_an_applicant_born_before_the_code_is_accepted():
    errors = Collector()
    applicant = ApplicantData(kind=ApplicantKind.PERSON, name="王建国", id_number=BORN_1979)
    checked = check_applicant(errors, applicant, date(2026, 1, 1))
    assert errors.errors == [] and checked is not None and checked.number == BORN_1979
