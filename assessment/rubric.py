"""The rubric (考核细则) of a county as versioned data: seeded from the annex when the county
opens (version 1, in force from the start of time), edited as a new version in force from a
month's first day. A month is scored with the version in force on its first day; an edit may
not take effect in a month already closed, so it never changes one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import AssessmentMonth, AssessmentStatus, RubricVersion
from assessment.policy import assessment_policy
from assessment.rubric_data import default_rubric
from tenants import audit
from tenants.errors import Collector, check_count, check_length

SEED_FROM = date(2000, 1, 1)
BONUS_CATEGORY = "6"
ITEMS_MAX = 50  # items of one category (the annex has at most 6)
DESCRIPTION_MAX = 500
ITEM_CODE = re.compile(r"^[1-6]\.[0-9]{1,2}$")


@dataclass(frozen=True)
class Item:
    code: str
    category: str
    description: str
    points: int | None
    min_points: int | None
    max_points: int | None
    variants: tuple[dict[str, Any], ...]
    grave: bool

    @property
    def is_bonus(self) -> bool:
        return self.category == BONUS_CATEGORY

    @property
    def is_range(self) -> bool:
        return self.min_points is not None and self.max_points is not None


@dataclass(frozen=True)
class Rubric:
    """One version, read for scoring: categories (code → name, max; None = uncapped) and items."""

    version: int
    effective_from: date
    document: dict[str, Any]

    @property
    def categories(self) -> list[dict[str, Any]]:
        return self.document["categories"]

    def maxima(self) -> dict[str, int | None]:
        return {c["code"]: c["max"] for c in self.categories}

    def items(self) -> dict[str, Item]:
        return {
            i["code"]: Item(
                code=i["code"],
                category=c["code"],
                description=i["description"],
                points=i.get("points"),
                min_points=i.get("min_points"),
                max_points=i.get("max_points"),
                variants=tuple(i.get("variants") or ()),
                grave=bool(i.get("grave")),
            )
            for c in self.categories
            for i in c["items"]
        }


def _as_rubric(row: RubricVersion) -> Rubric:
    return Rubric(row.version, row.effective_from, row.document)


async def seed_rubric(session: AsyncSession, actor_label: str) -> RubricVersion:
    """Version 1 from the annex, with the county's category maxima (opening a county)."""
    policy = await assessment_policy(session)
    row = RubricVersion(
        id=uuid.uuid4(),
        version=1,
        effective_from=SEED_FROM,
        document=default_rubric(policy.get("category_max")),
        note="据《政务服务窗口工作人员考核细则(试行)》初始化",
        created_by=actor_label,
    )
    session.add(row)
    await session.flush()
    return row


async def rubric_in_force(session: AsyncSession, on: date) -> Rubric:
    """The version in force on ``on``: the latest ``effective_from`` on or before it (the
    first version before them all; the annex itself for a county opened before assessment
    existed, as version 1)."""
    row = (
        await session.execute(
            select(RubricVersion)
            .where(RubricVersion.effective_from <= on)
            .order_by(RubricVersion.effective_from.desc(), RubricVersion.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        row = (
            await session.execute(select(RubricVersion).order_by(RubricVersion.version).limit(1))
        ).scalar_one_or_none()
    if row is None:
        policy = await assessment_policy(session)
        return Rubric(1, SEED_FROM, default_rubric(policy.get("category_max")))
    return _as_rubric(row)


async def new_version(
    session: AsyncSession,
    actor_label: str,
    document: dict[str, Any],
    effective_from: date,
    note: str | None,
) -> RubricVersion:
    """A county's edit: a new version in force from ``effective_from`` (a month's first day
    after every closed month)."""
    errors = Collector()
    if effective_from.day != 1:
        errors.add("effectiveFrom", "NOT_MONTH_START", "新版本须自某月 1 日起生效")
    last_closed = await session.scalar(
        select(func.max(AssessmentMonth.month)).where(
            AssessmentMonth.status != AssessmentStatus.OPEN
        )
    )
    if last_closed is not None and effective_from <= last_closed:
        errors.add("effectiveFrom", "MONTH_CLOSED", "生效月份已结算,不能修改其考核细则")
    check_length(errors, "note", note, DESCRIPTION_MAX, "修订说明")
    check_document(errors, document)
    errors.raise_if_any()
    last = await session.scalar(select(func.max(RubricVersion.version))) or 0
    row = RubricVersion(
        id=uuid.uuid4(),
        version=last + 1,
        effective_from=effective_from,
        document=document,
        note=note,
        created_by=actor_label,
    )
    session.add(row)
    audit.record(
        session,
        actor_label,
        "assessment.rubric.version",
        "RubricVersion",
        row.id,
        {"version": row.version, "effective_from": effective_from.isoformat()},
        note,
    )
    await session.flush()
    return row


def check_document(errors: Collector, document: dict[str, Any]) -> None:
    """Six categories coded 1–6 (6 uncapped), every item coded under its category, with fixed
    points or a range, signed as its category (bonus positive, deductions negative)."""
    categories = document.get("categories") or []
    codes = [c.get("code") for c in categories]
    if codes != ["1", "2", "3", "4", "5", "6"]:
        errors.add("document", "INVALID_RUBRIC", "考核细则须为 1–6 六个类别(6 为加分项)")
        return
    for category in categories:
        bonus = category["code"] == BONUS_CATEGORY
        items = category.get("items") or []
        check_count(errors, "document", items, ITEMS_MAX, f"类别 {category['code']} 的细则项")
        check_length(errors, "document", category.get("name"), 20, "类别名称")
        if len(items) > ITEMS_MAX:
            continue
        for item in items:
            check_length(errors, "document", item.get("description"), DESCRIPTION_MAX, "细则内容")
            check_count(errors, "document", item.get("variants"), 10, "细则项的情形")
            for variant in item.get("variants") or []:
                check_length(errors, "document", variant.get("label"), 100, "情形说明")
            code = str(item.get("code", ""))
            if not ITEM_CODE.match(code) or not code.startswith(category["code"] + "."):
                errors.add(
                    "document", "INVALID_RUBRIC", f"细则项 {code} 不属于类别 {category['code']}"
                )
                continue
            values = [item.get("points"), item.get("min_points"), item.get("max_points")]
            values += [v.get("points") for v in item.get("variants") or []]
            for value in (v for v in values if v is not None):
                if not isinstance(value, int) or (value > 0) != bonus or not 0 < abs(value) <= 100:
                    errors.add("document", "INVALID_POINTS", f"细则项 {code} 的分值不合规")
                    break
