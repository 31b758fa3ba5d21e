"""Pay carries over assessment rewards settled after their month's payroll was approved (补发/扣回):
``pay_adjustments`` (one row per settlement, unique per person, month and settlement number, with
row-level security) and the slip's ``adjustment`` amount.

Revision ID: 0014_pay_carryover
Revises: 0013_casework_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0014_pay_carryover"
down_revision: str | Sequence[str] | None = "0013_casework_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)


def upgrade() -> None:
    op.create_table(
        "pay_adjustments",
        sa.Column("payroll_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("source_month", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("paid_before", MONEY, nullable=False),
        sa.Column("due", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payroll_id"],
            ["pay_payrolls.id"],
            name=op.f("fk_pay_adjustments_payroll_id_pay_payrolls"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_pay_adjustments_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_pay_adjustments_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_adjustments")),
        sa.UniqueConstraint(
            "tenant_id",
            "staff_id",
            "source_month",
            "seq",
            name=op.f("uq_pay_adjustments_tenant_id_staff_id_source_month_seq"),
        ),
    )
    with op.batch_alter_table("pay_adjustments") as batch:
        batch.create_index("ix_pay_adjustments_payroll", ["payroll_id", "staff_id"])
        batch.create_index(batch.f("ix_pay_adjustments_tenant_id"), ["tenant_id"])
    with op.batch_alter_table("pay_lines") as batch:
        batch.add_column(sa.Column("adjustment", MONEY, nullable=False, server_default="0"))
    enable_tenant_rls("pay_adjustments")


def downgrade() -> None:
    disable_tenant_rls("pay_adjustments")
    with op.batch_alter_table("pay_lines") as batch:
        batch.drop_column("adjustment")
    with op.batch_alter_table("pay_adjustments") as batch:
        batch.drop_index(batch.f("ix_pay_adjustments_tenant_id"))
        batch.drop_index("ix_pay_adjustments_payroll")
    op.drop_table("pay_adjustments")
