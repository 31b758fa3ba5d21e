"""``node(id:)`` for the workforce's types: each reads its row through the rule that says who
may read it (FORBIDDEN when the caller may not; null when there is no such row)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.gql.context import AppContext
from api.gql.nodes import register_node
from authz.guard import Actor
from workforce import heads, redeployment, training
from workforce.access import readable_assignment, readable_staff
from workforce.jobs import readable_job
from workforce.schema.files import JobType
from workforce.schema.head_types import HeadAppointmentType
from workforce.schema.training_types import TrainingProgramType, TrainingSessionType
from workforce.schema.types import AssignmentType, RedeploymentOrderType, StaffType

Read = Callable[[AsyncSession, Actor, uuid.UUID], Awaitable[Any | None]]


def _register(type_name: str, read: Read, wrap: Callable[[Any], Any]) -> None:
    """``node(id:)`` for ``type_name``: a signed-in user of a county reads with ``read``."""

    async def resolve(ctx: AppContext, object_id: uuid.UUID) -> Any | None:
        actor = ctx.require_actor()
        ctx.tenant_id()
        async with ctx.read() as session:
            row = await read(session, actor, object_id)
        return wrap(row) if row is not None else None

    register_node(type_name, resolve)


def register_nodes() -> None:
    _register("Staff", readable_staff, StaffType.from_row)
    _register("Assignment", readable_assignment, AssignmentType.from_row)
    _register("RedeploymentOrder", redeployment.readable_order, RedeploymentOrderType.from_row)
    _register("HeadAppointment", heads.readable_appointment, HeadAppointmentType.from_row)
    _register("TrainingProgram", training.readable_program, TrainingProgramType.from_row)
    _register("TrainingSession", training.readable_session, TrainingSessionType.from_row)
    _register("Job", readable_job, JobType.from_row)
