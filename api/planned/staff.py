"""Plans of workforce.graphql: SiteStaff and StaffDetail."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Select, bindparam, extract, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import encode_cursor, page_args
from api.planned.common import COUNTY_CENTER, allowed, sites_of
from api.planned.common import TENANT as _TENANT
from network.models import Site
from workforce.access import can_read_staff, is_self
from workforce.common import status_on, today
from workforce.models import (
    Assignment,
    AssignmentKind,
    Certificate,
    Education,
    EmploymentType,
    Post,
    SkillLevel,
    Staff,
    StaffStatus,
    TrainingAttendance,
    TrainingSession,
)
from workforce.placement import placing

# --- SiteStaff (workforce.graphql) ------------------------------------------------------------


@lru_cache(maxsize=4)
def placed_page(on: date) -> Select:
    """A page of the assignments that place people at a site on ``on``, with their person and
    the total (``workforce.placement.assignments_on``), built once a day."""
    return (
        select(
            Assignment.id,
            Assignment.post,
            Assignment.kind,
            Assignment.start_date,
            Assignment.end_date,
            Staff.id.label("staff_id"),
            Staff.name,
            Staff.skill_level,
            func.count().over().label("total"),
        )
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(
            Assignment.site_id == bindparam("site_id"),
            Assignment.tenant_id == _TENANT,
            Staff.tenant_id == _TENANT,
            placing(on, _TENANT),
        )
        .order_by(Assignment.post, Staff.name, Assignment.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


async def site_staff(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    parsed = parse_global_id(variables.get("siteId"))
    tenant_id = ctx.actor.tenant_id
    if parsed is None or parsed[0] != "Site" or tenant_id is None or ctx.auth_failed:
        return None
    site_id = parsed[1]
    raw_day = variables.get("on")
    on = date.fromisoformat(raw_day) if raw_day is not None else today()
    page = page_args(variables.get("first"), variables.get("after"), ctx.settings.page_cap)
    params = {"site_id": site_id, "tenant_id": tenant_id, "offset": page.offset}
    if not await allowed(ctx, "staff", "read", await sites_of(ctx, site_id)):
        return None  # no such site, or not allowed: normal execution names the error
    async with ctx.connection(tenant_id) as conn:
        rows = (await conn.execute(placed_page(on), params | {"limit": page.limit})).all()
    if not rows:
        return None  # an empty page has no total: normal execution
    total = rows[0].total
    edges = [
        {
            "node": {
                "id": global_id("Assignment", row.id),
                "post": Post(row.post).name,
                "kind": AssignmentKind(row.kind).name,
                "startDate": row.start_date.isoformat(),
                "endDate": row.end_date.isoformat() if row.end_date else None,
                "staff": {
                    "id": global_id("Staff", row.staff_id),
                    "name": row.name,
                    "skillLevel": SkillLevel(row.skill_level).name if row.skill_level else None,
                },
            }
        }
        for row in rows
    ]
    return {
        "node": {
            "assignmentsOn": {
                "totalCount": total,
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": page.offset + len(edges) < total,
                    "endCursor": encode_cursor(page.offset + len(edges) - 1),
                },
            }
        }
    }


# --- StaffDetail (workforce.graphql) ----------------------------------------------------------

# The document asks ``trainingHours(year: 2026)``: a literal of the shipped text (another text
# is another document, with no plan).
TRAINING_YEAR = 2026
CERTIFICATES = (
    select(Certificate.level, Certificate.number, Certificate.issued_on)
    .where(Certificate.staff_id == bindparam("staff_id"), Certificate.tenant_id == _TENANT)
    .order_by(Certificate.issued_on, Certificate.created_at)
)
HISTORY = (
    select(
        Assignment.site_id,
        Site.name.label("site_name"),
        Assignment.post,
        Assignment.kind,
        Assignment.start_date,
        Assignment.end_date,
    )
    .join(Site, Site.id == Assignment.site_id)
    .where(
        Assignment.staff_id == bindparam("staff_id"),
        Assignment.cancelled_at.is_(None),
        Assignment.tenant_id == _TENANT,
        Site.tenant_id == _TENANT,
    )
    .order_by(Assignment.start_date, Assignment.created_at)
)
# The year's training hours, read with the person (one round trip less).
HOURS = (
    select(func.sum(TrainingSession.hours))
    .select_from(TrainingAttendance)
    .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
    .where(
        TrainingAttendance.staff_id == bindparam("staff_id"),
        TrainingAttendance.tenant_id == _TENANT,
        TrainingSession.tenant_id == _TENANT,
        # in the SQL, not sent (see ``api.planned.common.COUNTY_CENTER``)
        extract("year", TrainingSession.held_on)
        == bindparam("training_year", TRAINING_YEAR, literal_execute=True),
    )
)
# The person, with the county centre's id (a county-wide reader, the common case, is then
# allowed without reading where the person works) and the year's training hours.
PERSON = select(
    Staff.id,
    Staff.name,
    Staff.id_number_masked,
    Staff.status,
    Staff.probation_end,
    Staff.last_day,
    Staff.education,
    Staff.employment_type,
    Staff.hire_date,
    Staff.skill_level,
    COUNTY_CENTER.scalar_subquery().label("county_center"),
    HOURS.scalar_subquery().label("hours"),
).where(Staff.id == bindparam("staff_id"), Staff.tenant_id == _TENANT)


# On PostgreSQL the certificates and the history come with the person, as JSON arrays of
# (name of the enum, text, ISO date …) in the same order (two round trips less).
_CERTIFICATES_JSON = (
    select(
        func.json_agg(
            aggregate_order_by(
                func.json_build_array(Certificate.level, Certificate.number, Certificate.issued_on),
                Certificate.issued_on,
                Certificate.created_at,
            ),
            type_=JSON,
        )
    )
    .where(Certificate.staff_id == Staff.id, Certificate.tenant_id == _TENANT)
    .scalar_subquery()
)
_HISTORY_JSON = (
    select(
        func.json_agg(
            aggregate_order_by(
                func.json_build_array(
                    Assignment.site_id,
                    Site.name,
                    Assignment.post,
                    Assignment.kind,
                    Assignment.start_date,
                    Assignment.end_date,
                ),
                Assignment.start_date,
                Assignment.created_at,
            ),
            type_=JSON,
        )
    )
    .join(Site, Site.id == Assignment.site_id)
    .where(
        Assignment.staff_id == Staff.id,
        Assignment.cancelled_at.is_(None),
        Assignment.tenant_id == _TENANT,
        Site.tenant_id == _TENANT,
    )
    .scalar_subquery()
)
PERSON_WITH_RECORDS = PERSON.add_columns(
    _CERTIFICATES_JSON.label("certificates"), _HISTORY_JSON.label("history")
)


def _certificates(rows: Any) -> list[dict[str, Any]]:
    return [
        {"level": SkillLevel(c.level).name, "number": c.number, "issuedOn": c.issued_on.isoformat()}
        for c in rows
    ]


def _history(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "site": {"id": global_id("Site", a.site_id), "name": a.site_name},
            "post": Post(a.post).name,
            "kind": AssignmentKind(a.kind).name,
            "startDate": a.start_date.isoformat(),
            "endDate": a.end_date.isoformat() if a.end_date else None,
        }
        for a in rows
    ]


def _certificates_of(found: list[list[Any]] | None) -> list[dict[str, Any]]:
    """``_certificates`` from ``_CERTIFICATES_JSON`` (the enum's name, the ISO date)."""
    return [{"level": level, "number": number, "issuedOn": on} for level, number, on in found or ()]


def _history_of(found: list[list[Any]] | None) -> list[dict[str, Any]]:
    """``_history`` from ``_HISTORY_JSON``."""
    return [
        {
            "site": {"id": global_id("Site", uuid.UUID(site_id)), "name": site_name},
            "post": post,
            "kind": kind,
            "startDate": start,
            "endDate": end,
        }
        for site_id, site_name, post, kind, start, end in found or ()
    ]


async def staff_detail(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    parsed = parse_global_id(variables.get("id"))
    tenant_id = ctx.actor.tenant_id
    if parsed is None or parsed[0] != "Staff" or tenant_id is None or ctx.auth_failed:
        return None
    params = {"staff_id": parsed[1], "tenant_id": tenant_id}
    folded = ctx.db.dialect == "postgresql"
    async with ctx.connection(tenant_id) as conn:
        staff = (await conn.execute(PERSON_WITH_RECORDS if folded else PERSON, params)).first()
    if staff is None:
        return None  # normal execution answers null
    # ``workforce.access.can_read_staff``: oneself, a county-wide reader, else where the
    # person works (that walk only when the first two do not already allow it)
    if not (
        is_self(ctx.actor, staff.id)
        or (staff.county_center and await allowed(ctx, "staff", "read", [staff.county_center]))
    ):
        async with ctx.read() as session:
            record = await session.get(Staff, staff.id)
            if record is None or not await can_read_staff(session, ctx.actor, record):
                return None  # normal execution raises the named denial
    if folded:
        certificates = _certificates_of(staff.certificates)
        history = _history_of(staff.history)
    else:
        async with ctx.connection(tenant_id) as conn:
            certificates = _certificates((await conn.execute(CERTIFICATES, params)).all())
            history = _history((await conn.execute(HISTORY, params)).all())
    return {
        "node": {
            "id": global_id("Staff", staff.id),
            "name": staff.name,
            "maskedIdNumber": staff.id_number_masked,
            "status": status_on(
                StaffStatus(staff.status), staff.probation_end, staff.last_day, today()
            ).name,
            "education": Education(staff.education).name,
            "employmentType": EmploymentType(staff.employment_type).name,
            "hireDate": staff.hire_date.isoformat(),
            "skillLevel": SkillLevel(staff.skill_level).name if staff.skill_level else None,
            "certificates": certificates,
            "assignments": history,
            "trainingHours": float(Decimal(str(staff.hours or 0))),
        }
    }


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "SiteStaff page", placed_page(date(2026, 1, 5))
    yield "StaffDetail person", PERSON
    yield "StaffDetail person with records (PostgreSQL)", PERSON_WITH_RECORDS
    yield "StaffDetail certificates", CERTIFICATES
    yield "StaffDetail history", HISTORY
    yield "StaffDetail training hours", HOURS
