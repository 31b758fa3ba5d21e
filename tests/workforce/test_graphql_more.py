"""GraphQL of the rest of the workforce: staff lifecycle, heads on the site, training."""

from __future__ import annotations

from datetime import date, timedelta

from tests.support.factories import make_county
from tests.support.graphql import gid, gql
from tests.support.workforce import hire, pin_today

STAFF_CHANGE = """mutation($u: UpdateStaffInput!, $r: ResignStaffInput!) {
  updateStaff(input: $u) { staff { name phone posts employer } userErrors { field code } }
  resignStaff(input: $r) { staff { status noticeDate lastDay } userErrors { field code } } }"""


async def test_staff_lifecycle_and_listing(db, client, monkeypatch):
    county = await make_county(db, "生命周期县")
    token = county.token("admin")
    person = await hire(county, "town_a", name="钱七", hire_date=date(2024, 5, 6))
    today = pin_today(monkeypatch, date(2026, 11, 30))
    result = await gql(
        client,
        STAFF_CHANGE,
        {
            "u": {
                "id": gid("Staff", person.id),
                "name": "钱七七",
                "phone": "13900002222",
                "posts": ["INTAKE", "ISSUE"],
            },
            "r": {"staffId": gid("Staff", person.id), "noticeDate": today.isoformat()},
        },
        token,
    )
    assert result["data"]["updateStaff"] == {
        "staff": {
            "name": "钱七七",
            "phone": "13900002222",
            "posts": ["INTAKE", "ISSUE"],
            "employer": "某人力资源服务有限公司",
        },
        "userErrors": [],
    }
    resigned = result["data"]["resignStaff"]["staff"]
    assert resigned["status"] == "NOTICE_GIVEN"
    assert resigned["lastDay"] == (today + timedelta(days=30)).isoformat()
    suspend = await gql(
        client,
        "mutation($i: SuspendStaffInput!) { suspendStaff(input: $i) { staff { status } "
        "userErrors { field code } } }",
        {"i": {"staffId": gid("Staff", person.id), "reason": ""}},
        token,
    )
    assert suspend["data"]["suspendStaff"]["userErrors"] == [
        {"field": "reason", "code": "REQUIRED"}
    ]
    listing = await gql(
        client,
        "query($s: ID) { staff(siteId: $s, first: 10) { totalCount edges { node { name "
        "currentAssignment { kind } certificateWarning { level } } } } }",
        {"s": county.site_gid("town_a")},
        county.token("head_a"),
    )
    assert listing["data"]["staff"]["totalCount"] == 1
    node = listing["data"]["staff"]["edges"][0]["node"]
    assert node["currentAssignment"]["kind"] == "REGULAR"
    assert node["certificateWarning"]["level"] == "OVERDUE"
    other_town = await gql(
        client,
        "query($s: ID) { staff(siteId: $s) { totalCount } }",
        {"s": county.site_gid("town_b")},
        county.token("head_a"),
    )
    assert other_town["errors"][0]["extensions"]["code"] == "FORBIDDEN"


HEADS = """mutation($p: ProposeHeadInput!) { proposeHead(input: $p) {
  appointment { id status personName site { name } } userErrors { field code } } }"""
REVIEW = """mutation($r: ReviewHeadAppointmentInput!) { reviewHeadAppointment(input: $r) {
  appointment { status opinionReason reviewedBy { username } proposedBy { username } }
  userErrors { field code } } }"""
SITE_HEAD = """query($id: ID!) { node(id: $id) { ... on Site { head { personName }
  headAppointments { personName status } } } }"""


async def test_head_appointment_through_graphql(db, client, monkeypatch):
    county = await make_county(db, "任免县")
    pin_today(monkeypatch, date(2024, 12, 20))  # the opinion comes before the appointment
    proposed = await gql(
        client,
        HEADS,
        {
            "p": {
                "siteId": county.site_gid("town_a"),
                "personName": "孙八",
                "effectiveDate": "2025-01-01",
                "reason": "换届",
            }
        },
        county.token("head_a"),
    )
    appointment = proposed["data"]["proposeHead"]["appointment"]
    assert appointment["status"] == "PROPOSED" and appointment["site"]["name"] == "甲镇"
    before = await gql(client, SITE_HEAD, {"id": county.site_gid("town_a")}, county.token("head_a"))
    assert before["data"]["node"]["head"] is None
    denied = await gql(
        client,
        REVIEW,
        {"r": {"appointmentId": appointment["id"], "agree": True}},
        county.token("head_a"),
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    agreed = await gql(
        client,
        REVIEW,
        {"r": {"appointmentId": appointment["id"], "agree": True, "reason": "同意"}},
        county.token("admin"),
    )
    assert agreed["data"]["reviewHeadAppointment"]["appointment"]["status"] == "AGREED"
    people = agreed["data"]["reviewHeadAppointment"]["appointment"]
    assert (people["proposedBy"], people["reviewedBy"]) == (
        {"username": "head_a"},
        {"username": "admin"},
    )
    pin_today(monkeypatch, date(2025, 1, 1))  # the day it takes effect
    after = await gql(client, SITE_HEAD, {"id": county.site_gid("town_a")}, county.token("head_a"))
    assert after["data"]["node"] == {
        "head": {"personName": "孙八"},
        "headAppointments": [{"personName": "孙八", "status": "AGREED"}],
    }
    sibling = await gql(
        client, SITE_HEAD, {"id": county.site_gid("town_b")}, county.token("head_a")
    )
    assert sibling["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_training_through_graphql(db, client, monkeypatch):
    county = await make_county(db, "培训县")
    pin_today(monkeypatch, date(2025, 7, 1))  # after the session: attendance is recorded
    token = county.token("admin")
    person = await hire(county, "town_a", hire_date=date(2025, 1, 2))
    program = await gql(
        client,
        'mutation { createTrainingProgram(input: {kind: REGULAR, title: "二季度集中培训", '
        "year: 2025}) { program { id centralised } userErrors { code } } }",
        token=token,
    )
    program_id = program["data"]["createTrainingProgram"]["program"]["id"]
    lesson = await gql(
        client,
        "mutation($i: AddTrainingSessionInput!) { addTrainingSession(input: $i) { "
        "session { id hours } userErrors { field code } } }",
        {
            "i": {
                "programId": program_id,
                "heldOn": "2025-05-10",
                "hours": 2.5,
                "online": True,
                "topics": "业务知识",
                "trainer": "讲师",
            }
        },
        token,
    )
    session_id = lesson["data"]["addTrainingSession"]["session"]["id"]
    attended = await gql(
        client,
        "mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { "
        "session { attendeeCount } userErrors { field code } } }",
        {"i": {"sessionId": session_id, "staffIds": [gid("Staff", person.id), "junk"]}},
        token,
    )
    assert attended["data"]["recordAttendance"]["userErrors"] == [
        {"field": "staffIds[1]", "code": "INVALID_ID"}
    ]
    attended = await gql(
        client,
        "mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { "
        "session { attendeeCount } userErrors { field code } } }",
        {"i": {"sessionId": session_id, "staffIds": [gid("Staff", person.id)]}},
        token,
    )
    assert attended["data"]["recordAttendance"]["session"]["attendeeCount"] == 1
    hours = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Staff { trainingHours(year: 2025) } } }",
        {"id": gid("Staff", person.id)},
        token,
    )
    assert hours["data"]["node"]["trainingHours"] == 2.5
    report = await gql(
        client,
        "{ q1: trainingNoncompliance(year: 2025, quarter: 1) { nodes: edges { node { name } } } "
        "q2: trainingNoncompliance(year: 2025, quarter: 2) { totalCount } "
        "trainingPrograms(year: 2025) { totalCount edges { node { sessions { hours } } } } }",
        token=token,
    )
    assert [e["node"]["name"] for e in report["data"]["q1"]["nodes"]] == ["张三"]
    assert report["data"]["q2"] == {"totalCount": 0}
    assert report["data"]["trainingPrograms"]["totalCount"] == 1
    denied = await gql(
        client,
        "{ trainingNoncompliance(year: 2025, quarter: 1) { totalCount } }",
        token=county.token("head_a"),
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_status_filter_follows_the_calendar(db, client, monkeypatch):
    county = await make_county(db, "状态县")
    today = pin_today(monkeypatch, date(2028, 2, 29))
    await hire(county, "town_a", name="老人", hire_date=today - timedelta(days=400))
    await hire(county, "town_a", name="新人", hire_date=today - timedelta(days=10))
    doc = "query($st: StaffStatus) { staff(status: $st) { edges { node { name status } } } }"
    token = county.token("admin")
    active = await gql(client, doc, {"st": "ACTIVE"}, token)
    probation = await gql(client, doc, {"st": "PROBATION"}, token)
    assert active["data"]["staff"]["edges"] == [{"node": {"name": "老人", "status": "ACTIVE"}}]
    assert probation["data"]["staff"]["edges"] == [
        {"node": {"name": "新人", "status": "PROBATION"}}
    ]
