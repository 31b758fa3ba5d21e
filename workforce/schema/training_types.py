"""培训 as GraphQL: a county's training programs and their sessions, with who attended."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.pagination import Connection
from workforce import training
from workforce.models import TrainingProgram, TrainingSession
from workforce.schema.enums import TrainingKind
from workforce.schema.loaders import attendee_count_loader, sessions_loader
from workforce.schema.reading import paged
from workforce.schema.types import StaffType


@strawberry.type(name="TrainingSession", description="一次培训课")
class TrainingSessionType(relay.Node):
    id: relay.NodeID[str]
    held_on: date
    hours: float
    place: str | None
    online: bool
    topics: str
    trainer: str
    session_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: TrainingSession) -> TrainingSessionType:
        return cls(
            id=str(row.id),
            held_on=row.held_on,
            hours=float(row.hours),
            place=row.place,
            online=row.online,
            topics=row.topics,
            trainer=row.trainer,
            session_id=row.id,
        )

    @strawberry.field
    async def attendee_count(self, info: Info) -> int:
        return await attendee_count_loader(app_context(info)).load(self.session_id)

    @strawberry.field(description="签到的人员,按姓名")
    async def attendees(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[StaffType]:
        read = partial(training.attendees_page, session_id=self.session_id)
        return await paged(info, first, after, read, StaffType.from_row)


@strawberry.type(name="TrainingProgram", description="培训计划")
class TrainingProgramType(relay.Node):
    id: relay.NodeID[str]
    kind: TrainingKind
    title: str
    year: int
    centralised: bool = strawberry.field(description="县政务服务管理办公室组织的集中培训")
    organizer: str | None
    program_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: TrainingProgram) -> TrainingProgramType:
        return cls(
            id=str(row.id),
            kind=row.kind,
            title=row.title,
            year=row.year,
            centralised=row.centralised,
            organizer=row.organizer,
            program_id=row.id,
        )

    @strawberry.field
    async def sessions(self, info: Info) -> list[TrainingSessionType]:
        rows = await sessions_loader(app_context(info)).load(self.program_id)
        return [TrainingSessionType.from_row(r) for r in rows]
