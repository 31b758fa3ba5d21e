"""The plan of CaseDetail (casework.graphql): one statement for the case with everything it
shows, one for its events (on PostgreSQL, one for both and the sites its readers may be
allowed at); who may read it is ``casework.reading.can_read_case``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
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


# On PostgreSQL the case comes with the sites its readers' roles may hold at and its events,
# as one array per column in the events' order (two round trips less).
_READER_SITES = (
    select(func.array_agg(SiteClosure.ancestor_id))
    .where(
        SiteClosure.descendant_id.in_([Case.site_id, Case.processing_site_id]),
        SiteClosure.tenant_id == _TENANT,
    )
    .scalar_subquery()
)


def _in_order(column: Any) -> Any:
    return func.array_agg(aggregate_order_by(column, CaseEvent.step))


_EVENT_ARRAYS = (
    select(
        _in_order(CaseEvent.at).label("event_at"),
        _in_order(CaseEvent.kind).label("event_kind"),
        _in_order(CaseEvent.actor_staff_id).label("event_actor_id"),
        _in_order(Staff.name).label("event_actor_name"),
        _in_order(CaseEvent.note).label("event_note"),
    )
    .select_from(CaseEvent)
    .outerjoin(Staff, and_(Staff.id == CaseEvent.actor_staff_id, Staff.tenant_id == _TENANT))
    .where(CaseEvent.case_id == Case.id, CaseEvent.tenant_id == _TENANT)
    .lateral("case_events")
)
CASE_WITH_EVENTS = CASE.add_columns(
    _READER_SITES.label("reader_sites"),
    _EVENT_ARRAYS.c.event_at,
    _EVENT_ARRAYS.c.event_kind,
    _EVENT_ARRAYS.c.event_actor_id,
    _EVENT_ARRAYS.c.event_actor_name,
    _EVENT_ARRAYS.c.event_note,
).join(_EVENT_ARRAYS, true())


def _events_of(row: Any) -> list[tuple[Any, ...]]:
    """(at, kind, actor id, actor name, note) per event of ``CASE_WITH_EVENTS``' row."""
    if row.event_at is None:
        return []
    return list(
        zip(
            row.event_at,
            row.event_kind,
            row.event_actor_id,
            row.event_actor_name,
            row.event_note,
            strict=True,
        )
    )


def _person(staff_id: uuid.UUID | None, name: str | None) -> dict[str, Any] | None:
    return {"id": global_id("Staff", staff_id), "name": name} if name is not None else None


def _people_of(row: Any) -> Sequence[uuid.UUID | None]:
    return (row.first_receiver_id, row.accepted_by_id, row.decided_by_id, row.issued_by_id)


async def _readable(ctx: AppContext, row: Any, case_id: uuid.UUID, folded: bool) -> bool:
    """``casework.reading.can_read_case``: the people of the case and the county-wide or
    site-wide readers here; anyone else (on duty at its front desk or back office) by the rule
    itself, on the request's session."""
    actor = ctx.actor
    if actor.staff_id is not None and actor.staff_id in _people_of(row):
        return True
    tenant_id = actor.tenant_id
    if folded:
        sites = sorted(set(row.reader_sites or ()))
    else:
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
    folded = ctx.db.dialect == "postgresql"
    async with ctx.connection(tenant_id) as conn:
        row = (await conn.execute(CASE_WITH_EVENTS if folded else CASE, params)).first()
    if row is None or row.site_name is None:
        return None  # no such case here: normal execution answers null
    if not await _readable(ctx, row, case_id, folded):
        return None  # normal execution raises the named denial
    if folded:
        events = _events_of(row)
    else:
        async with ctx.connection(tenant_id) as conn:
            events = [tuple(event) for event in (await conn.execute(EVENTS, params)).all()]
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
                    "at": at.isoformat(),
                    "kind": kind.name,
                    "actor": _person(actor_id, actor_name),
                    "note": note,
                }
                for at, kind, actor_id, actor_name, note in events
            ],
            "rating": rating,
        }
    }


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "case detail", CASE
    yield "case detail with its events (PostgreSQL)", CASE_WITH_EVENTS
    yield "case sites", CASE_SITES
    yield "events", EVENTS
