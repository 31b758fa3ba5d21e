"""The audit chain's head keeps the last row's ``prev_hash`` too (``audit_chain_heads.prev_hash``),
so that one upsert can append a row in the database (``tenants.audit.append_after``): its
``RETURNING`` gives only the values it wrote, and the row needs the hash before them. Filled
here from each county's last row.

Revision ID: 0017_audit_head_prev_hash
Revises: 0016_casework_queue_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_audit_head_prev_hash"
down_revision: str | Sequence[str] | None = "0016_casework_queue_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
UPDATE audit_chain_heads SET prev_hash = (
    SELECT audit_events.prev_hash FROM audit_events
    WHERE audit_events.tenant_id = audit_chain_heads.tenant_id
      AND audit_events.seq = audit_chain_heads.seq
)
"""


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("audit_chain_heads") as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
    if _postgres():  # the owner reads every county's rows here
        op.execute("ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_chain_heads NO FORCE ROW LEVEL SECURITY")
    op.execute(FILL)
    if _postgres():
        op.execute("ALTER TABLE audit_events FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    with op.batch_alter_table("audit_chain_heads") as batch_op:
        batch_op.drop_column("prev_hash")
