"""The workloads that ``bench.versus`` runs on both servers: OneWindow's contract document and
the GraphQL a PostGraphile user would write for the same screen, with how to read the rows out
of each answer (the bench compares them before timing anything).

OneWindow's side reuses the setup of the ordinary workload where there is one (its body and
headers are exactly what ``python -m bench.run`` sends). PostGraphile's side addresses rows by
``rowId`` (the table's UUID) and reads the computed columns of ``bench/postgraphile/schema.sql``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bench.context import Ctx
from bench.operations import operation
from bench.peer import Peer, Sides
from bench.peers_casework import CASEWORK_PEERS
from bench.workloads import _network as net
from bench.workloads import (
    catalog_village_1_first200,
    network_site_children,
    network_site_detail,
    workforce_1_site_staff,
)

UPDATE_SITE = operation("network.graphql", "UpdateSite")
STAFF_DETAIL = operation("workforce.graphql", "StaffDetail")
TRAINING_YEAR = 2026  # the contract's StaffDetail asks for trainingHours(year: 2026)


def _uuid(ctx: Ctx, global_id: str) -> str:
    return str(ctx.decode_id(global_id)[1])


def _body(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"query": query, "variables": variables or {}}


# --- { __typename }: the framework's floor -------------------------------------------------


async def _typename(ctx: Ctx) -> Sides:
    ids = await net.actor_ids(ctx)
    body = _body("{ __typename }")
    headers = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    return Sides([body], headers, [body], str(ids["tenant_id"]))


def _typename_rows(payload: dict[str, Any]) -> Any:
    return payload["data"]["__typename"]


# --- SiteDetail -------------------------------------------------------------------------------

PGL_SITE_DETAIL = """query SiteDetail($rowId: UUID!) {
  siteByRowId(rowId: $rowId) {
    rowId name officialName level divisionCode address lat lng
    siteByParentId { rowId name level }
    ancestors { nodes { rowId name level } }
    staffCount
  }
}"""


async def _site_detail(ctx: Ctx) -> Sides:
    await network_site_detail.setup(ctx)
    site_id = str(ctx.state["site_id"])
    return Sides(
        [ctx.state["body"]],
        ctx.state["headers"],
        [_body(PGL_SITE_DETAIL, {"rowId": site_id})],
        str(ctx.state["tenant_id"]),
    )


def _ow_site(node: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(Ctx.decode_id(node["id"])[1]), "name": node["name"], "level": node["level"]}


def _pgl_site(node: dict[str, Any]) -> dict[str, Any]:
    return {"id": node["rowId"], "name": node["name"], "level": node["level"]}


def _site_detail_ow(payload: dict[str, Any]) -> Any:
    node = payload["data"]["node"]
    location = node["location"] or {}
    return {
        **_ow_site(node),
        "officialName": node["officialName"],
        "divisionCode": node["divisionCode"],
        "address": node["address"],
        "location": (location.get("lat"), location.get("lng")),
        "parent": node["parent"] and _ow_site(node["parent"]),
        "ancestors": [_ow_site(a) for a in node["ancestors"]],
        "staffCount": node["staffCount"],
    }


def _site_detail_pgl(payload: dict[str, Any]) -> Any:
    node = payload["data"]["siteByRowId"]
    return {
        **_pgl_site(node),
        "officialName": node["officialName"],
        "divisionCode": node["divisionCode"],
        "address": node["address"],
        "location": (node["lat"], node["lng"]),
        "parent": node["siteByParentId"] and _pgl_site(node["siteByParentId"]),
        "ancestors": [_pgl_site(a) for a in node["ancestors"]["nodes"]],
        "staffCount": node["staffCount"],
    }


# --- SiteChildren of the county centre --------------------------------------------------------

PGL_SITE_CHILDREN = """query SiteChildren($parentId: UUID!, $first: Int) {
  allSites(condition: { parentId: $parentId }, first: $first,
           orderBy: [DEPTH_ASC, DIVISION_CODE_ASC, NAME_ASC, ROW_ID_ASC]) {
    totalCount
    edges { cursor node { rowId name officialName level divisionCode childCount } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _site_children(ctx: Ctx) -> Sides:
    await network_site_children.setup(ctx)
    root_id = str(ctx.state["root_id"])
    return Sides(
        [ctx.state["body"]],
        ctx.state["headers"],
        [_body(PGL_SITE_CHILDREN, {"parentId": root_id, "first": 200})],
        str(ctx.state["tenant_id"]),
    )


def _children_rows(page: dict[str, Any], id_of: Callable[[dict[str, Any]], str]) -> Any:
    return {
        "totalCount": page["totalCount"],
        "hasNextPage": page["pageInfo"]["hasNextPage"],
        "rows": [
            (
                id_of(e["node"]),
                e["node"]["name"],
                e["node"]["officialName"],
                e["node"]["level"],
                e["node"]["divisionCode"],
                e["node"]["childCount"],
            )
            for e in page["edges"]
        ],
    }


def _site_children_ow(payload: dict[str, Any]) -> Any:
    return _children_rows(payload["data"]["sites"], lambda n: str(Ctx.decode_id(n["id"])[1]))


def _site_children_pgl(payload: dict[str, Any]) -> Any:
    return _children_rows(payload["data"]["allSites"], lambda n: n["rowId"])


# --- SiteStaff of the county centre -----------------------------------------------------------

PGL_SITE_STAFF = """query SiteStaff($rowId: UUID!, $day: Date!, $first: Int) {
  siteByRowId(rowId: $rowId) {
    assignmentsOn(day: $day, first: $first) {
      totalCount
      edges { node { rowId post kind startDate endDate
                     staffByStaffId { rowId name skillLevel } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def _site_staff(ctx: Ctx) -> Sides:
    await workforce_1_site_staff.setup(ctx)
    root_id = str(ctx.state["root_id"])
    # OneWindow's document leaves the day to the server (today); PostGraphile's function takes
    # it as an argument, as a client of it would send it.
    day = dt.date.today().isoformat()  # clock-ok: the servers' today, not a rule's
    return Sides(
        [ctx.state["body"]],
        ctx.state["headers"],
        [_body(PGL_SITE_STAFF, {"rowId": root_id, "day": day, "first": 200})],
        str(ctx.state["tenant_id"]),
    )


def _assignment_rows(
    page: dict[str, Any], id_of: Callable[[dict[str, Any]], str], staff_key: str
) -> Any:
    return {
        "totalCount": page["totalCount"],
        "hasNextPage": page["pageInfo"]["hasNextPage"],
        "rows": [
            (
                id_of(e["node"]),
                e["node"]["post"],
                e["node"]["kind"],
                e["node"]["startDate"],
                e["node"]["endDate"],
                id_of(e["node"][staff_key]),
                e["node"][staff_key]["name"],
                e["node"][staff_key]["skillLevel"],
            )
            for e in page["edges"]
        ],
    }


def _site_staff_ow(payload: dict[str, Any]) -> Any:
    return _assignment_rows(
        payload["data"]["node"]["assignmentsOn"],
        lambda n: str(Ctx.decode_id(n["id"])[1]),
        "staff",
    )


def _site_staff_pgl(payload: dict[str, Any]) -> Any:
    return _assignment_rows(
        payload["data"]["siteByRowId"]["assignmentsOn"], lambda n: n["rowId"], "staffByStaffId"
    )


# --- StaffDetail of one person at the county centre -------------------------------------------

PGL_STAFF_DETAIL = """query StaffDetail($rowId: UUID!, $year: Int!) {
  staffByRowId(rowId: $rowId) {
    rowId name idNumberMasked status education employmentType hireDate skillLevel
    certificatesByStaffId(orderBy: [ISSUED_ON_ASC, ROW_ID_ASC]) {
      nodes { level number issuedOn }
    }
    staffAssignmentsByStaffId(orderBy: [START_DATE_ASC, ROW_ID_ASC]) {
      nodes { siteBySiteId { rowId name } post kind startDate endDate }
    }
    trainingHours(year: $year)
  }
}"""


async def _staff_detail(ctx: Ctx) -> Sides:
    # The first person placed at the county centre today (SiteStaff's first row).
    await workforce_1_site_staff.setup(ctx)
    page = await ctx.graphql(
        ctx.state["body"]["query"],
        ctx.state["body"]["variables"],
        username=net.ADMIN,
        tenant=net.COUNTY,
    )
    staff_gid = page["node"]["assignmentsOn"]["edges"][0]["node"]["staff"]["id"]
    return Sides(
        [_body(STAFF_DETAIL, {"id": staff_gid}) | {"operationName": "StaffDetail"}],
        ctx.state["headers"],
        [_body(PGL_STAFF_DETAIL, {"rowId": _uuid(ctx, staff_gid), "year": TRAINING_YEAR})],
        str(ctx.state["tenant_id"]),
    )


def _staff_detail_ow(payload: dict[str, Any]) -> Any:
    node = payload["data"]["node"]
    return {
        "id": str(Ctx.decode_id(node["id"])[1]),
        "name": node["name"],
        "maskedIdNumber": node["maskedIdNumber"],
        "status": node["status"],
        "education": node["education"],
        "employmentType": node["employmentType"],
        "hireDate": node["hireDate"],
        "skillLevel": node["skillLevel"],
        "certificates": [(c["level"], c["number"], c["issuedOn"]) for c in node["certificates"]],
        "assignments": [
            (
                str(Ctx.decode_id(a["site"]["id"])[1]),
                a["site"]["name"],
                a["post"],
                a["kind"],
                a["startDate"],
                a["endDate"],
            )
            for a in node["assignments"]
        ],
        "trainingHours": float(node["trainingHours"]),
    }


def _staff_detail_pgl(payload: dict[str, Any]) -> Any:
    node = payload["data"]["staffByRowId"]
    return {
        "id": node["rowId"],
        "name": node["name"],
        "maskedIdNumber": node["idNumberMasked"],
        "status": node["status"],
        "education": node["education"],
        "employmentType": node["employmentType"],
        "hireDate": node["hireDate"],
        "skillLevel": node["skillLevel"],
        "certificates": [
            (c["level"], c["number"], c["issuedOn"]) for c in node["certificatesByStaffId"]["nodes"]
        ],
        "assignments": [
            (
                a["siteBySiteId"]["rowId"],
                a["siteBySiteId"]["name"],
                a["post"],
                a["kind"],
                a["startDate"],
                a["endDate"],
            )
            for a in node["staffAssignmentsByStaffId"]["nodes"]
        ],
        "trainingHours": float(node["trainingHours"]),
    }


# --- UpdateSite: a write (the address of 盐店村, flipping between two values) -----------------

ADDRESSES = ("涟水县高沟镇盐店村村委会", "涟水县高沟镇盐店村便民服务站")

PGL_UPDATE_SITE = """mutation UpdateSite($rowId: UUID!, $address: String) {
  updateSiteByRowId(input: { rowId: $rowId, sitePatch: { address: $address } }) {
    site { rowId name officialName address }
  }
}"""


async def _update_site(ctx: Ctx) -> Sides:
    site = await net.demo_site(ctx, network_site_detail.SITE_KEY)
    ids = await net.actor_ids(ctx)
    onewindow = [
        {
            "query": UPDATE_SITE,
            "operationName": "UpdateSite",
            "variables": {"input": {"id": site["id"], "address": address}},
        }
        for address in ADDRESSES
    ]
    postgraphile = [
        _body(PGL_UPDATE_SITE, {"rowId": _uuid(ctx, site["id"]), "address": address})
        for address in ADDRESSES
    ]
    headers = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    return Sides(onewindow, headers, postgraphile, str(ids["tenant_id"]))


def _update_site_ow(payload: dict[str, Any]) -> Any:
    result = payload["data"]["updateSite"]
    assert not result["userErrors"], result["userErrors"]
    site = result["site"]
    return (str(Ctx.decode_id(site["id"])[1]), site["name"], site["officialName"])


def _update_site_pgl(payload: dict[str, Any]) -> Any:
    site = payload["data"]["updateSiteByRowId"]["site"]
    return (site["rowId"], site["name"], site["officialName"])


# --- EffectiveCatalog of 盐店村, first: 200 (bench_pgl.effective_catalog) ----------------------
# PostGraphile names a root function of a second schema after the schema as well.

PGL_EFFECTIVE_CATALOG = """query EffectiveCatalog($site: UUID!, $first: Int, $after: Cursor) {
  benchPglEffectiveCatalog(site: $site, first: $first, after: $after) {
    totalCount
    edges { node { code name type handlingKind legalLimitDays promisedLimitDays
                   acceptedHere processedHere materials overriddenAtId overriddenAtLevel } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _catalog(ctx: Ctx) -> Sides:
    await catalog_village_1_first200.setup(ctx)
    site_id = str(ctx.state["site_id"])
    return Sides(
        [ctx.state["body"]],
        ctx.state["headers"],
        [_body(PGL_EFFECTIVE_CATALOG, {"site": site_id, "first": 200})],
        str(ctx.state["tenant_id"]),
    )


def _catalog_rows(page: dict[str, Any], entry: Callable[[dict[str, Any]], tuple]) -> Any:
    return {
        "totalCount": page["totalCount"],
        "hasNextPage": page["pageInfo"]["hasNextPage"],
        "rows": [entry(e["node"]) for e in page["edges"]],
    }


def _catalog_entry(node: dict[str, Any], materials: list[dict], at: tuple | None) -> tuple:
    return (
        node["code"],
        node["name"],
        node["type"],
        node["handlingKind"],
        node["legalLimitDays"],
        node["promisedLimitDays"],
        node["acceptedHere"],
        node["processedHere"],
        [(m["name"], m.get("copies"), m.get("required")) for m in materials],
        at,
    )


def _catalog_ow(payload: dict[str, Any]) -> Any:
    def entry(node: dict[str, Any]) -> tuple:
        at = node["overriddenAt"]
        shaped = (str(Ctx.decode_id(at["id"])[1]), at["level"]) if at else None
        return _catalog_entry(node, node["materials"], shaped)

    return _catalog_rows(payload["data"]["effectiveCatalog"], entry)


def _catalog_pgl(payload: dict[str, Any]) -> Any:
    def entry(node: dict[str, Any]) -> tuple:
        at = node["overriddenAtId"]
        shaped = (at, node["overriddenAtLevel"]) if at else None
        return _catalog_entry(node, node["materials"] or [], shaped)

    return _catalog_rows(payload["data"]["benchPglEffectiveCatalog"], entry)


PEERS: list[Peer] = [
    Peer(
        "typename",
        "{ __typename } (the framework's floor)",
        _typename,
        _typename_rows,
        _typename_rows,
    ),
    Peer(
        "site_detail",
        "SiteDetail of 盐店村 as county-admin",
        _site_detail,
        _site_detail_ow,
        _site_detail_pgl,
    ),
    Peer(
        "site_children",
        "SiteChildren of the county centre, first: 200",
        _site_children,
        _site_children_ow,
        _site_children_pgl,
    ),
    Peer(
        "site_staff",
        "SiteStaff of the county centre (today), first: 200",
        _site_staff,
        _site_staff_ow,
        _site_staff_pgl,
    ),
    Peer(
        "staff_detail",
        "StaffDetail of a person placed at the county centre",
        _staff_detail,
        _staff_detail_ow,
        _staff_detail_pgl,
    ),
    Peer(
        "catalog_village_first200",
        "EffectiveCatalog of 盐店村, first: 200 of ~1,100, as yandian-staff",
        _catalog,
        _catalog_ow,
        _catalog_pgl,
    ),
    *CASEWORK_PEERS,
    Peer(
        "update_site",
        "UpdateSite: 盐店村's address, alternating two values (a write)",
        _update_site,
        _update_site_ow,
        _update_site_pgl,
        writes=True,
    ),
]
