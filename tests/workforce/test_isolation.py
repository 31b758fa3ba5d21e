"""Tenant isolation of the workforce: county B reaches none of county A's workforce rows, through
the ORM or through ``node(id:)`` of any workforce type. (The generic suite in
``tests/test_isolation.py`` covers the same models with ``tests/workforce/isolation.py``.)"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from api.gql.ids import global_id
from tests.factories import gql, make_county
from tests.workforce.isolation import workforce_rows
from workers.models import BackgroundJob
from workforce.models import (
    Assignment,
    Certificate,
    HeadAppointment,
    RedeploymentMove,
    RedeploymentOrder,
    Staff,
    TrainingAttendance,
    TrainingProgram,
    TrainingSession,
)

MODELS = [
    Staff,
    Assignment,
    RedeploymentOrder,
    RedeploymentMove,
    HeadAppointment,
    TrainingProgram,
    TrainingSession,
    TrainingAttendance,
    Certificate,
    BackgroundJob,
]
NODE_TYPES = {
    Staff: "Staff",
    Assignment: "Assignment",
    RedeploymentOrder: "RedeploymentOrder",
    HeadAppointment: "HeadAppointment",
    TrainingProgram: "TrainingProgram",
    TrainingSession: "TrainingSession",
    BackgroundJob: "Job",
}


@pytest.fixture(scope="module")
async def counties(db):
    a, b = await make_county(db, "甲"), await make_county(db, "乙")
    await workforce_rows(a)
    return a, b


async def test_every_workforce_model_is_isolated(db, counties):
    a, b = counties
    for model in MODELS:
        async with db.session(a.tenant_id) as session:
            ids = list((await session.execute(select(model.id))).scalars())
        assert ids, model.__name__
        async with db.transaction(b.tenant_id) as session:
            assert (await session.execute(select(model).where(model.id.in_(ids)))).all() == []
            assert await session.get(model, ids[0]) is None
            changed = await session.execute(
                update(model).where(model.id.in_(ids)).values(tenant_id=b.tenant_id)
            )
            assert changed.rowcount == 0
            removed = await session.execute(delete(model).where(model.id.in_(ids)))
            assert removed.rowcount == 0
        async with db.session(a.tenant_id) as session:
            assert len(list((await session.execute(select(model.id))).scalars())) == len(ids)


async def test_node_of_foreign_workforce_objects_is_null(db, client, counties):
    a, b = counties
    for model, type_name in NODE_TYPES.items():
        async with db.session(a.tenant_id) as session:
            object_id = (await session.execute(select(model.id).limit(1))).scalar_one()
        result = await gql(
            client,
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": global_id(type_name, object_id)},
            b.token("admin"),
        )
        assert result.get("data", {}).get("node") is None, (type_name, result)
        if "errors" in result:
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        own = await gql(
            client,
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": global_id(type_name, object_id)},
            a.token("admin"),
        )
        assert own["data"]["node"] == {"id": global_id(type_name, object_id)}, own
