"""History is a record (issue 10): nothing starts or ends before today but by the county
office's correction; a mistaken order is revoked before its date and everything is restored
exactly; no assignment ends before it starts; a redeployment on the day the current
assignment starts replaces it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tenants.audit import AuditEvent
from tests.support.errors import refused
from tests.support.graphql import gid, gql
from tests.support.workforce import hire, pin_today
from workforce import assignments, corrections, placement, redeployment
from workforce.assignments import NewAssignment
from workforce.models import Assignment, AssignmentKind, Post, RedeploymentOrder
from workforce.placement import placements

COUNTY_NAME = "留痕县"
TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    pin_today(monkeypatch, TODAY)


async def _history(county, staff_id) -> list[tuple[str, date, date | None]]:
    async with county.db.session(county.tenant_id) as session:
        rows = (await placement.history(session, [staff_id]))[staff_id]
    keys = {s.id: k for k, s in county.sites.items()}
    return [(keys[a.site_id], a.start_date, a.end_date) for a in rows]


async def _order(county, person, site: str, effective: date, actor="admin"):
    async with county.db.transaction(county.tenant_id) as session:
        return await redeployment.redeploy(
            session,
            await county.actor(actor),
            effective_date=effective,
            reason="统筹调配",
            moves=[redeployment.Move(person.id, county.sites[site].id, Post.INTAKE)],
        )


async def test_an_order_may_not_rewrite_the_past(county):
    person = await hire(county, "town_a", name="老员工", hire_date=date(2019, 3, 1))
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            redeployment.redeploy(
                session,
                await county.actor("admin"),
                effective_date=date(2026, 6, 1),
                reason="补录",
                moves=[redeployment.Move(person.id, county.sites["town_b"].id, Post.INTAKE)],
            )
        ) == [("effectiveDate", "PAST_DATE")]
    assert await _history(county, person.id) == [("town_a", date(2019, 3, 1), None)]


async def test_assignments_and_ends_not_before_today_nor_before_the_start(county):
    person = await hire(county, "root", name="顶岗人", hire_date=date(2024, 1, 2))
    admin = await county.actor("admin")

    def cover(start, end):
        return NewAssignment(
            person.id,
            county.sites["town_a"].id,
            Post.INTAKE,
            AssignmentKind.TEMPORARY_COVER,
            start,
            end,
        )

    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            assignments.assign_staff(session, admin, cover(TODAY - timedelta(days=3), TODAY))
        ) == [("startDate", "PAST_DATE")]
    async with county.db.transaction(county.tenant_id) as session:
        made = await assignments.assign_staff(
            session, admin, cover(TODAY + timedelta(days=5), TODAY + timedelta(days=9))
        )
    async with county.db.transaction(county.tenant_id) as session:
        # The old workaround (end before the start) is refused: an end never precedes a start.
        assert await refused(
            assignments.end_assignment(session, admin, made.id, TODAY + timedelta(days=4))
        ) == [("endDate", "INVALID_DATES")]
    regular = (await placements_of(county, person.id))[0]
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            assignments.end_assignment(session, admin, regular.id, TODAY - timedelta(days=1))
        ) == [("endDate", "PAST_DATE")]


async def placements_of(county, staff_id) -> list[Assignment]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(Assignment)
            .where(
                Assignment.staff_id == staff_id,
                Assignment.kind == AssignmentKind.REGULAR,
                Assignment.cancelled_at.is_(None),
            )
            .order_by(Assignment.start_date)
        )
        return list(rows.scalars())


async def test_revoking_an_order_restores_everything_exactly(county):
    person = await hire(county, "town_a", name="误调", hire_date=date(2020, 5, 6))
    dispatched = await hire(county, "town_a", name="派驻者", hire_date=date(2021, 1, 4))
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        await assignments.assign_staff(
            session,
            admin,
            NewAssignment(
                dispatched.id,
                county.sites["village_a1"].id,
                Post.AGENCY,
                AssignmentKind.VILLAGE_DISPATCH,
                TODAY,
                None,
            ),
        )
    before = (await _history(county, person.id), await _history(county, dispatched.id))
    effective = TODAY + timedelta(days=10)
    async with county.db.transaction(county.tenant_id) as session:
        order = await redeployment.redeploy(
            session,
            admin,
            effective_date=effective,
            reason="误发的调配令",
            moves=[
                redeployment.Move(person.id, county.sites["town_b"].id, Post.INTAKE),
                redeployment.Move(dispatched.id, county.sites["root"].id, Post.ISSUE),
            ],
        )
    moved = await _history(county, dispatched.id)
    assert ("village_a1", TODAY, effective - timedelta(days=1)) in moved  # the dispatch ended
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(redeployment.revoke_order(session, admin, order.id, " ")) == [
            ("reason", "REQUIRED")
        ]
    async with county.db.transaction(county.tenant_id) as session:
        revoked = await redeployment.revoke_order(session, admin, order.id, "发错了人")
    assert revoked.revoked_at is not None
    assert (await _history(county, person.id), await _history(county, dispatched.id)) == before
    async with county.db.session(county.tenant_id) as session:
        placed = await placements(session, [person.id], effective)
        assert placed[person.id].site_id == county.sites["town_a"].id
        moves = await redeployment.moves_of_staff(session, [person.id])
        assert moves[person.id] == []  # the moves vanish from the person's record
        audit = await session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "staff.redeploy_revoke")
        )
        assert len(audit.scalars().all()[-1]["cancelled"]) == 2
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(redeployment.revoke_order(session, admin, order.id, "再撤")) == [
            ("orderId", "ALREADY_REVOKED")
        ]
    # A new order for the same day is possible again.
    await _order(county, person, "sub", effective)


async def test_an_order_in_force_cannot_be_revoked(county, monkeypatch):
    person = await hire(county, "town_b", name="已生效", hire_date=date(2022, 2, 1))
    order = await _order(county, person, "sub", TODAY + timedelta(days=1))
    pin_today(monkeypatch, TODAY + timedelta(days=1))
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            redeployment.revoke_order(session, await county.actor("admin"), order.id, "晚了")
        ) == [("orderId", "ALREADY_EFFECTIVE")]


async def test_a_redeployment_on_the_first_day_replaces_that_assignment(county):
    person = await hire(county, "village_a1", name="今晨入职", hire_date=TODAY)
    order = await _order(county, person, "village_a2", TODAY)
    assert await _history(county, person.id) == [("village_a2", TODAY, None)]
    async with county.db.session(county.tenant_id) as session:
        cancelled = (
            await session.execute(
                select(Assignment).where(
                    Assignment.staff_id == person.id, Assignment.cancelled_at.is_not(None)
                )
            )
        ).scalar_one()
        assert cancelled.site_id == county.sites["village_a1"].id  # kept as a record
        assert (await session.get(RedeploymentOrder, order.id)).revoked_at is None


async def test_correction_is_the_county_offices_names_its_reason_and_is_audited(county):
    person = await hire(county, "town_a", name="更正", hire_date=date(2019, 3, 1))
    (regular,) = await placements_of(county, person.id)
    async with county.db.transaction(county.tenant_id) as session:
        with pytest.raises(Exception) as denied:
            await corrections.correct_assignment(
                session,
                await county.actor("head_a"),
                regular.id,
                reason="想改",
                start_date=date(2019, 4, 1),
            )
        assert type(denied.value).__name__ == "Forbidden"
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            corrections.correct_assignment(session, admin, regular.id, reason="", end_date=None)
        ) == [("reason", "REQUIRED")]
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            corrections.correct_assignment(
                session, admin, regular.id, reason="笔误", end_date=date(2019, 2, 1)
            )
        ) == [("endDate", "INVALID_DATES")]
    async with county.db.transaction(county.tenant_id) as session:
        await corrections.correct_assignment(
            session, admin, regular.id, reason="入职登记日期有误", start_date=date(2019, 4, 1)
        )
    assert await _history(county, person.id) == [("town_a", date(2019, 4, 1), None)]
    async with county.db.session(county.tenant_id) as session:
        detail = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.action == "staff.assignment_correct",
                    AuditEvent.object_id == str(regular.id),
                )
            )
        ).scalar_one()
    assert detail.detail["old"]["start"] == "2019-03-01"
    assert detail.detail["new"]["start"] == "2019-04-01"


REVOKE = """mutation($i: RevokeRedeploymentInput!) { revokeRedeployment(input: $i) {
  order { id revokedAt revokeReason revokedBy { username } } userErrors { field code } } }"""
CORRECT = """mutation($i: CorrectAssignmentInput!) { correctAssignment(input: $i) {
  assignment { startDate endDate } userErrors { field code } } }"""
REDEPLOY = """mutation($i: RedeployInput!) { redeploy(input: $i) {
  order { id } userErrors { field code } } }"""


async def test_history_rules_through_graphql(county, client):
    person = await hire(county, "town_b", name="图形", hire_date=date(2018, 9, 3))
    token = county.token("admin")
    move = {"staffId": gid("Staff", person.id), "toSiteId": county.site_gid("sub"), "post": "ISSUE"}
    past = await gql(
        client,
        REDEPLOY,
        {"i": {"effectiveDate": "2026-06-01", "reason": "补录", "moves": [move]}},
        token,
    )
    assert past["data"]["redeploy"]["userErrors"] == [
        {"field": "effectiveDate", "code": "PAST_DATE"}
    ]
    issued = await gql(
        client,
        REDEPLOY,
        {"i": {"effectiveDate": "2026-12-01", "reason": "调配", "moves": [move]}},
        token,
    )
    order_id = issued["data"]["redeploy"]["order"]["id"]
    denied = await gql(
        client, REVOKE, {"i": {"orderId": order_id, "reason": "撤"}}, county.token("head_a")
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    revoked = await gql(client, REVOKE, {"i": {"orderId": order_id, "reason": "撤销"}}, token)
    order = revoked["data"]["revokeRedeployment"]["order"]
    assert order["revokeReason"] == "撤销" and order["revokedBy"] == {"username": "admin"}
    assert order["revokedAt"].endswith("+00:00")  # timezone-aware on both databases
    (regular,) = await placements_of(county, person.id)
    corrected = await gql(
        client,
        CORRECT,
        {
            "i": {
                "assignmentId": gid("Assignment", regular.id),
                "reason": "核对档案",
                "startDate": "2018-09-10",
            }
        },
        token,
    )
    assert corrected["data"]["correctAssignment"] == {
        "assignment": {"startDate": "2018-09-10", "endDate": None},
        "userErrors": [],
    }


async def test_racing_revocations_one_wins(county):
    """Two revocations of one order at once: the people's lock serializes them; the second
    finds the order revoked."""
    import asyncio

    from api.gql.errors import run_change

    person = await hire(county, "town_b", name="并发撤销", hire_date=date(2021, 6, 7))
    order = await _order(county, person, "root", TODAY + timedelta(days=3))
    admin = await county.actor("admin")

    async def attempt() -> list[str]:
        _, errors = await run_change(
            lambda: county.db.transaction(county.tenant_id),
            lambda session: redeployment.revoke_order(session, admin, order.id, "撤销"),
        )
        return [e.code for e in errors]

    outcomes = sorted(await asyncio.gather(attempt(), attempt()))
    assert outcomes[0] == [] and outcomes[1] in (["ALREADY_REVOKED"], ["CONFLICT"])
    assert await _history(county, person.id) == [("town_b", date(2021, 6, 7), None)]


async def test_the_database_refuses_an_end_before_the_start(county):
    from sqlalchemy.exc import IntegrityError

    person = await hire(county, "town_a", name="倒置", hire_date=date(2024, 5, 6))
    with pytest.raises(IntegrityError, match="ck_staff_assignments_dates"):
        async with county.db.transaction(county.tenant_id) as session:
            session.add(
                Assignment(
                    staff_id=person.id,
                    site_id=county.sites["town_b"].id,
                    post=Post.INTAKE,
                    kind=AssignmentKind.TEMPORARY_COVER,
                    start_date=TODAY,
                    end_date=TODAY - timedelta(days=1),
                    created_by="test",
                )
            )
