"""The casework plans (``api.planned.casework``: WorkQueue, Cases, CaseDetail) answer exactly as
normal execution does — byte for byte, for every kind of reader (the county office, a township
head, approvers and front desks on duty, someone without rights, the anonymous public), over
randomized cases in every status and deadline state — and the plans did serve."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from api.gql import trusted
from api.gql.ids import global_id
from api.gql.pagination import encode_cursor
from api.planned import PLANS, answers_by_plan
from casework import flow, ratings
from casework.models import CalendarDay, Case, Delivery, RatingLevel
from casework.schema import clock
from tenants.models import Tenant
from tests.casework.world import World, build_world
from tests.support.casework import ALLOWANCE, CIPHER, Person, accept, applicant, at
from tests.support.catalog import PENSION
from tests.support.factories import ROLE_USERS, County, make_county
from tests.support.planned import response_body

DOCUMENTS = dict(trusted.operation_texts())
WORK_QUEUE = DOCUMENTS["casework.graphql:WorkQueue"]
CASES = DOCUMENTS["casework.graphql:Cases"]
CASE_DETAIL = DOCUMENTS["casework.graphql:CaseDetail"]
FIRST_DAY = date(2025, 2, 10)  # cases are accepted from here …
TODAY = date(2025, 3, 14)  # … to today (a Friday): some overdue, some due soon, some not yet
ANONYMOUS = None


def test_the_casework_plans_are_registered():
    assert {
        "casework.graphql:WorkQueue",
        "casework.graphql:Cases",
        "casework.graphql:CaseDetail",
    } <= set(PLANS)


# --- a county with cases in every status ------------------------------------------------------


@dataclass
class Casework:
    world: World
    other: World
    cases: list[Case]
    other_case: Case
    nobody: str  # a user of the county without any role or staff record


async def _run(county: County, who: Person, call) -> None:
    async with county.db.transaction(county.tenant_id) as session:
        await call(session, await who.actor())


def _later(rng: random.Random, day: date) -> date:
    """A weekday between ``day`` and today."""
    while True:
        chosen = day + timedelta(days=rng.randint(0, max((TODAY - day).days, 0)))
        if chosen.weekday() < 5 or chosen == day:
            return chosen


async def _random_case(world: World, rng: random.Random) -> Case:
    """A case accepted on a random day at the county centre or the township, taken a random
    way along its flow: left running, stopped for a supplement (and perhaps resumed), decided,
    issued (and perhaps rated), or withdrawn."""
    county = world.county
    day = FIRST_DAY + timedelta(days=rng.randint(0, (TODAY - FIRST_DAY).days))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    where = rng.choice(["root", "root", "allowance", "town"])
    if where == "town":
        desk, window, approver, issuer, issue_window = (
            world.town_desk,
            world.town_counter,
            world.town_approver,
            world.town_issuer,
            world.town_issue,
        )
        accepted = await accept(
            county, desk, window, at(day, 9), matter=PENSION, received=["居民身份证", "户口簿"]
        )
    else:
        desk = rng.choice([world.desk, world.desk2])
        window, issuer, issue_window = world.counter, world.issuer, world.issue_window
        approver = rng.choice([world.approver, world.approver2])
        extra = {}
        if where == "allowance":  # 容缺: some proofs supplied later
            proofs = ["收入证明", "户籍证明"]
            deferred = proofs[: rng.randint(1, 2)]
            extra = {
                "matter": ALLOWANCE,
                "received": ["居民身份证", "申请表", *(p for p in proofs if p not in deferred)],
                "deferred": deferred,
                "applicant": applicant(),
            }
        accepted = await accept(county, desk, window, at(day, 9), **extra)
    case = accepted.case
    fate = rng.choice(
        ["running", "supplement", "resumed", "decided", "issued", "rated", "withdrawn"]
    )
    if fate == "withdrawn":
        await _run(
            county,
            desk,
            lambda s, a: flow.withdraw_case(s, a, case.id, "撤回", at(_later(rng, day))),
        )
        return case
    if fate in ("supplement", "resumed"):
        asked = _later(rng, day)
        await _run(
            county,
            approver,
            lambda s, a: flow.request_supplement(
                s, a, case.id, ["户口簿"], "请补正", at(asked, 11)
            ),
        )
        if fate == "resumed":
            back = _later(rng, asked)
            await _run(
                county,
                desk,
                lambda s, a: flow.receive_supplement(s, a, case.id, ["户口簿"], at(back, 15)),
            )
        return case
    if fate == "running":
        return case
    decided_on = _later(rng, day)
    approve = rng.random() < 0.8
    await _run(
        county,
        approver,
        lambda s, a: flow.decide_case(
            s, a, case.id, approve, None if approve else "不符合条件", None, at(decided_on, 14)
        ),
    )
    if fate == "decided" or (approve and case.deferred):
        return case
    await _run(
        county,
        issuer,
        lambda s, a: flow.issue_result(
            s, a, case.id, issue_window.id, Delivery.COUNTER, None, at(decided_on, 16)
        ),
    )
    if fate == "rated":
        level = rng.choice(list(RatingLevel))
        async with county.db.transaction(county.tenant_id) as session:
            await ratings.rate_case(
                session,
                CIPHER,
                case.number,
                accepted.receipt_code,
                level,
                rng.choice([None, "态度很好", "等了很久"]),
                at(decided_on, 17),
            )
    return case


async def _casework(db, seed: int) -> Casework:
    rng = random.Random(seed)
    world = await build_world(await make_county(db, f"计划办件县{seed}"))
    other = await build_world(await make_county(db, f"计划办件邻县{seed}"))
    cases = [await _random_case(world, rng) for _ in range(rng.randint(14, 20))]
    other_case = (await accept(other.county, other.desk, other.counter, at(TODAY, 9))).case
    county = world.county
    async with county.db.transaction(county.tenant_id) as session:
        if seed % 2:
            # a local closure (the states count on the county's calendar) and a county that
            # warns three working days ahead (its policy)
            session.add(
                CalendarDay(day=TODAY + timedelta(days=3), working=False, reason="停电", set_by="t")
            )
            tenant = await session.get(Tenant, county.tenant_id)
            settings = dict(tenant.settings or {})  # type: ignore[union-attr]
            settings["casework"] = {**settings.get("casework", {}), "due_soon_working_days": 3}
            tenant.settings = settings  # type: ignore[union-attr]
    await county.add_user("nobody")
    async with county.db.session(county.tenant_id) as session:
        fresh = [await session.get(Case, c.id) for c in cases]
    return Casework(world, other, [c for c in fresh if c is not None], other_case, "nobody")


@pytest.fixture(scope="module", params=[11, 12])
async def casework(request, db) -> Casework:
    return await _casework(db, request.param)


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "pinned_now", at(TODAY, 10))
    return TODAY


def _readers(cw: Casework) -> list[tuple[str, str | None]]:
    """(who, token) for every kind of reader: the role holders of ``make_county``, the people
    on duty, someone without rights, the anonymous public and a bad token."""
    world, county = cw.world, cw.world.county
    readers = [(username, county.token(username)) for username, _site in ROLE_USERS.values()]
    people = {
        "desk": world.desk,
        "desk2": world.desk2,
        "issuer": world.issuer,
        "approver": world.approver,
        "approver2": world.approver2,
        "market_approver": world.market_approver,
        "hr_approver": world.hr_approver,
        "town_desk": world.town_desk,
        "town_issuer": world.town_issuer,
        "town_approver": world.town_approver,
    }
    readers += [(name, who.token()) for name, who in people.items()]
    readers += [
        ("nobody", county.token(cw.nobody)),
        ("other admin", cw.other.county.token("admin")),
    ]
    return [*readers, ("anonymous", ANONYMOUS), ("bad token", "bad-token")]


async def _differ(client, document: str, variables: dict, token: str | None) -> tuple[dict, bool]:
    """The same bytes with the planned path and without: the answer, and whether a plan gave
    it."""
    before = answers_by_plan()
    with_plan = await response_body(client, document, variables, token, planned=True)
    by_plan = answers_by_plan() - before == 1
    executed = await response_body(client, document, variables, token, planned=False)
    assert with_plan == executed, (variables, with_plan, executed)
    return json.loads(executed), by_plan


# --- the differential tests ---------------------------------------------------------------------


async def test_case_detail_planned_equals_executed(client, casework, pinned):
    cw = casework
    ids = [global_id("Case", c.id) for c in cw.cases]
    ids += [
        global_id("Case", cw.other_case.id),  # another county's
        global_id("Case", uuid.uuid4()),  # nobody's
        cw.world.county.site_gid("root"),  # not a case
        "garbage",
    ]
    served = shown = 0
    states: set[str | None] = set()
    rated = 0
    for who, token in _readers(cw):
        for case_id in ids:
            answer, by_plan = await _differ(client, CASE_DETAIL, {"id": case_id}, token)
            node = (answer.get("data") or {}).get("node")
            if "errors" not in answer and node:
                shown += 1
                assert by_plan, (who, case_id)  # a case shown must have come from the plan
                states.add(node["deadlineState"])
                rated += node["rating"] is not None
            served += by_plan
    assert served == shown
    # the comparison covered running, stopped, decided and withdrawn cases (and ratings)
    assert {"OVERDUE", "STOPPED", "DONE_ON_TIME"} <= states, states
    assert states & {"NORMAL", "DUE_SOON"} and (None in states or rated), states
    assert shown >= 3 * len(cw.cases)  # the county office, the supervisor, a township head …


async def test_work_queue_planned_equals_executed(client, casework, pinned):
    cw = casework
    rng = random.Random(len(cw.cases))
    served = 0
    queued = 0
    for who, token in _readers(cw):
        for n in range(5):
            variables: dict = {}
            if n and rng.random() < 0.7:
                variables["first"] = rng.choice([0, 1, 2, 3, 50, 201, -1])
            if n and rng.random() < 0.5:
                variables["after"] = rng.choice(
                    [encode_cursor(rng.randint(0, 6)), "bad-cursor", encode_cursor(10_000_000)]
                )
            answer, by_plan = await _differ(client, WORK_QUEUE, variables, token)
            served += by_plan
            if "errors" in answer:
                assert not by_plan
                continue
            queue = answer["data"]["workQueue"]
            if queue["edges"]:
                queued += 1
                assert by_plan, (who, variables)
            elif not variables:
                assert by_plan, who  # an empty queue's first page is planned too
    assert queued >= 3 and served >= len(_readers(cw))


def _cases_variables(rng: random.Random, cw: Casework) -> tuple[dict, bool]:
    """Random variables of Cases, and whether the plan is meant to take them (the date range
    and a search step aside)."""
    county = cw.world.county
    variables: dict = {}
    if rng.random() < 0.6:
        variables["siteId"] = rng.choice(
            [county.site_gid(k) for k in county.sites]
            + [cw.other.county.site_gid("root"), global_id("Case", cw.cases[0].id), "garbage"]
        )
    if rng.random() < 0.5:
        names = ["ACCEPTED", "AWAITING_SUPPLEMENT", "APPROVED", "REFUSED", "ISSUED", "WITHDRAWN"]
        variables["status"] = rng.sample(names, k=rng.randint(0, 3))
    if rng.random() < 0.6:
        variables["first"] = rng.choice([0, 1, 2, 5, 50, 201])
    if rng.random() < 0.4:
        variables["after"] = rng.choice([encode_cursor(rng.randint(0, 20)), "bad"])
    planned_for = True
    if rng.random() < 0.15:
        variables["search"] = rng.choice(["", "  ", "李四", cw.cases[0].number])
        planned_for = not variables["search"].strip()
    if rng.random() < 0.25:
        variables["deadlineState"] = rng.choice(
            ["NORMAL", "DUE_SOON", "OVERDUE", "STOPPED", "DONE_ON_TIME", "DONE_LATE"]
        )
    if rng.random() < 0.1:
        variables["from"] = (TODAY - timedelta(days=rng.randint(0, 40))).isoformat()
        planned_for = False
    return variables, planned_for


async def test_cases_planned_equals_executed(client, casework, pinned):
    cw = casework
    rng = random.Random(len(cw.cases) * 7)
    readers = _readers(cw)
    wide = [r for r in readers if r[0] in ("admin", "supervisor", "head_a")]  # read lists
    served = listed = by_state = 0
    for n in range(120):
        who, token = rng.choice(readers if rng.random() < 0.5 else wide) if n else readers[0]
        variables, planned_for = _cases_variables(rng, cw) if n else ({}, True)
        answer, by_plan = await _differ(client, CASES, variables, token)
        served += by_plan
        if "errors" in answer:
            assert not by_plan, (who, variables)
            continue
        assert by_plan == planned_for, (who, variables)
        listed += bool(answer["data"]["cases"]["edges"])
        by_state += bool(answer["data"]["cases"]["edges"]) and "deadlineState" in variables
    assert listed >= 10 and served >= 20 and by_state >= 3
