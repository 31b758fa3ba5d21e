"""The plan of AcceptCase (``api.planned.casework.accept``), the one planned write: for
randomized intakes by every kind of caller it answers as normal execution does, byte for byte
up to what differs between two cases (their id, number and receipt code), and writes the same
case; it steps aside only while nothing is committed, and a commit it cannot confirm is never
run a second time."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import uscc

from api.gql import trusted
from api.gql.ids import global_id
from api.planned import PLANS, answers_by_plan
from casework.models import Case, Channel
from tenants import audit_hash
from tests.casework.world import World, build_world
from tests.support.casework import ALLOWANCE, pin_now
from tests.support.catalog import BUSINESS, MARRIAGE, PENSION
from tests.support.factories import make_county
from tests.support.planned import response_body
from tests.support.workforce import id_number

DOCUMENTS = dict(trusted.operation_texts())
ACCEPT = DOCUMENTS["casework.graphql:AcceptCase"]
CASE_DETAIL = DOCUMENTS["casework.graphql:CaseDetail"]
CASE_PROGRESS = DOCUMENTS["public-casework.graphql:CaseProgress"]
DAY = date(2025, 3, 3)  # a Monday
MARRIAGE_MATERIALS = ["居民身份证", "户口簿", "近期半身免冠合影照片"]
# What differs between two cases accepted alike, as the payload writes it.
DISTINCT = ("id", "number", "receiptCode")


def test_accept_case_is_planned():
    assert PLANS["casework.graphql:AcceptCase"].__module__ == "api.planned.casework.accept"


@pytest.fixture
async def worlds(db, monkeypatch) -> tuple[World, World]:
    pin_now(monkeypatch, DAY)
    county = await make_county(db, "计划受理县")
    other = await make_county(db, "计划受理邻县")
    return await build_world(county), await build_world(other)


def _case_of(answer: dict) -> dict | None:
    return ((answer.get("data") or {}).get("acceptCase") or {}).get("case")


async def _differ(client, variables: dict, token: str | None) -> tuple[dict, dict | None, bool]:
    """AcceptCase with the plan, then the same without it. Each accepts its own case (or
    neither does); the answers are the same bytes once the planned one's id, number and
    receipt code are replaced by the executed one's. Returns the executed answer, the planned
    case (or None) and whether the plan gave its answer."""
    before = answers_by_plan()
    with_plan = await response_body(client, ACCEPT, variables, token, planned=True)
    by_plan = answers_by_plan() - before == 1
    executed = await response_body(client, ACCEPT, variables, token, planned=False)
    planned_case, executed_case = _case_of(json.loads(with_plan)), _case_of(json.loads(executed))
    assert (planned_case is None) == (executed_case is None), (variables, with_plan, executed)
    if planned_case is not None:
        for key in DISTINCT:
            assert planned_case[key] != executed_case[key], key  # two cases, not one
            mine, theirs = _member(key, planned_case[key]), _member(key, executed_case[key])
            assert with_plan.count(mine.encode()) == 1
            with_plan = with_plan.replace(mine.encode(), theirs.encode())
    assert with_plan == executed, (variables, with_plan, executed)
    return json.loads(executed), planned_case, by_plan


def _member(key: str, value: str) -> str:
    """``"key":"value"`` as the response writes it."""
    return json.dumps({key: value}, ensure_ascii=False, separators=(",", ":"))[1:-1]


def _id_number(rng: random.Random) -> str:
    """A resident ID number of a random birthday (each birthday has a few hundred)."""
    return id_number(date(rng.randint(1985, 2004), rng.randint(1, 12), rng.randint(1, 28)))


def _credit_code(rng: random.Random) -> str:
    body = f"91320826MA1{rng.randint(0, 99999):05d}1"
    return body + uscc.calc_check_digit(body)


def _applicant(rng: random.Random) -> dict:
    kind = rng.choice(["PERSON", "PERSON", "ORGANIZATION"])
    applicant: dict = {
        "kind": kind,
        "name": "王五" if kind == "PERSON" else "淮安某某有限公司",
        "idNumber": _id_number(rng) if kind == "PERSON" else _credit_code(rng),
    }
    phone = rng.choice(["absent", None, "13900002222"])
    if phone != "absent":
        applicant["phone"] = phone
    return applicant


def _variables(rng: random.Random, world: World, other: World) -> tuple[dict, bool]:
    """An intake that would be accepted, spoilt half of the time by one fault of many kinds
    (refused by the rules, or of a shape the plan leaves to normal execution): the variables,
    and whether the plan reads them."""
    matter = rng.choice([MARRIAGE, MARRIAGE, ALLOWANCE])
    given: dict = {
        "windowId": global_id("Window", world.counter.id),
        "matterCode": matter,
        "applicant": _applicant(rng),
    }
    if matter == ALLOWANCE:
        proofs = ["收入证明", "户籍证明"]
        deferred = rng.sample(proofs, k=rng.randint(0, 2))
        given["received"] = ["居民身份证", "申请表", *(p for p in proofs if p not in deferred)]
        if deferred or rng.random() < 0.3:
            given["deferred"] = deferred
        if rng.random() < 0.5:
            given["commitment"] = rng.choice([True, False, None])
    else:
        given["received"] = list(MARRIAGE_MATERIALS)
    if rng.random() < 0.4:
        given["channel"] = rng.choice([c.name for c in Channel])
    if rng.random() < 0.3:
        given["note"] = rng.choice([None, "", "代办人:张三"])
    if rng.random() < 0.5:
        return {"input": given}, True
    fault = rng.choice(
        [
            # refused by the rules (userErrors), read by the plan
            lambda: given.update(windowId=global_id("Window", world.dedicated.id)),
            lambda: given.update(windowId=global_id("Window", world.issue_window.id)),
            lambda: given.update(windowId=global_id("Window", world.town_counter.id)),
            lambda: given.update(windowId=global_id("Window", other.counter.id)),
            lambda: given.update(matterCode=rng.choice([BUSINESS, PENSION, "XX-404"])),
            lambda: given.update(received=given["received"][1:]),
            lambda: given.update(note="x" * 600),
            lambda: given["applicant"].update(idNumber="12345"),
            lambda: given["applicant"].update(name=""),
            lambda: given["applicant"].update(phone="12"),
            # of a shape the plan leaves to normal execution
            lambda: given.update(windowId=rng.choice([world.county.site_gid("root"), "garbage"])),
            lambda: given.update(received="居民身份证"),  # coerced to a list
            lambda: given.update(unknown=1),
            lambda: given.update(commitment="yes"),
            lambda: given.update(channel=None),
            lambda: given.update(appointmentId="garbage"),
            lambda: given["applicant"].update(kind="ALIEN"),
        ]
    )
    fault()
    plannable = not (
        "unknown" in given
        or isinstance(given.get("received"), str)
        or given.get("commitment") == "yes"
        or ("channel" in given and given["channel"] is None)
        or given.get("appointmentId") == "garbage"
        or given["applicant"]["kind"] == "ALIEN"
        or given["windowId"] in (world.county.site_gid("root"), "garbage")
    )
    return {"input": given}, plannable


async def test_accept_case_planned_equals_executed(db, client, worlds):
    world, other = worlds
    county = world.county
    callers = [
        *[("desk", world.desk.token())] * 8,
        *[("desk2", world.desk2.token())] * 4,
        ("town_desk", world.town_desk.token()),
        ("approver", world.approver.token()),
        ("issuer", world.issuer.token()),
        ("admin", county.token("admin")),
        ("other county's desk", other.desk.token()),
        ("anonymous", None),
        ("bad token", "bad-token"),
    ]
    rng = random.Random(11)
    accepted: list[dict] = []
    refused = errors = served = 0
    for _ in range(80):
        who, token = rng.choice(callers)
        variables, plannable = _variables(rng, world, other)
        answer, planned_case, by_plan = await _differ(client, variables, token)
        # the plan answers every intake it reads and accepts; anything else is stepped aside
        assert by_plan == (plannable and planned_case is not None), (who, variables, answer)
        served += by_plan
        if planned_case is not None:
            accepted.append(planned_case)
        elif "errors" in answer:
            errors += 1
        else:
            assert answer["data"]["acceptCase"]["userErrors"], (who, answer)
            refused += 1
    # every kind of answer was compared: accepted (by the plan), refused, errors
    assert len(accepted) >= 10 and refused >= 10 and errors >= 3, (len(accepted), refused, errors)
    assert served >= len(accepted) - 3
    await _planned_cases_are_real(client, world, accepted)
    async with other.county.db.session(other.county.tenant_id) as session:
        assert (await audit_hash.verify_chain(session)).verified


async def _planned_cases_are_real(client, world: World, accepted: list[dict]) -> None:
    """Each planned case is in the county with its number; its receipt code opens it for the
    public; the audit chain holds; and CaseDetail shows a planned case as it shows one
    accepted by normal execution from the same input."""
    county = world.county
    for case in accepted:
        progress = await client.post(
            "/graphql",
            json={
                "query": CASE_PROGRESS,
                "variables": {
                    # the county's code leads the number (another county's desk at its own
                    # window is accepted there)
                    "tenant": case["number"].split("-")[0],
                    "number": case["number"],
                    "receiptCode": case["receiptCode"],
                },
            },
        )
        assert (progress.json()["data"]["publicCase"] or {}).get("number") == case["number"], (
            case,
            progress.text,
        )
    async with county.db.session(county.tenant_id) as session:
        assert (await audit_hash.verify_chain(session)).verified
        total = (await session.execute(select(func.count()).select_from(Case))).scalar_one()
    assert total >= 2 * sum(case["number"].startswith(f"{county.code}-") for case in accepted)
    variables = {
        "input": {
            "windowId": global_id("Window", world.counter.id),
            "matterCode": ALLOWANCE,
            "applicant": {
                "kind": "PERSON",
                "name": "赵六",
                "idNumber": _id_number(random.Random()),
            },
            "received": ["居民身份证", "申请表", "户籍证明"],
            "deferred": ["收入证明"],
            "channel": "AGENCY",
            "note": "帮办代办",
        }
    }
    _, planned_case, by_plan = await _differ(client, variables, world.desk.token())
    assert by_plan and planned_case is not None
    executed_case = _case_of(
        json.loads(await response_body(client, ACCEPT, variables, world.desk.token(), False))
    )
    assert executed_case is not None
    details = []
    for case in (planned_case, executed_case):
        response = await client.post(
            "/graphql",
            json={"query": CASE_DETAIL, "variables": {"id": case["id"]}},
            headers={"authorization": f"Bearer {county.token('admin')}"},
        )
        text = response.text
        for key in ("id", "number"):
            text = text.replace(case[key], f"<{key}>")
        details.append(text)
    assert '"node":{' in details[0] and "赵六" in details[0], details[0]
    assert details[0] == details[1]


async def _count_cases(world: World) -> int:
    county = world.county
    async with county.db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(Case))).scalar_one()


def _marriage(world: World) -> dict:
    return {
        "input": {
            "windowId": global_id("Window", world.counter.id),
            "matterCode": MARRIAGE,
            "applicant": {
                "kind": "PERSON",
                "name": "王五",
                "idNumber": _id_number(random.Random()),
            },
            "received": MARRIAGE_MATERIALS,
        }
    }


async def test_a_commit_lost_after_it_landed_is_not_run_again(client, worlds, monkeypatch):
    """The connection drops after COMMIT went through: the plan cannot know whether the case
    was written, so it reports an error instead of stepping aside — one case, not two."""
    world, _ = worlds
    real_commit = AsyncSession.commit

    async def commit_then_lose_the_connection(self: AsyncSession) -> None:
        await real_commit(self)
        raise ConnectionResetError("connection lost after COMMIT")

    before = await _count_cases(world)
    monkeypatch.setattr(AsyncSession, "commit", commit_then_lose_the_connection)
    answer = json.loads(
        await response_body(client, ACCEPT, _marriage(world), world.desk.token(), True)
    )
    monkeypatch.setattr(AsyncSession, "commit", real_commit)
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "OUTCOME_UNKNOWN"
    assert await _count_cases(world) == before + 1


async def test_a_commit_the_database_refused_steps_aside(client, worlds, monkeypatch):
    """The database refuses the commit (a serialization failure, say): nothing was written,
    so normal execution runs the intake again and accepts it — one case, not none or two."""
    world, _ = worlds
    real_commit = AsyncSession.commit

    class Refused(Exception):
        sqlstate = "40001"

    async def refuse_once(self: AsyncSession) -> None:
        monkeypatch.setattr(AsyncSession, "commit", real_commit)
        await self.rollback()
        raise DBAPIError("COMMIT", None, Refused("could not serialize access"))

    before = await _count_cases(world)
    served = answers_by_plan()
    monkeypatch.setattr(AsyncSession, "commit", refuse_once)
    answer = json.loads(
        await response_body(client, ACCEPT, _marriage(world), world.desk.token(), True)
    )
    assert AsyncSession.commit is real_commit  # the refusal happened
    assert answers_by_plan() == served  # the answer is normal execution's
    assert answer["data"]["acceptCase"]["userErrors"] == []
    assert await _count_cases(world) == before + 1
