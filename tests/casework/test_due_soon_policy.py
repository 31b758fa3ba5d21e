"""DUE_SOON follows the county's policy (``due_soon_working_days``), not the default: the state
shown on a case, the case list's filter and the alert job agree on it."""

from __future__ import annotations

from datetime import date

from api.gql.ids import global_id
from casework import alerts
from casework.models import Case
from casework.policy import DEFAULT_CASEWORK_POLICY
from tenants.models import Tenant
from tests.casework.world import build_world
from tests.support.casework import accept, at, pin_now
from tests.support.factories import make_county
from tests.support.graphql import gql

ACCEPTED_ON = date(2025, 3, 3)  # Monday: a marriage case is due Monday 3/17 (10 working days)
TODAY = date(2025, 3, 12)  # Wednesday: 3 working days left (3/13, 3/14, 3/17)
STATE = "query($id: ID!) { node(id: $id) { ... on Case { dueDate deadlineState } } }"


async def _set_due_soon(county, days: int) -> None:
    async with county.db.transaction(county.tenant_id) as session:
        tenant = await session.get(Tenant, county.tenant_id)
        settings = dict(tenant.settings or {})
        settings["casework"] = {**settings.get("casework", {}), "due_soon_working_days": days}
        tenant.settings = settings


async def _state(client, county, case_id) -> tuple[str, str]:
    variables = {"id": global_id("Case", case_id)}
    answer = await gql(client, STATE, variables, county.token("admin"))
    node = answer["data"]["node"]
    return node["dueDate"], node["deadlineState"]


async def _due_soon_listed(client, county) -> int:
    answer = await gql(
        client,
        "{ cases(deadlineState: DUE_SOON, first: 10) { totalCount } }",
        token=county.token("admin"),
    )
    return answer["data"]["cases"]["totalCount"]


async def test_due_soon_uses_the_countys_threshold(db, client, monkeypatch):
    assert DEFAULT_CASEWORK_POLICY["due_soon_working_days"] == 1
    county = await make_county(db, "临期县")
    world = await build_world(county)
    case: Case = (await accept(county, world.desk, world.counter, at(ACCEPTED_ON))).case
    assert case.due_date == date(2025, 3, 17)
    pin_now(monkeypatch, TODAY)

    # The default (1 working day): three days left is NORMAL everywhere.
    assert await _state(client, county, case.id) == ("2025-03-17", "NORMAL")
    assert await _due_soon_listed(client, county) == 0

    # The county warns three working days ahead: the case shows DUE_SOON, the list's filter
    # finds it and the alert job records it — the same number in all three.
    await _set_due_soon(county, 3)
    assert await _state(client, county, case.id) == ("2025-03-17", "DUE_SOON")
    assert await _due_soon_listed(client, county) == 1
    async with db.transaction(county.tenant_id) as session:
        assert await alerts.record_alerts(session, TODAY) == 2  # the manager and the supervisor

    # Two working days ahead: not yet on Wednesday, but on Thursday (2 left).
    await _set_due_soon(county, 2)
    assert await _state(client, county, case.id) == ("2025-03-17", "NORMAL")
    assert await _due_soon_listed(client, county) == 0
    pin_now(monkeypatch, date(2025, 3, 13))
    assert await _state(client, county, case.id) == ("2025-03-17", "DUE_SOON")
    assert await _due_soon_listed(client, county) == 1
