"""A person's inputs are bounded by what the domain allows: nobody is hired before the birth date
in their ID number (nor before 16), and their posts are a set of ``Post`` values."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.support.errors import refused
from tests.support.factories import County
from tests.support.graphql import gid, gql
from tests.support.workforce import CIPHER, hire, id_number
from workforce import staff as staff_service
from workforce.models import Post, Staff
from workforce.personal import age_on

COUNTY_NAME = "界限人员县"
HIRE = """mutation($input: HireStaffInput!) { hireStaff(input: $input) {
  staff { id posts } userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateStaffInput!) { updateStaff(input: $input) {
  staff { posts } userErrors { field code message } } }"""


async def _people(county: County) -> int:
    async with county.db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(Staff))).scalar_one()


def _hire_input(county: County, **overrides) -> dict:
    data = {
        "name": "赵六",
        "idNumber": id_number(date(1990, 3, 15)),
        "education": "BACHELOR",
        "employmentType": "LABOUR_DISPATCH",
        "employer": "某人力资源服务有限公司",
        "hireDate": "2025-01-06",
        "siteId": county.site_gid("town_a"),
        "post": "INTAKE",
    }
    data.update(overrides)
    return data


def test_age_in_whole_years():
    assert age_on(date(2000, 2, 29), date(2016, 2, 28)) == 15
    assert age_on(date(2000, 2, 29), date(2016, 2, 29)) == 16
    assert age_on(date(2000, 3, 15), date(2016, 3, 14)) == 15
    assert age_on(date(2000, 3, 15), date(2016, 3, 15)) == 16


@pytest.mark.parametrize(
    "hired",
    [date(1980, 1, 1), date(1990, 3, 14), date(2006, 3, 14)],
    ids=["before-birth", "day-before-birth", "day-before-16th-birthday"],
)
async def test_hire_before_working_age_is_refused(county, hired):
    before = await _people(county)
    errors = await refused(hire(county, hire_date=hired, number=id_number(date(1990, 3, 15))))
    assert errors == [("hireDate", "UNDER_WORKING_AGE")]
    assert await _people(county) == before


async def test_hire_on_the_16th_birthday_is_accepted(county):
    person = await hire(county, hire_date=date(2006, 3, 15), number=id_number(date(1990, 3, 15)))
    assert person.hire_date == date(2006, 3, 15)


async def test_hire_before_birth_through_graphql(client, county):
    before = await _people(county)
    result = await gql(
        client, HIRE, {"input": _hire_input(county, hireDate="1985-06-01")}, county.token("admin")
    )
    payload = result["data"]["hireStaff"]
    assert payload["staff"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("hireDate", "UNDER_WORKING_AGE")
    ]
    assert "出生日期" in payload["userErrors"][0]["message"]
    assert await _people(county) == before


async def test_5000_posts_on_hire_are_refused(client, county):
    before = await _people(county)
    posts = [p.value for p in Post] * 625  # 5,000
    result = await gql(
        client, HIRE, {"input": _hire_input(county, posts=posts)}, county.token("admin")
    )
    payload = result["data"]["hireStaff"]
    assert payload["staff"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("posts", "TOO_MANY_POSTS")]
    assert await _people(county) == before


async def test_every_post_once_and_repeats_are_accepted_as_a_set(client, county):
    every = [p.value for p in Post]
    result = await gql(
        client,
        HIRE,
        # APPROVAL among them: a civil servant (审批 is the civil servants', 000)
        {"input": _hire_input(county, posts=every, employmentType="CIVIL_SERVANT")},
        county.token("admin"),
    )
    assert result["data"]["hireStaff"]["userErrors"] == []
    assert sorted(result["data"]["hireStaff"]["staff"]["posts"]) == sorted(every)
    repeated = await gql(
        client,
        HIRE,
        {"input": _hire_input(county, posts=["ISSUE", "ISSUE", "INTAKE"])},
        county.token("admin"),
    )
    assert repeated["data"]["hireStaff"]["staff"]["posts"] == ["INTAKE", "ISSUE"]


async def test_5000_posts_on_update_are_refused(client, county):
    person = await hire(county, name="孙八", posts=())
    result = await gql(
        client,
        UPDATE,
        {"input": {"id": gid("Staff", person.id), "posts": ["ISSUE"] * 5000}},
        county.token("admin"),
    )
    assert result["data"]["updateStaff"]["staff"] is None
    assert [(e["field"], e["code"]) for e in result["data"]["updateStaff"]["userErrors"]] == [
        ("posts", "TOO_MANY_POSTS")
    ]
    async with county.db.session(county.tenant_id) as session:
        assert (await session.get(Staff, person.id)).posts == ["INTAKE"]


async def test_too_many_posts_through_the_service(county):
    person = await hire(county, name="周九")
    async with county.db.transaction(county.tenant_id) as session:
        errors = await refused(
            staff_service.update_staff(
                session,
                await county.actor("admin"),
                CIPHER,
                person.id,
                posts=[Post.ISSUE] * (len(Post) + 1),
            )
        )
    assert errors == [("posts", "TOO_MANY_POSTS")]
