"""服务报表 over a site's subtree and a period: cases, notices, deadlines, ratings and their
follow-up, the front desk's workload and the one-window ratio — through the service and the
contract's ServiceReport operation."""

from __future__ import annotations

from datetime import date

import pytest

from authz.errors import BadRequest, Forbidden
from casework import intake, ratings, report
from casework.models import RatingLevel
from catalog.effective import effective_catalog
from catalog.ratio import site_ratio
from tests.casework.world import World, build_world
from tests.support.casework import CIPHER, accept, applicant, at, decide, issue, pin_now
from tests.support.catalog import MARRIAGE, PENSION
from tests.support.graphql import error_code, gql, operation, run_operation

COUNTY_NAME = "报表县"
DOCUMENT = operation("casework")
MON = date(2025, 3, 3)
MARCH = (date(2025, 3, 1), date(2025, 3, 31))


async def _rate(county, case, receipt, level, day):
    async with county.db.transaction(county.tenant_id) as session:
        return await ratings.rate_case(session, CIPHER, case.number, receipt, level, None, at(day))


async def _follow(county, call):
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        return await call(session, admin)


@pytest.fixture(scope="module")
async def world(county) -> World:
    world = await build_world(county)
    on_time = await accept(county, world.desk, world.counter, at(MON))
    case = await decide(county, world.approver, on_time.case, at(date(2025, 3, 4)))
    case = await issue(county, world.issuer, case, world.issue_window, at(date(2025, 3, 4)))
    await _rate(county, case, on_time.receipt_code, RatingLevel.VERY_SATISFIED, date(2025, 3, 5))

    late = await accept(county, world.desk2, world.counter, at(MON))
    case = await decide(county, world.approver, late.case, at(date(2025, 3, 20)))
    case = await issue(county, world.issuer, case, world.issue_window, at(date(2025, 3, 20)))
    bad = await _rate(county, case, late.receipt_code, RatingLevel.DISSATISFIED, date(2025, 3, 21))
    follow_up = await _follow(
        county,
        lambda s, a: ratings.list_follow_ups(s, a, None, offset=0, limit=10),
    )
    (row,), _total = follow_up
    assert row.rating_id == bad.id
    await _follow(
        county,
        lambda s, a: ratings.verify_rating(s, a, row.id, True, "属实", at(date(2025, 3, 21))),
    )
    await _follow(
        county, lambda s, a: ratings.rectify_rating(s, a, row.id, "整改", at(date(2025, 3, 24)))
    )

    await accept(county, world.desk, world.counter, at(MON))  # still running, past due on 3/17
    town = await accept(
        county,
        world.town_desk,
        world.town_counter,
        at(date(2025, 3, 5)),
        matter=PENSION,
        received=["居民身份证", "户口簿"],
    )
    case = await decide(county, world.town_approver, town.case, at(date(2025, 3, 5), 15))
    await issue(county, world.town_issuer, case, world.town_issue, at(date(2025, 3, 5), 16))
    # Outside the period: nothing of it counts.
    await accept(county, world.desk, world.counter, at(date(2025, 4, 1)))
    async with county.db.transaction(county.tenant_id) as session:
        await intake.notify_missing(
            session,
            await world.desk.actor(),
            CIPHER,
            intake.NewNotice(
                window_id=world.counter.id,
                matter_code=MARRIAGE,
                applicant=applicant(),
                missing=["户口簿"],
            ),
            at(MON),
        )
    return world


async def _report(world, username, site, start=MARCH[0], end=MARCH[1]):
    county = world.county
    actor = await county.actor(username)
    async with county.db.session(county.tenant_id) as session:
        return await report.service_report(
            session, actor, county.sites[site].id, start, end, date(2025, 4, 10)
        )


async def test_the_county_centre_and_its_subtree(world):
    figures = await _report(world, "admin", "root")
    assert (figures.accepted, figures.issued, figures.notices) == (4, 3, 1)
    # Decided in March: on time (3/4), late (3/20, due 3/17), the township's immediate one.
    assert (figures.decided, figures.on_time_rate) == (3, 0.6667)
    # Late: the one decided late and the one still running past 3/17.
    assert figures.overdue == 2
    assert (figures.ratings, figures.satisfaction_rate, figures.bad_ratings) == (2, 0.5, 1)
    assert (figures.verified_rate, figures.rectified_rate, figures.revisited_rate) == (
        1.0,
        1.0,
        0.0,
    )
    # Front desk on 3/31: 收件甲, 收件乙, 出件丙 (county centre), 镇收件, 镇出件.
    assert figures.front_staff == 5
    assert figures.cases_per_front_staff_year == round(4 * 365 / 31 / 5, 1)
    county = world.county
    async with county.db.session(county.tenant_id) as session:
        folded = await effective_catalog(session, county.tenant_id, county.sites["root"].id)
    assert figures.one_window_ratio == round(site_ratio(folded).ratio, 4)


async def test_a_township_sees_its_own_figures(world):
    figures = await _report(world, "head_a", "town_a")
    assert (figures.accepted, figures.issued, figures.decided, figures.on_time_rate) == (
        1,
        1,
        1,
        1.0,
    )
    assert (figures.ratings, figures.satisfaction_rate, figures.verified_rate) == (0, None, None)
    assert figures.front_staff == 2
    with pytest.raises(Forbidden):
        await _report(world, "head_a", "root")
    empty = await _report(world, "admin", "root", date(2024, 1, 1), date(2024, 1, 31))
    assert (empty.accepted, empty.on_time_rate, empty.overdue) == (0, None, 0)
    with pytest.raises(BadRequest):
        await _report(world, "admin", "root", MARCH[1], MARCH[0])


async def test_service_report_through_graphql(world, client, monkeypatch):
    county = world.county
    pin_now(monkeypatch, date(2025, 4, 10))
    variables = {"siteId": county.site_gid("root"), "from": "2025-03-01", "to": "2025-03-31"}
    answer = await run_operation(
        client, DOCUMENT, "ServiceReport", variables, county.token("supervisor")
    )
    figures = answer["serviceReport"]
    assert (figures["accepted"], figures["issued"], figures["notices"]) == (4, 3, 1)
    assert (figures["onTimeRate"], figures["overdue"], figures["badRatings"]) == (0.6667, 2, 1)
    assert figures["revisitedRate"] == 0.0 and figures["casesPerFrontStaffYear"] == 9.4
    denied = await gql(
        client, DOCUMENT, variables, county.token("head_a"), operation_name="ServiceReport"
    )
    assert error_code(denied) == "FORBIDDEN"
    backwards = await gql(
        client,
        DOCUMENT,
        {**variables, "from": "2025-04-01"},
        county.token("admin"),
        operation_name="ServiceReport",
    )
    assert error_code(backwards) == "BAD_REQUEST"
