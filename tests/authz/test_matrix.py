"""Authorization matrix of the site network: every role × every network mutation × where it is
aimed (``tests/support/matrix.py``).

Each cell runs the service behind the mutation in a transaction rolled back afterwards. An
allowed cell must succeed (the site created, changed or closed, the role granted or revoked);
a refused one must be FORBIDDEN; aimed at another county, the target does not exist.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from accounts import roles as grants
from accounts import service as accounts
from accounts.models import User
from authz.models import RoleBinding
from authz.roles import Role
from network import service as network
from network import site_updates
from network.models import Site, SiteLevel, SiteStatus
from tenants.base import utcnow
from tests.support.graphql import gql
from tests.support.matrix import (
    ALLOWED,
    FORBIDDEN,
    NOT_FOUND,
    OTHER_COUNTY,
    ROLES,
    Cell,
    Expect,
    cells,
    check_in_transaction,
    refused_with,
    relations,
)
from workforce.models import Assignment

GRANTED = ("WINDOW_STAFF", "STATION_MANAGER", "TOWNSHIP_HEAD", "COUNTY_ADMIN")
SITE_ACTIONS = (
    "createSite",
    "updateSite",
    "closeSite",
    *(f"grantRole:{role}" for role in GRANTED),
    "revokeRole:WINDOW_STAFF",
)
CREATE_USER = "createUser"

# The level a child of each site gets (the others take no children).
CHILD_LEVEL = {
    "root": SiteLevel.TOWNSHIP_CENTER,
    "town_a": SiteLevel.VILLAGE_STATION,
    "town_b": SiteLevel.VILLAGE_STATION,
}
LEVEL = {
    "root": "COUNTY_CENTER",
    "sub": "SUB_CENTER",
    "town_a": "TOWNSHIP_CENTER",
    "town_b": "TOWNSHIP_CENTER",
    "village_a1": "VILLAGE_STATION",
    "village_a2": "VILLAGE_STATION",
    "village_b1": "VILLAGE_STATION",
}
# Where each role can be held at all (DOMAIN.md); granting it elsewhere is INVALID_SCOPE.
HELD_AT = {
    "WINDOW_STAFF": set(LEVEL.values()),
    "STATION_MANAGER": {"TOWNSHIP_CENTER", "VILLAGE_STATION"},
    "TOWNSHIP_HEAD": {"TOWNSHIP_CENTER"},
    "COUNTY_ADMIN": {"COUNTY_CENTER"},
}

# What each role may do where, besides the county administrator (everything in its county).
MAY: dict[str, set[tuple[str, str]]] = {
    "township_head": {
        ("createSite", "own"),
        ("closeSite", "child"),
        *(
            (action, target)
            for target in ("own", "child")
            for action in (
                "updateSite",
                "grantRole:WINDOW_STAFF",
                "grantRole:STATION_MANAGER",
                "revokeRole:WINDOW_STAFF",
            )
        ),
    },
    "department_admin": {
        ("updateSite", "own"),
        ("grantRole:WINDOW_STAFF", "own"),
        ("revokeRole:WINDOW_STAFF", "own"),
    },
    "station_manager": {("updateSite", "own")},
}
USER_CREATORS = {"county_admin", "township_head", "department_admin"}


def _targets(role: str, action: str) -> list[str]:
    if action == CREATE_USER:
        return ["county"]
    around = relations(role)
    if action == "createSite":
        return [target for target, site in around.items() if site in CHILD_LEVEL]
    return list(around)


def _expect(role: str, action: str, target: str) -> Expect:
    if action == CREATE_USER:
        return ALLOWED if role in USER_CREATORS else FORBIDDEN
    if target == OTHER_COUNTY:
        return NOT_FOUND
    if role != "county_admin" and (action, target) not in MAY.get(role, set()):
        return FORBIDDEN
    site = relations(role)[target]
    if action == "closeSite" and site == "root":
        return refused_with("CANNOT_CLOSE_ROOT")
    if action == "closeSite" and site.startswith("town"):
        return refused_with("HAS_OPEN_CHILDREN")
    if action.startswith("grantRole:") and LEVEL[site] not in HELD_AT[action.partition(":")[2]]:
        return refused_with("INVALID_SCOPE")
    return ALLOWED


CELLS = cells(ROLES, (*SITE_ACTIONS, CREATE_USER), _targets, _expect)


async def _binding(session, user_id, role: str, site_id) -> RoleBinding | None:
    found = await session.execute(
        select(RoleBinding).where(
            RoleBinding.user_id == user_id,
            RoleBinding.role == role.lower(),
            RoleBinding.site_id == site_id,
        )
    )
    return found.scalar_one_or_none()


def _action(cell: Cell, world, actor):
    """The service call behind ``cell.action``, returning what it changed (``None``: nothing)."""
    county = world.county(cell)
    key = relations(cell.role).get(cell.target)
    site_id = county.sites[key].id if key else None
    target_user = world.home.users["target"].id
    verb, _, granted = cell.action.partition(":")

    async def create_site(session):
        return await network.create_site(
            session,
            actor,
            network.NewSite(
                parent_id=site_id,
                level=CHILD_LEVEL[key],
                # The naming convention (issue 10): 镇/乡/街道 for a township, 村/社区 below.
                name="矩阵新镇" if CHILD_LEVEL[key] is SiteLevel.TOWNSHIP_CENTER else "矩阵新村",
                division_code=county.sites[key].division_code + "777",
            ),
        )

    async def update_site(session):
        site = await site_updates.update_site(session, actor, site_id, address="矩阵路 1 号")
        return site if site["address"] == "矩阵路 1 号" else None

    async def close_site(session):
        if not cell.elsewhere:  # its people moved away first: a site is not closed under them
            await session.execute(
                update(Assignment)
                .where(Assignment.site_id == site_id)
                .values(cancelled_at=utcnow(), cancelled_by="test")
            )
        site = await network.close_site(session, actor, site_id, "矩阵测试")
        return site if site.status is SiteStatus.CLOSED else None

    async def grant_role(session):
        await grants.grant_role(session, actor, target_user, granted.lower(), site_id)
        return await _binding(session, target_user, granted, site_id)

    async def revoke_role(session):
        if not cell.elsewhere:  # the role is held first, so that there is something to revoke
            user, site = await session.get(User, target_user), await session.get(Site, site_id)
            await grants.bind(session, "test", user, Role(granted.lower()), site)
            await session.flush()
        await grants.revoke_role(session, actor, target_user, granted.lower(), site_id)
        gone = await _binding(session, target_user, granted, site_id) is None
        return target_user if gone else None

    async def create_user(session):
        return await accounts.create_user(
            session, actor, username=f"new-{cell.role}", password="password-123", display_name=None
        )

    return {
        "createSite": create_site,
        "updateSite": update_site,
        "closeSite": close_site,
        "grantRole": grant_role,
        "revokeRole": revoke_role,
        "createUser": create_user,
    }[verb]


@pytest.mark.parametrize("cell", CELLS)
async def test_network_matrix(db, matrix_world, cell: Cell):
    await check_in_transaction(db, matrix_world, cell, _action)


async def test_denial_is_a_graphql_forbidden_naming_action_and_site(client, matrix_world):
    home = matrix_world.home
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


async def test_supervisor_reads_everything(client, matrix_world):
    home = matrix_world.home
    result = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Site { name } }"
        " sites(first: 50) { totalCount } }",
        {"id": home.site_gid("village_b1")},
        home.token("supervisor"),
    )
    assert "errors" not in result
    assert result["data"]["node"]["name"] == "三村"


async def test_anonymous_and_bad_tokens_are_unauthenticated(client):
    for token in (None, "not-a-jwt"):
        result = await gql(client, "{ sites { totalCount } }", token=token)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
