"""Demo assessment (``api.demo.DEMO_EXTENSIONS``, after the workforce): the last full year of
events — mostly small deductions, some praise, a few grave cases and two people with two POOR
months in a row — every month closed and published, and the annual grades. Events are bulk
inserted (their points from the county's rubric, as ``recordAssessmentEvent`` would give)."""

from __future__ import annotations

import calendar
import random
import uuid
from datetime import date

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assessment import annual, monthly
from assessment.models import AssessmentEvent, EventSource
from assessment.people import Person, in_service
from assessment.recording import event_points
from assessment.rubric import Rubric, rubric_in_force
from authz.guard import Actor
from network.demo_data import DemoCounty
from network.models import Site
from tenants.errors import Collector
from workforce.common import today

# (item, chance per person and month, count range, points given) — the everyday of a window.
EVERYDAY: tuple[tuple[str, float, tuple[int, int], int | None], ...] = (
    ("1.1", 0.22, (1, 2), None),  # 迟到早退
    ("1.4", 0.18, (1, 3), None),  # 事假(天)
    ("3.1", 0.06, (1, 1), None),  # 未佩戴工作证
    ("4.3", 0.08, (1, 2), None),  # 未使用叫号系统
    ("4.4", 0.06, (1, 1), 1),  # 未打开评价器
    ("5.1", 0.05, (1, 1), None),  # 卫生不整洁
    ("2.4", 0.03, (1, 1), 3),  # 不服从安排(酌情)
    ("6.2", 0.10, (1, 1), 2),  # 书面表扬
    ("6.2", 0.04, (1, 1), 5),  # 锦旗
    ("6.4", 0.05, (1, 1), None),  # 节假日我在岗
    ("1.5", 0.0007, (1, 1), None),  # 吃拿卡要(严重)
    ("5.5", 0.0015, (1, 1), 15),  # 违反保密规定造成严重影响(严重)
)


def demo_year() -> int:
    return today().year - 1


def _day(rng: random.Random, person: Person, month: date) -> date | None:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    start = max(month, person.hire_date)
    end = min(last, person.last_day) if person.last_day else last
    if start > end:
        return None
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def add(
    rows: list[dict],
    admin: Actor,
    rubric: Rubric,
    person: Person,
    code: str,
    count: int,
    points: int | None,
    on: date,
) -> None:
    """One event row, its points from the rubric as ``recordAssessmentEvent`` gives them."""
    item = rubric.items()[code]
    scored = event_points(item, count, points, Collector())
    if scored is None:
        return
    rows.append(
        {
            "id": uuid.uuid4(),
            "tenant_id": admin.tenant_id,
            "staff_id": person.id,
            "item_code": code,
            "category": item.category,
            "rubric_version": rubric.version,
            "occurred_on": on,
            "count": count,
            "points": scored[0],
            "grave": scored[1],
            "source_kind": EventSource.MANUAL,
            "recorded_by": admin.label,
            "recorded_by_user_id": admin.user_id,
            "voided": False,
        }
    )


async def load(session: AsyncSession, admin: Actor, county: DemoCounty, sites: dict[str, Site]):
    year = demo_year()
    rng = random.Random(f"assessment-{county.code}")
    people = await in_service(session, date(year, 1, 1), date(year, 12, 31))
    if not people:
        return
    # Two people with a bad spell: two POOR months in a row (a FAIL for the year).
    bad_spell = {p.id: rng.randint(2, 10) for p in rng.sample(people, min(2, len(people)))}
    rows: list[dict] = []
    for m in range(1, 13):
        month = date(year, m, 1)
        rubric = await rubric_in_force(session, month)

        for person in people:
            for code, chance, (low, high), points in EVERYDAY:
                if rng.random() < chance:
                    on = _day(rng, person, month)
                    if on is not None:
                        add(rows, admin, rubric, person, code, rng.randint(low, high), points, on)
            start = bad_spell.get(person.id)
            if start is not None and m in (start, start + 1):
                on = _day(rng, person, month)
                if on is not None:
                    add(
                        rows, admin, rubric, person, "1.2", 3, None, on
                    )  # 旷工 three times: attendance to zero
                    add(
                        rows, admin, rubric, person, "2.2", 1, None, on
                    )  # and playing games at the window
    for i in range(0, len(rows), 2000):
        await session.execute(insert(AssessmentEvent), rows[i : i + 2000])
    for m in range(1, 13):
        await monthly.close_month(session, admin.label, date(year, m, 1))
        await monthly.publish_month(session, admin.label, date(year, m, 1))
    await annual.close_year(session, admin.label, year)
