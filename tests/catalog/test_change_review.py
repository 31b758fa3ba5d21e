"""Reviewing catalog changes (issue 10): nothing to change is refused, a stale base is a
CONFLICT that says what changed (also under concurrency, on PostgreSQL), a proposer withdraws,
reviewers read a diff in words."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from api.gql.errors import run_change
from api.gql.ids import parse_global_id
from catalog import changes, withdrawal
from catalog.models import ChangeKind, ChangeRequest, ChangeStatus, MatterOverride
from tenants.errors import UserErrors
from tests.support.catalog import EMPLOYMENT, MARRIAGE, PENSION, mutate, override, setup_catalog
from tests.support.factories import County, make_county
from tests.support.graphql import gql

COUNTY_NAME = "审核县"

CHANGE = """query($id: ID!) { node(id: $id) { ... on CatalogChange {
  status proposedAt withdrawnAt proposer { username } reviewer { username }
  diff { field label before after } conflicts { field label before after } } } }"""


@pytest.fixture(scope="module")
async def catalog(county: County):
    return await setup_catalog(county)


async def review(client, county, change_id: str, approve: bool = True, comment: str = "同意"):
    result = await mutate(
        client,
        county,
        "admin",
        "reviewChange",
        "ReviewChangeInput",
        {"changeId": change_id, "approve": approve, "comment": comment},
    )
    return result["data"]["reviewChange"]


async def test_update_matter_without_a_change_is_refused(county, catalog, client):
    empty = await mutate(
        client, county, "dept", "updateMatter", "UpdateMatterInput", {"code": PENSION}
    )
    assert [e["code"] for e in empty["data"]["updateMatter"]["userErrors"]] == ["NO_CHANGE"]
    same = await mutate(
        client,
        county,
        "dept",
        "updateMatter",
        "UpdateMatterInput",
        {"code": PENSION, "promisedLimitDays": 5, "legalLimitDays": 15},
    )
    assert [e["code"] for e in same["data"]["updateMatter"]["userErrors"]] == ["NO_CHANGE"]
    actor = await county.actor("dept")
    with pytest.raises(UserErrors) as refused:
        async with county.db.transaction(county.tenant_id) as session:
            await changes.propose(session, actor, ChangeKind.UPDATE_MATTER, {"code": PENSION})
    assert refused.value.errors[0].code == "NO_CHANGE"


async def test_reviewers_read_a_diff_in_words(county, catalog, client):
    moved = await mutate(
        client,
        county,
        "admin",
        "updateMatter",
        "UpdateMatterInput",
        {"code": EMPLOYMENT, "departmentId": catalog.department_gid("civil")},
    )
    node = (
        await gql(
            client,
            CHANGE,
            {"id": moved["data"]["updateMatter"]["change"]["id"]},
            county.token("supervisor"),
        )
    )["data"]["node"]
    assert node["reviewer"] == {"username": "admin"}
    assert node["diff"] == [
        {"field": "departmentId", "label": "实施部门", "before": "人社局", "after": "民政局"}
    ]
    proposal = await mutate(
        client,
        county,
        "dept",
        "updateMatter",
        "UpdateMatterInput",
        {"code": PENSION, "promisedLimitDays": 3, "online": True},
    )
    change = proposal["data"]["updateMatter"]["change"]
    assert change["status"] == "PENDING"
    node = (await gql(client, CHANGE, {"id": change["id"]}, county.token("admin")))["data"]["node"]
    assert node["proposer"] == {"username": "dept"} and node["reviewer"] is None
    assert node["proposedAt"].endswith("+00:00")
    assert node["diff"] == [
        {
            "field": "promisedLimitDays",
            "label": "承诺办结时限",
            "before": "5 个工作日",
            "after": "3 个工作日",
        },
        {"field": "online", "label": "可网上办理", "before": "否", "after": "是"},
    ]
    withdrawn = await mutate(
        client,
        county,
        "dept",
        "withdrawChange",
        "WithdrawChangeInput",
        {"changeId": change["id"], "reason": "部门调整未定"},
    )
    assert withdrawn["data"]["withdrawChange"]["change"]["status"] == "WITHDRAWN"
    override_change = await override(
        client,
        county,
        "head_a",
        "town_a",
        MARRIAGE,
        note="周六办理",
        materials=[{"name": "户口簿", "note": "可复印"}],
    )
    node = (
        await gql(client, CHANGE, {"id": override_change["change"]["id"]}, county.token("admin"))
    )["data"]["node"]
    assert node["diff"] == [
        {"field": "note", "label": "本级说明", "before": None, "after": "周六办理"},
        {
            "field": "materials[户口簿]",
            "label": "材料「户口簿」",
            "before": None,
            "after": "说明:可复印",
        },
    ]


async def test_withdraw_is_the_proposer_s(county, catalog, client):
    change = (await override(client, county, "head_a", "town_a", PENSION, note="撤回试验"))[
        "change"
    ]
    other = await mutate(
        client, county, "admin", "withdrawChange", "WithdrawChangeInput", {"changeId": change["id"]}
    )
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unseen = await mutate(
        client, county, "dept", "withdrawChange", "WithdrawChangeInput", {"changeId": change["id"]}
    )
    assert [e["code"] for e in unseen["data"]["withdrawChange"]["userErrors"]] == ["NOT_FOUND"]
    mine = await mutate(
        client,
        county,
        "head_a",
        "withdrawChange",
        "WithdrawChangeInput",
        {"changeId": change["id"]},
    )
    assert mine["data"]["withdrawChange"]["change"]["status"] == "WITHDRAWN"
    twice = await mutate(
        client,
        county,
        "head_a",
        "withdrawChange",
        "WithdrawChangeInput",
        {"changeId": change["id"]},
    )
    assert [e["code"] for e in twice["data"]["withdrawChange"]["userErrors"]] == [
        "ALREADY_WITHDRAWN"
    ]
    late = await review(client, county, change["id"])
    assert [e["code"] for e in late["userErrors"]] == ["ALREADY_WITHDRAWN"]
    node = (await gql(client, CHANGE, {"id": change["id"]}, county.token("head_a")))["data"]["node"]
    assert node["status"] == "WITHDRAWN" and node["withdrawnAt"].endswith("+00:00")
    # Through the service: a reviewed change cannot be withdrawn.
    approved = (await override(client, county, "head_a", "town_a", PENSION, note="已审"))["change"]
    assert (await review(client, county, approved["id"]))["change"]["status"] == "APPROVED"
    actor = await county.actor("head_a")
    with pytest.raises(UserErrors) as refused:
        async with county.db.transaction(county.tenant_id) as session:
            await withdrawal.withdraw(session, actor, parse_global_id(approved["id"])[1])
    assert refused.value.errors[0].code == "ALREADY_REVIEWED"


async def test_stale_base_is_a_conflict_with_what_changed(county, catalog, client):
    first = (await override(client, county, "head_a", "town_a", MARRIAGE, promisedLimitDays=8))[
        "change"
    ]
    second = (await override(client, county, "head_a", "town_a", MARRIAGE, promisedLimitDays=6))[
        "change"
    ]
    assert (await review(client, county, first["id"]))["change"]["status"] == "APPROVED"
    node = (await gql(client, CHANGE, {"id": second["id"]}, county.token("admin")))["data"]["node"]
    assert node["conflicts"] == [
        {
            "field": "promisedLimitDays",
            "label": "承诺办结时限",
            "before": None,
            "after": "8 个工作日",
        }
    ]
    refused = await review(client, county, second["id"])
    assert refused["change"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("promisedLimitDays", "CONFLICT")
    ]
    assert "8 个工作日" in refused["userErrors"][0]["message"]
    # Still pending: the reviewer may reject it, the proposer withdraw it.
    rejected = await review(client, county, second["id"], approve=False, comment="已按 8 天调整")
    assert rejected["change"]["status"] == "REJECTED"
    # A change to another field of the same override is not stale.
    third = (await override(client, county, "head_a", "town_a", MARRIAGE, note="另一要素"))[
        "change"
    ]
    fourth = (await override(client, county, "head_a", "town_a", MARRIAGE, promisedLimitDays=7))[
        "change"
    ]
    assert (await review(client, county, fourth["id"]))["change"]["status"] == "APPROVED"
    assert (await review(client, county, third["id"]))["change"]["status"] == "APPROVED"


@pytest.mark.postgresql_only
async def test_two_contradictory_approvals_at_once_one_wins(db):
    """Two pending changes of one matter at one site, approved at the same moment in two
    transactions: the county lock orders them, the second sees a stale base."""
    county = await make_county(db, "并发审核县")
    await setup_catalog(county, publish=False)
    admin = await county.actor("admin")
    for trial in range(4):
        proposed = []
        for days in (9 - trial, 7 - trial):
            actor = await county.actor("head_a")
            async with db.transaction(county.tenant_id) as session:
                change = await changes.propose(
                    session,
                    actor,
                    ChangeKind.OVERRIDE_MATTER,
                    {
                        "site_id": str(county.sites["town_a"].id),
                        "matter_code": MARRIAGE,
                        "promised_limit_days": days,
                        "note": f"第 {trial} 轮",
                    },
                )
                proposed.append(change.id)

        async def approve(change_id):
            async def run(session):
                await changes.review(session, admin, change_id, True, None)
                await asyncio.sleep(0.05)  # hold the lock while the other one waits

            _, errors = await run_change(lambda: db.transaction(county.tenant_id), run)
            return [e.code for e in errors]

        outcomes = await asyncio.gather(*(approve(c) for c in proposed))
        assert sorted(outcomes, key=len) == [[], ["CONFLICT", "CONFLICT"]], outcomes
        async with db.session(county.tenant_id) as session:
            statuses = [(await session.get(ChangeRequest, c)).status for c in proposed]
            assert sorted(statuses) == [ChangeStatus.APPROVED, ChangeStatus.PENDING]
            winner = proposed[statuses.index(ChangeStatus.APPROVED)]
            row = (
                await session.execute(
                    select(MatterOverride).where(
                        MatterOverride.site_id == county.sites["town_a"].id,
                        MatterOverride.matter_code == MARRIAGE,
                    )
                )
            ).scalar_one()
            won = await session.get(ChangeRequest, winner)
            assert row.promised_limit_days == won.payload["promised_limit_days"]
        # Clear the loser for the next trial.
        async with db.transaction(county.tenant_id) as session:
            for c in proposed:
                if c != winner:
                    await changes.review(session, admin, c, False, "重复")


async def test_departments_are_a_connection(county, catalog, client):
    first = await gql(
        client,
        "{ departments(first: 2) { totalCount edges { node { name } }"
        " pageInfo { hasNextPage endCursor } } }",
        token=county.token("staff_a1"),
    )
    page = first["data"]["departments"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        client,
        "query($after: String) { departments(first: 2, after: $after) { edges { node { name } }"
        " pageInfo { hasNextPage } } }",
        {"after": page["pageInfo"]["endCursor"]},
        county.token("staff_a1"),
    )
    names = [e["node"]["name"] for e in page["edges"] + rest["data"]["departments"]["edges"]]
    assert sorted(names) == sorted(["人社局", "民政局", "市场监管局"])
    assert rest["data"]["departments"]["pageInfo"]["hasNextPage"] is False
    too_many = await gql(
        client, "{ departments(first: 500) { totalCount } }", token=county.token("admin")
    )
    assert too_many["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"


async def test_releases_name_their_publisher(county, catalog, client):
    result = await gql(
        client,
        "{ catalogReleases(first: 1) { edges { node { number publishedAt"
        " publisher { username displayName } } } } }",
        token=county.token("supervisor"),
    )
    node = result["data"]["catalogReleases"]["edges"][0]["node"]
    assert node["publisher"]["username"] == "admin"
    assert node["publishedAt"].endswith("+00:00")
