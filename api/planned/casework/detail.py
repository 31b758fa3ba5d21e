"""The plan of CaseDetail (casework.graphql): one statement for the case with everything it
shows, one for its events; who may read it is ``casework.reading.can_read_case``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.planned.casework.common import (
    PAGE_COLUMNS,
    Deadlines,
    applicant_of,
    day,
    matter_of,
    site_of,
)
from api.planned.common import TENANT as _TENANT
from api.planned.common import allowed
from casework.models import Case, CaseEvent, CaseStatus, Rating, Window
from casework.reading import can_read_case
from casework.schema import clock
from network.models import SiteClosure
from workforce.models import Staff


def _name_of(column: Any) -> Any:
    """The name of the person a column of the case names (null when none)."""
    return (
        select(Staff.name).where(Staff.id == column, Staff.tenant_id == _TENANT).scalar_subquery()
    )


CASE = (
    select(
        *PAGE_COLUMNS,
        Case.handling_kind,
        Case.channel,
        Case.window_id,
        Window.number.label("window_number"),
        Case.applicant_kind,
        Case.applicant_name,
        Case.applicant_id_masked,
        Case.accepted_at,
        Case.accepted_by_id,
        _name_of(Case.accepted_by_id).label("accepted_by_name"),
        Case.decided_at,
        Case.decided_by_id,
        _name_of(Case.decided_by_id).label("decided_by_name"),
        Case.opinion,
        Case.issued_at,
        Case.issued_by_id,
        _name_of(Case.issued_by_id).label("issued_by_name"),
        Case.delivery,
        Case.stopped_on,
        Case.deferred,
        Case.first_receiver_id,
        Case.processing_site_id,
        Rating.level.label("rating_level"),
        Rating.comment.label("rating_comment"),
        Rating.rated_at,
    )
    .outerjoin(Window, and_(Window.id == Case.window_id, Window.tenant_id == _TENANT))
    .outerjoin(Rating, and_(Rating.case_id == Case.id, Rating.tenant_id == _TENANT))
    .where(Case.id == bindparam("case_id"), Case.tenant_id == _TENANT)
)
# Where a reader's roles may allow ``case:read``: the case's site, its processing site and
# their ancestors (``casework.reading.can_read_case``).
CASE_SITES = select(SiteClosure.ancestor_id).where(
    SiteClosure.descendant_id.in_(bindparam("sites", expanding=True)),
    SiteClosure.tenant_id == _TENANT,
)
EVENTS = (
    select(
        CaseEvent.at,
        CaseEvent.kind,
        CaseEvent.actor_staff_id,
        Staff.name.label("actor_name"),
        CaseEvent.note,
    )
    .outerjoin(Staff, and_(Staff.id == CaseEvent.actor_staff_id, Staff.tenant_id == _TENANT))
    .where(CaseEvent.case_id == bindparam("case_id"), CaseEvent.tenant_id == _TENANT)
    .order_by(CaseEvent.step)
)


def _person(staff_id: uuid.UUID | None, name: str | None) -> dict[str, Any] | None:
    return {"id": global_id("Staff", staff_id), "name": name} if name is not None else None


def _people_of(row: Any) -> Sequence[uuid.UUID | None]:
    return (row.first_receiver_id, row.accepted_by_id, row.decided_by_id, row.issued_by_id)


async def _readable(ctx: AppContext, row: Any, case_id: uuid.UUID) -> bool:
    """``casework.reading.can_read_case``: the people of the case and the county-wide or
    site-wide readers here; anyone else (on duty at its front desk or back office) by the rule
    itself, on the request's session."""
    actor = ctx.actor
    if actor.staff_id is not None and actor.staff_id in _people_of(row):
        return True
    tenant_id = actor.tenant_id
    params = {"tenant_id": tenant_id, "sites": [row.site_id, row.processing_site_id]}
    async with ctx.connection(tenant_id) as conn:
        sites = sorted(set((await conn.execute(CASE_SITES, params)).scalars()))
    if await allowed(ctx, "case", "read", sites):
        return True
    async with ctx.read() as session:
        record = await session.get(Case, case_id)
        return record is not None and await can_read_case(session, actor, record, clock.today())


async def case_detail(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    parsed = parse_global_id(variables.get("id"))
    actor = ctx.actor
    tenant_id = actor.tenant_id
    if parsed is None or parsed[0] != "Case" or ctx.auth_failed:
        return None
    if tenant_id is None or actor.is_anonymous:
        return None
    case_id = parsed[1]
    params = {"case_id": case_id, "tenant_id": tenant_id}
    async with ctx.connection(tenant_id) as conn:
        row = (await conn.execute(CASE, params)).first()
    if row is None or row.site_name is None:
        return None  # no such case here: normal execution answers null
    if not await _readable(ctx, row, case_id):
        return None  # normal execution raises the named denial
    async with ctx.connection(tenant_id) as conn:
        events = (await conn.execute(EVENTS, params)).all()
    clocks = Deadlines(ctx, tenant_id)
    rating = (
        {
            "level": row.rating_level.name,
            "comment": row.rating_comment,
            "ratedAt": row.rated_at.isoformat(),
        }
        if row.rating_level is not None
        else None
    )
    return {
        "node": {
            "id": global_id("Case", row.id),
            "number": row.number,
            "status": CaseStatus(row.status).name,
            "handlingKind": row.handling_kind.name,
            "channel": row.channel.name,
            "matter": matter_of(row),
            "site": site_of(row),
            "window": {"id": global_id("Window", row.window_id), "number": row.window_number}
            if row.window_number is not None
            else None,
            "applicant": applicant_of(row),
            "acceptedAt": row.accepted_at.isoformat(),
            "acceptedBy": _person(row.accepted_by_id, row.accepted_by_name),
            "decidedAt": day(row.decided_at),
            "decidedBy": _person(row.decided_by_id, row.decided_by_name),
            "opinion": row.opinion,
            "issuedAt": day(row.issued_at),
            "issuedBy": _person(row.issued_by_id, row.issued_by_name),
            "delivery": row.delivery.name if row.delivery is not None else None,
            "dueDate": day(row.due_date),
            "workingDaysUsed": await clocks.days_used(row),
            "clockStopped": row.stopped_on is not None,
            "deadlineState": await clocks.state(row),
            "deferredMaterials": list(row.deferred or []),
            "events": [
                {
                    "at": event.at.isoformat(),
                    "kind": event.kind.name,
                    "actor": _person(event.actor_staff_id, event.actor_name),
                    "note": event.note,
                }
                for event in events
            ],
            "rating": rating,
        }
    }


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "case detail", CASE
    yield "case sites", CASE_SITES
    yield "events", EVENTS
