"""The rules as the documents set them: the catalog's same standard, the network's zones.

A change request keeps the state it was based on (``base``) so that approving it over a newer
state is refused with what changed, and a readable before → after; it names its reviewer and
may be withdrawn by its proposer. A site holds its functional zones (功能分区) as data.

Revision ID: 0009_catalog_network_rules
Revises: 0008_workforce_rules
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_catalog_network_rules"
down_revision: str | Sequence[str] | None = "0008_workforce_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("catalog_releases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_by", sa.Uuid(), nullable=True))
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zones", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("zones")
    with op.batch_alter_table("catalog_releases", schema=None) as batch_op:
        batch_op.drop_column("published_by")
    with op.batch_alter_table("catalog_changes", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("base")
