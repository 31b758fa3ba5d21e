"""The client contract (graphql/operations/assessment.graphql): every operation runs as written
against a live server, through a month (events, close, adjust, publish), a payroll (run, approve,
export), a year and a person's own record; and who is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from accounts.service import new_user
from api.gql.ids import global_id
from tests.assessment.world import build_world
from tests.support.factories import PASSWORD, make_county
from tests.support.graphql import error_code, gql, operation, run_operation
from tests.support.workforce import pin_today

DOCUMENT = operation("assessment")
CONTRACT = Path("/work/shared/contract/assessment.graphql")


def test_the_operations_are_the_contracts_own():
    if CONTRACT.exists():
        assert CONTRACT.read_text(encoding="utf-8") == DOCUMENT


async def _me_user(county, staff, username: str) -> None:
    async with county.db.transaction(county.tenant_id) as session:
        user = await new_user(
            session,
            "test",
            username=username,
            password=PASSWORD,
            display_name=username,
            staff_id=staff.id,
        )
    county.users[username] = user


def run(client, name, variables, token):
    return run_operation(client, DOCUMENT, name, variables, token)


async def test_every_operation_runs(db, client, monkeypatch):
    county = await make_county(db, "契约考核县")
    world = await build_world(county)
    pin_today(monkeypatch, date(2026, 3, 16))
    me = world.town_a[0]
    await _me_user(county, me, "me_a0")
    admin, head, mine = county.token("admin"), county.token("head_a"), county.token("me_a0")
    staff_id = global_id("Staff", me.id)

    rubric = (await run(client, "Rubric", {}, mine))["assessmentRubric"]
    assert rubric["version"] == 1
    assert [c["maxPoints"] for c in rubric["categories"]] == [30, 20, 20, 15, 15, None]
    assert sum(len(c["items"]) for c in rubric["categories"]) == 30

    async def event(code, on, **extra):
        data = await run(
            client,
            "RecordAssessmentEvent",
            {"input": {"staffId": staff_id, "itemCode": code, "occurredOn": on, **extra}},
            head,
        )
        payload = data["recordAssessmentEvent"]
        assert payload["userErrors"] == [], payload
        return payload["event"]

    late = await event("1.1", "2026-01-05", count=2)
    assert late["points"] == -10 and late["source"] == "MANUAL"
    assert late["recordedBy"]["name"] == "head_a"
    await event("1.4", "2026-01-08")
    await event("4.4", "2026-01-09")
    await event("6.2", "2026-01-20", points=5, note="锦旗")
    wrong = await event("2.2", "2026-01-21")
    voided = await run(
        client,
        "VoidAssessmentEvent",
        {"input": {"eventId": wrong["id"], "reason": "记错了人"}},
        head,
    )
    assert voided["voidAssessmentEvent"]["event"]["voided"] is True

    closed = await run(client, "CloseAssessmentMonth", {"input": {"month": "2026-01"}}, admin)
    payload = closed["closeAssessmentMonth"]
    assert payload["userErrors"] == [] and payload["job"]["status"] == "SUCCEEDED"
    assert payload["month"]["status"] == "CLOSED"
    not_over = await run(client, "CloseAssessmentMonth", {"input": {"month": "2026-03"}}, admin)
    assert not_over["closeAssessmentMonth"]["userErrors"][0]["code"] == "MONTH_NOT_OVER"

    scores = await run(client, "MonthlyScores", {"month": "2026-01", "first": 50}, admin)
    month = scores["assessmentMonth"]
    assert (month["status"], month["goodQuota"], month["goodCount"]) == ("CLOSED", 3, 3)
    nodes = {e["node"]["staff"]["id"]: e["node"] for e in month["scores"]["edges"]}
    assert nodes[staff_id]["total"] == 91 and nodes[staff_id]["rewardYuan"] == "273.00"
    assert {c["code"]: c["score"] for c in nodes[staff_id]["categories"]}["1"] == 18
    at_town = await run(
        client,
        "MonthlyScores",
        {"month": "2026-01", "siteId": county.site_gid("town_a")},
        head,
    )
    assert at_town["assessmentMonth"]["scores"]["totalCount"] == 10
    county_wide = await gql(
        client, DOCUMENT, {"month": "2026-01"}, head, operation_name="MonthlyScores"
    )
    assert error_code(county_wide) == "FORBIDDEN"

    adjusted = await run(
        client,
        "AdjustMonthlyGrade",
        {"input": {"month": "2026-01", "staffId": staff_id, "grade": "POOR"}},
        admin,
    )
    assert adjusted["adjustMonthlyGrade"]["userErrors"][0]["code"] == "REASON_REQUIRED"
    published = await run(client, "PublishAssessmentMonth", {"input": {"month": "2026-01"}}, admin)
    assert published["publishAssessmentMonth"]["month"]["status"] == "PUBLISHED"

    ran = await run(client, "RunPayroll", {"input": {"month": "2026-01"}}, admin)
    assert ran["runPayroll"]["job"]["status"] == "SUCCEEDED"
    assert ran["runPayroll"]["payroll"]["status"] == "DRAFT"
    lines = await run(client, "Payroll", {"month": "2026-01", "first": 50}, admin)
    mine_line = next(
        e["node"]
        for e in lines["payroll"]["lines"]["edges"]
        if e["node"]["staff"]["id"] == staff_id
    )
    # no certificate: base 3,500 + bachelor 100 + the reward 273
    assert (mine_line["baseYuan"], mine_line["educationYuan"], mine_line["rewardYuan"]) == (
        "3500.00",
        "100.00",
        "273.00",
    )
    assert mine_line["grossYuan"] == "3873.00"
    approve = await gql(
        client,
        'mutation { approvePayroll(input: {month: "2026-01"})'
        " { payroll { status } userErrors { code } } }",
        token=admin,
    )
    assert approve["data"]["approvePayroll"]["payroll"]["status"] == "APPROVED"
    rerun = await run(client, "RunPayroll", {"input": {"month": "2026-01"}}, admin)
    assert rerun["runPayroll"]["userErrors"][0]["code"] == "PAYROLL_APPROVED"
    exported = await run(client, "ExportPayroll", {"input": {"month": "2026-01"}}, admin)
    assert exported["exportPayroll"]["job"]["status"] == "SUCCEEDED"
    budget = await run(client, "StaffingBudget", {"year": 2026}, admin)
    assert budget["staffingBudget"]["headcount"] == 12

    record = (await run(client, "MyRecord", {}, mine))["me"]["staff"]
    assert record["monthlyScores"] == [
        {"month": "2026-01", "total": 91, "grade": "FAIR", "rewardYuan": "273.00"}
    ]
    assert record["payslips"] == [{"month": "2026-01", "grossYuan": "3873.00"}]
    other = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Staff { monthlyScores { total } } } }",
        {"id": global_id("Staff", world.town_b.id)},
        head,
    )
    assert error_code(other) == "FORBIDDEN"

    pin_today(monkeypatch, date(2027, 1, 10))
    year = await run(client, "CloseAssessmentYear", {"input": {"year": 2026}}, admin)
    assert year["closeAssessmentYear"]["job"]["status"] == "SUCCEEDED"
    grades = await run(client, "AnnualGrades", {"year": 2026}, admin)
    annual = grades["annualAssessment"]
    assert annual["status"] == "CLOSED" and annual["grades"]["totalCount"] == 12
    assert annual["excellentQuota"] == 3
