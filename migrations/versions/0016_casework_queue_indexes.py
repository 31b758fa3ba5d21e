"""The work queues get one partial index each (chosen with 1,000,000 cases in one county, see
bench/RESULTS.md; the rule is ``casework.queue``):

- an approver's queue, the running cases of a processing site:
  ``(tenant_id, processing_site_id, due_date, accepted_at, id)`` where the case is ACCEPTED,
  carrying the route, department and who accepted it;
- a front desk's queue, the supplements awaited and the decided cases to issue:
  ``(tenant_id, site_id, due_date, accepted_at, id)`` where the case is AWAITING_SUPPLEMENT,
  APPROVED or REFUSED, carrying the status and who decided it.

Each gives the page in the queue's order by one index scan, and its count from the index alone.

Revision ID: 0016_casework_queue_indexes
Revises: 0015_casework_case_counts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_casework_queue_indexes"
down_revision: str | Sequence[str] | None = "0015_casework_case_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As ``casework.models.APPROVER_QUEUE_WHERE`` / ``ISSUE_QUEUE_WHERE`` were at this revision.
APPROVER_QUEUE_WHERE = "status IN ('ACCEPTED')"
ISSUE_QUEUE_WHERE = "status IN ('AWAITING_SUPPLEMENT', 'APPROVED', 'REFUSED')"


def upgrade() -> None:
    op.create_index(
        "ix_casework_cases_approver_queue",
        "casework_cases",
        ["tenant_id", "processing_site_id", "due_date", "accepted_at", "id"],
        unique=False,
        postgresql_include=["route", "department_id", "accepted_by_id"],
        postgresql_where=sa.text(APPROVER_QUEUE_WHERE),
        sqlite_where=sa.text(APPROVER_QUEUE_WHERE),
    )
    op.create_index(
        "ix_casework_cases_issue_queue",
        "casework_cases",
        ["tenant_id", "site_id", "due_date", "accepted_at", "id"],
        unique=False,
        postgresql_include=["status", "decided_by_id"],
        postgresql_where=sa.text(ISSUE_QUEUE_WHERE),
        sqlite_where=sa.text(ISSUE_QUEUE_WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_casework_cases_issue_queue", table_name="casework_cases")
    op.drop_index("ix_casework_cases_approver_queue", table_name="casework_cases")
