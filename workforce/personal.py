"""个人信息保护: the resident ID number (公民身份号码) and phone of a staff member.

- the ID number is checked with ``python-stdnum`` (``stdnum.cn.ric``: 18 digits, check digit,
  birth date, region code) and gives gender and birth date;
- it is encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a
  key derived from ``settings.secret_key`` with HKDF; a keyed HMAC-SHA256 of it, under a second
  derived key, serves uniqueness lookups without decrypting anything;
- the API only ever shows ``320826********1234``; phones show ``138****5678`` except to county
  administrators and the person (see ``workforce.access``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.util import isdigits

from workforce import common
from workforce.models import Gender

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
MIN_WORKING_AGE = 16


class InvalidIdNumber(ValueError):
    """The number is not a valid 18-digit resident ID number; ``message`` is Chinese."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: Gender


def age_on(birth: date, day: date) -> int:
    """Whole years (周岁) on ``day``; one born on 29 February is a year older on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def validate_resident_id(value: str) -> str:
    """A resident ID number (公民身份号码) checked as ``ric.validate`` does — length, digits,
    checksum, birth date, a region code that exists — except for one thing: python-stdnum
    takes a county's code only for people born while the code existed (涟水县's 320826 from
    1983), but the code is the one of the place that issued the number, years after birth.
    Everyone born in 涟水县 before 1983 would be refused. Raises python-stdnum's errors."""
    number = ric.compact(value)
    if len(number) != 18:
        raise InvalidLength()
    if not isdigits(number[:-1]):
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    ric.get_birth_date(number)
    places = dict(
        item for _part, props in numdb.get("cn/loc").info(number[:6]) for item in props.items()
    )
    if "county" not in places:
        raise InvalidComponent()
    return number


def parse_id_number(raw: str | None, today: date | None = None) -> IdNumber:
    """Validate a resident ID number; the gender is the parity of the 17th digit."""
    value = (raw or "").strip().upper()
    if not value:
        raise InvalidIdNumber("请填写公民身份号码")
    try:
        number = validate_resident_id(value)
    except ValidationError as exc:
        name = type(exc).__name__
        message = {
            "InvalidLength": "公民身份号码应为 18 位",
            "InvalidFormat": "公民身份号码前 17 位应为数字",
            "InvalidChecksum": "公民身份号码校验码错误",
            "InvalidComponent": "公民身份号码中的出生日期或地区代码无效",
        }.get(name, "公民身份号码无效")
        raise InvalidIdNumber(message) from None
    birth = ric.get_birth_date(number)
    today = today or common.today()  # the acting day (a job's, a test's pinned one)
    if birth > today or age_on(birth, today) < MIN_WORKING_AGE:
        raise InvalidIdNumber("公民身份号码中的出生日期不合理")
    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return IdNumber(number=number, birth_date=birth, gender=gender)


def mask_id_number(number: str) -> str:
    """``320826********1234``: the region and the last four digits only."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def normalize_phone(raw: str | None) -> str | None:
    value = re.sub(r"[\s-]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    return value or None


def mask_phone(phone: str) -> str:
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    return phone[:2] + "*" * max(len(phone) - 4, 0) + phone[-2:]


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret.encode("utf-8")
    )


class PersonalDataCipher:
    """Encrypts and keys personal data with keys derived from the app's secret key."""

    def __init__(self, secret_key: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret_key, b"onewindow/pii/v1")))
        self._hmac_key = _derive(secret_key, b"onewindow/pii-lookup/v1")

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        """The plain value, or None when it was encrypted under another key."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._hmac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def shown_phone(
    cipher: PersonalDataCipher, phone_cipher: str | None, phone_masked: str | None, unmask: bool
) -> str | None:
    """The phone as a reader sees it: in full when ``unmask`` (and it decrypts), else masked."""
    if unmask and phone_cipher:
        return cipher.decrypt(phone_cipher) or phone_masked
    return phone_masked


@cache
def cipher_for(secret_key: str) -> PersonalDataCipher:
    return PersonalDataCipher(secret_key)
