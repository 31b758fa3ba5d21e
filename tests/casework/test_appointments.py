"""预约: a site's slots (opening hours, slot length, capacity: county policy), booking with a
name and a phone, cancellation, check-in at intake; no slot overbooked by concurrent bookings
(PostgreSQL); the contract's AppointmentSlots and BookAppointment."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casework import appointments
from casework.models import Appointment, AppointmentStatus, SlotCount
from tests.casework.world import World, build_world
from tests.support.casework import CIPHER, accept, at, pin_now
from tests.support.catalog import MARRIAGE
from tests.support.errors import refused
from tests.support.graphql import gid, gql, operation, run_operation

COUNTY_NAME = "预约县"
PUBLIC = operation("public-casework")
DOCUMENT = operation("casework")
MON = date(2025, 3, 3)
WED = date(2025, 3, 5)
NINE = datetime(2025, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 in China
NOW = at(MON)


@pytest.fixture(scope="module")
async def world(county) -> World:
    return await build_world(county)


async def _run(county, call):
    async with county.db.transaction(county.tenant_id) as session:
        return await call(session)


def book(world, start=NINE, name="赵六", phone="13900001234", matter=MARRIAGE, site="root"):
    county = world.county
    return _run(
        county,
        lambda s: appointments.book(
            s,
            CIPHER,
            site_id=county.sites[site].id,
            matter_code=matter,
            start=start,
            name=name,
            phone=phone,
            now=NOW,
        ),
    )


async def slots(world, day=WED, matter=MARRIAGE):
    county = world.county
    async with county.db.session(county.tenant_id) as session:
        return await appointments.free_slots(session, county.sites["root"].id, matter, day, NOW)


async def test_slots_booking_cancellation_and_check_in(world):
    county = world.county
    offered = await slots(world)
    # 09:00–12:00 and 13:30–17:00 in half hours, two places each.
    assert len(offered) == 6 + 7 and {s.free for s in offered} == {2}
    assert offered[0].start == NINE
    assert await slots(world, date(2025, 3, 8)) == []  # a Saturday
    assert await slots(world, WED, "NO-SUCH") == []

    first = await book(world)
    assert first.number == f"{county.code}-Y20250305-0001"
    assert (first.status, first.phone_masked) == (AppointmentStatus.BOOKED, "139****1234")
    await book(world, name="钱七", phone="13900005678")
    assert await refused(book(world, name="孙八")) == [("start", "SLOT_FULL")]
    assert (await slots(world))[0].free == 0
    assert await refused(book(world, start=datetime(2025, 3, 5, 1, 10, tzinfo=UTC))) == [
        ("start", "NOT_A_SLOT")
    ]
    assert await refused(book(world, start=datetime(2025, 4, 30, 1, 0, tzinfo=UTC))) == [
        ("start", "OUT_OF_RANGE")
    ]
    assert await refused(book(world, name=" ", phone="123")) == [
        ("name", "REQUIRED"),
        ("phone", "INVALID_PHONE"),
    ]

    wrong = _run(county, lambda s: appointments.cancel(s, CIPHER, first.number, "13900000000", NOW))
    assert await refused(wrong) == [("number", "NOT_FOUND")]
    cancelled = await _run(
        county, lambda s: appointments.cancel(s, CIPHER, first.number, "13900001234", NOW)
    )
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert (await slots(world))[0].free == 1
    again = _run(county, lambda s: appointments.cancel(s, CIPHER, first.number, "13900001234", NOW))
    assert await refused(again) == [("number", "CANNOT_CANCEL")]

    booked = await book(world, name="周九", phone="13900009999")
    early = accept(county, world.desk, world.counter, at(MON), appointment_id=booked.id)
    assert await refused(early) == [("appointmentId", "NOT_TODAY")]
    accepted = await accept(county, world.desk, world.counter, at(WED), appointment_id=booked.id)
    assert accepted.case.appointment_id == booked.id
    async with county.db.session(county.tenant_id) as session:
        checked = await session.get(Appointment, booked.id)
    assert (checked.status, checked.case_id) == (AppointmentStatus.CHECKED_IN, accepted.case.id)
    twice = accept(county, world.desk, world.counter, at(WED), appointment_id=booked.id)
    assert await refused(twice) == [("appointmentId", "APPOINTMENT_NOT_BOOKED")]
    elsewhere = accept(
        county,
        world.town_desk,
        world.town_counter,
        at(WED),
        appointment_id=(await book(world, start=NINE.replace(hour=2), phone="13900004321")).id,
    )
    assert ("appointmentId", "WRONG_SITE") in await refused(elsewhere)


@pytest.mark.postgresql_only
async def test_concurrent_bookings_never_overbook_a_slot(world, backend):
    county = world.county
    start = datetime(2025, 3, 6, 6, 0, tzinfo=UTC)  # Thursday 14:00 in China

    async def attempt(i: int) -> str:
        try:
            await book(world, start=start, name=f"抢号{i}", phone=f"1390000{i:04d}")
            return "booked"
        except Exception as exc:  # UserErrors: the slot was full
            return exc.errors[0].code

    outcomes = await asyncio.gather(*(attempt(i) for i in range(8)))
    assert sorted(outcomes) == ["SLOT_FULL"] * 6 + ["booked"] * 2
    async with county.db.session(county.tenant_id) as session:
        count = (
            await session.execute(select(SlotCount.booked).where(SlotCount.start == start))
        ).scalar_one()
        rows = (await session.execute(select(Appointment).where(Appointment.start == start))).all()
    assert count == 2 and len(rows) == 2


async def test_appointments_through_graphql(world, client, monkeypatch):
    county = world.county
    pin_now(monkeypatch, MON)
    variables = {
        "tenant": county.code,
        "siteId": county.site_gid("root"),
        "matterCode": MARRIAGE,
        "date": "2025-03-07",
    }
    offered = await run_operation(client, PUBLIC, "AppointmentSlots", variables)
    slots_ = offered["publicAppointmentSlots"]
    assert len(slots_) == 13 and slots_[0]["free"] == 2
    booking = {
        "tenant": county.code,
        "siteId": county.site_gid("root"),
        "matterCode": MARRIAGE,
        "start": slots_[0]["start"],
        "name": "吴十",
        "phone": "13700001111",
    }
    booked = await run_operation(client, PUBLIC, "BookAppointment", {"input": booking})
    assert booked["bookAppointment"]["userErrors"] == []
    appointment = booked["bookAppointment"]["appointment"]
    assert appointment["siteName"] == county.sites["root"].official_name
    assert appointment["matterName"] == "婚姻登记"
    again = await run_operation(client, PUBLIC, "AppointmentSlots", variables)
    assert again["publicAppointmentSlots"][0]["free"] == 1
    nowhere = await run_operation(
        client, PUBLIC, "BookAppointment", {"input": {**booking, "tenant": "999999"}}
    )
    assert nowhere["bookAppointment"]["userErrors"][0]["field"] == "tenant"

    pin_now(monkeypatch, date(2025, 3, 7))
    listed = await gql(
        client,
        'query($s: ID!) { appointments(siteId: $s, date: "2025-03-07") { id number status } }',
        {"s": county.site_gid("root")},
        world.desk.token(),
    )
    (entry,) = [a for a in listed["data"]["appointments"] if a["number"] == appointment["number"]]
    accepted = await run_operation(
        client,
        DOCUMENT,
        "AcceptCase",
        {
            "input": {
                "windowId": gid("Window", world.counter.id),
                "matterCode": MARRIAGE,
                "applicant": {
                    "kind": "PERSON",
                    "name": "吴十",
                    "idNumber": "11010519491231002X",
                    "phone": "13700001111",
                },
                "received": ["居民身份证", "户口簿", "近期半身免冠合影照片"],
                "appointmentId": entry["id"],
            }
        },
        world.desk.token(),
    )
    assert accepted["acceptCase"]["userErrors"] == []
    node = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Appointment { status } } }",
        {"id": entry["id"]},
        world.desk.token(),
    )
    assert node["data"]["node"]["status"] == "CHECKED_IN"
