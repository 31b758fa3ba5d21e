"""``createUser(staffId:)``: a person's record is linked to one account, by someone whose scope
covers where the person works; any other id reads as not found, and the link is audited."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tenants.models import AuditEvent
from tests.support.factories import make_county
from tests.support.graphql import gid, gql
from tests.support.workforce import hire

CREATE = """
mutation($i: CreateUserInput!) {
  createUser(input: $i) { user { username } userErrors { field code } }
}"""


async def _create(client, county, actor, username, staff_id):
    variables = {"i": {"username": username, "password": "window-2026-x", "staffId": staff_id}}
    answer = await gql(client, CREATE, variables, token=county.token(actor))
    assert "errors" not in answer, answer
    return answer["data"]["createUser"]


async def test_a_township_head_links_its_own_people_only(client, db):
    county = await make_county(db, "链接县")
    other = await make_county(db, "他链县")
    ours = await hire(county, "village_a1", name="本镇人")
    theirs = await hire(county, "town_b", name="乙镇人")
    foreign = await hire(other, "town_a", name="他县人")

    for staff_id in (theirs.id, foreign.id, uuid.uuid4()):
        refused = await _create(
            client, county, "head_a", f"u{staff_id.hex[:8]}", gid("Staff", staff_id)
        )
        assert refused == {"user": None, "userErrors": [{"field": "staffId", "code": "NOT_FOUND"}]}

    linked = await _create(client, county, "head_a", "benzhen", gid("Staff", ours.id))
    assert linked == {"user": {"username": "benzhen"}, "userErrors": []}
    again = await _create(client, county, "admin", "benzhen2", gid("Staff", ours.id))
    assert again["userErrors"] == [{"field": "staffId", "code": "ALREADY_LINKED"}]

    async with county.db.session(county.tenant_id) as session:
        events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "user.create")))
            .scalars()
            .all()
        )
    assert any((e.detail or {}).get("staffId") == str(ours.id) for e in events)
