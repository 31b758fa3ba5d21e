"""The county's own calendar moves the due dates of the running cases it touches; the deadline
alerts (DUE_SOON, OVERDUE) are recorded once per case, state, due date and recipient — run
twice, or retried after a killed worker, on the inline runner and on arq with the real Redis."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date

import pytest
from sqlalchemy import func, select

from authz.errors import Forbidden
from casework import alerts, county_calendar
from casework.calendar import CHINA
from casework.jobs import alerts_for_every_county, deadline_alerts
from casework.models import AlertRecipient, Case, DeadlineAlert
from tests.casework.world import World, build_world
from tests.support.casework import accept, at, person, pin_now
from tests.support.errors import refused
from tests.support.graphql import error_code, gql
from tests.support.services import REDIS_URL, flush_redis_db, redis_available, require_or_skip
from workforce.models import Post

COUNTY_NAME = "预警县"
MON = date(2025, 3, 3)


@pytest.fixture(scope="module")
async def world(county) -> World:
    return await build_world(county)


async def _as_admin(county, call):
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        return await call(session, admin)


async def _case(county, case_id) -> Case:
    async with county.db.session(county.tenant_id) as session:
        return await session.get(Case, case_id)


async def test_a_local_closure_moves_running_due_dates(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    assert case.due_date == date(2025, 3, 17)
    closed = date(2025, 3, 12)  # a Wednesday the county closes (e.g. a local event)
    row = await _as_admin(
        county,
        lambda s, a: county_calendar.set_calendar_day(s, a, closed, False, "本地停止办公"),
    )
    assert (row.day, row.working) == (closed, False)
    assert (await _case(county, case.id)).due_date == date(2025, 3, 18)
    # A late schedule makes Saturday 3/15 a working day: due back on Monday 3/17.
    await _as_admin(
        county,
        lambda s, a: county_calendar.set_calendar_day(s, a, date(2025, 3, 15), True, "补班"),
    )
    assert (await _case(county, case.id)).due_date == date(2025, 3, 17)
    for day in (closed, date(2025, 3, 15)):
        await _as_admin(county, lambda s, a, d=day: county_calendar.remove_calendar_day(s, a, d))
    assert (await _case(county, case.id)).due_date == CHINA.add_working_days(MON, 10)
    missing = _as_admin(county, lambda s, a: county_calendar.remove_calendar_day(s, a, closed))
    assert await refused(missing) == [("day", "NOT_FOUND")]
    blank = _as_admin(
        county, lambda s, a: county_calendar.set_calendar_day(s, a, closed, False, "")
    )
    assert await refused(blank) == [("reason", "REQUIRED")]
    head = await county.actor("head_a")
    with pytest.raises(Forbidden):
        async with county.db.transaction(county.tenant_id) as session:
            await county_calendar.set_calendar_day(session, head, closed, False, "越权")


async def _alerts(county) -> list[DeadlineAlert]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(select(DeadlineAlert).order_by(DeadlineAlert.due_date))
        return list(rows.scalars())


async def test_alerts_are_recorded_once(db, client, monkeypatch):
    from tests.support.factories import make_county

    county = await make_county(db, "预警一次县")
    world = await build_world(county)
    manager = await person(county, "root", Post.MANAGEMENT, name="县中心主任")
    soon = (await accept(county, world.desk, world.counter, at(date(2025, 3, 3)))).case
    late = (await accept(county, world.desk, world.counter, at(date(2025, 2, 17)))).case
    await accept(county, world.desk, world.counter, at(date(2025, 3, 14)))  # not yet due
    today = date(2025, 3, 14)  # soon is due 3/17 (one working day left); late was due 3/3

    async with db.transaction(county.tenant_id) as session:
        assert await alerts.record_alerts(session, today) == 4
    async with db.transaction(county.tenant_id) as session:
        assert await alerts.record_alerts(session, today) == 0  # twice: nothing twice
    rows = await _alerts(county)
    assert {(r.case_id, r.state, r.recipient) for r in rows} == {
        (late.id, "OVERDUE", AlertRecipient.MANAGER),
        (late.id, "OVERDUE", AlertRecipient.SUPERVISOR),
        (soon.id, "DUE_SOON", AlertRecipient.MANAGER),
        (soon.id, "DUE_SOON", AlertRecipient.SUPERVISOR),
    }
    managers = {r.recipient_staff_id for r in rows if r.recipient is AlertRecipient.MANAGER}
    assert managers == {manager.staff.id}
    # The next working day the soon one is overdue too: told again, for that state.
    added = await alerts_for_every_county(db, date(2025, 3, 18))
    assert added[county.code] == 2
    assert (await alerts_for_every_county(db, date(2025, 3, 18)))[county.code] == 0

    pin_now(monkeypatch, today)
    query = (
        "{ deadlineAlerts(first: 50) { totalCount edges { node {"
        " state recipient case { number } recipientStaff { name } } } } }"
    )
    mine = await gql(client, query, token=manager.token())
    assert mine["data"]["deadlineAlerts"]["totalCount"] == 3
    overseen = await gql(client, query, token=county.token("supervisor"))
    assert overseen["data"]["deadlineAlerts"]["totalCount"] == 3
    assert {e["node"]["recipient"] for e in overseen["data"]["deadlineAlerts"]["edges"]} == {
        "SUPERVISOR"
    }
    nobody = await gql(client, query, token=world.desk.token())
    assert nobody["data"]["deadlineAlerts"]["totalCount"] == 0
    calendar = await gql(
        client,
        "mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) {"
        " calendarDay { day working reason } userErrors { code } } }",
        {"i": {"day": "2025-05-06", "working": False, "reason": "县庆"}},
        county.token("admin"),
    )
    assert calendar["data"]["setCalendarDay"]["calendarDay"] == {
        "day": "2025-05-06",
        "working": False,
        "reason": "县庆",
    }
    listed = await gql(
        client,
        '{ calendarDays(from: "2025-01-01", to: "2025-12-31") { day working } }',
        token=county.token("head_a"),
    )
    assert listed["data"]["calendarDays"] == [{"day": "2025-05-06", "working": False}]
    denied = await gql(
        client,
        "mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) { userErrors { code } } }",
        {"i": {"day": "2025-05-07", "working": False, "reason": "越权"}},
        county.token("head_a"),
    )
    assert error_code(denied) == "FORBIDDEN"


@pytest.fixture
def redis_url():
    require_or_skip(redis_available(REDIS_URL), "Redis")
    flush_redis_db(REDIS_URL)
    yield REDIS_URL
    flush_redis_db(REDIS_URL)


async def test_the_job_on_arq_twice_and_retried(db, settings, redis_url):
    """Enqueued twice under one id it runs once; under two ids (a retry after a killed
    worker, a second scheduler) it runs twice and records nothing twice."""
    from api.worker import create_worker
    from tests.support.factories import make_county
    from workers.queue import ArqQueue, queue_for

    county = await make_county(db, "队列预警县")
    world = await build_world(county)
    await person(county, "root", Post.MANAGEMENT, name="主任")
    await accept(county, world.desk, world.counter, at(date(2025, 2, 17)))
    arq_settings = replace(settings, redis_url=redis_url)
    queue = queue_for(arq_settings, db)
    assert isinstance(queue, ArqQueue)
    for job_id in ("alerts:2025-03-14", "alerts:2025-03-14", "alerts:2025-03-14:retry"):
        await queue.enqueue("deadline_alerts", job_id, day="2025-03-14")
    worker = create_worker(arq_settings, burst=True, db=db)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert worker.jobs_complete == 2
    async with db.session(county.tenant_id) as session:
        count = await session.execute(select(func.count()).select_from(DeadlineAlert))
        assert count.scalar_one() == 2  # one overdue case: its manager and the supervisors

    # A killed worker's job runs again from the start: still nothing twice.
    await deadline_alerts({"db": db}, day="2025-03-14")
    async with db.session(county.tenant_id) as session:
        count = await session.execute(select(func.count()).select_from(DeadlineAlert))
        assert count.scalar_one() == 2


async def test_the_inline_scheduler_runs_the_job_off_the_serving_loop(db, settings, monkeypatch):
    """The embedded default's hourly run goes to the inline queue's threads, for the app
    clock's day."""
    import threading
    from datetime import datetime

    from casework.jobs import inline_alerts
    from tests.support.factories import make_county
    from workers.queue import drain_inline_jobs

    county = await make_county(db, "内联预警县")
    world = await build_world(county)
    await person(county, "root", Post.MANAGEMENT, name="主任")
    await accept(county, world.desk, world.counter, at(date(2025, 2, 17)))  # due 3/3
    threads: list[str] = []
    original = alerts.record_alerts

    async def observed(session, today):
        threads.append(threading.current_thread().name)
        return await original(session, today)

    monkeypatch.setattr("casework.jobs.record_alerts", observed)
    clock = lambda: datetime(2025, 3, 14, 2, 0, tzinfo=UTC)  # noqa: E731
    async with inline_alerts(settings, clock, interval=3600):
        await asyncio.sleep(0)  # the scheduler's task starts its first run
        await drain_inline_jobs()
    assert threads and all(name.startswith("onewindow-job") for name in threads)
    async with db.session(county.tenant_id) as session:
        count = await session.execute(select(func.count()).select_from(DeadlineAlert))
        assert count.scalar_one() == 2  # the overdue case: its manager and the supervisors


def test_the_worker_knows_the_job_and_its_schedule():
    from api.worker import WorkerSettings

    assert "deadline_alerts" in [f.__name__ for f in WorkerSettings.functions]
    assert [c.name for c in WorkerSettings.cron_jobs] == ["deadline_alerts_cron"]
