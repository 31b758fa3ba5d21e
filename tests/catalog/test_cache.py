"""The effective-catalog cache: exact invalidation for every kind of change, and the fast path
answering exactly what normal GraphQL execution answers."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from api.gql.ids import global_id
from catalog import changes, effective, releases
from catalog.models import ChangeKind
from catalog.schema.fastpath import CatalogFastPath, responses
from tests.support.catalog import (
    BUSINESS,
    CATALOG_DOC,
    EFFECTIVE_FULL,
    EMPLOYMENT,
    MARRIAGE,
    PENSION,
    by_code,
    matter_payload,
    propose_directly,
    publish,
    setup_catalog,
)
from tests.support.catalog import effective as fetch
from tests.support.factories import make_county
from tests.support.graphql import gql


@pytest.fixture
def fast_path_on():
    CatalogFastPath.enabled = True
    yield
    CatalogFastPath.enabled = True


async def test_every_kind_of_change_invalidates(db, client, fast_path_on):
    county = await make_county(db)
    setup = await setup_catalog(county)
    village = county.sites["village_a1"]
    hr = str(setup.departments["hr"].id)

    async def both():
        plain = by_code(await fetch(client, county, "village_a1"))
        preview = by_code(await fetch(client, county, "village_a1", preview=True))
        return plain, preview

    published, _ = await both()  # warm both caches
    cases = [
        (
            ChangeKind.DEFINE_MATTER,
            matter_payload("RS-050", "失业保险金申领", hr, levels=["VILLAGE_STATION"]),
            lambda c: "RS-050" in c,
        ),
        (
            ChangeKind.UPDATE_MATTER,
            {"code": EMPLOYMENT, "promised_limit_days": 1, "handling_kind": "PROMISED"},
            lambda c: c[EMPLOYMENT]["promisedLimitDays"] == 1,
        ),
        (ChangeKind.WITHDRAW_MATTER, {"code": BUSINESS}, lambda c: BUSINESS not in c),
        (
            ChangeKind.OVERRIDE_MATTER,
            {
                "site_id": str(county.sites["town_a"].id),
                "matter_code": MARRIAGE,
                "note": "镇级说明",
            },
            lambda c: c[MARRIAGE]["note"] == "镇级说明",
        ),
        (
            ChangeKind.DELEGATE_MATTER,
            {"site_id": str(village.id), "matter_code": PENSION, "accept": True, "process": True},
            lambda c: c[PENSION]["acceptedHere"] and c[PENSION]["processedHere"],
        ),
    ]
    for kind, payload, holds in cases:
        assert not holds(published), kind
        await propose_directly(county, kind, payload)
        plain, preview = await both()
        assert holds(preview), kind  # the preview moved at once
        assert plain == published, kind  # the published catalog did not
    # Bundles are cached through the same release data.
    bundles_query = "query($p: Boolean) { bundles(preview: $p) { code } }"
    assert (await gql(client, bundles_query, {"p": True}, county.token("admin")))["data"][
        "bundles"
    ] == []
    await propose_directly(
        county,
        ChangeKind.DEFINE_BUNDLE,
        {"code": "B-9", "name": "就业参保一件事", "matter_codes": [PENSION, EMPLOYMENT]},
    )
    assert (await gql(client, bundles_query, {"p": True}, county.token("admin")))["data"][
        "bundles"
    ] == [{"code": "B-9"}]
    assert (await gql(client, bundles_query, {"p": False}, county.token("admin")))["data"][
        "bundles"
    ] == []
    # Publishing moves the published catalog to exactly the preview.
    _, preview = await both()
    await publish(client, county)
    plain, _ = await both()
    assert plain == preview
    for _, _, holds in cases:
        assert holds(plain)
    assert (await gql(client, bundles_query, {"p": False}, county.token("admin")))["data"][
        "bundles"
    ] == [{"code": "B-9"}]


async def test_cache_keys_follow_the_database(db, client, fast_path_on):
    """Another process's publish is seen at once: keys come from catalog_state, not from events."""
    county = await make_county(db)
    await setup_catalog(county)
    first = await fetch(client, county, "village_b1")
    assert first["release"] == 1
    misses = effective.cache.misses
    again = await fetch(client, county, "village_b1")
    assert again == first and effective.cache.misses == misses  # served from the cache
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        await changes.propose(
            session,
            admin,
            ChangeKind.OVERRIDE_MATTER,
            {"site_id": str(county.sites["root"].id), "matter_code": PENSION, "note": "新说明"},
        )
        from catalog import releases

        await releases.publish(session, admin, "另一进程发布")
    after = await fetch(client, county, "village_b1")
    assert after["release"] == 2
    assert by_code(after)[PENSION]["note"] == "新说明"


@pytest.mark.parametrize(
    "document,variables",
    [
        (EFFECTIVE_FULL, {"first": 2}),
        (EFFECTIVE_FULL, {"first": 200, "search": "dengji"}),
        (EFFECTIVE_FULL, {"first": 2, "after": "b2Zmc2V0OjA="}),
        (CATALOG_DOC, {"first": 200}),
        (
            """query Aliased($siteId: ID!) { a: effectiveCatalog(siteId: $siteId, first: 1) {
                 ...Page } b: effectiveCatalog(siteId: $siteId, first: 3, search: "婚姻") {
                 totalCount edges { node { code ... on EffectiveMatter { name } } } } }
               fragment Page on EffectiveCatalogConnection { totalCount __typename
                 edges { node { c: code code materials { name } } } pageInfo { endCursor } }""",
            {},
        ),
        (
            # Site fields the cache does not hold: normal execution (site loader) answers.
            """query($siteId: ID!) { effectiveCatalog(siteId: $siteId, first: 200) {
                 edges { node { code overriddenAt { id name officialName } } } } }""",
            {},
        ),
    ],
)
async def test_fast_path_answers_like_graphql(db, client, document, variables):
    county = await make_county(db)
    await setup_catalog(county)
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        await changes.propose(
            session,
            admin,
            ChangeKind.OVERRIDE_MATTER,
            {"site_id": str(county.sites["town_a"].id), "matter_code": MARRIAGE, "note": "x"},
        )
        from catalog import releases

        await releases.publish(session, admin, None)
    args = {"siteId": county.site_gid("village_a1"), **variables}
    token = county.token("staff_a1")
    try:
        CatalogFastPath.enabled = True
        responses.clear()
        fast = await gql(client, document, args, token)
        CatalogFastPath.enabled = False
        slow = await gql(client, document, args, token)
    finally:
        CatalogFastPath.enabled = True
    assert "errors" not in slow, slow
    assert fast == slow


async def test_fast_path_errors_are_the_normal_ones(db, client, fast_path_on):
    county = await make_county(db)
    await setup_catalog(county)
    query = "query($s: ID!, $f: Int) { effectiveCatalog(siteId: $s, first: $f) { totalCount } }"
    cases = [
        ({"s": "nonsense", "f": 1}, county.token("admin"), "INVALID_ID"),
        ({"s": county.site_gid("root"), "f": 201}, county.token("admin"), "PAGE_SIZE_EXCEEDED"),
        ({"s": global_id("Site", county.tenant_id), "f": 1}, county.token("admin"), "NOT_FOUND"),
        ({"s": county.site_gid("root"), "f": 1}, None, "UNAUTHENTICATED"),
    ]
    for variables, token, code in cases:
        result = await gql(client, query, variables, token)
        assert result["data"] is None, result
        assert result["errors"][0]["extensions"]["code"] == code, result


class _Statements:
    """The SQL statements the app runs on ``db`` while the block runs (BEGIN/ROLLBACK aside)."""

    def __init__(self, db) -> None:
        self.engine = db.engine.sync_engine
        self.seen: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.seen.append(" ".join(statement.split()))

    def __enter__(self) -> _Statements:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc_info) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def reads(self) -> list[str]:
        return [s for s in self.seen if "set_config" not in s]


async def test_a_warm_page_reads_only_the_caller(db, client, fast_path_on):
    """The catalog version comes with the caller's row: a cached page needs nothing else."""
    county = await make_county(db)
    await setup_catalog(county)
    await fetch(client, county, "village_a1", "staff_a1")
    with _Statements(db) as statements:
        page = await fetch(client, county, "village_a1", "staff_a1")
    assert page["release"] == 1
    assert len(statements.reads) == 1, statements.seen
    assert "FROM users" in statements.reads[0] and "catalog_state" in statements.reads[0]

    # Without the fast path, the resolver uses the same version and the same cached fold.
    CatalogFastPath.enabled = False
    await fetch(client, county, "village_a1", "staff_a1")
    with _Statements(db) as statements:
        assert await fetch(client, county, "village_a1", "staff_a1") == page
    assert len(statements.reads) == 1, statements.seen


async def test_a_warm_public_read_is_one_statement(db, client, fast_path_on):
    """The public county is found by code once; then one statement gives status and version."""
    county = await make_county(db)
    await setup_catalog(county)
    args = {"tenant": county.code, "siteId": county.site_gid("village_a1")}
    matter = """query($tenant: String!, $siteId: ID!, $code: String!) {
        publicMatter(tenant: $tenant, siteId: $siteId, code: $code) { code release } }"""
    catalog = """query($tenant: String!, $siteId: ID!) {
        publicCatalog(tenant: $tenant, siteId: $siteId, first: 5) { totalCount release } }"""
    for document, variables in ((matter, {**args, "code": MARRIAGE}), (catalog, args)):
        first = await gql(client, document, variables)
        assert "errors" not in first, first
        with _Statements(db) as statements:
            assert await gql(client, document, variables) == first
        assert len(statements.reads) == 1, statements.seen
        assert "FROM tenants" in statements.reads[0] and "catalog_state" in statements.reads[0]


async def test_publishing_keeps_the_new_release_decoded(db, client, fast_path_on):
    """The publishing process caches the release it committed, and nothing of a rollback."""
    county = await make_county(db)
    await setup_catalog(county)
    admin = await county.actor("admin")
    override = {"site_id": str(county.sites["town_a"].id), "matter_code": MARRIAGE, "note": "新"}
    async with db.transaction(county.tenant_id) as session:
        await changes.propose(session, admin, ChangeKind.OVERRIDE_MATTER, override)
        await releases.publish(session, admin, None)
        assert effective.cache.data.get((county.tenant_id, "r", 2)) is None  # not committed yet
    assert effective.cache.data.get((county.tenant_id, "r", 2)) is not None
    kept = await fetch(client, county, "village_a1", "staff_a1")
    assert kept["release"] == 2 and by_code(kept)[MARRIAGE]["note"] == "新"
    effective.cache.clear()
    responses.clear()
    assert await fetch(client, county, "village_a1", "staff_a1") == kept  # from the snapshot

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        async with db.transaction(county.tenant_id) as session:
            await changes.propose(
                session, admin, ChangeKind.OVERRIDE_MATTER, {**override, "note": "弃"}
            )
            await releases.publish(session, admin, None)
            raise Abandon
    assert effective.cache.data.get((county.tenant_id, "r", 3)) is None
    assert (await fetch(client, county, "village_a1", "staff_a1"))["release"] == 2


def test_a_change_forgets_the_counters_read_with_the_caller():
    import uuid

    from api.gql.context import AppContext
    from api.settings import Settings
    from authz.guard import Actor

    tenant_id = uuid.uuid4()
    ctx = AppContext(
        db=None,  # type: ignore[arg-type]
        settings=Settings(),
        actor=Actor(user_id=uuid.uuid4(), tenant_id=tenant_id, username="u"),
    )
    ctx.counters[tenant_id] = {effective.RELEASE_COUNTER: 3, effective.DRAFT_COUNTER: 9}
    assert effective.version_from(ctx.counters.get(tenant_id)) == effective.CatalogVersion(3, 9)
    ctx.write()
    assert ctx.counters.get(tenant_id) is None


async def test_counters_are_read_for_the_callers_own_county(db):
    """The Core statements name the county themselves (no ORM filter): never another's row."""
    from accounts.service import load_actor
    from tenants import counters

    one, other = await make_county(db), await make_county(db)
    await setup_catalog(one)
    admin = await one.actor("admin")
    async with db.transaction(one.tenant_id) as session:
        await changes.propose(
            session,
            admin,
            ChangeKind.OVERRIDE_MATTER,
            {"site_id": str(one.sites["root"].id), "matter_code": PENSION, "note": "二"},
        )
        await releases.publish(session, admin, None)
    signed_in = await load_actor(db, one.users["admin"].id, one.tenant_id)
    assert signed_in is not None
    assert signed_in.counters[effective.RELEASE_COUNTER] == 2
    signed_in = await load_actor(db, other.users["admin"].id, other.tenant_id)
    assert signed_in is not None
    assert signed_in.counters == {effective.RELEASE_COUNTER: 0, effective.DRAFT_COUNTER: 0}
    # A user named with another county's id is nobody.
    assert await load_actor(db, one.users["admin"].id, other.tenant_id) is None
    state = await counters.read_county(db, other.tenant_id)
    assert state is not None and state.counters[effective.RELEASE_COUNTER] == 0
    found = await counters.read_county_by_code(db, one.code)
    assert found is not None and found[0] == one.tenant_id
    assert found[1].counters[effective.RELEASE_COUNTER] == 2
    assert await counters.read_county_by_code(db, "000000") is None


async def test_fast_path_gives_plain_data_outside_http(db, client, settings, fast_path_on):
    """In-process callers (no msgspec encoder after them) get plain data, cached or not."""
    from api.gql.context import AppContext
    from api.schema import build_schema

    county = await make_county(db)
    await setup_catalog(county)
    over_http = await fetch(client, county, "village_a1", "staff_a1")
    schema = build_schema(settings)
    variables = {"siteId": county.site_gid("village_a1"), "first": 200}
    for cached in (True, False):
        if not cached:
            responses.clear()
        context = AppContext(db=db, settings=settings, actor=await county.actor("staff_a1"))
        result = await schema.execute(
            EFFECTIVE_FULL, variable_values=variables, context_value={"app": context}
        )
        assert result.errors is None, result.errors
        assert result.data == {"effectiveCatalog": over_http}


async def test_a_new_release_or_draft_drops_the_countys_older_folds(db, client, fast_path_on):
    county, neighbour = await make_county(db), await make_county(db)
    await setup_catalog(county)
    await setup_catalog(neighbour)
    await fetch(client, county, "village_a1", "staff_a1")
    await fetch(client, neighbour, "village_a1", "staff_a1")

    def folds_of(tenant_id, kind: str = "r") -> set:
        keys = effective.cache.folds.ordered_keys()
        return {key[3] for key in keys if key[0] == tenant_id and key[2] == kind}

    assert folds_of(county.tenant_id) == {1} and folds_of(neighbour.tenant_id) == {1}
    admin = await county.actor("admin")
    override = {"site_id": str(county.sites["root"].id), "matter_code": PENSION, "note": "二"}
    async with db.transaction(county.tenant_id) as session:
        await changes.propose(session, admin, ChangeKind.OVERRIDE_MATTER, override)
        await releases.publish(session, admin, None)
    assert effective.cache.data.get((county.tenant_id, "r", 1)) is None
    assert (await fetch(client, county, "village_a1", "staff_a1"))["release"] == 2
    assert folds_of(county.tenant_id) == {2}
    assert folds_of(neighbour.tenant_id) == {1}  # another county's cache is its own

    # Previews are keyed by the draft counter, which every approved change moves.
    first_draft = (await fetch(client, county, "village_a1", preview=True))["release"]
    drafts = folds_of(county.tenant_id, "d")
    assert len(drafts) == 1
    async with db.transaction(county.tenant_id) as session:
        third = {**override, "note": "三"}
        await changes.propose(session, admin, ChangeKind.OVERRIDE_MATTER, third)
    page = await fetch(client, county, "village_a1", preview=True)
    assert page["release"] == first_draft and by_code(page)[PENSION]["note"] == "三"
    later = folds_of(county.tenant_id, "d")
    assert len(later) == 1 and later != drafts
