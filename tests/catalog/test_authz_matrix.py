"""Authorization matrix of the catalog: every role × every catalog mutation (and the working
definitions' query) × where it is aimed (``tests/support/matrix.py``), through GraphQL.

Departments propose their own matters only, township heads override for their township and its
villages, the county office reviews, publishes, delegates, imports and defines departments. An
allowed proposal must be recorded: PENDING from a proposer, APPROVED at once from the county
office. Targets: a site relative to the role's own; ``hr`` (人社局, at the sub-centre) or
``civil`` (民政局, at the county centre) for a department, its matters, or a bundle taking one of
them; ``county`` for what only the county office does; ``other_county``.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from api.gql.ids import global_id
from catalog.models import ChangeKind
from tests.support.catalog import (
    CHANGE_FIELDS,
    EMPLOYMENT,
    MARRIAGE,
    PENSION,
    change_mutation,
    import_file,
    propose_directly,
)
from tests.support.factories import County
from tests.support.graphql import gql
from tests.support.matrix import (
    ALLOWED,
    FORBIDDEN,
    INSIDE,
    NOT_FOUND,
    OTHER_COUNTY,
    ROLES,
    Cell,
    Expect,
    World,
    cells,
    check,
    graphql_outcome,
    relations,
    user_of,
)

_serial = itertools.count(1)

PROPOSALS = ("defineMatter", "updateMatter", "delegateMatter", "defineBundle")
COUNTY_OFFICE = ("reviewChange", "publishRelease", "importCatalog", "defineDepartment")
# Withdrawing a pending change: the proposer's own (``own``: a township head's override, a
# department's update), not the department's seen by others (``county``).
WITHDRAW = "withdrawChange"
PENDING_PROPOSERS = {"township_head": "head_a", "department_admin": "dept"}
SEES_EVERY_CHANGE = {"county_admin", "supervisor"}
WORKING_DEFINITIONS = "matter"  # the query of approved, unpublished definitions
MATTER_OF = {"hr": PENSION, "civil": MARRIAGE}
BUNDLE_OF = {"hr": [PENSION, EMPLOYMENT], "civil": [PENSION, MARRIAGE]}
PREVIEWERS = {"county_admin", "department_admin", "township_head", "supervisor"}


def _targets(role: str, action: str) -> list[str]:
    if action == WITHDRAW:
        own = ["own"] if role in PENDING_PROPOSERS else []
        return [*own, *(["county"] if role != "department_admin" else []), OTHER_COUNTY]
    if action == "overrideMatter":
        return list(relations(role))
    if action in PROPOSALS:
        reachable = action in ("defineMatter", "delegateMatter")  # by an id of another county
        return ["hr", "civil", *([OTHER_COUNTY] if reachable else [])]
    if action == "reviewChange":
        return ["county", OTHER_COUNTY]
    return ["county"]


def _expect(role: str, action: str, target: str) -> Expect:
    if target == OTHER_COUNTY and action == "delegateMatter":
        # The matter is the caller's county's own: who may not delegate it is told so first.
        return NOT_FOUND if _expect(role, action, "hr") == ALLOWED else FORBIDDEN
    if target == OTHER_COUNTY:
        return NOT_FOUND
    if action == WITHDRAW:
        if target == "own":
            return ALLOWED
        return FORBIDDEN if role in SEES_EVERY_CHANGE else NOT_FOUND
    if action == WORKING_DEFINITIONS:
        return ALLOWED if role in PREVIEWERS else FORBIDDEN
    if role == "county_admin":
        return ALLOWED
    if action == "overrideMatter" and role == "township_head" and target in INSIDE:
        return ALLOWED
    if action in PROPOSALS and role == "department_admin" and target == "hr":
        return ALLOWED
    return FORBIDDEN


CELLS = cells(
    ROLES,
    ("overrideMatter", *PROPOSALS, *COUNTY_OFFICE, WITHDRAW, WORKING_DEFINITIONS),
    _targets,
    _expect,
)


async def _override_directly(county: County, site: str, username: str) -> str:
    """An override of 城乡居民养老保险 at ``site`` proposed by ``username`` (pending from a
    township head, approved from the county office); its global id."""
    payload = {"site_id": str(county.sites[site].id), "matter_code": PENSION}
    change = await propose_directly(
        county, ChangeKind.OVERRIDE_MATTER, {**payload, "note": f"直接{next(_serial)}"}, username
    )
    return global_id("CatalogChange", change.id)


async def _request(cell: Cell, world: World) -> tuple[str, dict[str, Any], str]:
    """The GraphQL document, its variables and the path of what it returns, for ``cell``."""
    county = world.county(cell)
    n = next(_serial)

    def mutation(name: str, input_type: str, data: dict, returns: str, fields=CHANGE_FIELDS):
        return change_mutation(name, input_type, fields), {"input": data}, f"{name}.{returns}"

    action, target = cell.action, cell.target
    if action == "overrideMatter":
        site = county.site_gid(relations(cell.role)[target])
        data = {"siteId": site, "matterCode": PENSION, "note": f"说明{n}"}
        return mutation(action, "OverrideMatterInput", data, "change")
    department = "hr" if cell.elsewhere else target
    if action == "defineMatter":
        data = {
            "code": f"M-{n}",
            "name": "测试事项",
            "type": "FILING",
            "basis": "《测试条例》",
            "departmentId": world.catalogs[county.code].department_gid(department),
            "handlingKind": "IMMEDIATE",
            "legalLimitDays": 1,
            "promisedLimitDays": 0,
            "serviceObject": "NATURAL_PERSON",
            "conditions": "",
        }
        return mutation(action, "DefineMatterInput", data, "change")
    if action == "updateMatter":
        data = {"code": MATTER_OF[department], "conditions": f"条件{n}"}
        return mutation(action, "UpdateMatterInput", data, "change")
    if action == "delegateMatter":
        data = {
            "matterCode": MATTER_OF[department],
            "siteId": county.site_gid("village_a1"),
            "accept": True,
            "process": False,
        }
        return mutation(action, "DelegateMatterInput", data, "change")
    if action == "defineBundle":
        data = {"code": f"B-{n}", "name": "测试一件事", "matterCodes": BUNDLE_OF[department]}
        return mutation(action, "DefineBundleInput", data, "change")
    if action == "reviewChange":
        pending = await _override_directly(county, "town_a", "head_a")
        data = {"changeId": pending, "approve": True, "comment": "同意"}
        fields = "change { id status } userErrors { field code message }"
        return mutation(action, "ReviewChangeInput", data, "change", fields)
    if action == WITHDRAW:
        proposer = PENDING_PROPOSERS.get(cell.role, "dept") if target == "own" else "dept"
        change = (
            await propose_directly(
                county,
                ChangeKind.UPDATE_MATTER,
                {"code": PENSION, "conditions": f"条件{n}"},
                proposer,
            )
            if proposer == "dept"
            else None
        )
        change_id = (
            global_id("CatalogChange", change.id)
            if change is not None
            else await _override_directly(county, "town_a", proposer)
        )
        fields = "change { id status } userErrors { field code message }"
        return mutation(action, "WithdrawChangeInput", {"changeId": change_id}, "change", fields)
    if action == "publishRelease":
        await _override_directly(county, "root", "admin")  # something to publish
        fields = "release { number } userErrors { field code message }"
        return mutation(action, "PublishReleaseInput", {"note": "矩阵"}, "release", fields)
    if action == "importCatalog":
        row = [f"IM-{n}", "导入事项", "公共服务", "《测试条例》", "人社局", "自然人", "", "受理"]
        row += ["居民身份证", 5, 2, "承诺件", "", "县级", "否", ""]
        fields = "imported userErrors { field code message }"
        data = {"fileBase64": import_file([row])}
        return mutation(action, "ImportCatalogInput", data, "imported", fields)
    if action == "defineDepartment":
        fields = "department { id } userErrors { field code message }"
        return mutation(action, "DefineDepartmentInput", {"name": f"部门{n}"}, "department", fields)
    assert action == WORKING_DEFINITIONS, action
    query = f'{{ matter(code: "{PENSION}") {{ code }} matters(first: 5) {{ totalCount }} }}'
    return query, {}, "matter"


@pytest.mark.parametrize("cell", CELLS)
async def test_catalog_matrix(client, matrix_world, cell: Cell):
    document, variables, path = await _request(cell, matrix_world)
    result = await gql(client, document, variables, matrix_world.home.token(cell.username))
    outcome = graphql_outcome(result, path)
    check(cell, outcome)
    if cell.expected != ALLOWED:
        return
    if cell.action == WITHDRAW:
        assert outcome.value["status"] == "WITHDRAWN", outcome
    elif path.endswith(".change"):  # recorded: at once from the county office, else for review
        office = cell.role == "county_admin"
        assert outcome.value["status"] == ("APPROVED" if office else "PENDING"), outcome
    elif cell.action == "importCatalog":
        assert outcome.value == 1
    elif cell.action == WORKING_DEFINITIONS:
        assert outcome.value == {"code": PENSION}


async def test_reads_are_for_the_county(client, matrix_world):
    """Every role reads the same effective catalog of any site of its county; another county's
    administrator finds no such site; nobody signed in is turned away."""
    home, other = matrix_world.home, matrix_world.other
    query = "query($s: ID!) { effectiveCatalog(siteId: $s, first: 5) { totalCount } }"
    seen = set()
    for role in ROLES:
        result = await gql(
            client, query, {"s": home.site_gid("village_b1")}, home.token(user_of(role))
        )
        seen.add(result["data"]["effectiveCatalog"]["totalCount"])
    assert len(seen) == 1 and seen.pop() >= 4
    foreign = await gql(client, query, {"s": home.site_gid("village_b1")}, other.token("admin"))
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    anonymous = await gql(client, query, {"s": home.site_gid("village_b1")})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
