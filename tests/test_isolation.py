"""Tenant isolation: county B can neither read, list, update nor delete county A's rows.

Walks every ``TenantScoped`` model, through the ORM on both databases and, on PostgreSQL,
underneath the ORM filter (row-level security alone); and every GraphQL type implementing
``Node`` through ``node(id:)``. Both counties get rows of every model
(``tests/support/isolation.py``), so "B sees none of A's" is never true for want of rows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from api.gql.ids import global_id
from api.schema import build_schema
from tenants.models import AuditEvent, Tenant, tenant_scoped_models
from tests.support.factories import County
from tests.support.graphql import gql
from tests.support.isolation import NODE_MODELS, ROW_MAKERS, node_model

MODELS = tenant_scoped_models()
APPEND_ONLY = (AuditEvent,)
NODE = "query($id: ID!) { node(id: $id) { id } }"


def _node_types() -> list[str]:
    schema = build_schema()._schema
    return sorted(t.name for t in schema.get_possible_types(schema.get_type("Node")))


NODE_TYPES = _node_types()


@pytest.fixture(scope="module")
async def populated(two_counties) -> tuple[County, County]:
    for county in two_counties:
        for maker in ROW_MAKERS:
            await maker(county)
    return two_counties


def _pk(model):
    """ORM attributes of the primary key (Core columns would bypass the ORM tenant filter)."""
    mapper = inspect(model)
    return [getattr(model, mapper.get_property_by_column(c).key) for c in mapper.primary_key]


async def _changed(session, model, statement) -> int:
    """Rows an UPDATE or DELETE changed. The audit trail is append-only: on PostgreSQL the app
    role may not UPDATE or DELETE it at all (``tenants.audit``), which changes nothing too."""
    if model in APPEND_ONLY and session.bind.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="permission denied"):
            async with session.begin_nested():
                await session.execute(statement)
        return 0
    return (await session.execute(statement)).rowcount


async def _rows_of(db, county: County, model) -> list[tuple]:
    """The primary keys of ``county``'s rows of ``model``, sorted: without an ORDER BY,
    PostgreSQL may return the same rows in another order (another plan after autovacuum's
    ANALYZE), which is no change."""
    pk = _pk(model)
    async with db.session(county.tenant_id) as session:
        return [tuple(r) for r in (await session.execute(select(*pk).order_by(*pk))).all()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
async def test_orm_isolation(db, populated, model):
    county_a, county_b = populated
    rows_a = await _rows_of(db, county_a, model)
    assert rows_a, f"{model.__name__} has no rows in county A: register a row maker"
    pk = _pk(model)
    key_match = [tuple(c == v for c, v in zip(pk, row, strict=True)) for row in rows_a]

    async with db.transaction(county_b.tenant_id) as session:
        listed = (await session.execute(select(model.tenant_id))).scalars().all()
        assert listed, f"{model.__name__}: county B lists none of its own rows"
        assert set(listed) == {county_b.tenant_id}
        for conditions in key_match:
            found = (await session.execute(select(model).where(*conditions))).scalars().all()
            assert found == []
            if len(pk) == 1:
                assert await session.get(model, rows_a[0][0]) is None
            for statement in (
                update(model).where(*conditions).values(tenant_id=county_b.tenant_id),
                delete(model).where(*conditions),
            ):
                assert await _changed(session, model, statement) == 0

    assert await _rows_of(db, county_a, model) == rows_a


@pytest.mark.postgresql_only
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
async def test_rls_without_orm_filter(db, backend, populated, model):
    """On PostgreSQL, row-level security holds even when the ORM filter is switched off."""
    county_a, county_b = populated
    table = model.__table__
    async with db.transaction(county_b.tenant_id) as session:
        seen = await session.execute(
            select(func.count()).select_from(table).where(table.c.tenant_id == county_a.tenant_id),
            execution_options={"all_tenants": True},
        )
        assert seen.scalar_one() == 0
        changed = table.update().where(table.c.tenant_id == county_a.tenant_id)
        changed = changed.values(tenant_id=county_b.tenant_id)
        assert await _changed(session, model, changed) == 0
    async with db.transaction(None) as session:
        anonymous = await session.execute(
            select(func.count()).select_from(table).where(table.c.tenant_id.is_not(None))
        )
        assert anonymous.scalar_one() == 0


@pytest.mark.postgresql_only
async def test_rls_rejects_foreign_insert(db, backend, populated):
    county_a, county_b = populated
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.transaction(county_b.tenant_id) as session:
            await session.execute(
                text(
                    "INSERT INTO policy_rules (id, tenant_id, role, obj, act) "
                    "VALUES (gen_random_uuid(), :t, 'x', 'y', 'z')"
                ),
                {"t": str(county_a.tenant_id)},
            )


@pytest.mark.postgresql_only
async def test_app_role_is_unprivileged_and_every_tenant_table_forces_rls(db, backend):
    async with db.engine.connect() as conn:
        role = (
            await conn.execute(
                text(
                    "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles "
                    "WHERE rolname = current_user"
                )
            )
        ).one()
        assert tuple(role) == (False, False, False)
        owned = await conn.execute(
            text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
            )
        )
        assert owned.scalar_one() == 0
        tables = await conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        )
        rows = tables.all()
    assert {r[0] for r in rows} == {m.__tablename__ for m in MODELS}
    assert [r[0] for r in rows if not (r[1] and r[2])] == []


def test_every_node_type_is_covered():
    """Each type implementing ``Node`` shows rows of a model the suite fills in both counties,
    so the ``node(id:)`` check below has an object of county A to aim at."""
    unknown = [name for name in NODE_TYPES if node_model(name) is None]
    assert unknown == [], (
        f"node types {unknown} show no known model: map them in "
        "tests/support/isolation.py NODE_MODELS so their isolation is checked"
    )
    for name in NODE_TYPES:
        assert node_model(name) in (*MODELS, Tenant), name
    assert set(NODE_MODELS) <= set(NODE_TYPES), "NODE_MODELS names a type the schema lacks"


@pytest.mark.parametrize("type_name", NODE_TYPES)
async def test_graphql_node_of_foreign_objects_is_null(db, client, populated, type_name):
    """County B's administrator gets ``null`` (or FORBIDDEN) for county A's object of every node
    type; county A's administrator gets the same id back, so the id is a real one."""
    county_a, county_b = populated
    model = node_model(type_name)
    assert model is not None, f"{type_name}: see test_every_node_type_is_covered"
    if model is Tenant:
        object_id = county_a.tenant_id
    else:
        async with db.session(county_a.tenant_id) as session:
            object_id = (await session.execute(select(model.id).limit(1))).scalar_one()
    gid = global_id(type_name, object_id)
    foreign = await gql(client, NODE, {"id": gid}, county_b.token("admin"))
    assert (foreign.get("data") or {}).get("node") is None, (type_name, foreign)
    if "errors" in foreign:
        assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN", foreign
    own = await gql(client, NODE, {"id": gid}, county_a.token("admin"))
    assert own["data"]["node"] == {"id": gid}, own


async def test_graphql_mutations_cannot_reach_foreign_sites(client, populated):
    county_a, county_b = populated
    result = await gql(
        client,
        "mutation($input: UpdateSiteInput!) { updateSite(input: $input) {"
        " site { id } userErrors { field code } } }",
        {"input": {"id": county_a.site_gid("village_a1"), "name": "被篡改"}},
        county_b.token("admin"),
    )
    assert result["data"]["updateSite"] == {
        "site": None,
        "userErrors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    listing = await gql(
        client, "{ sites(first: 200) { totalCount } }", token=county_b.token("admin")
    )
    assert listing["data"]["sites"]["totalCount"] == 7


async def test_catalog_reads_stay_in_their_county(client, populated):
    """The effective catalog, the public queries (which take the county from an argument) and
    the list of changes each answer for one county only."""
    county_a, county_b = populated
    query = "query($s: ID!) { effectiveCatalog(siteId: $s) { totalCount } }"
    foreign = await gql(
        client, query, {"s": county_a.site_gid("village_a1")}, county_b.token("admin")
    )
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    guide = """query($t: String!, $s: ID!) { publicMatter(tenant: $t, siteId: $s, code: "RS-001") {
        code } }"""
    # County B's code with county A's site: nothing.
    mixed = await gql(client, guide, {"t": county_b.code, "s": county_a.site_gid("town_a")})
    assert mixed["data"]["publicMatter"] is None
    right = await gql(client, guide, {"t": county_a.code, "s": county_a.site_gid("town_a")})
    assert right["data"]["publicMatter"] == {"code": "RS-001"}
    sites = "query($t: String!) { publicSites(tenant: $t, first: 200) { edges { node { id } } } }"
    listed = {
        e["node"]["id"]
        for e in (await gql(client, sites, {"t": county_b.code}))["data"]["publicSites"]["edges"]
    }
    assert listed and county_a.site_gid("town_a") not in listed
    assert county_b.site_gid("town_a") in listed
    changes = "{ catalogChanges(first: 200) { edges { node { id } } } }"

    async def change_ids(county: County) -> set[str]:
        result = await gql(client, changes, token=county.token("admin"))
        return {e["node"]["id"] for e in result["data"]["catalogChanges"]["edges"]}

    own, other = await change_ids(county_b), await change_ids(county_a)
    assert own and other and not own & other
