"""Tenant isolation: county B can neither read, list, update nor delete county A's rows.

Walks every ``TenantScoped`` model, through the ORM on both databases and, on PostgreSQL,
underneath the ORM filter (row-level security alone), plus GraphQL ``node(id:)``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, inspect, select, text, update

from api.gql.ids import global_id
from tenants.models import tenant_scoped_models
from tests.factories import County, gql, make_county
from tests.isolation_rows import ROW_MAKERS, load_domain_makers

load_domain_makers()
MODELS = tenant_scoped_models()


@pytest.fixture(scope="module")
async def two_counties(db) -> tuple[County, County]:
    county_a = await make_county(db, "甲县")
    county_b = await make_county(db, "乙县")
    for maker in ROW_MAKERS:
        await maker(county_a)
    return county_a, county_b


def _pk(model):
    """ORM attributes of the primary key (Core columns would bypass the ORM tenant filter)."""
    mapper = inspect(model)
    return [getattr(model, mapper.get_property_by_column(c).key) for c in mapper.primary_key]


async def _rows_of(db, county: County, model) -> list[tuple]:
    async with db.session(county.tenant_id) as session:
        return [tuple(r) for r in (await session.execute(select(*_pk(model)))).all()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
async def test_orm_isolation(db, two_counties, model):
    county_a, county_b = two_counties
    rows_a = await _rows_of(db, county_a, model)
    assert rows_a, f"{model.__name__} has no rows in county A: register a row maker"
    pk = _pk(model)
    key_match = [tuple(c == v for c, v in zip(pk, row, strict=True)) for row in rows_a]

    async with db.transaction(county_b.tenant_id) as session:
        listed = (await session.execute(select(model.tenant_id))).scalars().all()
        assert county_a.tenant_id not in listed
        for conditions in key_match:
            found = (await session.execute(select(model).where(*conditions))).scalars().all()
            assert found == []
            if len(pk) == 1:
                assert await session.get(model, rows_a[0][0]) is None
            touched = await session.execute(
                update(model).where(*conditions).values(tenant_id=county_b.tenant_id)
            )
            assert touched.rowcount == 0
            removed = await session.execute(delete(model).where(*conditions))
            assert removed.rowcount == 0

    assert await _rows_of(db, county_a, model) == rows_a


@pytest.mark.postgresql_only
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
async def test_rls_without_orm_filter(db, backend, two_counties, model):
    """On PostgreSQL, row-level security holds even when the ORM filter is switched off."""
    county_a, county_b = two_counties
    table = model.__table__
    async with db.transaction(county_b.tenant_id) as session:
        seen = await session.execute(
            select(func.count()).select_from(table).where(table.c.tenant_id == county_a.tenant_id),
            execution_options={"all_tenants": True},
        )
        assert seen.scalar_one() == 0
        changed = await session.execute(
            table.update()
            .where(table.c.tenant_id == county_a.tenant_id)
            .values(tenant_id=county_b.tenant_id)
        )
        assert changed.rowcount == 0
    async with db.transaction(None) as session:
        anonymous = await session.execute(
            select(func.count()).select_from(table).where(table.c.tenant_id.is_not(None))
        )
        assert anonymous.scalar_one() == 0


@pytest.mark.postgresql_only
async def test_rls_rejects_foreign_insert(db, backend, two_counties):
    from sqlalchemy.exc import DBAPIError

    county_a, county_b = two_counties
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


async def test_graphql_node_of_foreign_objects_is_null(client, two_counties):
    county_a, county_b = two_counties
    for gid in (county_a.site_gid("village_a1"), county_a.user_gid("admin")):
        result = await gql(
            client, "query($id: ID!) { node(id: $id) { id } }", {"id": gid}, county_b.token("admin")
        )
        assert result.get("data", {}).get("node") is None
        if "errors" in result:
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    tenant = await gql(
        client,
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": global_id("Tenant", county_a.tenant_id)},
        county_b.token("admin"),
    )
    assert tenant["data"]["node"] is None


async def test_graphql_mutations_cannot_reach_foreign_sites(client, db, two_counties):
    county_a, county_b = two_counties
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
