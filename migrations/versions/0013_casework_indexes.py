"""Casework's hot queries get their indexes (chosen with 1,000,000 cases in one county, see
bench/RESULTS.md):

- the county's case list, newest first: ``(tenant_id, accepted_at, id)`` walked backwards;
- a front desk's work queue (supplements awaited, decisions to hand out):
  ``(site_id, status, due_date)``;
- the service report's counts, each read from the index alone: accepted ``(tenant_id,
  accepted_on, site_id)``, decided ``(tenant_id, decided_on, site_id, status, due_date)``,
  issued ``(tenant_id, issued_at, site_id)``.

Revision ID: 0013_casework_indexes
Revises: 0012_job_results
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_casework_indexes"
down_revision: str | Sequence[str] | None = "0012_job_results"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_INDEXES: dict[str, list[str]] = {
    "ix_casework_cases_tenant_accepted": ["tenant_id", "accepted_at", "id"],
    "ix_casework_cases_site_status_due": ["site_id", "status", "due_date"],
    "ix_casework_cases_tenant_accepted_on": ["tenant_id", "accepted_on", "site_id"],
    "ix_casework_cases_tenant_decided_on": [
        "tenant_id",
        "decided_on",
        "site_id",
        "status",
        "due_date",
    ],
    "ix_casework_cases_tenant_issued_at": ["tenant_id", "issued_at", "site_id"],
}


def upgrade() -> None:
    for name, columns in CASE_INDEXES.items():
        op.create_index(name, "casework_cases", columns, unique=False)


def downgrade() -> None:
    for name in reversed(CASE_INDEXES):
        op.drop_index(name, table_name="casework_cases")
