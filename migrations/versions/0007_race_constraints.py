"""Invariants two racing requests could break, held by the database: no two assignments of one
kind of one person share a day (PostgreSQL: an exclusion constraint on btree_gist), and one head
proposal awaits the county's opinion per site (a partial unique index, both databases).

btree_gist is a trusted extension (PostgreSQL 13 and later), so the database's owner, which
runs the migrations, may create it; ``IF NOT EXISTS`` leaves one an administrator made alone.

Revision ID: 0007_race_constraints
Revises: 0006_casework
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_race_constraints"
down_revision: str | Sequence[str] | None = "0006_casework"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'PROPOSED'")


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        # The period is [start_date, end_date + 1): an assignment cancelled before it began
        # (end_date = start_date - 1) is empty and meets nothing; no end date is no upper bound.
        op.execute(
            "ALTER TABLE staff_assignments ADD CONSTRAINT ex_staff_assignments_no_overlap"
            " EXCLUDE USING gist"
            " (staff_id WITH =, kind WITH =, daterange(start_date, end_date + 1) WITH &&)"
        )
    op.create_index(
        "uq_head_appointments_pending_site",
        "head_appointments",
        ["site_id"],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("uq_head_appointments_pending_site", table_name="head_appointments")
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE staff_assignments DROP CONSTRAINT ex_staff_assignments_no_overlap")
