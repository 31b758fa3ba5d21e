"""The demo's casework: the county centre's service areas of 002 with their windows, township
windows, and cases in every state that the demo accounts see."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from tests.support.graphql import login, operation, run_operation

DOCUMENT = operation("casework")
AREAS = {
    "商事登记区": 3,
    "医保人社区": 4,
    "不动产登记区": 4,
    "社会民生区": 6,
    "建设交通区": 2,
    "投资项目区": 2,
    "经济综合区": 2,
}
WINDOWS = """query($siteId: ID!) { windows(siteId: $siteId) { number kind area } }"""
CENTER = "{ countyCenter { id } }"


async def test_demo_windows_and_cases(demo_client):
    admin = await login(demo_client, "county-admin")
    root = (await run_operation(demo_client, CENTER, None, {}, admin))["countyCenter"]["id"]
    windows = (await run_operation(demo_client, WINDOWS, None, {"siteId": root}, admin))["windows"]
    comprehensive = Counter(w["area"] for w in windows if w["kind"] == "COMPREHENSIVE")
    assert dict(comprehensive) == AREAS
    assert {w["kind"] for w in windows} == {"COMPREHENSIVE", "DEDICATED", "ISSUE", "UNRESOLVED"}

    listed = await run_operation(demo_client, DOCUMENT, "Cases", {"first": 200}, admin)
    statuses = Counter(e["node"]["status"] for e in listed["cases"]["edges"])
    assert set(statuses) == {
        "ACCEPTED",
        "AWAITING_SUPPLEMENT",
        "APPROVED",
        "REFUSED",
        "ISSUED",
        "WITHDRAWN",
    }
    states = {e["node"]["deadlineState"] for e in listed["cases"]["edges"]}
    assert "OVERDUE" in states and "STOPPED" in states

    approver = await login(demo_client, "market-approver")
    queue = await run_operation(demo_client, DOCUMENT, "WorkQueue", {"first": 50}, approver)
    assert queue["workQueue"]["totalCount"] >= 3
    issuer = await login(demo_client, "county-issuer")
    to_issue = await run_operation(demo_client, DOCUMENT, "WorkQueue", {}, issuer)
    # The front desk's queue: results to issue and the supplement it awaits.
    assert {e["node"]["status"] for e in to_issue["workQueue"]["edges"]} == {
        "APPROVED",
        "REFUSED",
        "AWAITING_SUPPLEMENT",
    }
    case_id = listed["cases"]["edges"][0]["node"]["id"]
    detail = await run_operation(demo_client, DOCUMENT, "CaseDetail", {"id": case_id}, admin)
    assert detail["node"]["events"][0]["kind"] == "ACCEPTED"


async def test_demo_ratings_follow_ups_and_complaints(demo_client):
    admin = await login(demo_client, "county-admin")
    follow_ups = await run_operation(
        demo_client, DOCUMENT, "RatingFollowUps", {"first": 200}, admin
    )
    statuses = {e["node"]["status"] for e in follow_ups["ratingFollowUps"]["edges"]}
    assert statuses == {"VERIFYING", "RECTIFYING", "REVISITING", "CLOSED"}
    complaints = await run_operation(
        demo_client,
        "{ complaints(first: 50) { edges { node { status tracker { name } } } } }",
        None,
        {},
        admin,
    )
    nodes = [e["node"] for e in complaints["complaints"]["edges"]]
    assert {n["status"] for n in nodes} == {"TRACKING", "RESOLVED"}
    assert {n["tracker"]["name"] for n in nodes} == {"县中心值班主任"}
    root = (await run_operation(demo_client, CENTER, None, {}, admin))["countyCenter"]["id"]
    today = date.today()  # clock-ok: the demo is dated from the day it is loaded
    year = {"siteId": root, "from": str(today - timedelta(days=500)), "to": str(today)}
    figures = (await run_operation(demo_client, DOCUMENT, "ServiceReport", year, admin))[
        "serviceReport"
    ]
    assert figures["accepted"] >= 240 and figures["badRatings"] >= 4
    assert 0.8 < figures["satisfactionRate"] < 1.0
    assert figures["verifiedRate"] < 1.0  # one bad rating still awaits verification
