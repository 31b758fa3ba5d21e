"""New rows by statements built once (``tenants.rows``): a new object's column values with
its columns' defaults applied as a flush would, and the one ``INSERT`` per table and prefix
that writes them, on both databases."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from casework.models import CaseSequence
from tenants import prepared, rows
from tenants.models import AuditEvent
from tests.support.factories import make_county


def test_values_are_the_attributes_else_the_defaults_as_a_flush_inserts():
    sequence = CaseSequence(kind="case", day=date(2025, 3, 3))
    values = rows.values_of(sequence)
    assert values["kind"] == "case" and values["day"] == date(2025, 3, 3)
    assert values["last"] == 0  # a scalar default
    assert isinstance(values["id"], uuid.UUID)  # a callable default (uuid4)
    assert values["tenant_id"] is None  # no default: NULL
    # the defaults are kept on the object, as a flush would leave it
    assert (sequence.id, sequence.last) == (values["id"], 0)
    # an attribute set to None is NULL even where the column has a default
    assert (
        rows.values_of(CaseSequence(kind="case", day=date(2025, 3, 3), last=None))["last"] is None
    )
    assert set(values) == {c.key for c in CaseSequence.__table__.c}


def test_the_insert_is_built_once_per_table_and_prefix():
    table = AuditEvent.__table__
    assert rows.insert_all(table, "a_") is rows.insert_all(table, "a_")
    assert rows.insert_all(table, "a_") is not rows.insert_all(table, "b_")
    assert rows.bound("a_", {"id": 1, "seq": 2}) == {"a_id": 1, "a_seq": 2}


async def test_a_row_written_by_the_built_insert_reads_back(db):
    county = await make_county(db, "直写县")
    statement = rows.insert_all(CaseSequence.__table__, "seq_").returning(
        CaseSequence.__table__.c.id
    )
    connection = await db.tenant_connection(county.tenant_id)
    try:
        written = []
        for day in (date(2025, 3, 3), date(2025, 3, 4)):
            sequence = CaseSequence(tenant_id=county.tenant_id, kind="case", day=day, last=7)
            parameters = rows.bound("seq_", rows.values_of(sequence))
            result = await prepared.execute(connection, statement, parameters)
            written.append(result.scalar_one())
        assert len(set(written)) == 2 and all(isinstance(i, uuid.UUID) for i in written)
        assert prepared.is_prepared(statement) is (db.dialect == "postgresql")
        found = await connection.execute(
            select(CaseSequence.__table__).where(CaseSequence.__table__.c.id.in_(written))
        )
        assert sorted((r.day, r.last, r.tenant_id) for r in found) == [
            (date(2025, 3, 3), 7, county.tenant_id),
            (date(2025, 3, 4), 7, county.tenant_id),
        ]
        await connection.commit()
    finally:
        await connection.close()
