"""A request's reads share one transaction: one BEGIN for all its resolvers and loaders (plus
the caller's row, read on its own connection), rolled back at the end; a change runs in its
own transaction and the reads after it see it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from tests.support.factories import make_county
from tests.support.graphql import gql

OPERATIONS = Path(__file__).parents[2] / "graphql" / "operations"


class Begins:
    """Counts transactions begun on the engine while the block runs."""

    def __init__(self, db) -> None:
        self.engine = db.engine.sync_engine
        self.count = 0

    def _begin(self, _conn) -> None:
        self.count += 1

    def __enter__(self) -> Begins:
        event.listen(self.engine, "begin", self._begin)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "begin", self._begin)


async def test_a_point_read_is_one_transaction(client, db):
    county = await make_county(db, "事务县")
    document = (OPERATIONS / "network.graphql").read_text()
    with Begins(db) as begins:
        answer = await gql(
            client,
            document,
            {"id": county.site_gid("village_a1")},
            token=county.token("admin"),
            operation_name="SiteDetail",
        )
    site = answer["data"]["node"]
    assert site["name"] == "一村" and [a["name"] for a in site["ancestors"]][-1] == "甲镇"
    # the caller's row (its own connection), then every resolver and loader on one session
    assert begins.count == 2


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
