"""Demo pay (``api.demo.DEMO_EXTENSIONS``, after the assessment): a few people on their own
contract wage, and the twelve payrolls of the assessment's demo year, run and approved."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.demo import demo_year
from assessment.people import in_service
from authz.guard import Actor
from network.demo_data import DemoCounty
from network.models import Site
from pay import payroll


async def load(session: AsyncSession, admin: Actor, county: DemoCounty, sites: dict[str, Site]):
    year = demo_year()
    rng = random.Random(f"pay-{county.code}")
    people = await in_service(session, date(year, 1, 1), date(year, 12, 31))
    for person in rng.sample(people, min(10, len(people))):
        await payroll.set_base_wage(session, admin.label, person.id, Decimal("3800.00"))
    for m in range(1, 13):
        month = date(year, m, 1)
        await payroll.run_payroll(session, admin.label, month)
        await payroll.approve_payroll(session, admin.label, month)
