"""Finding people in the registry: by part of the name, by its pinyin (全拼 or 首字母, e.g.
``zhangsan`` / ``zs`` for 张三) and by a full resident ID number — matched through its keyed
lookup hash, so the number is neither stored nor shown in the clear.

``Staff.name_pinyin`` / ``name_initials`` follow the name: a mapper event in ``models`` fills them
whenever a person is inserted or renamed, whichever code path made the row (hire, import, demo).
"""

from __future__ import annotations

import re

from sqlalchemy import or_

from workforce.models import Staff
from workforce.personal import InvalidIdNumber, PersonalDataCipher, parse_id_number

PINYIN = re.compile(r"^[a-z]+$")


def search_condition(search: str, cipher: PersonalDataCipher | None):
    """SQL: the person matches ``search`` (already bounded by ``check_search``)."""
    text = search.strip()
    if cipher is not None and len(text) == 18:
        try:
            number = parse_id_number(text)
        except InvalidIdNumber:
            pass
        else:
            return Staff.id_number_hash == cipher.lookup_hash(number.number)
    conditions = [Staff.name.contains(text, autoescape=True)]
    key = text.lower().replace(" ", "")
    if PINYIN.match(key):
        conditions.append(Staff.name_pinyin.contains(key, autoescape=True))
        conditions.append(Staff.name_initials.startswith(key, autoescape=True))
    return or_(*conditions)
