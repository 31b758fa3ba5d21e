"""The planned path of trusted documents answers exactly as normal execution does: for every
plan, every role, and randomized counties, the response bytes are equal — and the plan did
serve (the comparison would prove nothing if it always stepped aside)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from api.gql import trusted
from api.gql.ids import global_id
from api.gql.pagination import encode_cursor
from api.planned import PLANS, answers_by_plan
from tests.support.factories import ROLE_USERS, make_county
from tests.support.graphql import gql
from tests.support.planned import response_body
from tests.support.workforce import hire
from workforce import common
from workforce.models import Post

TODAY = date(2026, 3, 2)
DOCUMENTS = dict(trusted.operation_texts())
UPDATE_SITE = """mutation($input: UpdateSiteInput!) { updateSite(input: $input) {
  userErrors { code } } }"""


@pytest.fixture
def pinned_today():
    before = common.pinned_today
    common.pinned_today = TODAY
    yield TODAY
    common.pinned_today = before


async def _randomize(county, client, rng: random.Random) -> None:
    """People hired at random sites on random days (some after today), addresses and
    locations set on some sites and cleared on others."""
    keys = list(county.sites)
    for n in range(rng.randint(3, 8)):
        site = rng.choice(keys)
        day = TODAY + timedelta(days=rng.randint(-400, 30))
        await hire(county, site, name=f"随机{n}", hire_date=day, post=Post.INTAKE)
    for key in rng.sample(keys, k=rng.randint(1, len(keys))):
        change: dict = {"id": county.site_gid(key)}
        if rng.random() < 0.5:
            change["address"] = rng.choice([None, f"人民路{rng.randint(1, 99)}号"])
        if rng.random() < 0.5:
            change["location"] = rng.choice(
                [
                    None,
                    {"lat": round(rng.uniform(33, 34), 6), "lng": round(rng.uniform(119, 120), 6)},
                ]
            )
        done = await gql(client, UPDATE_SITE, {"input": change}, county.token("admin"))
        assert done["data"]["updateSite"]["userErrors"] == [], done


async def _differ(client, document: str, variables: dict, token: str) -> tuple[dict, bool]:
    """The answer with the planned path and without must be the same bytes: the answer, and
    whether a plan gave it."""
    before = answers_by_plan()
    planned = await response_body(client, document, variables, token, planned=True)
    by_plan = answers_by_plan() - before == 1
    executed = await response_body(client, document, variables, token, planned=False)
    assert planned == executed, (variables, planned, executed)
    return json.loads(executed), by_plan


def test_every_plan_is_for_a_shipped_operation():
    """Plans are for shipped queries, and for two writes, whose stepping aside is tested on
    its own (tests/api/test_planned_accept.py, test_planned_update_site.py)."""
    assert PLANS and set(PLANS) <= set(DOCUMENTS)
    writes = {name for name in PLANS if not DOCUMENTS[name].startswith("query")}
    assert writes == {"casework.graphql:AcceptCase", "network.graphql:UpdateSite"}


@pytest.mark.parametrize("seed", [1, 2])
async def test_site_detail_planned_equals_executed(db, client, pinned_today, seed):
    rng = random.Random(seed)
    county = await make_county(db, f"计划县{seed}")
    other = await make_county(db, f"邻县{seed}")
    await _randomize(county, client, rng)
    staff = await hire(county, "town_a", name="某人", hire_date=TODAY)
    ids = [county.site_gid(key) for key in county.sites]
    ids += [other.site_gid("root"), global_id("Staff", staff.id), "not-an-id"]
    document = DOCUMENTS["network.graphql:SiteDetail"]
    served = 0
    for username, _site in ROLE_USERS.values():
        token = county.token(username)
        for site_id in ids:
            _, by_plan = await _differ(client, document, {"id": site_id}, token)
            served += by_plan
    assert served == len(ROLE_USERS) * len(county.sites)  # every site of the county, planned
    # Anonymous and a bad token: not planned, the same error either way.
    for token in ("", "bad-token"):
        answers = {
            await response_body(client, document, {"id": ids[0]}, token, planned=flag)
            for flag in (True, False)
        }
        assert len(answers) == 1
        assert json.loads(answers.pop())["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _children_variables(rng: random.Random, county, other) -> dict:
    variables: dict = {}
    if rng.random() < 0.7:
        variables["parentId"] = rng.choice(
            [county.site_gid(k) for k in county.sites] + [other.site_gid("root"), "garbage"]
        )
    if rng.random() < 0.4:
        variables["level"] = rng.choice(
            ["COUNTY_CENTER", "SUB_CENTER", "TOWNSHIP_CENTER", "VILLAGE_STATION"]
        )
    if rng.random() < 0.6:
        variables["first"] = rng.choice([0, 1, 2, 3, 50, 201, -1])
    if rng.random() < 0.4:
        variables["after"] = rng.choice(
            [encode_cursor(rng.randint(0, 8)), "bad-cursor", encode_cursor(10_000_000)]
        )
    return variables


@pytest.mark.parametrize("seed", [3, 4])
async def test_site_children_planned_equals_executed(db, client, pinned_today, seed):
    rng = random.Random(seed)
    county = await make_county(db, f"下级县{seed}")
    other = await make_county(db, f"下级邻县{seed}")
    document = DOCUMENTS["network.graphql:SiteChildren"]
    served = 0
    for n in range(80):
        username = rng.choice([u for u, _ in ROLE_USERS.values()])
        variables = _children_variables(rng, county, other) if n else {}
        answer, by_plan = await _differ(client, document, variables, county.token(username))
        if "errors" not in answer and answer["data"]["sites"]["edges"]:
            served += 1  # a page with rows must have come from the plan
            assert by_plan, variables
    assert served >= 10


@pytest.mark.parametrize("seed", [5, 6])
async def test_site_staff_planned_equals_executed(db, client, pinned_today, seed):
    rng = random.Random(seed)
    county = await make_county(db, f"在岗县{seed}")
    other = await make_county(db, f"在岗邻县{seed}")
    await _randomize(county, client, rng)
    for n in range(12):  # enough people at the centre to page through
        await hire(county, "root", name=f"中心{n:02d}", hire_date=TODAY - timedelta(days=n * 40))
    staff = await hire(county, "town_a", name="某人", hire_date=TODAY)
    document = DOCUMENTS["workforce.graphql:SiteStaff"]
    site_ids = [county.site_gid(k) for k in county.sites] + [county.site_gid("root")] * 4
    site_ids += [other.site_gid("root"), global_id("Staff", staff.id), "garbage"]
    served = 0
    for n in range(70):
        username = rng.choice([u for u, _ in ROLE_USERS.values()]) if n >= 8 else "admin"
        variables: dict = {"siteId": rng.choice(site_ids) if n >= 8 else site_ids[0]}
        if n < 8:  # the administrator's first page of the centre: rows, planned
            variables["first"] = 3 + n
        elif rng.random() < 0.4:
            variables["on"] = rng.choice(
                [(TODAY + timedelta(days=rng.randint(-500, 60))).isoformat(), "2026-13-01"]
            )
        if n >= 8 and rng.random() < 0.6:
            variables["first"] = rng.choice([0, 1, 3, 5, 200, 201])
        if n >= 8 and rng.random() < 0.4:
            variables["after"] = rng.choice([encode_cursor(rng.randint(0, 12)), "bad"])
        token = county.token(username)
        answer, by_plan = await _differ(client, document, variables, token)
        node = (answer.get("data") or {}).get("node")
        if "errors" not in answer and node and node["assignmentsOn"]["edges"]:
            served += 1  # a page with rows must have come from the plan
            assert by_plan, variables
    assert served >= 8


CERTIFY = """mutation($i: RecordCertificateInput!) { recordCertificate(input: $i) {
  userErrors { code } } }"""


async def _trained(county, people, rng: random.Random) -> None:
    """Training sessions in 2025 and 2026 with random attendees (StaffDetail asks 2026's)."""
    from workforce import training
    from workforce.models import TrainingKind

    admin = await county.actor("admin")
    for held_on, hours in ((date(2025, 11, 3), "3"), (date(2026, 1, 12), "2"), (TODAY, "1.5")):
        async with county.db.transaction(county.tenant_id) as session:
            program = await training.create_program(
                session,
                admin,
                kind=TrainingKind.REGULAR,
                title=f"培训{held_on}",
                year=held_on.year,
                centralised=True,
                organizer=None,
            )
            await session.flush()
            held = await training.add_session(
                session,
                admin,
                program_id=program.id,
                held_on=held_on,
                hours=hours,
                place="培训室",
                online=False,
                topics="礼仪",
                trainer="讲师",
            )
            await session.flush()
            hired = [p for p in people if p.hire_date <= held_on]
            chosen = rng.sample(hired, k=rng.randint(0, len(hired)))
            if chosen:
                await training.record_attendance(
                    session, admin, session_id=held.id, staff_ids=[p.id for p in chosen]
                )


async def _moved(county, people, rng: random.Random) -> None:
    """Some of the people hired before a random day since moved to another site from it: a
    history of more than one assignment (StaffDetail lists them in order)."""
    from tests.support.workforce import assign
    from workforce.common import acting_on
    from workforce.models import Post

    admin = await county.actor("admin")
    for person in people:
        start = TODAY - timedelta(days=rng.randint(0, 60))
        if person.hire_date >= start or rng.random() < 0.4:
            continue
        site = county.sites[rng.choice(list(county.sites))]
        post = rng.choice([Post.INTAKE, Post.ISSUE])
        with acting_on(start):
            async with county.db.transaction(county.tenant_id) as session:
                await assign(session, admin, person, site, post=post, start=start)


@pytest.mark.parametrize("seed", [9, 10])
async def test_staff_detail_planned_equals_executed(db, client, pinned_today, seed):
    rng = random.Random(seed)
    county = await make_county(db, f"人员计划县{seed}")
    other = await make_county(db, f"人员邻县{seed}")
    people = [
        await hire(
            county,
            rng.choice(list(county.sites)),
            name=f"人员{n}",
            hire_date=TODAY + timedelta(days=rng.randint(-900, 20)),
        )
        for n in range(rng.randint(4, 8))
    ]
    for person in rng.sample(people, k=len(people) // 2):
        for level in rng.sample(["LEVEL_5", "LEVEL_4", "LEVEL_3"], k=rng.randint(1, 2)):
            change = {
                "staffId": global_id("Staff", person.id),
                "level": level,
                "number": f"Z{rng.randint(10**8, 10**9)}",
                "issuedOn": (TODAY - timedelta(days=rng.randint(1, 700))).isoformat(),
            }
            await gql(client, CERTIFY, {"i": change}, county.token("admin"))
    await _trained(county, people, rng)
    await _moved(county, people, rng)
    stranger = await hire(other, "root", name="邻县人", hire_date=TODAY)
    document = DOCUMENTS["workforce.graphql:StaffDetail"]
    ids = [global_id("Staff", p.id) for p in people]
    ids += [global_id("Staff", stranger.id), county.site_gid("root"), "garbage"]
    served = 0
    for username, _site in ROLE_USERS.values():
        token = county.token(username)
        for staff_id in ids:
            answer, by_plan = await _differ(client, document, {"id": staff_id}, token)
            if "errors" not in answer and (answer["data"] or {}).get("node"):
                served += 1  # a person shown must have come from the plan
                assert by_plan, (username, staff_id)
    assert served >= len(people)  # at least the administrator's reads


MONTH = date(2025, 3, 1)


async def _scored_month(county, rng: random.Random) -> None:
    """People at random sites with random rubric events in March 2025, the month closed (and
    published for some seeds)."""
    from assessment import monthly, recording
    from tenants.errors import UserErrors

    before = common.pinned_today
    common.pinned_today = date(2025, 4, 2)
    try:
        people = [
            await hire(
                county,
                rng.choice(list(county.sites)),
                name=f"考核{n}",
                hire_date=date(2024, 1, 8) + timedelta(days=rng.randint(0, 400)),
            )
            for n in range(rng.randint(6, 12))
        ]
        admin = await county.actor("admin")
        for person in people:
            for _ in range(rng.randint(0, 3)):
                event = recording.NewEvent(
                    staff_id=person.id,
                    item_code=rng.choice(["1.1", "1.2", "1.3", "1.4"]),
                    occurred_on=MONTH + timedelta(days=rng.randint(0, 27)),
                )
                try:
                    async with county.db.transaction(county.tenant_id) as session:
                        await recording.record_event(session, admin, event)
                except UserErrors:
                    pass  # a combination the rules refuse: the month simply has one event less
        async with county.db.transaction(county.tenant_id) as session:
            await monthly.close_month(session, admin.label, MONTH)
            if rng.random() < 0.5:
                await monthly.publish_month(session, admin.label, MONTH)
    finally:
        common.pinned_today = before


@pytest.mark.parametrize("seed", [7, 8])
async def test_monthly_scores_planned_equals_executed(db, client, seed):
    rng = random.Random(seed)
    county = await make_county(db, f"考核计划县{seed}")
    other = await make_county(db, f"考核邻县{seed}")
    await _scored_month(county, rng)
    document = DOCUMENTS["assessment.graphql:MonthlyScores"]
    sites = [county.site_gid(k) for k in county.sites] + [other.site_gid("root"), "garbage"]
    served = 0
    for n in range(60):
        username = rng.choice([u for u, _ in ROLE_USERS.values()]) if n >= 6 else "admin"
        variables: dict = {"month": "2025-03" if n < 6 or rng.random() < 0.8 else "2025-02"}
        if n >= 6 and rng.random() < 0.1:
            variables["month"] = "2025-3x"
        if n >= 6 and rng.random() < 0.5:
            variables["siteId"] = rng.choice(sites)
        if n >= 6 and rng.random() < 0.6:
            variables["first"] = rng.choice([0, 1, 3, 50, 201])
        if n >= 6 and rng.random() < 0.4:
            variables["after"] = rng.choice([encode_cursor(rng.randint(0, 10)), "bad"])
        token = county.token(username)
        answer, by_plan = await _differ(client, document, variables, token)
        month = (answer.get("data") or {}).get("assessmentMonth")
        if "errors" not in answer and month and month["scores"]["edges"]:
            served += 1  # a page with rows must have come from the plan
            assert by_plan, variables
    assert served >= 6
