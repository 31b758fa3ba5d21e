"""The demo's casework: the county centre's service areas of 002 with their windows, township
windows, cases in every state that the demo accounts see, and a year of history across the
county shaped like 002's volumes."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from casework import numbers
from casework.common import local_day
from casework.demo_history import LABEL
from casework.models import (
    Case,
    CaseCount,
    CaseDay,
    CaseEvent,
    CaseSequence,
    CaseStatus,
    EventKind,
)
from network.demo_data import lianshui, township_populations
from network.models import Site, SiteLevel
from tenants.models import Tenant
from tests.support.graphql import gid, login, operation, run_operation
from workforce.models import Assignment, AssignmentKind, Post, Staff

DOCUMENT = operation("casework")
AREAS = {
    "商事登记区": 3,
    "医保人社区": 4,
    "不动产登记区": 4,
    "社会民生区": 6,
    "建设交通区": 2,
    "投资项目区": 2,
    "经济综合区": 2,
}
WINDOWS = """query($siteId: ID!) { windows(siteId: $siteId) { number kind area } }"""
CENTER = "{ countyCenter { id } }"


async def test_demo_windows_and_cases(demo_client):
    admin = await login(demo_client, "county-admin")
    root = (await run_operation(demo_client, CENTER, None, {}, admin))["countyCenter"]["id"]
    windows = (await run_operation(demo_client, WINDOWS, None, {"siteId": root}, admin))["windows"]
    comprehensive = Counter(w["area"] for w in windows if w["kind"] == "COMPREHENSIVE")
    assert dict(comprehensive) == AREAS
    assert {w["kind"] for w in windows} == {"COMPREHENSIVE", "DEDICATED", "ISSUE", "UNRESOLVED"}

    listed = await run_operation(demo_client, DOCUMENT, "Cases", {"first": 200}, admin)
    statuses = Counter(e["node"]["status"] for e in listed["cases"]["edges"])
    assert set(statuses) == {
        "ACCEPTED",
        "AWAITING_SUPPLEMENT",
        "APPROVED",
        "REFUSED",
        "ISSUED",
        "WITHDRAWN",
    }
    states = {e["node"]["deadlineState"] for e in listed["cases"]["edges"]}
    assert "OVERDUE" in states and "STOPPED" in states

    approver = await login(demo_client, "market-approver")
    queue = await run_operation(demo_client, DOCUMENT, "WorkQueue", {"first": 50}, approver)
    assert queue["workQueue"]["totalCount"] >= 3
    issuer = await login(demo_client, "county-issuer")
    to_issue = await run_operation(demo_client, DOCUMENT, "WorkQueue", {}, issuer)
    # The front desk's queue: results to issue and the supplement it awaits.
    assert {e["node"]["status"] for e in to_issue["workQueue"]["edges"]} == {
        "APPROVED",
        "REFUSED",
        "AWAITING_SUPPLEMENT",
    }
    case_id = listed["cases"]["edges"][0]["node"]["id"]
    detail = await run_operation(demo_client, DOCUMENT, "CaseDetail", {"id": case_id}, admin)
    assert detail["node"]["events"][0]["kind"] == "ACCEPTED"


async def test_demo_ratings_follow_ups_and_complaints(demo_client, demo_db):
    admin = await login(demo_client, "county-admin")
    follow_ups = await run_operation(
        demo_client, DOCUMENT, "RatingFollowUps", {"first": 200}, admin
    )
    statuses = {e["node"]["status"] for e in follow_ups["ratingFollowUps"]["edges"]}
    assert statuses == {"VERIFYING", "RECTIFYING", "REVISITING", "CLOSED"}
    complaints = await run_operation(
        demo_client,
        "{ complaints(first: 50) { edges { node { status tracker { name } site { level } } } } }",
        None,
        {},
        admin,
    )
    nodes = [e["node"] for e in complaints["complaints"]["edges"]]
    assert {n["status"] for n in nodes} == {"TRACKING", "RESOLVED"}
    assert {n["site"]["level"] for n in nodes} == {"COUNTY_CENTER", "TOWNSHIP_CENTER"}
    # 一跟到底: tracked by the county centre's managers (the townships of the demo have none
    # placed, so theirs go up to the county centre, as the rule says).
    async with demo_db.session(None) as session:
        tenant = (await session.execute(select(Tenant).where(Tenant.code == "320826"))).scalar_one()
    async with demo_db.session(tenant.id) as session:
        managers = set(
            (
                await session.execute(
                    select(Staff.name)
                    .join(Assignment, Assignment.staff_id == Staff.id)
                    .join(Site, Site.id == Assignment.site_id)
                    .where(
                        Assignment.post == Post.MANAGEMENT,
                        Site.level == SiteLevel.COUNTY_CENTER,
                    )
                )
            ).scalars()
        )
    assert "县中心值班主任" in managers
    assert {n["tracker"]["name"] for n in nodes} <= managers
    root = (await run_operation(demo_client, CENTER, None, {}, admin))["countyCenter"]["id"]
    today = date.today()  # clock-ok: the demo is dated from the day it is loaded
    year = {"siteId": root, "from": str(today - timedelta(days=500)), "to": str(today)}
    figures = (await run_operation(demo_client, DOCUMENT, "ServiceReport", year, admin))[
        "serviceReport"
    ]
    assert figures["accepted"] >= 240 and figures["badRatings"] >= 4
    assert 0.8 < figures["satisfactionRate"] < 1.0
    assert figures["verifiedRate"] < 1.0  # one bad rating still awaits verification


def _history():
    """The history's cases: their intake step was imported (``casework.demo_history``)."""
    intake = aliased(CaseEvent)
    return exists().where(intake.case_id == Case.id, intake.step == 1, intake.actor_label == LABEL)


def _china_day(instant: datetime) -> date:
    if instant.tzinfo is None:  # SQLite gives back naive UTC
        instant = instant.replace(tzinfo=UTC)
    return local_day(instant)


def _ranks(values: list[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


async def test_demo_history_is_a_year_across_the_county(demo_db):
    today = date.today()  # clock-ok: the demo is dated from the day it is loaded
    async with demo_db.session(None) as session:
        tenant = (await session.execute(select(Tenant).where(Tenant.code == "320826"))).scalar_one()
    async with demo_db.session(tenant.id) as session:
        sites = {s.id: s for s in (await session.execute(select(Site))).scalars()}
        cases = list((await session.execute(select(Case).where(_history()))).scalars())
        assert len(cases) > 2500
        first = min(c.accepted_on for c in cases)
        last = max(c.accepted_on for c in cases)
        assert timedelta(days=330) < last - first <= timedelta(days=366)
        assert last < today - timedelta(days=30)  # before the live cases

        per_site = Counter(c.site_id for c in cases)
        root = next(s for s in sites.values() if s.level is SiteLevel.COUNTY_CENTER)
        towns = [s for s in sites.values() if s.level is SiteLevel.TOWNSHIP_CENTER]
        subs = [s for s in sites.values() if s.level is SiteLevel.SUB_CENTER]
        assert all(per_site[t.id] > 0 for t in towns) and all(per_site[s.id] > 0 for s in subs)
        assert per_site[root.id] == max(per_site.values())
        # Townships roughly by population: the rank correlation is strong.
        keys = {s.name: s.key for s in lianshui().by_level("TOWNSHIP_CENTER")}
        populations = township_populations("320826")
        weights = [populations[keys[t.name]] for t in towns]
        volumes = [per_site[t.id] for t in towns]
        a, b = _ranks(weights), _ranks(volumes)
        n = len(towns)
        spearman = 1 - 6 * sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / (n * (n * n - 1))
        assert spearman > 0.8
        biggest = max(towns, key=lambda t: populations[keys[t.name]])
        assert per_site[biggest.id] == max(per_site[t.id] for t in towns)

        # Realistic shares: both kinds of matter, some of every outcome, most on time.
        kinds = Counter(c.handling_kind for c in cases)
        assert 0.2 < kinds["IMMEDIATE"] / len(cases) < 0.6
        statuses = Counter(c.status for c in cases)
        assert set(statuses) == {CaseStatus.ISSUED, CaseStatus.WITHDRAWN}
        assert sum(1 for c in cases if c.opinion and "不予" in c.opinion) > 10
        assert sum(1 for c in cases if c.supplement_items) > 50
        late = sum(1 for c in cases if c.decided_on and c.decided_on > c.due_date)
        assert 0 < late < 0.05 * len(cases)

        # 受理不审批、审批不出件: three people, each where they worked on that day.
        front = defaultdict(list)
        approvers = defaultdict(list)
        assignments = (
            await session.execute(
                select(Assignment).where(
                    Assignment.kind == AssignmentKind.REGULAR, Assignment.cancelled_at.is_(None)
                )
            )
        ).scalars()
        for a in assignments:
            (approvers if a.post is Post.APPROVAL else front)[(a.staff_id, a.site_id)].append(a)

        def placed(people, staff_id, site_id, day):
            return any(
                a.start_date <= day and (a.end_date is None or a.end_date >= day)
                for a in people[(staff_id, site_id)]
            )

        for case in cases:
            assert placed(front, case.accepted_by_id, case.site_id, case.accepted_on)
            if case.status is CaseStatus.WITHDRAWN:
                continue
            assert len({case.accepted_by_id, case.decided_by_id, case.issued_by_id}) == 3
            assert placed(approvers, case.decided_by_id, case.processing_site_id, case.decided_on)
            issued_on = _china_day(case.issued_at)
            assert placed(front, case.issued_by_id, case.site_id, issued_on)
            assert case.accepted_on <= case.decided_on <= issued_on < today
        steps = Counter(
            (
                await session.execute(
                    select(CaseEvent.kind)
                    .join(Case, Case.id == CaseEvent.case_id)
                    .where(_history())
                )
            ).scalars()
        )
        assert steps[EventKind.ACCEPTED] == len(cases)
        assert steps[EventKind.ISSUED] == statuses[CaseStatus.ISSUED]

        # Numbers: unique, per day from 0001, each day's sequence row at its last number (live
        # intakes included), so the next intake of a history day continues it.
        all_numbers = list((await session.execute(select(Case.number, Case.accepted_on))).all())
        assert len({n for n, _ in all_numbers}) == len(all_numbers)
        last_of_day: dict[date, int] = defaultdict(int)
        for number, day in all_numbers:
            assert number.startswith(f"320826-{day:%Y%m%d}-")
            last_of_day[day] = max(last_of_day[day], int(number.rsplit("-", 1)[1]))
        sequences = dict(
            (
                await session.execute(
                    select(CaseSequence.day, CaseSequence.last).where(CaseSequence.kind == "case")
                )
            ).all()
        )
        assert sequences == dict(last_of_day)
        busiest = max(last_of_day, key=lambda d: last_of_day[d])
        assert last_of_day[busiest] == len([d for _, d in all_numbers if d == busiest])
        # The maintained counts and days (``casework.counts``) hold every case, history included.
        total = (await session.execute(select(func.count()).select_from(Case))).scalar_one()
        counted = (await session.execute(select(func.sum(CaseCount.cases)))).scalar_one()
        assert counted == total
        by_status = Counter(
            dict(
                (
                    await session.execute(select(Case.status, func.count()).group_by(Case.status))
                ).all()
            )
        )
        counted_by_status = Counter()
        for status, n in (
            await session.execute(
                select(CaseCount.status, func.sum(CaseCount.cases)).group_by(CaseCount.status)
            )
        ).all():
            counted_by_status[status] = int(n)
        assert +counted_by_status == +by_status
        accepted, issued = (
            await session.execute(select(func.sum(CaseDay.accepted), func.sum(CaseDay.issued)))
        ).one()
        assert accepted == total
        issued_cases = (
            await session.execute(
                select(func.count()).select_from(Case).where(Case.issued_at.is_not(None))
            )
        ).scalar_one()
        assert issued == issued_cases
    async with demo_db.transaction(tenant.id) as session:
        following = await numbers.case_number(session, "320826", busiest)
        assert following == f"320826-{busiest:%Y%m%d}-{last_of_day[busiest] + 1:04d}"
        await session.rollback()


async def test_demo_history_reports_and_trail(demo_client, demo_db):
    admin = await login(demo_client, "county-admin")
    today = date.today()  # clock-ok: the demo is dated from the day it is loaded
    year = {"from": str(today - timedelta(days=364)), "to": str(today)}
    async with demo_db.session(None) as session:
        tenant = (await session.execute(select(Tenant).where(Tenant.code == "320826"))).scalar_one()
    async with demo_db.session(tenant.id) as session:
        root = (
            await session.execute(select(Site).where(Site.level == SiteLevel.COUNTY_CENTER))
        ).scalar_one()
        town = (await session.execute(select(Site).where(Site.name == "高沟镇"))).scalar_one()
        history = (
            await session.execute(
                select(func.count())
                .select_from(Case)
                .where(
                    _history(),
                    Case.site_id == town.id,
                    Case.accepted_on >= today - timedelta(days=364),
                )
            )
        ).scalar_one()
    figures = {}
    for site in (root, town):
        answer = await run_operation(
            demo_client, DOCUMENT, "ServiceReport", {"siteId": gid("Site", site.id), **year}, admin
        )
        figures[site.level] = answer["serviceReport"]
    county, township = figures[SiteLevel.COUNTY_CENTER], figures[SiteLevel.TOWNSHIP_CENTER]
    assert county["accepted"] > township["accepted"] >= history > 50
    for report in (county, township):
        assert report["issued"] > 0 and report["casesPerFrontStaffYear"] > 0
        assert 0.9 < report["onTimeRate"] <= 1.0
        assert 0.9 < report["satisfactionRate"] <= 1.0
    assert county["onTimeRate"] < 1.0
    assert county["badRatings"] > township["badRatings"] >= 0
    assert county["overdue"] > 0

    trail = await run_operation(demo_client, DOCUMENT, "AuditTrail", {"first": 1}, admin)
    assert trail["auditChain"]["verified"] is True
    assert trail["auditChain"]["firstBrokenAt"] is None
    assert trail["auditChain"]["length"] > 0
