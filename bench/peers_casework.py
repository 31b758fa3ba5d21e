"""Casework's contract reads for ``bench.versus``: ``WorkQueue`` and ``CaseDetail`` on both
servers (see ``bench/peers.py`` for the ``Peer`` shape and ``bench/README.md`` for what each
compares).

What PostGraphile cannot know is left out of the comparison rather than imitated:
``deadlineState`` and ``workingDaysUsed`` are counted on the county's working-day calendar
(``casework.deadlines``: the national holiday rules and the county's own days), which no table
holds in full. Where the rule decides which rows there are — who may act on which case today —
PostGraphile gets it as a SQL function (``bench_pgl.work_queue`` in
``bench/postgraphile/schema.sql``), as a PostGraphile user would add it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from bench.context import Ctx, SetupError
from bench.operations import operation
from bench.peer import Peer, Sides
from bench.workloads import _network as net

WORK_QUEUE = operation("casework.graphql", "WorkQueue")
CASE_DETAIL = operation("casework.graphql", "CaseDetail")
FOLLOW_UPS = operation("casework.graphql", "RatingFollowUps")
ME = operation("network.graphql", "Me")

# 市场监督管理局's approver at the county centre (casework/demo.py): the live demo cases still
# in the back office (accepted today, one and two working days ago, and an overdue one).
QUEUE_ACCOUNT = "market-approver"
QUEUE_FIRST = 20
CHINA = ZoneInfo("Asia/Shanghai")
CANDIDATES = 50  # rating follow-ups whose cases are looked at

PGL_WORK_QUEUE = """query WorkQueue($userId: UUID!, $day: Date!, $first: Int, $after: Cursor) {
  benchPglWorkQueue(userId: $userId, day: $day, first: $first, after: $after) {
    totalCount
    edges { node { rowId number status dueDate matterCode matterName
                   siteBySiteId { rowId name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

PGL_CASE_DETAIL = """query CaseDetail($rowId: UUID!) {
  caseworkCaseByRowId(rowId: $rowId) {
    rowId number status handlingKind channel matterCode matterName
    siteBySiteId { rowId name }
    caseworkWindowByWindowId { rowId number }
    applicantKind applicantName applicantIdMasked
    acceptedAt staffByAcceptedById { rowId name }
    decidedAt staffByDecidedById { rowId name }
    opinion
    issuedAt staffByIssuedById { rowId name }
    delivery dueDate stoppedOn deferred
    caseworkCaseEventsByCaseId(orderBy: [STEP_ASC]) {
      nodes { at kind staffByActorStaffId { rowId name } note }
    }
    caseworkRatingByCaseId { level comment ratedAt }
  }
}"""


def _body(query: str, variables: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query, "variables": variables}
    if name is not None:
        body["operationName"] = name
    return body


def _ow_id(node: dict[str, Any] | None) -> str | None:
    return str(Ctx.decode_id(node["id"])[1]) if node else None


def _instant(text: str | None) -> dt.datetime | None:
    """Both servers' timestamps as one instant (they may print different offsets)."""
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC) if text else None


def _ref(node: dict[str, Any] | None, id_of: Callable[[dict[str, Any]], Any]) -> tuple | None:
    return (id_of(node), node["name"]) if node else None


# --- WorkQueue of market-approver, first: 20 --------------------------------------------------


async def _work_queue(ctx: Ctx) -> Sides:
    me = (await ctx.graphql(ME, username=QUEUE_ACCOUNT, tenant=net.COUNTY))["me"]
    user_id = str(ctx.decode_id(me["id"])[1])
    tenant_id = str(ctx.decode_id(me["tenant"]["id"])[1])
    # OneWindow's casework counts days in China; PostGraphile's function takes the day, as its
    # client would send it.
    day = dt.datetime.now(CHINA).date().isoformat()  # clock-ok: the servers' today
    ours = _body(WORK_QUEUE, {"first": QUEUE_FIRST}, "WorkQueue")
    queue = await ctx.graphql(
        WORK_QUEUE, {"first": QUEUE_FIRST}, username=QUEUE_ACCOUNT, tenant=net.COUNTY
    )
    if queue["workQueue"]["totalCount"] < 2:
        raise SetupError(f"{QUEUE_ACCOUNT}'s work queue has {queue['workQueue']['totalCount']}")
    theirs = _body(PGL_WORK_QUEUE, {"userId": user_id, "day": day, "first": QUEUE_FIRST})
    return Sides([ours], await ctx.auth_headers(QUEUE_ACCOUNT, net.COUNTY), [theirs], tenant_id)


def _queue_rows(page: dict[str, Any], row: Callable[[dict[str, Any]], tuple]) -> Any:
    return {
        "totalCount": page["totalCount"],
        "hasNextPage": page["pageInfo"]["hasNextPage"],
        "rows": [row(e["node"]) for e in page["edges"]],
    }


def _work_queue_ow(payload: dict[str, Any]) -> Any:
    def row(node: dict[str, Any]) -> tuple:
        return (
            _ow_id(node),
            node["number"],
            node["status"],
            node["dueDate"],
            node["matter"]["code"],
            node["matter"]["name"],
            _ref(node["site"], _ow_id),
        )

    return _queue_rows(payload["data"]["workQueue"], row)


def _work_queue_pgl(payload: dict[str, Any]) -> Any:
    def row(node: dict[str, Any]) -> tuple:
        return (
            node["rowId"],
            node["number"],
            node["status"],
            node["dueDate"],
            node["matterCode"],
            node["matterName"],
            _ref(node["siteBySiteId"], lambda n: n["rowId"]),
        )

    return _queue_rows(payload["data"]["benchPglWorkQueue"], row)


# --- CaseDetail of a case with a bad rating, as county-admin ---------------------------------


async def _rated_case(ctx: Ctx) -> str:
    """A case with a bad rating (差评, it carries a comment) and a decision: of the cases of the
    county's rating follow-ups, the one with the most steps (a supplement adds two), the first
    of them in the list's order."""
    page = await ctx.graphql(
        FOLLOW_UPS, {"first": CANDIDATES}, username=net.ADMIN, tenant=net.COUNTY
    )
    best: tuple[int, str] | None = None
    for edge in page["ratingFollowUps"]["edges"]:
        case_id = edge["node"]["rating"]["case"]["id"]
        node = (
            await ctx.graphql(CASE_DETAIL, {"id": case_id}, username=net.ADMIN, tenant=net.COUNTY)
        )["node"]
        if not (node["rating"] and node["decidedBy"] and node["events"]):
            continue
        if best is None or len(node["events"]) > best[0]:
            best = (len(node["events"]), case_id)
    if best is None:
        raise SetupError(f"no decided, rated case among the first {CANDIDATES} follow-ups")
    return best[1]


async def _case_detail(ctx: Ctx) -> Sides:
    case_id = await _rated_case(ctx)
    ids = await net.actor_ids(ctx)
    return Sides(
        [_body(CASE_DETAIL, {"id": case_id}, "CaseDetail")],
        await ctx.auth_headers(net.ADMIN, net.COUNTY),
        [_body(PGL_CASE_DETAIL, {"rowId": str(ctx.decode_id(case_id)[1])})],
        str(ids["tenant_id"]),
    )


def _case_detail_ow(payload: dict[str, Any]) -> Any:
    node = payload["data"]["node"]
    rating = node["rating"]
    window = node["window"]
    return {
        "id": _ow_id(node),
        "number": node["number"],
        "status": node["status"],
        "handlingKind": node["handlingKind"],
        "channel": node["channel"],
        "matter": (node["matter"]["code"], node["matter"]["name"]),
        "site": _ref(node["site"], _ow_id),
        "window": (_ow_id(window), window["number"]) if window else None,
        "applicant": (
            node["applicant"]["kind"],
            node["applicant"]["name"],
            node["applicant"]["maskedIdNumber"],
        ),
        "acceptedAt": _instant(node["acceptedAt"]),
        "acceptedBy": _ref(node["acceptedBy"], _ow_id),
        "decidedAt": _instant(node["decidedAt"]),
        "decidedBy": _ref(node["decidedBy"], _ow_id),
        "opinion": node["opinion"],
        "issuedAt": _instant(node["issuedAt"]),
        "issuedBy": _ref(node["issuedBy"], _ow_id),
        "delivery": node["delivery"],
        "dueDate": node["dueDate"],
        "clockStopped": node["clockStopped"],
        "deferredMaterials": node["deferredMaterials"],
        "events": [
            (_instant(e["at"]), e["kind"], _ref(e["actor"], _ow_id), e["note"])
            for e in node["events"]
        ],
        "rating": (rating["level"], rating["comment"], _instant(rating["ratedAt"]))
        if rating
        else None,
    }


def _case_detail_pgl(payload: dict[str, Any]) -> Any:
    node = payload["data"]["caseworkCaseByRowId"]
    rating = node["caseworkRatingByCaseId"]
    window = node["caseworkWindowByWindowId"]

    def row_id(n: dict[str, Any]) -> str:
        return n["rowId"]

    return {
        "id": node["rowId"],
        "number": node["number"],
        "status": node["status"],
        "handlingKind": node["handlingKind"],
        "channel": node["channel"],
        "matter": (node["matterCode"], node["matterName"]),
        "site": _ref(node["siteBySiteId"], row_id),
        "window": (window["rowId"], window["number"]) if window else None,
        "applicant": (node["applicantKind"], node["applicantName"], node["applicantIdMasked"]),
        "acceptedAt": _instant(node["acceptedAt"]),
        "acceptedBy": _ref(node["staffByAcceptedById"], row_id),
        "decidedAt": _instant(node["decidedAt"]),
        "decidedBy": _ref(node["staffByDecidedById"], row_id),
        "opinion": node["opinion"],
        "issuedAt": _instant(node["issuedAt"]),
        "issuedBy": _ref(node["staffByIssuedById"], row_id),
        "delivery": node["delivery"],
        "dueDate": node["dueDate"],
        # OneWindow's clockStopped is "a stop date is set"; the client reads the column.
        "clockStopped": node["stoppedOn"] is not None,
        "deferredMaterials": list(node["deferred"] or []),
        "events": [
            (_instant(e["at"]), e["kind"], _ref(e["staffByActorStaffId"], row_id), e["note"])
            for e in node["caseworkCaseEventsByCaseId"]["nodes"]
        ],
        "rating": (rating["level"], rating["comment"], _instant(rating["ratedAt"]))
        if rating
        else None,
    }


CASEWORK_PEERS: list[Peer] = [
    Peer(
        "work_queue",
        "WorkQueue of market-approver (市场监管审批员), first: 20; deadlineState not compared",
        _work_queue,
        _work_queue_ow,
        _work_queue_pgl,
    ),
    Peer(
        "case_detail",
        "CaseDetail of a case rated badly (with its steps and decision) as county-admin;"
        " workingDaysUsed and deadlineState not compared",
        _case_detail,
        _case_detail_ow,
        _case_detail_pgl,
    ),
]
