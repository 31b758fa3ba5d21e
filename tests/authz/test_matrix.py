"""Authorization matrix: every role × every network mutation × where it is aimed.

Each case runs the real service in a transaction that is rolled back afterwards, so cases are
independent; the outcome compared is the authorization decision (FORBIDDEN or not). Aimed at
another county, the target does not even exist for the caller (NOT_FOUND), never success.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest

from accounts import roles as authz
from accounts import service as accounts
from authz.errors import Forbidden
from authz.guard import Actor
from network import service as network
from network.models import SiteLevel
from tenants.errors import UserErrors
from tests.factories import County, gql, make_county

# role → (user in the factory county, the site key it is bound at)
ROLES = {
    "county_admin": ("admin", "root"),
    "township_head": ("head_a", "town_a"),
    "department_admin": ("dept", "sub"),
    "station_manager": ("manager_a1", "village_a1"),
    "window_staff": ("staff_a1", "village_a1"),
    "approver": ("approver", "sub"),
    "supervisor": ("supervisor", "root"),
}
# where a mutation is aimed, relative to the role's own site
RELATIONS = {
    "root": {"own": "root", "descendant": "village_a1", "other_tenant": "root"},
    "town_a": {
        "own": "town_a",
        "descendant": "village_a1",
        "sibling": "town_b",
        "parent": "root",
        "other_tenant": "town_a",
    },
    "sub": {"own": "sub", "sibling": "town_a", "parent": "root", "other_tenant": "sub"},
    "village_a1": {
        "own": "village_a1",
        "sibling": "village_a2",
        "parent": "town_a",
        "other_tenant": "village_a1",
    },
}
CHILD_LEVEL = {
    "root": SiteLevel.TOWNSHIP_CENTER,
    "town_a": SiteLevel.VILLAGE_STATION,
    "town_b": SiteLevel.VILLAGE_STATION,
}
MUTATIONS = (
    "create_child",
    "update",
    "close",
    "grant_window_staff",
    "grant_station_manager",
    "grant_township_head",
    "grant_county_admin",
    "revoke_window_staff",
)

# (role, mutation, target site key) that are allowed; everything else must be FORBIDDEN.
ALLOWED: set[tuple[str, str, str]] = set()
for target in ("root", "sub", "town_a", "town_b", "village_a1", "village_a2"):
    for mutation in MUTATIONS:
        ALLOWED.add(("county_admin", mutation, target))
for target in ("town_a", "village_a1"):
    ALLOWED |= {
        ("township_head", "update", target),
        ("township_head", "grant_window_staff", target),
        ("township_head", "grant_station_manager", target),
        ("township_head", "revoke_window_staff", target),
    }
ALLOWED |= {
    ("township_head", "create_child", "town_a"),
    ("township_head", "close", "village_a1"),
    ("department_admin", "update", "sub"),
    ("department_admin", "grant_window_staff", "sub"),
    ("department_admin", "revoke_window_staff", "sub"),
    ("station_manager", "update", "village_a1"),
}


@pytest.fixture(scope="module")
async def counties(db) -> tuple[County, County]:
    home = await make_county(db, "矩阵县")
    other = await make_county(db, "他县")
    await home.add_user("target")
    return home, other


def _cases():
    for role, (_user, home) in ROLES.items():
        for relation, target in RELATIONS[home].items():
            for mutation in MUTATIONS:
                if mutation == "create_child" and target not in CHILD_LEVEL:
                    continue
                yield pytest.param(
                    role, relation, target, mutation, id=f"{role}-{mutation}-{relation}"
                )


async def _run(
    db, actor: Actor, action: Callable[..., Awaitable[object]], tenant_id: uuid.UUID
) -> str:
    session = db.session(tenant_id)
    try:
        async with session.begin():
            try:
                await action(session)
                outcome = "allowed"
            except Forbidden:
                outcome = "forbidden"
            except UserErrors as refused:
                codes = {e.code for e in refused.errors}
                outcome = "not_found" if "NOT_FOUND" in codes else "allowed"
            await session.rollback()
    finally:
        await session.close()
    return outcome


def _action(mutation: str, county: County, site_id: uuid.UUID, target_key: str, target_user):
    if mutation == "create_child":
        level = CHILD_LEVEL[target_key]
        parent_code = county.sites[target_key].division_code
        code = parent_code + "777"
        return lambda s, actor: network.create_site(
            s,
            actor,
            network.NewSite(parent_id=site_id, level=level, name="矩阵新站", division_code=code),
        )
    if mutation == "update":
        return lambda s, actor: network.update_site(s, actor, site_id, address="矩阵路 1 号")
    if mutation == "close":
        return lambda s, actor: network.close_site(s, actor, site_id, "矩阵测试")
    verb, _, role = mutation.partition("_")
    if verb == "grant":
        return lambda s, actor: authz.grant_role(s, actor, target_user, role, site_id)
    return lambda s, actor: _revoke_after_grant(s, actor, target_user, role, site_id, county)


async def _revoke_after_grant(session, actor, user_id, role, site_id, county):
    # Give the binding first (as the county admin), then let the actor try to take it away.
    admin = await county.actor("admin")
    await authz.grant_role(session, admin, user_id, role, site_id)
    await session.flush()
    from authz.enforcer import enforcers

    enforcers.clear()
    actor.authz_version = -1  # the admin's grant bumped the version; force a fresh enforcer
    await authz.revoke_role(session, actor, user_id, role, site_id)


@pytest.mark.parametrize(("role", "relation", "target", "mutation"), list(_cases()))
async def test_network_matrix(db, counties, role, relation, target, mutation):
    home, other = counties
    username, _ = ROLES[role]
    actor = await home.actor(username)
    target_county = other if relation == "other_tenant" else home
    site_id = target_county.sites[target].id
    target_user = home.users["target"].id
    action = _action(mutation, target_county, site_id, target, target_user)
    outcome = await _run(db, actor, lambda s: action(s, actor), home.tenant_id)
    if relation == "other_tenant":
        assert outcome in ("not_found", "forbidden"), outcome
    elif (role, mutation, target) in ALLOWED:
        assert outcome == "allowed", f"{role} should be allowed to {mutation} at {target}"
    else:
        assert outcome == "forbidden", f"{role} must not {mutation} at {target}"


@pytest.mark.parametrize("username", ["admin", "head_a", "dept", "supervisor", "staff_a1"])
async def test_create_user_rights(db, counties, username):
    home, _ = counties
    actor = await home.actor(username)
    outcome = await _run(
        db,
        actor,
        lambda s: accounts.create_user(
            s, actor, username=f"new-{username}", password="password-123", display_name=None
        ),
        home.tenant_id,
    )
    expected = "allowed" if username in ("admin", "head_a", "dept") else "forbidden"
    assert outcome == expected


async def test_denial_is_a_graphql_forbidden_naming_action_and_site(client, counties):
    home, _ = counties
    result = await gql(
        client,
        "mutation($input: UpdateSiteInput!) { updateSite(input: $input) { site { id } } }",
        {"input": {"id": home.site_gid("town_b"), "address": "越权"}},
        home.token("head_a"),
    )
    error = result["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["action"] == "site.township_center:update"
    assert str(home.sites["town_b"].id) in error["extensions"]["scope"]
    assert "乙镇" in error["message"]
    assert result["data"] is None or result["data"]["updateSite"] is None


async def test_supervisor_reads_everything(client, counties):
    home, _ = counties
    result = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Site { name } }"
        " sites(first: 50) { totalCount } }",
        {"id": home.site_gid("village_b1")},
        home.token("supervisor"),
    )
    assert "errors" not in result
    assert result["data"]["node"]["name"] == "三村"


async def test_anonymous_and_bad_tokens_are_unauthenticated(client, counties):
    for token in (None, "not-a-jwt"):
        result = await gql(client, "{ sites { totalCount } }", token=token)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
