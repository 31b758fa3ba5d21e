"""Two reviewers deciding one change request at once: exactly one decision is taken.

Each review runs in its own transaction the way the ``reviewChange`` mutation does
(``api.gql.errors.run_change``); the loser gets ``ALREADY_REVIEWED`` — not a conflict, not a 500
— and only the winner's decision is applied and audited.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from api.gql.errors import run_change
from catalog import changes
from catalog.models import ChangeKind, ChangeRequest, ChangeStatus, Matter
from tenants.models import AuditEvent
from tests.support.catalog import matter_payload, propose_directly, setup_catalog
from tests.support.factories import County

COUNTY_NAME = "审核并发县"
TRIALS = 8


async def review(county: County, change_id, approve: bool) -> list[str]:
    admin = await county.actor("admin")
    _, errors = await run_change(
        lambda: county.db.transaction(county.tenant_id),
        lambda session: changes.review(
            session, admin, change_id, approve, None if approve else "材料不全"
        ),
    )
    return [e.code for e in errors]


async def test_racing_reviews_take_one_decision(county: County):
    setup = await setup_catalog(county, publish=False)
    hr = setup.departments["hr"]
    for trial in range(TRIALS):
        code = f"RACE-{trial}"
        change = await propose_directly(
            county,
            ChangeKind.DEFINE_MATTER,
            matter_payload(code, f"并发事项{trial}", str(hr.id)),
            username="dept",
        )
        assert change.status is ChangeStatus.PENDING
        # Even trials: two approvals; odd trials: an approval against a rejection.
        second_approves = trial % 2 == 0
        outcomes = await asyncio.gather(
            review(county, change.id, True), review(county, change.id, second_approves)
        )
        assert sorted(outcomes) == [[], ["ALREADY_REVIEWED"]], outcomes
        approved = outcomes[0] == [] or second_approves
        async with county.db.session(county.tenant_id) as session:
            decided = await session.get(ChangeRequest, change.id)
            assert decided.status is (ChangeStatus.APPROVED if approved else ChangeStatus.REJECTED)
            matters = await session.execute(select(func.count()).where(Matter.code == code))
            assert matters.scalar_one() == (1 if approved else 0)
            audits = await session.execute(
                select(AuditEvent.action).where(
                    AuditEvent.action.in_(["catalog.approve", "catalog.reject"]),
                    AuditEvent.object_id == str(change.id),
                )
            )
            assert audits.scalars().all() == ["catalog.approve" if approved else "catalog.reject"]
