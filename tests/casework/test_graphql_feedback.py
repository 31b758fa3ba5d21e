"""The contract's 好差评 and 办不成事 operations, as the apps send them: RateCase and CaseProgress
(public), RatingFollowUps, VerifyRating, RectifyRating, RevisitRating, ReportUnresolved,
ResolveComplaint; and what they refuse."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from assessment.models import AssessmentEvent
from tests.casework.world import build_world
from tests.support.casework import accept, at, decide, issue, person, pin_now
from tests.support.factories import make_county
from tests.support.graphql import error_code, gid, gql, operation, run_operation
from workforce.models import Post

DOCUMENT = operation("casework")
PUBLIC = operation("public-casework")
MON = date(2025, 3, 3)


async def _issued(world):
    county = world.county
    accepted = await accept(county, world.desk, world.counter, at(MON, 9))
    case = await decide(county, world.approver, accepted.case, at(MON, 11))
    case = await issue(county, world.issuer, case, world.issue_window, at(MON, 15))
    return case, accepted.receipt_code


async def test_rating_and_its_follow_up(db, client, monkeypatch):
    county = await make_county(db, "评价契约县")
    world = await build_world(county)
    pin_now(monkeypatch, MON, 16)
    case, receipt = await _issued(world)
    rate = {
        "tenant": county.code,
        "number": case.number,
        "receiptCode": receipt,
        "level": "VERY_DISSATISFIED",
        "comment": "等了很久",
    }
    rated = await run_operation(client, PUBLIC, "RateCase", {"input": rate})
    assert rated["rateCase"]["userErrors"] == []
    assert rated["rateCase"]["rating"]["level"] == "VERY_DISSATISFIED"
    again = await run_operation(client, PUBLIC, "RateCase", {"input": rate})
    assert again["rateCase"] == {
        "rating": None,
        "userErrors": [
            {
                "field": "number",
                "code": "ALREADY_RATED",
                "message": "该办件已评价过,每件只能评价一次",
            }
        ],
    }
    wrong_code = await run_operation(
        client, PUBLIC, "RateCase", {"input": {**rate, "receiptCode": "XXXXXXXX"}}
    )
    assert wrong_code["rateCase"]["userErrors"][0]["code"] == "NOT_FOUND"
    no_county = await run_operation(
        client, PUBLIC, "RateCase", {"input": {**rate, "tenant": "999999"}}
    )
    assert no_county["rateCase"]["userErrors"][0]["field"] == "tenant"
    progress = await run_operation(
        client,
        PUBLIC,
        "CaseProgress",
        {"tenant": county.code, "number": case.number, "receiptCode": receipt},
    )
    assert progress["publicCase"]["rated"] is True
    detail = await run_operation(
        client, DOCUMENT, "CaseDetail", {"id": gid("Case", case.id)}, county.token("admin")
    )
    assert detail["node"]["rating"]["level"] == "VERY_DISSATISFIED"
    assert detail["node"]["rating"]["comment"] == "等了很久"

    listed = await run_operation(
        client, DOCUMENT, "RatingFollowUps", {"status": "VERIFYING"}, county.token("supervisor")
    )
    edges = listed["ratingFollowUps"]["edges"]
    assert listed["ratingFollowUps"]["totalCount"] == 1
    node = edges[0]["node"]
    assert node["status"] == "VERIFYING" and node["dueDate"] == "2025-03-06"
    assert node["rating"]["case"] == {"id": gid("Case", case.id), "number": case.number}
    assert node["rating"]["staff"]["name"] == "收件甲"
    follow_up = node["id"]
    denied = await gql(
        client,
        DOCUMENT,
        {"input": {"followUpId": follow_up, "substantiated": True, "finding": "属实"}},
        county.token("supervisor"),
        operation_name="VerifyRating",
    )
    assert error_code(denied) == "FORBIDDEN"
    blank = await run_operation(
        client,
        DOCUMENT,
        "VerifyRating",
        {"input": {"followUpId": follow_up, "substantiated": True}},
        county.token("admin"),
    )
    assert blank["verifyRating"]["userErrors"][0]["code"] == "REQUIRED"
    bad_id = await run_operation(
        client,
        DOCUMENT,
        "VerifyRating",
        {"input": {"followUpId": "nonsense", "substantiated": True, "finding": "x"}},
        county.token("admin"),
    )
    assert bad_id["verifyRating"]["userErrors"][0]["code"] == "INVALID_ID"

    admin = county.token("admin")
    verified = await run_operation(
        client,
        DOCUMENT,
        "VerifyRating",
        {"input": {"followUpId": follow_up, "substantiated": True, "finding": "属实"}},
        admin,
    )
    assert verified["verifyRating"] == {
        "followUp": {"id": follow_up, "status": "RECTIFYING"},
        "userErrors": [],
    }
    rectified = await run_operation(
        client,
        DOCUMENT,
        "RectifyRating",
        {"input": {"followUpId": follow_up, "measures": "约谈并培训"}},
        admin,
    )
    assert rectified["rectifyRating"]["followUp"]["status"] == "REVISITING"
    revisited = await run_operation(
        client,
        DOCUMENT,
        "RevisitRating",
        {"input": {"followUpId": follow_up, "applicantSatisfied": True, "note": "满意"}},
        admin,
    )
    assert revisited["revisitRating"]["followUp"]["status"] == "CLOSED"
    async with county.db.session(county.tenant_id) as session:
        items = (
            await session.execute(
                select(AssessmentEvent.item_code, AssessmentEvent.staff_id).where(
                    AssessmentEvent.source_kind == "RATING"
                )
            )
        ).all()
    assert [tuple(i) for i in items] == [("4.4", world.desk.staff.id)]
    closed = await run_operation(client, DOCUMENT, "RatingFollowUps", {"status": "CLOSED"}, admin)
    assert closed["ratingFollowUps"]["edges"][0]["node"]["dueDate"] is None


async def test_a_complaint_through_graphql(db, client, monkeypatch):
    county = await make_county(db, "办不成事契约县")
    world = await build_world(county)
    manager = await person(county, "root", Post.MANAGEMENT, name="中心主任")
    pin_now(monkeypatch, MON)
    window_clerk = await person(county, "root", Post.GUIDANCE, name="办不成事窗口")
    report = {
        "siteId": county.site_gid("root"),
        "description": "跑了三次没办成",
        "contactPhone": "13800009999",
        "matterCode": "MZ-001",
    }
    reported = await run_operation(
        client, DOCUMENT, "ReportUnresolved", {"input": report}, window_clerk.token()
    )
    payload = reported["reportUnresolved"]
    assert payload["userErrors"] == []
    complaint = payload["complaint"]
    assert complaint["status"] == "TRACKING"
    assert complaint["tracker"] == {"id": gid("Staff", manager.staff.id), "name": "中心主任"}
    assert complaint["number"] == f"{county.code}-B20250303-0001"
    bad = await run_operation(
        client,
        DOCUMENT,
        "ReportUnresolved",
        {"input": {**report, "contactPhone": "12", "description": ""}},
        window_clerk.token(),
    )
    assert [e["code"] for e in bad["reportUnresolved"]["userErrors"]] == [
        "REQUIRED",
        "INVALID_PHONE",
    ]
    outsider = await gql(
        client,
        DOCUMENT,
        {"input": report},
        world.town_desk.token(),
        operation_name="ReportUnresolved",
    )
    assert error_code(outsider) == "FORBIDDEN"

    resolve = {
        "complaintId": complaint["id"],
        "outcome": "已协调办结",
        "substantiated": True,
        "staffAtFaultId": gid("Staff", world.desk.staff.id),
    }
    not_yours = await gql(
        client,
        DOCUMENT,
        {"input": resolve},
        county.token("head_a"),
        operation_name="ResolveComplaint",
    )
    assert error_code(not_yours) == "FORBIDDEN"
    resolved = await run_operation(
        client, DOCUMENT, "ResolveComplaint", {"input": resolve}, manager.token()
    )
    assert resolved["resolveComplaint"] == {
        "complaint": {"id": complaint["id"], "status": "RESOLVED"},
        "userErrors": [],
    }
    twice = await run_operation(
        client, DOCUMENT, "ResolveComplaint", {"input": resolve}, manager.token()
    )
    assert twice["resolveComplaint"]["userErrors"][0]["code"] == "ALREADY_RESOLVED"
    node = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Complaint { number status substantiated"
        " staffAtFault { name } maskedContactPhone } } }",
        {"id": complaint["id"]},
        county.token("supervisor"),
    )
    assert node["data"]["node"] == {
        "number": complaint["number"],
        "status": "RESOLVED",
        "substantiated": True,
        "staffAtFault": {"name": "收件甲"},
        "maskedContactPhone": "138****9999",
    }
