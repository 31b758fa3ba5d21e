"""Posts and the two teams (000), who does what (001 §四(二)1, §四(四)1) and the head's prior
opinion: each person's qualified posts and employment type bound hire, assign, redeploy and
cover; a township head staffs its own township; nobody reviews their own proposal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from authz.errors import Forbidden
from tenants.models import Tenant
from tests.support.errors import refused
from tests.support.graphql import gid, gql
from tests.support.workforce import CIPHER, hire, id_number, pin_today
from workforce import assignments, heads, redeployment
from workforce import staff as staff_service
from workforce.assignments import NewAssignment
from workforce.models import AssignmentKind, Education, EmploymentType, Post, Staff

COUNTY_NAME = "岗位县"
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    pin_today(monkeypatch, TODAY)


def _new(county, site: str, post: Post, employment: EmploymentType, posts=()):
    return staff_service.NewStaff(
        name="新人",
        id_number=id_number(),
        phone=None,
        education=Education.BACHELOR,
        employment_type=employment,
        employer="某单位",
        hire_date=TODAY,
        site_id=county.sites[site].id,
        post=post,
        posts=list(posts),
    )


async def _hire(county, actor: str, data):
    async with county.db.transaction(county.tenant_id) as session:
        return await staff_service.hire_staff(session, await county.actor(actor), CIPHER, data)


async def _assign(county, actor, person, site, post, kind, start=TODAY, end=None):
    async with county.db.transaction(county.tenant_id) as session:
        return await assignments.assign_staff(
            session,
            await county.actor(actor),
            NewAssignment(person.id, county.sites[site].id, post, kind, start, end),
        )


def test_the_posts_include_handheld_handling():
    assert Post.MOBILE.value == "MOBILE"  # 掌办 (001)


async def test_approval_is_for_civil_servants(county):
    assert await refused(
        _hire(county, "admin", _new(county, "root", Post.APPROVAL, EmploymentType.TEMPORARY))
    ) == [("post", "POST_NOT_FOR_EMPLOYMENT")]
    assert await refused(
        _hire(
            county,
            "admin",
            _new(county, "root", Post.INTAKE, EmploymentType.TEMPORARY, [Post.APPROVAL]),
        )
    ) == [("posts", "POST_NOT_FOR_EMPLOYMENT")]
    approver = await _hire(
        county, "admin", _new(county, "sub", Post.APPROVAL, EmploymentType.CIVIL_SERVANT)
    )
    assert approver.posts == ["APPROVAL"]
    dispatched = await hire(county, "town_a", name="派遣", posts=(Post.INTAKE,))
    async with county.db.transaction(county.tenant_id) as session:
        # A record from before the rule: approval among a labour-dispatch person's posts.
        row = await session.get(Staff, dispatched.id)
        row.posts = ["APPROVAL", "INTAKE"]
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            redeployment.redeploy(
                session,
                await county.actor("admin"),
                effective_date=TODAY + timedelta(days=1),
                reason="调整",
                moves=[redeployment.Move(dispatched.id, county.sites["sub"].id, Post.APPROVAL)],
            )
        ) == [("moves[0].post", "POST_NOT_FOR_EMPLOYMENT")]


async def test_a_county_may_open_approval_to_other_types(db):
    from tests.support.factories import make_county

    county = await make_county(db, "政策县")
    async with db.transaction(county.tenant_id) as session:
        tenant = await session.get(Tenant, county.tenant_id)
        settings = dict(tenant.settings or {})
        settings["workforce"] = {
            **settings.get("workforce", {}),
            "approval_employment_types": ["CIVIL_SERVANT", "PURCHASED_SERVICE"],
        }
        tenant.settings = settings
    made = await _hire(
        county, "admin", _new(county, "sub", Post.APPROVAL, EmploymentType.PURCHASED_SERVICE)
    )
    assert made.posts == ["APPROVAL"]


async def test_assign_redeploy_and_cover_check_the_persons_posts(county):
    person = await hire(county, "town_a", name="单岗", posts=(Post.INTAKE,))
    for kind, site, end in (
        (AssignmentKind.TEMPORARY_COVER, "town_b", TODAY + timedelta(days=3)),
        (AssignmentKind.REGULAR, "town_b", None),
    ):
        assert await refused(
            _assign(county, "admin", person, site, Post.AGENCY, kind, end=end)
        ) == [("post", "POST_NOT_HELD")]
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            redeployment.redeploy(
                session,
                await county.actor("admin"),
                effective_date=TODAY + timedelta(days=1),
                reason="调整",
                moves=[redeployment.Move(person.id, county.sites["sub"].id, Post.ISSUE)],
            )
        ) == [("moves[0].post", "POST_NOT_HELD")]
    made = await _assign(
        county,
        "admin",
        person,
        "town_b",
        Post.INTAKE,
        AssignmentKind.TEMPORARY_COVER,
        end=TODAY + timedelta(days=3),
    )
    assert made.post is Post.INTAKE


async def test_a_township_head_staffs_its_own_township(county):
    made = await _hire(
        county, "head_a", _new(county, "village_a1", Post.INTAKE, EmploymentType.TEMPORARY)
    )
    assert made.id is not None
    with pytest.raises(Forbidden):
        await _hire(county, "head_a", _new(county, "town_b", Post.INTAKE, EmploymentType.TEMPORARY))
    own = await hire(county, "town_a", name="本镇")
    other = await hire(county, "town_b", name="他镇")
    cover = await _assign(
        county,
        "head_a",
        own,
        "village_a2",
        Post.INTAKE,
        AssignmentKind.TEMPORARY_COVER,
        end=TODAY + timedelta(days=5),
    )
    assert cover.site_id == county.sites["village_a2"].id
    moved = await _assign(
        county,
        "head_a",
        own,
        "village_a1",
        Post.ISSUE,
        AssignmentKind.REGULAR,
        start=TODAY + timedelta(days=7),
    )
    assert moved.site_id == county.sites["village_a1"].id
    # Another township's person is the county office's to move (county-wide redeployment).
    with pytest.raises(Forbidden):
        await _assign(
            county,
            "head_a",
            other,
            "town_a",
            Post.INTAKE,
            AssignmentKind.TEMPORARY_COVER,
            end=TODAY + timedelta(days=5),
        )
    with pytest.raises(Forbidden):
        async with county.db.transaction(county.tenant_id) as session:
            await redeployment.redeploy(
                session,
                await county.actor("head_a"),
                effective_date=TODAY + timedelta(days=1),
                reason="跨镇",
                moves=[redeployment.Move(own.id, county.sites["village_a2"].id, Post.INTAKE)],
            )


async def test_the_county_offices_opinion_comes_first(county):
    admin, head = await county.actor("admin"), await county.actor("head_a")
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            heads.propose_head(
                session,
                head,
                site_id=county.sites["town_a"].id,
                staff_id=None,
                person_name="倒签",
                effective_date=TODAY - timedelta(days=10),
                reason=None,
            )
        ) == [("effectiveDate", "BEFORE_OPINION")]
    async with county.db.transaction(county.tenant_id) as session:
        own = await heads.propose_head(
            session,
            admin,
            site_id=county.sites["town_b"].id,
            staff_id=None,
            person_name="自荐",
            effective_date=TODAY + timedelta(days=10),
            reason=None,
        )
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            heads.review_head(session, admin, own.id, agree=True, reason=None)
        ) == [("appointmentId", "SELF_REVIEW")]


async def test_an_opinion_after_the_date_is_refused(county, monkeypatch):
    head, admin = await county.actor("head_a"), await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        proposed = await heads.propose_head(
            session,
            head,
            site_id=county.sites["town_a"].id,
            staff_id=None,
            person_name="过期",
            effective_date=TODAY + timedelta(days=2),
            reason=None,
        )
    pin_today(monkeypatch, TODAY + timedelta(days=5))
    async with county.db.transaction(county.tenant_id) as session:
        assert await refused(
            heads.review_head(session, admin, proposed.id, agree=True, reason=None)
        ) == [("appointmentId", "BEFORE_OPINION")]
    async with county.db.transaction(county.tenant_id) as session:
        await heads.review_head(session, admin, proposed.id, agree=False, reason="请重新提名")


HIRE = """mutation($i: HireStaffInput!) { hireStaff(input: $i) {
  staff { id posts } userErrors { field code message } } }"""


async def test_posts_and_rights_through_graphql(county, client):
    data = {
        "name": "临聘审批",
        "idNumber": id_number(),
        "education": "COLLEGE",
        "employmentType": "TEMPORARY",
        "employer": "甲镇人民政府",
        "hireDate": TODAY.isoformat(),
        "siteId": county.site_gid("town_a"),
        "post": "APPROVAL",
    }
    refused_hire = await gql(client, HIRE, {"i": data}, county.token("head_a"))
    payload = refused_hire["data"]["hireStaff"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("post", "POST_NOT_FOR_EMPLOYMENT")
    ]
    hired = await gql(
        client,
        HIRE,
        {"i": {**data, "post": "MOBILE", "posts": ["INTAKE"]}},
        county.token("head_a"),
    )
    assert hired["data"]["hireStaff"]["staff"]["posts"] == ["INTAKE", "MOBILE"]
    staff_id = hired["data"]["hireStaff"]["staff"]["id"]
    cover = await gql(
        client,
        """mutation($i: AssignStaffInput!) { assignStaff(input: $i) {
          assignment { id } userErrors { field code } } }""",
        {
            "i": {
                "staffId": staff_id,
                "siteId": county.site_gid("village_a1"),
                "post": "AGENCY",
                "kind": "TEMPORARY_COVER",
                "startDate": TODAY.isoformat(),
                "endDate": (TODAY + timedelta(days=2)).isoformat(),
            }
        },
        county.token("head_a"),
    )
    assert cover["data"]["assignStaff"]["userErrors"] == [
        {"field": "post", "code": "POST_NOT_HELD"}
    ]
    certified = await gql(
        client,
        """mutation($i: RecordCertificateInput!) { recordCertificate(input: $i) {
          staff { skillLevel } userErrors { code } } }""",
        {
            "i": {
                "staffId": staff_id,
                "level": "LEVEL_5",
                "number": f"GQL-{gid('x', 1)[:6]}",
                "issuedOn": TODAY.isoformat(),
            }
        },
        county.token("head_a"),
    )
    assert certified["data"]["recordCertificate"]["staff"] == {"skillLevel": "LEVEL_5"}
