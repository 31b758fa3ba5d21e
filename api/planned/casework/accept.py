"""The plan of AcceptCase (casework.graphql), a write: the input read from the variables as the
contract types it, the intake (``casework.intake.accept_case``, the same rules as the
mutation's resolver) committed by ``api.planned.writes`` (it steps aside only while nothing is
committed), and the payload written from what the intake wrote and read, without resolving it
field by field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.gql.context import AppContext
from api.gql.ids import global_id
from api.planned.casework.common import day
from api.planned.writes import (
    StepAside,
    commit_or_step_aside,
    county_user,
    read_id,
    read_text,
    read_texts,
)
from casework import intake
from casework.applicants import ApplicantData
from casework.models import ApplicantKind, Channel
from casework.schema import clock
from workforce.personal import cipher_for

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


def new_case(variables: dict[str, Any]) -> intake.NewCase | None:
    """The intake's input from AcceptCase's variables, or None for anything the plan does not
    read exactly as the schema would (normal execution coerces or refuses it)."""
    given = variables.get("input")
    if type(given) is not dict or not given.keys() <= INPUT_FIELDS:
        return None
    applicant = given.get("applicant")
    if type(applicant) is not dict or not applicant.keys() <= APPLICANT_FIELDS:
        return None
    window_id = read_id(given.get("windowId"), "Window")
    ok_matter, matter_code = read_text(given.get("matterCode"))
    ok_name, name = read_text(applicant.get("name"))
    ok_number, id_number = read_text(applicant.get("idNumber"))
    ok_phone, phone = read_text(applicant.get("phone"), optional=True)
    ok_received, received = read_texts(given.get("received"))
    ok_deferred, deferred = read_texts(given.get("deferred"), optional=True)
    ok_note, note = read_text(given.get("note"), optional=True)
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
        appointment_id = read_id(appointment, "Appointment")
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
        raise StepAside
    accepted_by = None
    if case.accepted_by_id is not None:
        if clerk is None or clerk.id != case.accepted_by_id:
            raise StepAside
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
    """受理 by plan; None: step aside, nothing committed."""
    actor = county_user(ctx)
    if actor is None:
        return None
    data = new_case(variables)
    if data is None:
        return None
    cipher = cipher_for(ctx.settings.secret_key)

    async def change(session: AsyncSession) -> dict[str, Any]:
        accepted = await intake.accept_case(session, actor, cipher, data, clock.now())
        return payload(accepted)

    return await commit_or_step_aside(ctx, change)
