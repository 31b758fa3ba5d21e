"""申请人: who applies — a person with a resident ID number (``stdnum.cn.ric``) or an
organisation with a unified social credit code (``stdnum.cn.uscc``).

The number is checked, encrypted with the personal-data cipher (``workforce.personal``: Fernet
under a key derived from the app's secret), looked up by its keyed hash and only ever shown
masked; likewise the phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from casework.models import ApplicantColumns, ApplicantKind
from tenants.errors import Collector, check_length
from workforce.personal import (
    PHONE_RE,
    PersonalDataCipher,
    mask_phone,
    normalize_phone,
    validate_resident_id,
)

NAME_MAX = 100
# 固定电话 (区号-号码) as well as mobiles.
LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")


@dataclass
class ApplicantData:
    kind: ApplicantKind
    name: str
    id_number: str
    phone: str | None = None


@dataclass(frozen=True)
class CheckedApplicant:
    kind: ApplicantKind
    name: str
    number: str
    phone: str | None


def mask_number(number: str) -> str:
    """``320826********1234`` / ``913208********123X``: the first six and the last four."""
    return number[:6] + "*" * max(len(number) - 10, 0) + number[-4:]


def check_applicant(
    errors: Collector, data: ApplicantData | None, today: date, field: str = "applicant"
) -> CheckedApplicant | None:
    """Validate an applicant; errors go under ``applicant.<field>``. None when refused."""
    if data is None:
        errors.add(field, "REQUIRED", "请填写申请人")
        return None
    before = len(errors.errors)
    name = (data.name or "").strip()
    if not name:
        errors.add(f"{field}.name", "REQUIRED", "请填写申请人名称")
    check_length(errors, f"{field}.name", name, NAME_MAX, "申请人名称")
    raw = (data.id_number or "").strip().upper()
    number = ""
    if len(raw) > 32:
        errors.add(f"{field}.idNumber", "INVALID_ID_NUMBER", "证件号码过长")
    elif data.kind is ApplicantKind.PERSON:
        try:
            number = validate_resident_id(raw)
            if ric.get_birth_date(number) > today:
                errors.add(
                    f"{field}.idNumber", "INVALID_ID_NUMBER", "公民身份号码中的出生日期不合理"
                )
        except ValidationError:
            errors.add(f"{field}.idNumber", "INVALID_ID_NUMBER", "公民身份号码无效(18 位,校验码)")
    else:
        try:
            number = uscc.validate(raw)
        except ValidationError:
            errors.add(
                f"{field}.idNumber", "INVALID_CREDIT_CODE", "统一社会信用代码无效(18 位,校验码)"
            )
    phone = normalize_phone(data.phone)
    if phone is not None and not (PHONE_RE.match(phone) or LANDLINE_RE.match(phone)):
        errors.add(f"{field}.phone", "INVALID_PHONE", "联系电话应为 11 位手机号或固定电话")
    if len(errors.errors) > before:
        return None
    return CheckedApplicant(kind=data.kind, name=name, number=number, phone=phone)


def store_applicant(
    row: ApplicantColumns, cipher: PersonalDataCipher, applicant: CheckedApplicant
) -> None:
    """Fill a row's applicant columns: the number encrypted, hashed for lookup and masked."""
    row.applicant_kind = applicant.kind
    row.applicant_name = applicant.name
    row.applicant_id_cipher = cipher.encrypt(applicant.number)
    row.applicant_id_hash = cipher.lookup_hash(applicant.number)
    row.applicant_id_masked = mask_number(applicant.number)
    row.applicant_phone_cipher = cipher.encrypt(applicant.phone) if applicant.phone else None
    row.applicant_phone_masked = mask_phone(applicant.phone) if applicant.phone else None


def lookup_hash(cipher: PersonalDataCipher, raw: str) -> str | None:
    """The lookup hash of a number typed into a search box, if it is a valid ID or code."""
    value = raw.strip().upper()
    for module in (ric, uscc):
        if module.is_valid(value):
            return cipher.lookup_hash(module.compact(value))
    return None
