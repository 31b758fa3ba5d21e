"""Maintained case counts: ``casework_case_counts``, one row per county, accepting site,
processing site and status (``casework.models.CaseCount``), with row-level security; filled
from the cases already there, county by county (as each county, so that row-level security
applies to the owner too). And ``ix_casework_cases_notice`` (the cases that answer a one-time
notice; partial: most cases answer none), for intake's look-up of the applicant's notice.

Revision ID: 0015_casework_case_counts
Revises: 0014_pay_carryover
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0015_casework_case_counts"
down_revision: str | Sequence[str] | None = "0014_pay_carryover"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_STATUS = sa.Enum(
    "ACCEPTED",
    "AWAITING_SUPPLEMENT",
    "APPROVED",
    "REFUSED",
    "ISSUED",
    "WITHDRAWN",
    name="casestatus",
    native_enum=False,
    length=24,
)

BACKFILL = """
INSERT INTO casework_case_counts (id, tenant_id, site_id, processing_site_id, status, cases)
SELECT {new_id}, tenant_id, site_id, processing_site_id, status, count(*)
FROM casework_cases
WHERE {where}
GROUP BY tenant_id, site_id, processing_site_id, status
"""


def upgrade() -> None:
    op.create_table(
        "casework_case_counts",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("processing_site_id", sa.Uuid(), nullable=False),
        sa.Column("status", CASE_STATUS, nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["processing_site_id"],
            ["sites.id"],
            name=op.f("fk_casework_case_counts_processing_site_id_sites"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_case_counts_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_case_counts_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_case_counts")),
        sa.UniqueConstraint(
            "tenant_id",
            "site_id",
            "processing_site_id",
            "status",
            name="uq_casework_case_counts_key",
        ),
    )
    with op.batch_alter_table("casework_case_counts") as batch:
        batch.create_index(batch.f("ix_casework_case_counts_tenant_id"), ["tenant_id"])
    enable_tenant_rls("casework_case_counts")
    _backfill()
    op.create_index(
        "ix_casework_cases_notice",
        "casework_cases",
        ["notice_id"],
        unique=False,
        postgresql_where=sa.text("notice_id IS NOT NULL"),
        sqlite_where=sa.text("notice_id IS NOT NULL"),
    )


def _backfill() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        # SQLite keeps a UUID as 32 hex digits; no row-level security.
        op.execute(BACKFILL.format(new_id="lower(hex(randomblob(16)))", where="1 = 1"))
        return
    # The owner is subject to the forced policies too: count each county as that county.
    tenants = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants")).all()]
    for tenant_id in tenants:
        bind.execute(
            sa.text("SELECT set_config('app.tenant_id', :tenant, true)"),
            {"tenant": str(tenant_id)},
        )
        bind.execute(
            sa.text(BACKFILL.format(new_id="gen_random_uuid()", where="tenant_id = :tenant")),
            {"tenant": tenant_id},
        )
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def downgrade() -> None:
    op.drop_index("ix_casework_cases_notice", table_name="casework_cases")
    disable_tenant_rls("casework_case_counts")
    with op.batch_alter_table("casework_case_counts") as batch:
        batch.drop_index(batch.f("ix_casework_case_counts_tenant_id"))
    op.drop_table("casework_case_counts")
