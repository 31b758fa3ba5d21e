"""Resident ID numbers, masking and encryption of personal data (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.workforce import bad_checksum, id_number
from workforce.models import Gender
from workforce.personal import (
    InvalidIdNumber,
    PersonalDataCipher,
    mask_id_number,
    mask_phone,
    parse_id_number,
)


def test_valid_number_gives_birth_date_and_gender():
    male = parse_id_number(id_number(date(1988, 2, 29)))
    assert male.birth_date == date(1988, 2, 29)
    assert male.gender is Gender.MALE
    female = parse_id_number(id_number(female=True).lower())
    assert female.gender is Gender.FEMALE


def test_known_number_with_x_check_digit():
    parsed = parse_id_number("11010519491231002x")
    assert parsed.number == "11010519491231002X"
    assert parsed.gender is Gender.FEMALE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写"),
        ("3208261990031500", "18 位"),
        ("3208261990031A0011", "前 17 位"),
        (bad_checksum(id_number()), "校验码"),
        ("320826199002300017", "出生日期"),  # 30 February, with a right check digit below
    ],
)
def test_invalid_numbers_are_refused(value, message):
    if value.startswith("3208261990023"):
        from stdnum.cn import ric

        value = value[:17] + ric.calc_check_digit(value)
    with pytest.raises(InvalidIdNumber, match=message):
        parse_id_number(value)


def test_a_child_is_not_staff():
    with pytest.raises(InvalidIdNumber, match="不合理"):
        parse_id_number(id_number(date(2020, 1, 1)), today=date(2026, 1, 1))


def test_masks():
    assert mask_id_number("320826199003150011") == "320826********0011"
    assert mask_phone("13812345678") == "138****5678"


def test_encryption_is_keyed_and_not_plain():
    one, two = PersonalDataCipher("key-one" * 5), PersonalDataCipher("key-two" * 5)
    token = one.encrypt("320826199003150011")
    assert "320826" not in token
    assert one.decrypt(token) == "320826199003150011"
    assert two.decrypt(token) is None
    assert one.lookup_hash("x") == one.lookup_hash("x") != two.lookup_hash("x")
    assert one.encrypt("x") != one.encrypt("x")  # random IV
