"""Assessment and pay: the rubric, events, monthly and annual grades, payrolls (row-level
security on every table).

Revision ID: 0011_assessment_pay
Revises: 0010_casework_followup
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0011_assessment_pay"
down_revision: str | Sequence[str] | None = "0010_casework_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("assessment_events",)

EVENT_SOURCE = sa.Enum(
    "MANUAL", "RATING", "COMPLAINT", "ATTENDANCE_IMPORT",
    name="eventsource", native_enum=False, length=24,
)


def upgrade() -> None:
    op.create_table(
        "assessment_events",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("grave", sa.Boolean(), nullable=False),
        sa.Column("source_kind", EVENT_SOURCE, nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_key", sa.String(length=300), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=128), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_assessment_events_staff_id_staff")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_assessment_events_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_events")),
        sa.UniqueConstraint(
            "tenant_id", "source_kind", "source_id", "item_code",
            name=op.f("uq_assessment_events_tenant_id_source_kind_source_id_item_code"),
        ),
    )
    with op.batch_alter_table("assessment_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_events_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_assessment_events_tenant_occurred", ["tenant_id", "occurred_on"], unique=False)
        batch_op.create_index("ix_assessment_events_staff_occurred", ["staff_id", "occurred_on"], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    op.drop_table("assessment_events")
