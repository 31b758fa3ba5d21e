"""The plan of AcceptCase (casework.graphql), a write: the input read from the variables as the
contract types it, the intake (``casework.intake.accept_case``, the same rules and the same
all-or-nothing transaction as the mutation's resolver) and the payload written from what the
intake wrote and read, without resolving it field by field.

A write steps aside only while nothing is committed: variables of another shape than the
plan reads, a refusal (``userErrors``), a conflict or any other error roll the intake back
and normal execution runs it again, which gives the answer with its errors. When the commit
itself fails and the database did not say why (the connection was lost, so the intake may
have been committed), the plan does not run it again: the client gets an error
(:class:`WriteUncertain`), as from the mutation's resolver.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import DBAPIError

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.planned.casework.common import day
from casework import intake
from casework.applicants import ApplicantData
from casework.models import ApplicantKind, Channel
from casework.schema import clock
from graphql import GraphQLError
from workforce.personal import cipher_for

log = logging.getLogger("onewindow.planned")

INPUT_FIELDS = frozenset(
    {
        "windowId",
        "matterCode",
        "applicant",
        "channel",
        "received",
        "deferred",
        "commitment",
        "appointmentId",
        "note",
    }
)
APPLICANT_FIELDS = frozenset({"kind", "name", "idNumber", "phone"})


class WriteUncertain(GraphQLError):
    """A planned write's commit failed without an answer from the database: it must not run
    again (``api.planned.PlannedDocuments`` reports it instead of stepping aside). The
    client is told to look before it tries again (``OUTCOME_UNKNOWN``)."""

    def __init__(self) -> None:
        super().__init__(
            "受理结果未能确认:请先查询该申请人的办件,确认未受理后再重新受理",
            extensions={"code": "OUTCOME_UNKNOWN"},
        )


class _StepAside(Exception):
    """The payload cannot be written from what the intake returned: roll back, step aside."""


def _text(value: Any, optional: bool = False) -> tuple[bool, str | None]:
    """(whether ``value`` is what a ``String`` variable holds, the value)."""
    if value is None:
        return optional, None
    return type(value) is str, value


def _texts(value: Any, optional: bool = False) -> tuple[bool, list[str]]:
    """(whether ``value`` is a list of strings as ``[String!]`` holds, the list)."""
    if value is None:
        return optional, []
    ok = type(value) is list and all(type(item) is str for item in value)
    return ok, list(value) if ok else []


def _id(value: Any, type_name: str) -> Any:
    """The uuid of a global ID of ``type_name``; None when it is not one (the resolver then
    refuses it with a userError: the plan leaves that to it)."""
    parsed = parse_global_id(value) if type(value) is str and value else None
    return parsed[1] if parsed is not None and parsed[0] == type_name else None


def new_case(variables: dict[str, Any]) -> intake.NewCase | None:
    """The intake's input from AcceptCase's variables, or None for anything the plan does not
    read exactly as the schema would (normal execution coerces or refuses it)."""
    given = variables.get("input")
    if type(given) is not dict or not given.keys() <= INPUT_FIELDS:
        return None
    applicant = given.get("applicant")
    if type(applicant) is not dict or not applicant.keys() <= APPLICANT_FIELDS:
        return None
    window_id = _id(given.get("windowId"), "Window")
    ok_matter, matter_code = _text(given.get("matterCode"))
    ok_name, name = _text(applicant.get("name"))
    ok_number, id_number = _text(applicant.get("idNumber"))
    ok_phone, phone = _text(applicant.get("phone"), optional=True)
    ok_received, received = _texts(given.get("received"))
    ok_deferred, deferred = _texts(given.get("deferred"), optional=True)
    ok_note, note = _text(given.get("note"), optional=True)
    commitment = given.get("commitment")
    kind = applicant.get("kind")
    channel = given.get("channel", Channel.COUNTER.name)
    appointment = given.get("appointmentId")
    if not (
        window_id is not None
        and ok_matter
        and ok_name
        and ok_number
        and ok_phone
        and ok_received
        and ok_deferred
        and ok_note
        and (commitment is None or type(commitment) is bool)
        and kind in ApplicantKind.__members__
        and channel in Channel.__members__
    ):
        return None
    appointment_id = None
    if appointment is not None:
        appointment_id = _id(appointment, "Appointment")
        if appointment_id is None:
            return None
    assert matter_code is not None and name is not None and id_number is not None
    return intake.NewCase(
        window_id=window_id,
        matter_code=matter_code,
        applicant=ApplicantData(
            kind=ApplicantKind[kind], name=name, id_number=id_number, phone=phone
        ),
        channel=Channel[channel],
        received=received,
        deferred=deferred,
        commitment=bool(commitment),
        appointment_id=appointment_id,
        note=note,
    )


def payload(accepted: intake.Accepted) -> dict[str, Any]:
    """AcceptCase's ``data`` for an accepted case, as the schema's types would write it."""
    case, site, clerk = accepted.case, accepted.site, accepted.clerk
    if case.site_id != site.id:
        raise _StepAside
    accepted_by = None
    if case.accepted_by_id is not None:
        if clerk is None or clerk.id != case.accepted_by_id:
            raise _StepAside
        accepted_by = {"id": global_id("Staff", clerk.id), "name": clerk.name}
    return {
        "acceptCase": {
            "case": {
                "id": global_id("Case", case.id),
                "number": case.number,
                "status": case.status.name,
                "handlingKind": case.handling_kind.name,
                "acceptedAt": case.accepted_at.isoformat(),
                "dueDate": day(case.due_date),
                "matter": {"code": case.matter_code, "name": case.matter_name},
                "site": {"id": global_id("Site", site.id), "name": site.name},
                "acceptedBy": accepted_by,
                "receiptCode": accepted.receipt_code,
            },
            "userErrors": [],
        }
    }


async def accept_case(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    """受理 by plan (see the module docstring); None: step aside, nothing committed."""
    actor = ctx.actor
    if ctx.auth_failed or actor.is_anonymous or actor.tenant_id is None:
        return None
    data = new_case(variables)
    if data is None:
        return None
    cipher = cipher_for(ctx.settings.secret_key)
    open_transaction = ctx.write()
    answer: dict[str, Any] | None = None
    committing = False
    try:
        async with open_transaction() as session:
            accepted = await intake.accept_case(session, actor, cipher, data, clock.now())
            answer = payload(accepted)
            committing = True
            await session.commit()
            committing = False
            return answer
    except Exception as exc:
        if not committing:
            if answer is not None:  # committed; only the transaction's clean-up failed
                log.warning("after a planned intake committed", exc_info=True)
                return answer
            return None  # rolled back: normal execution runs it again
        orig = exc.orig if isinstance(exc, DBAPIError) else None
        if getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorcode", None):
            return None  # the database refused the commit: nothing was written
        raise WriteUncertain from exc
