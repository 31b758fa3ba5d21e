"""A request's reads share one transaction: one BEGIN for the caller's row and all its
resolvers, loaders and plans, rolled back at the end; a change runs in its own transaction and
the reads after it see it; no request leaves a connection checked out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, select

from api.gql.reads import RequestReads
from network.models import Site
from tests.support.engine_events import EngineEvents
from tests.support.factories import make_county
from tests.support.graphql import gql

OPERATIONS = Path(__file__).parents[2] / "graphql" / "operations"


async def test_a_point_read_is_one_transaction(client, db):
    county = await make_county(db, "事务县")
    document = (OPERATIONS / "network.graphql").read_text()
    with EngineEvents(db, "begin") as begins:
        answer = await gql(
            client,
            document,
            {"id": county.site_gid("village_a1")},
            token=county.token("admin"),
            operation_name="SiteDetail",
        )
    site = answer["data"]["node"]
    assert site["name"] == "一村" and [a["name"] for a in site["ancestors"]][-1] == "甲镇"
    # the caller's row, then every resolver, loader and plan, on one connection
    assert begins.count == 1
    assert db.engine.sync_engine.pool.checkedout() == 0


async def test_resolvers_and_the_caller_share_one_transaction(client, db):
    county = await make_county(db, "同事务县")
    with EngineEvents(db, "begin") as begins:
        answer = await gql(
            client,
            """query($id: ID!) { node(id: $id) { ... on Site { name children(first: 5) {
                 totalCount edges { node { name parent { name } } } } } } me { username } }""",
            {"id": county.site_gid("town_a")},
            token=county.token("admin"),
        )
    assert answer["data"]["node"]["name"] == "甲镇"
    assert answer["data"]["me"]["username"]
    assert begins.count == 1
    assert db.engine.sync_engine.pool.checkedout() == 0


async def test_no_connection_is_left_checked_out(client, db):
    county = await make_county(db, "归还县")
    token = county.token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    # a body that is not a GraphQL request: the operation never runs, the context still closes
    refused = await client.post("/graphql", content=b"5", headers=headers)
    assert refused.status_code == 400
    # a token for a county and user that do not match: refused, the connection closed at once
    answer = await client.post(
        "/graphql",
        json={"query": "{ me { username } }"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # an operation that fails in a resolver
    failed = await client.post(
        "/graphql", json={"query": '{ node(id: "U2l0ZTpub3Bl") { id } }'}, headers=headers
    )
    assert failed.status_code == 200
    assert db.engine.sync_engine.pool.checkedout() == 0


async def test_reads_after_a_change_see_it(client, db):
    county = await make_county(db, "读后县")
    answer = await gql(
        client,
        """mutation($i: UpdateSiteInput!) { updateSite(input: $i) {
             site { name officialName parent { name } } userErrors { code } } }""",
        {"i": {"id": county.site_gid("village_a1"), "name": "新一村"}},
        token=county.token("admin"),
    )
    site = answer["data"]["updateSite"]["site"]
    assert site["name"] == "新一村" and "新一村" in site["officialName"]
    assert site["parent"] == {"name": "甲镇"}


UPDATE_NAME = """mutation($i: UpdateSiteInput!) { updateSite(input: $i) {
    site { name } userErrors { code } } }"""


async def test_a_change_continues_the_transaction_of_the_callers_row(client, db):
    county = await make_county(db, "续事务县")
    with EngineEvents(db, "begin") as begins, EngineEvents(db, "commit") as commits:
        answer = await gql(
            client,
            UPDATE_NAME,
            {"i": {"id": county.site_gid("village_a1"), "name": "续一村"}},
            token=county.token("admin"),
        )
    assert answer["data"]["updateSite"] == {"site": {"name": "续一村"}, "userErrors": []}
    # the caller's row and the change: one transaction, committed once; no read after it
    # (the payload is the changed row itself)
    assert begins.count == 1 and commits.count == 1
    assert db.engine.sync_engine.pool.checkedout() == 0
    seen = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Site { name } } }",
        {"id": county.site_gid("village_a1")},
        token=county.token("admin"),
    )
    assert seen["data"]["node"] == {"name": "续一村"}


async def test_a_refused_change_on_the_callers_transaction_leaves_nothing(client, db):
    county = await make_county(db, "拒事务县")
    trail = "{ auditTrail(first: 1) { totalCount } }"
    before = await gql(client, trail, token=county.token("admin"))
    with EngineEvents(db, "commit") as commits:
        answer = await gql(
            client,
            UPDATE_NAME,
            {"i": {"id": county.site_gid("village_a1"), "name": ""}},
            token=county.token("admin"),
        )
    assert answer["data"]["updateSite"]["userErrors"]
    assert commits.count == 0
    assert db.engine.sync_engine.pool.checkedout() == 0
    after = await gql(client, trail, token=county.token("admin"))
    assert after["data"]["auditTrail"]["totalCount"] == before["data"]["auditTrail"]["totalCount"]


class Statements:
    """The text of every statement the engine sends while the block runs."""

    def __init__(self, db) -> None:
        self.engine = db.engine.sync_engine
        self.texts: list[str] = []

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.texts.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.mark.postgresql_only
async def test_a_query_reads_one_snapshot_and_a_change_does_not(client, db):
    county = await make_county(db, "快照县")
    with Statements(db) as query:
        await gql(
            client,
            "query($id: ID!) { node(id: $id) { ... on Site { name } } }",
            {"id": county.site_gid("village_a1")},
            token=county.token("admin"),
        )
    assert query.texts[0].startswith("BEGIN ISOLATION LEVEL REPEATABLE READ;")
    with Statements(db) as change:
        await gql(
            client,
            UPDATE_NAME,
            {"i": {"id": county.site_gid("village_a1"), "name": "快照一村"}},
            token=county.token("admin"),
        )
    assert change.texts[0].startswith("BEGIN;")  # READ COMMITTED, continued by the change


@pytest.mark.postgresql_only
@pytest.mark.parametrize("snapshot", [True, False])
async def test_a_snapshot_does_not_see_what_commits_after_its_first_read(db, snapshot):
    county = await make_county(db, "一致县")
    site = county.sites["village_a1"].id
    name = select(Site.name).where(Site.id == site, Site.tenant_id == county.tenant_id)
    reads = RequestReads(db, snapshot=snapshot)
    try:
        async with reads.connection(county.tenant_id) as connection:
            before = (await connection.execute(name)).scalar_one()
        async with db.transaction(county.tenant_id) as session:  # another request commits
            (await session.get(Site, site)).name = "改后村"
        async with reads.connection(county.tenant_id) as connection:
            after = (await connection.execute(name)).scalar_one()
    finally:
        await reads.close()
    assert after == (before if snapshot else "改后村")
