"""Assessment and pay at county scale (issue 12): a county of 2,000 window staff with a month of
events (10 per person), on a fresh PostgreSQL database (or SQLite with ``--sqlite``):

- ``closeAssessmentMonth``'s job end to end (job row, queue, scoring, grading, rewards, one
  transaction replacing the month's 2,000 results), three runs (the first, then recomputes);
- ``runPayroll``'s job end to end, three runs (after the month is published);
- ``MonthlyScores`` (the contract's document), first page of 50, over HTTP in-process: p50.

Run: ``python -m bench.assessment_pay [--staff 2000] [--events 10] [--sqlite]``. Not a test: it
needs the PostgreSQL of ``infra/dev-services`` (as the test suite does) and takes a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import insert

from api.app import create_app
from api.settings import Settings
from assessment import monthly
from assessment.jobs import close_assessment_month
from assessment.models import AssessmentEvent, EventSource
from assessment.recording import event_points
from assessment.rubric import rubric_in_force
from bench.server import analyze
from migrations.runner import upgrade
from pay.jobs import run_payroll
from tenants.database import Database
from tenants.errors import Collector
from tests.support.factories import TEST_SECRET, make_county
from tests.support.graphql import operation
from tests.support.services import create_test_database
from workers.jobs import submit
from workers.queue import InlineQueue, warm_inline_jobs
from workforce import common
from workforce.models import (
    Assignment,
    AssignmentKind,
    Certificate,
    Education,
    EmploymentType,
    Gender,
    Post,
    SkillLevel,
    Staff,
    StaffStatus,
)

MONTH = date(2026, 1, 1)
ITEMS = (
    ("1.1", None),
    ("1.4", None),
    ("3.1", None),
    ("4.3", None),
    ("4.4", None),
    ("5.4", None),
    ("2.4", 2),
    ("6.2", 2),
    ("6.2", 5),
    ("6.4", None),
)


async def populate(db: Database, county, staff_count: int, per_person: int) -> None:
    rng = random.Random(12)
    sites = [county.sites[k].id for k in county.sites]
    people, assignments, certificates, events = [], [], [], []
    async with db.session(county.tenant_id) as session:
        rubric = await rubric_in_force(session, MONTH)
    items = rubric.items()
    for i in range(staff_count):
        sid = uuid.uuid4()
        people.append(
            {
                "id": sid,
                "tenant_id": county.tenant_id,
                "name": f"人员{i:04d}",
                "gender": Gender.FEMALE,
                "birth_date": date(1990, 1, 1),
                "id_number_cipher": "x",
                "id_number_hash": uuid.uuid4().hex,
                "id_number_masked": "320826********0000",
                "education": Education.BACHELOR,
                "employment_type": EmploymentType.LABOUR_DISPATCH,
                "employer": "某公司",
                "hire_date": date(2020, 1, 1) if i % 3 else date(2025, 6, 1),
                "posts": ["INTAKE"],
                "status": StaffStatus.ACTIVE,
            }
        )
        assignments.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": county.tenant_id,
                "staff_id": sid,
                "site_id": sites[i % len(sites)],
                "post": Post.INTAKE,
                "kind": AssignmentKind.REGULAR,
                "start_date": date(2020, 1, 1),
                "created_by": "bench",
            }
        )
        if i % 2:
            certificates.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": county.tenant_id,
                    "staff_id": sid,
                    "level": SkillLevel.LEVEL_4,
                    "number": f"B{i:06d}",
                    "issued_on": date(2019, 12, 1),
                    "recorded_by": "bench",
                }
            )
        for _ in range(per_person):
            code, points = rng.choice(ITEMS)
            scored = event_points(items[code], 1, points, Collector())
            assert scored is not None
            events.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": county.tenant_id,
                    "staff_id": sid,
                    "item_code": code,
                    "category": code[0],
                    "rubric_version": rubric.version,
                    "occurred_on": date(2026, 1, rng.randint(1, 31)),
                    "count": 1,
                    "points": scored[0],
                    "grave": scored[1],
                    "source_kind": EventSource.MANUAL,
                    "recorded_by": "bench",
                    "voided": False,
                }
            )
    async with db.transaction(county.tenant_id) as session:
        for model, rows in (
            (Staff, people),
            (Assignment, assignments),
            (Certificate, certificates),
            (AssessmentEvent, events),
        ):
            for i in range(0, len(rows), 2000):
                await session.execute(insert(model), rows[i : i + 2000])


async def timed_job(db, settings, actor, kind: str, runs: int) -> list[float]:
    queue = InlineQueue(settings, db)
    await warm_inline_jobs(settings)  # the job process starts with the server, not with a job
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        job = await submit(
            db,
            queue,
            actor,
            kind=kind,
            request_id=uuid.uuid4().hex,
            params={"month": MONTH.isoformat()},
        )
        seconds.append(time.perf_counter() - started)
        assert job.status.value == "SUCCEEDED", job.error
    return seconds


async def main(
    url: str,
    owner_url: str,
    data_dir: Path,
    staff_count: int,
    per_person: int,
    profile: Path | None = None,
) -> None:
    common.pinned_today = date(2026, 3, 16)
    db = Database(url)
    settings = Settings(database_url=url, secret_key=TEST_SECRET, data_dir=data_dir)
    county = await make_county(db, "基准县")
    started = time.perf_counter()
    await populate(db, county, staff_count, per_person)
    print(
        f"populated {staff_count} staff, {staff_count * per_person} events in "
        f"{time.perf_counter() - started:.1f} s"
    )
    actor = await county.actor("admin")
    close = await timed_job(db, settings, actor, close_assessment_month.__name__, 3)
    print("closeAssessmentMonth job end to end, s:", [f"{s:.2f}" for s in close])
    async with db.transaction(county.tenant_id) as session:
        await monthly.publish_month(session, "admin", MONTH)
    pay = await timed_job(db, settings, actor, run_payroll.__name__, 3)
    print("runPayroll job end to end, s:", [f"{s:.2f}" for s in pay])
    await analyze(owner_url)
    document = operation("assessment")
    app = create_app(settings, db)
    headers = {"Authorization": f"Bearer {county.token('admin')}"}
    latencies = []
    profiler = cProfile.Profile() if profile else None
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        for i in range(40):
            body = {
                "query": document,
                "operationName": "MonthlyScores",
                "variables": {"month": "2026-01", "first": 50},
            }
            if profiler is not None and i == 5:
                profiler.enable()
            started = time.perf_counter()
            response = await client.post("/graphql", json=body, headers=headers)
            elapsed = time.perf_counter() - started
            data = response.json()
            assert "errors" not in data, data
            if i >= 5:
                latencies.append(elapsed * 1000)
        assert data["data"]["assessmentMonth"]["scores"]["totalCount"] == staff_count
    if profiler is not None and profile is not None:
        profiler.disable()
        profiler.dump_stats(profile)
        print(f"profile of the timed MonthlyScores requests (client included): {profile}")
    print(
        f"MonthlyScores first 50: p50 {statistics.median(latencies):.1f} ms, "
        f"p90 {statistics.quantiles(latencies, n=10)[-1]:.1f} ms"
    )
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", type=Path, help="cProfile the MonthlyScores requests here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        created = None
        if args.sqlite:
            app_url = owner_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        else:
            created = create_test_database()
            app_url, owner_url = created.app_url, created.owner_url
        try:
            upgrade(owner_url)
            asyncio.run(main(app_url, owner_url, Path(tmp), args.staff, args.events, args.profile))
        finally:
            if created is not None:
                created.drop()
