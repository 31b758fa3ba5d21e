"""The client contract (graphql/operations/casework.graphql and public-casework.graphql): every
operation served runs as written, through a whole case; GraphQL's errors and refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from tenants import audit_hash
from tenants.models import AuditEvent
from tests.casework.world import build_world
from tests.support.casework import pin_now
from tests.support.catalog import BUSINESS, MARRIAGE
from tests.support.engine_events import EngineEvents
from tests.support.factories import make_county
from tests.support.graphql import error_code, gid, gql, operation, run_operation
from tests.support.workforce import id_number

DOCUMENT = operation("casework")
PUBLIC = operation("public-casework")
CONTRACT = Path("/work/shared/contract/casework.graphql")
PUBLIC_CONTRACT = Path("/work/shared/contract/public-casework.graphql")
SERVED = (
    "OpenWindow",
    "AcceptCase",
    "NotifyMissing",
    "WorkQueue",
    "RequestSupplement",
    "ReceiveSupplement",
    "DecideCase",
    "IssueResult",
    "Cases",
    "CaseDetail",
    "RatingFollowUps",
    "VerifyRating",
    "RectifyRating",
    "RevisitRating",
    "ReportUnresolved",
    "ResolveComplaint",
    "ServiceReport",
    "AuditTrail",
)
PUBLIC_SERVED = ("CaseProgress", "RateCase", "AppointmentSlots", "BookAppointment")


def _operation_text(document: str, name: str) -> str:
    start = document.index(f" {name}(")
    start = document.rindex("\n", 0, start) + 1
    end = document.find("\n}\n", start) + 3
    return document[start:end]


def test_operations_are_the_contracts_own():
    """Each operation served is the contract's text, unchanged."""
    if not CONTRACT.exists():
        return
    contract = CONTRACT.read_text(encoding="utf-8")
    for name in SERVED:
        assert _operation_text(DOCUMENT, name) == _operation_text(contract, name), name
    public = PUBLIC_CONTRACT.read_text(encoding="utf-8")
    for name in PUBLIC_SERVED:
        assert _operation_text(PUBLIC, name) == _operation_text(public, name), name


def _applicant(number: str) -> dict:
    return {"kind": "PERSON", "name": "王五", "idNumber": number, "phone": "13900002222"}


def _marriage_intake(world, number: str, received: list[str]) -> dict:
    """AcceptCase's variables: 婚姻登记 at the county centre's comprehensive window."""
    return {
        "input": {
            "windowId": gid("Window", world.counter.id),
            "matterCode": MARRIAGE,
            "applicant": _applicant(number),
            "received": received,
        }
    }


async def test_every_contract_operation_runs(db, client, monkeypatch):
    county = await make_county(db, "契约办件县")
    world = await build_world(county)
    admin = county.token("admin")
    pin_now(monkeypatch, date(2025, 3, 3))

    opened = await run_operation(
        client,
        DOCUMENT,
        "OpenWindow",
        {
            "input": {
                "siteId": county.site_gid("root"),
                "number": "B02",
                "kind": "DEDICATED",
                "area": "商事登记区",
                "matterCodes": [BUSINESS],
            }
        },
        admin,
    )
    assert opened["openWindow"]["userErrors"] == []
    window = opened["openWindow"]["window"]
    assert (window["number"], window["kind"], window["area"]) == ("B02", "DEDICATED", "商事登记区")
    assert window["site"]["id"] == county.site_gid("root")

    number = id_number(date(1991, 7, 1))
    notice = await run_operation(
        client,
        DOCUMENT,
        "NotifyMissing",
        {
            "input": {
                "windowId": gid("Window", world.counter.id),
                "matterCode": MARRIAGE,
                "applicant": _applicant(number),
                "missing": ["户口簿"],
            }
        },
        world.desk2.token(),
    )
    assert notice["notifyMissing"]["userErrors"] == []
    assert notice["notifyMissing"]["notice"]["missing"] == ["户口簿"]
    assert notice["notifyMissing"]["notice"]["number"].startswith(f"{county.code}-N20250303-")

    accepted = await run_operation(
        client,
        DOCUMENT,
        "AcceptCase",
        {
            "input": {
                "windowId": gid("Window", world.counter.id),
                "matterCode": MARRIAGE,
                "applicant": _applicant(number),
                "channel": "COUNTER",
                "received": ["居民身份证", "户口簿", "近期半身免冠合影照片"],
            }
        },
        world.desk.token(),
    )
    assert accepted["acceptCase"]["userErrors"] == []
    case = accepted["acceptCase"]["case"]
    assert case["status"] == "ACCEPTED" and case["handlingKind"] == "PROMISED"
    assert case["dueDate"] == "2025-03-17"
    assert case["matter"] == {"code": MARRIAGE, "name": "婚姻登记"}
    assert case["site"]["id"] == county.site_gid("root")
    assert case["acceptedBy"] == {"id": gid("Staff", world.desk.staff.id), "name": "收件甲"}
    receipt = case["receiptCode"]
    assert receipt and len(receipt) == 8
    case_id = case["id"]

    queue = await run_operation(
        client, DOCUMENT, "WorkQueue", {"first": 50}, world.approver.token()
    )
    assert [e["node"]["id"] for e in queue["workQueue"]["edges"]] == [case_id]
    assert queue["workQueue"]["edges"][0]["node"]["deadlineState"] == "NORMAL"
    idle = await run_operation(client, DOCUMENT, "WorkQueue", {}, world.desk.token())
    assert idle["workQueue"]["totalCount"] == 0

    stopped = await run_operation(
        client,
        DOCUMENT,
        "RequestSupplement",
        {"input": {"caseId": case_id, "items": ["户口簿首页复印件"], "note": "请补充"}},
        world.approver.token(),
    )
    assert stopped["requestSupplement"]["case"] == {
        "id": case_id,
        "status": "AWAITING_SUPPLEMENT",
        "clockStopped": True,
        "dueDate": None,
    }
    pin_now(monkeypatch, date(2025, 3, 5))
    restarted = await run_operation(
        client,
        DOCUMENT,
        "ReceiveSupplement",
        {"input": {"caseId": case_id, "items": ["户口簿首页复印件"]}},
        world.desk2.token(),
    )
    # Stopped on Monday (nothing spent), received on Wednesday: ten working days from then.
    assert restarted["receiveSupplement"]["case"] == {
        "id": case_id,
        "status": "ACCEPTED",
        "clockStopped": False,
        "dueDate": "2025-03-19",
    }
    decided = await run_operation(
        client,
        DOCUMENT,
        "DecideCase",
        {"input": {"caseId": case_id, "approve": True, "opinion": "同意", "resultTitle": "结婚证"}},
        world.approver.token(),
    )
    assert decided["decideCase"]["userErrors"] == []
    assert decided["decideCase"]["case"]["status"] == "APPROVED"
    assert decided["decideCase"]["case"]["decidedBy"]["name"] == "审批丁"

    to_issue = await run_operation(client, DOCUMENT, "WorkQueue", {}, world.issuer.token())
    assert case_id in [e["node"]["id"] for e in to_issue["workQueue"]["edges"]]
    issued = await run_operation(
        client,
        DOCUMENT,
        "IssueResult",
        {
            "input": {
                "caseId": case_id,
                "windowId": gid("Window", world.issue_window.id),
                "delivery": "COUNTER",
            }
        },
        world.issuer.token(),
    )
    assert issued["issueResult"]["userErrors"] == []
    assert issued["issueResult"]["case"]["status"] == "ISSUED"
    assert issued["issueResult"]["case"]["issuedBy"]["name"] == "出件丙"

    listed = await run_operation(
        client,
        DOCUMENT,
        "Cases",
        {
            "siteId": county.site_gid("root"),
            "status": ["ISSUED"],
            "deadlineState": "DONE_ON_TIME",
            "from": "2025-03-01",
            "to": "2025-03-31",
            "search": "王五",
            "first": 20,
        },
        admin,
    )
    nodes = [e["node"] for e in listed["cases"]["edges"]]
    assert [n["id"] for n in nodes] == [case_id]
    assert nodes[0]["applicant"] == {
        "kind": "PERSON",
        "name": "王五",
        "maskedIdNumber": number[:6] + "********" + number[-4:],
    }
    by_number = await run_operation(client, DOCUMENT, "Cases", {"search": number}, admin)
    assert by_number["cases"]["totalCount"] == 1

    detail = (await run_operation(client, DOCUMENT, "CaseDetail", {"id": case_id}, admin))["node"]
    assert detail["number"] == case["number"]
    assert detail["channel"] == "COUNTER" and detail["delivery"] == "COUNTER"
    assert detail["window"] == {"id": gid("Window", world.counter.id), "number": "A01"}
    assert detail["workingDaysUsed"] == 0 and detail["deadlineState"] == "DONE_ON_TIME"
    assert detail["opinion"] == "同意" and detail["rating"] is None
    assert [e["kind"] for e in detail["events"]] == [
        "ACCEPTED",
        "SUPPLEMENT_REQUESTED",
        "SUPPLEMENT_RECEIVED",
        "APPROVED",
        "ISSUED",
    ]
    assert detail["events"][1]["actor"]["name"] == "审批丁"
    assert detail["events"][1]["note"] == "请补充"

    progress = await run_operation(
        client,
        PUBLIC,
        "CaseProgress",
        {"tenant": county.code, "number": case["number"], "receiptCode": receipt.lower()},
    )
    public = progress["publicCase"]
    assert public["status"] == "ISSUED" and public["matterName"] == "婚姻登记"
    assert public["siteName"] == county.sites["root"].official_name
    assert [s["kind"] for s in public["steps"]][-1] == "ISSUED"
    assert public["rated"] is False
    wrong = await run_operation(
        client,
        PUBLIC,
        "CaseProgress",
        {"tenant": county.code, "number": case["number"], "receiptCode": "AAAAAAAA"},
    )
    assert wrong["publicCase"] is None


async def test_refusals_and_denials_through_graphql(db, client, monkeypatch):
    county = await make_county(db, "拒绝办件县")
    world = await build_world(county)
    pin_now(monkeypatch, date(2025, 3, 3))
    variables = _marriage_intake(world, id_number(), ["居民身份证"])
    missing = await gql(
        client, DOCUMENT, variables, world.desk.token(), operation_name="AcceptCase"
    )
    payload = missing["data"]["acceptCase"]
    assert payload["case"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("received", "MISSING_MATERIALS")
    ]
    denied = await gql(
        client, DOCUMENT, variables, county.token("admin"), operation_name="AcceptCase"
    )
    assert error_code(denied) == "FORBIDDEN"
    assert denied["errors"][0]["extensions"]["action"] == "case:accept"
    bad_id = {**variables, "input": {**variables["input"], "windowId": "nonsense"}}
    answer = await gql(client, DOCUMENT, bad_id, world.desk.token(), operation_name="AcceptCase")
    assert answer["data"]["acceptCase"]["userErrors"][0]["code"] == "INVALID_ID"

    ok = {
        "input": {
            **variables["input"],
            "received": ["居民身份证", "户口簿", "近期半身免冠合影照片"],
        }
    }
    accepted = await gql(client, DOCUMENT, ok, world.desk.token(), operation_name="AcceptCase")
    case_id = accepted["data"]["acceptCase"]["case"]["id"]
    # Another township's head reads nothing of the county centre's cases.
    other_head = await gql(
        client, DOCUMENT, {"id": case_id}, county.token("head_a"), operation_name="CaseDetail"
    )
    assert error_code(other_head) == "FORBIDDEN"
    supervisor = await gql(
        client, DOCUMENT, {"id": case_id}, county.token("supervisor"), operation_name="CaseDetail"
    )
    assert supervisor["data"]["node"]["id"] == case_id
    cases = await gql(client, DOCUMENT, {}, county.token("head_a"), operation_name="Cases")
    assert error_code(cases) == "FORBIDDEN"
    own = await gql(
        client,
        DOCUMENT,
        {"siteId": county.site_gid("town_a")},
        county.token("head_a"),
        operation_name="Cases",
    )
    assert own["data"]["cases"]["totalCount"] == 0
    refusal = await gql(
        client,
        DOCUMENT,
        {"input": {"caseId": case_id, "approve": False}},
        world.desk.token(),
        operation_name="DecideCase",
    )
    assert error_code(refusal) == "FORBIDDEN"
    opinionless = await gql(
        client,
        DOCUMENT,
        {"input": {"caseId": case_id, "approve": False}},
        world.approver.token(),
        operation_name="DecideCase",
    )
    assert opinionless["data"]["decideCase"]["userErrors"][0]["code"] == "OPINION_REQUIRED"
    anonymous = await gql(client, DOCUMENT, {}, operation_name="WorkQueue")
    assert error_code(anonymous) == "UNAUTHENTICATED"
    unknown_county = await gql(
        client,
        PUBLIC,
        {"tenant": "999999", "number": "x", "receiptCode": "y"},
        operation_name="CaseProgress",
    )
    assert error_code(unknown_county) == "NOT_FOUND"


async def test_an_intake_is_one_transaction_and_its_trail_holds(db, client, monkeypatch):
    """``acceptCase``: the caller's row, the intake's reads and writes and the payload's site
    and clerk in one transaction (the payload answers from what the intake read); the audit
    row it appends itself links into the county's chain beside rows the ORM appends."""
    county = await make_county(db, "一事务受理县")
    world = await build_world(county)
    pin_now(monkeypatch, date(2025, 3, 3))
    everything = ["居民身份证", "户口簿", "近期半身免冠合影照片"]
    variables = _marriage_intake(world, id_number(date(1990, 2, 2)), everything)
    for _ in range(2):
        with EngineEvents(db, "begin") as begins:
            answer = await run_operation(
                client, DOCUMENT, "AcceptCase", variables, world.desk.token()
            )
        assert answer["acceptCase"]["userErrors"] == []
        case = answer["acceptCase"]["case"]
        assert case["site"] == {"id": county.site_gid("root"), "name": county.sites["root"].name}
        assert case["acceptedBy"] == {"id": gid("Staff", world.desk.staff.id), "name": "收件甲"}
        assert begins.count == 1
        assert db.engine.sync_engine.pool.checkedout() == 0
        # an ORM-appended row between the intakes (a window opened by the county office)
        opened = await run_operation(
            client,
            DOCUMENT,
            "OpenWindow",
            {"input": {"siteId": county.site_gid("root"), "number": f"Z{_}", "kind": "ISSUE"}},
            county.token("admin"),
        )
        assert opened["openWindow"]["userErrors"] == []
    async with db.session(county.tenant_id) as session:
        report = await audit_hash.verify_chain(session)
        accepts = (
            await session.execute(
                select(AuditEvent.detail).where(AuditEvent.action == "case.accept")
            )
        ).scalars()
        numbers = sorted(detail["number"] for detail in accepts)
    assert report.verified and report.length >= 4
    assert numbers == [f"{county.code}-20250303-0001", f"{county.code}-20250303-0002"]
