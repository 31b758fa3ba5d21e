"""Maintained case counts: ``casework_case_counts``, one row per county, accepting site,
processing site and status (``casework.models.CaseCount``), and ``casework_case_days``, one row
per site and day with the cases accepted, issued and decided (late) that day
(``casework.models.CaseDay``), both with row-level security; filled from the cases already
there, county by county (as each county, so that row-level security applies to the owner
too). And ``ix_casework_cases_notice`` (the cases that answer a one-time notice; partial: most
cases answer none), for intake's look-up of the applicant's notice.

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

# The China day of a stored instant (UTC+8 all year): PostgreSQL, SQLite (UTC text).
CHINA_DAY = {
    "postgresql": "(timezone('Asia/Shanghai', issued_at))::date",
    "sqlite": "date(issued_at, '+8 hours')",
}

BACKFILL_DAYS = """
INSERT INTO casework_case_days (id, tenant_id, site_id, day, accepted, issued, decided,
                                decided_late)
SELECT {new_id}, tenant_id, site_id, day, sum(accepted), sum(issued), sum(decided),
       sum(decided_late)
FROM (
    SELECT tenant_id, site_id, accepted_on AS day, 1 AS accepted, 0 AS issued, 0 AS decided,
           0 AS decided_late
    FROM casework_cases WHERE {where}
    UNION ALL
    SELECT tenant_id, site_id, {issued_day}, 0, 1, 0, 0
    FROM casework_cases WHERE {where} AND issued_at IS NOT NULL
    UNION ALL
    SELECT tenant_id, site_id, decided_on, 0, 0, 1,
           CASE WHEN decided_on > due_date THEN 1 ELSE 0 END
    FROM casework_cases
    WHERE {where} AND decided_on IS NOT NULL AND due_date IS NOT NULL
        AND status IN ('APPROVED', 'REFUSED', 'ISSUED')
) parts
GROUP BY tenant_id, site_id, day
"""

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
    op.create_table(
        "casework_case_days",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("decided_late", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_case_days_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_case_days_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_case_days")),
        sa.UniqueConstraint(
            "tenant_id", "site_id", "day", name=op.f("uq_casework_case_days_tenant_id_site_id_day")
        ),
    )
    with op.batch_alter_table("casework_case_days") as batch:
        batch.create_index(batch.f("ix_casework_case_days_tenant_id"), ["tenant_id"])
    enable_tenant_rls("casework_case_days")
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
        new_id = "lower(hex(randomblob(16)))"
        op.execute(BACKFILL.format(new_id=new_id, where="1 = 1"))
        op.execute(
            BACKFILL_DAYS.format(new_id=new_id, where="1 = 1", issued_day=CHINA_DAY["sqlite"])
        )
        return
    # The owner is subject to the forced policies too: count each county as that county.
    tenants = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants")).all()]
    for tenant_id in tenants:
        bind.execute(
            sa.text("SELECT set_config('app.tenant_id', :tenant, true)"),
            {"tenant": str(tenant_id)},
        )
        mine = {"new_id": "gen_random_uuid()", "where": "tenant_id = :tenant"}
        bind.execute(sa.text(BACKFILL.format(**mine)), {"tenant": tenant_id})
        bind.execute(
            sa.text(BACKFILL_DAYS.format(**mine, issued_day=CHINA_DAY["postgresql"])),
            {"tenant": tenant_id},
        )
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def downgrade() -> None:
    op.drop_index("ix_casework_cases_notice", table_name="casework_cases")
    disable_tenant_rls("casework_case_days")
    with op.batch_alter_table("casework_case_days") as batch:
        batch.drop_index(batch.f("ix_casework_case_days_tenant_id"))
    op.drop_table("casework_case_days")
    disable_tenant_rls("casework_case_counts")
    with op.batch_alter_table("casework_case_counts") as batch:
        batch.drop_index(batch.f("ix_casework_case_counts_tenant_id"))
    op.drop_table("casework_case_counts")
