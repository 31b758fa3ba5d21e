"""Each catalog model is isolated between counties: ORM read/list/update/delete, node(id:),
the effective catalog and the public queries (which take the county from an argument)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from api.gql.ids import global_id
from catalog import models
from tests.catalog.isolation import catalog_rows
from tests.factories import County, gql, make_county

CATALOG_MODELS = [
    models.Department,
    models.Matter,
    models.MatterOverride,
    models.Delegation,
    models.Bundle,
    models.ChangeRequest,
    models.Release,
    models.CatalogState,
]
NODE_TYPES = {
    models.Department: "Department",
    models.Matter: "Matter",
    models.ChangeRequest: "CatalogChange",
    models.Release: "CatalogRelease",
}


@pytest.fixture(scope="module")
async def pair(db) -> tuple[County, County]:
    a = await make_county(db, "甲县")
    b = await make_county(db, "乙县")
    await catalog_rows(a)
    await catalog_rows(b)
    return a, b


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m.__name__)
async def test_orm_isolation(db, pair, model):
    a, b = pair
    async with db.session(a.tenant_id) as session:
        ids_a = list((await session.execute(select(model.id))).scalars())
    assert ids_a
    async with db.transaction(b.tenant_id) as session:
        listed = list((await session.execute(select(model.id))).scalars())
        assert listed and not set(listed) & set(ids_a)
        assert await session.get(model, ids_a[0]) is None
        changed = await session.execute(
            update(model).where(model.id.in_(ids_a)).values(tenant_id=b.tenant_id)
        )
        assert changed.rowcount == 0
        removed = await session.execute(delete(model).where(model.id.in_(ids_a)))
        assert removed.rowcount == 0
    async with db.session(a.tenant_id) as session:
        assert sorted(map(str, (await session.execute(select(model.id))).scalars())) == sorted(
            map(str, ids_a)
        )


@pytest.mark.parametrize("model", list(NODE_TYPES), ids=lambda m: m.__name__)
async def test_node_of_another_county_is_null(db, client, pair, model):
    a, b = pair
    async with db.session(a.tenant_id) as session:
        object_id = (await session.execute(select(model.id).limit(1))).scalar_one()
    query = "query($id: ID!) { node(id: $id) { id } }"
    gid = global_id(NODE_TYPES[model], object_id)
    own = await gql(client, query, {"id": gid}, a.token("admin"))
    assert own["data"]["node"] == {"id": gid}
    foreign = await gql(client, query, {"id": gid}, b.token("admin"))
    assert foreign["data"]["node"] is None


async def test_catalog_reads_stay_in_their_county(client, pair):
    a, b = pair
    query = "query($s: ID!) { effectiveCatalog(siteId: $s) { totalCount } }"
    foreign = await gql(client, query, {"s": a.site_gid("village_a1")}, b.token("admin"))
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    guide = """query($t: String!, $s: ID!) { publicMatter(tenant: $t, siteId: $s, code: "RS-001") {
        code } }"""
    # County B's code with county A's site: nothing.
    assert (await gql(client, guide, {"t": b.code, "s": a.site_gid("town_a")}))["data"][
        "publicMatter"
    ] is None
    assert (await gql(client, guide, {"t": a.code, "s": a.site_gid("town_a")}))["data"][
        "publicMatter"
    ] == {"code": "RS-001"}
    sites = (
        """query($t: String!) { publicSites(tenant: $t, first: 200) { edges { node { id } } } }"""
    )
    listed = {
        e["node"]["id"]
        for e in (await gql(client, sites, {"t": b.code}))["data"]["publicSites"]["edges"]
    }
    assert listed and a.site_gid("town_a") not in listed and b.site_gid("town_a") in listed
    changes = "{ catalogChanges(first: 200) { edges { node { id } } } }"
    own = {
        e["node"]["id"]
        for e in (await gql(client, changes, token=b.token("admin")))["data"]["catalogChanges"][
            "edges"
        ]
    }
    other = {
        e["node"]["id"]
        for e in (await gql(client, changes, token=a.token("admin")))["data"]["catalogChanges"][
            "edges"
        ]
    }
    assert own and other and not own & other
