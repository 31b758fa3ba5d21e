"""Failed sign-ins counted per username and per address; one account per staff record.

Revision ID: 0005_login_throttle
Revises: 0004_merge_domains
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_login_throttle"
down_revision: str | Sequence[str] | None = "0004_merge_domains"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("users") as batch:
        batch.create_unique_constraint(
            op.f("uq_users_tenant_id_staff_id"), ["tenant_id", "staff_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_tenant_id_staff_id"), type_="unique")
    op.drop_table("login_throttle")
