"""Casework continued: ratings and follow-ups, complaints, appointments, the chained audit
trail, the county calendar.

- 好差评 (``casework_ratings``, one per case by a unique key) and their follow-ups; 办不成事
  complaints; the county's own calendar days; deadline alerts (one per case, state, due date and
  recipient); appointment slots' counts and the appointments.
- 全程留痕: ``audit_events`` gets ``seq``, ``prev_hash`` and ``hash``; the rows already there are
  chained here, per county in the order they were made (time, then id), with the application's
  own hash (``tenants.audit_hash.row_hash``), and each county gets its ``audit_chain_heads`` row.
  Then the table becomes append-only: on PostgreSQL the app role keeps only SELECT and INSERT
  (its UPDATE and DELETE grants are revoked) and row-level security has policies for SELECT and
  INSERT only; on SQLite triggers refuse UPDATE and DELETE.

Revision ID: 0010_casework_followup
Revises: 0009_catalog_network_rules
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import TENANT_EXPR, disable_tenant_rls, enable_tenant_rls
from tenants.audit_hash import GENESIS, RowContent, row_hash

revision: str = "0010_casework_followup"
down_revision: str | Sequence[str] | None = "0009_catalog_network_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "audit_chain_heads",
    "casework_calendar_days",
    "casework_slot_counts",
    "casework_appointments",
    "casework_complaints",
    "casework_deadline_alerts",
    "casework_ratings",
    "casework_rating_followups",
)
AUDIT_CONDITION = f"tenant_id = {TENANT_EXPR}"
SQLITE_GUARDS = {
    "audit_events_no_update": "UPDATE",
    "audit_events_no_delete": "DELETE",
}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_audit_chain_heads_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_heads")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_audit_chain_heads_tenant_id")),
    )

    with op.batch_alter_table("audit_chain_heads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_chain_heads_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_calendar_days_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_calendar_days")),
        sa.UniqueConstraint(
            "tenant_id", "day", name=op.f("uq_casework_calendar_days_tenant_id_day")
        ),
    )

    with op.batch_alter_table("casework_calendar_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_calendar_days_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_slot_counts",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_slot_counts_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_slot_counts_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_slot_counts")),
        sa.UniqueConstraint("site_id", "start", name=op.f("uq_casework_slot_counts_site_id_start")),
    )

    with op.batch_alter_table("casework_slot_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_slot_counts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_appointments",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("matter_code", sa.String(length=64), nullable=False),
        sa.Column("matter_name", sa.String(length=200), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone_cipher", sa.Text(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_masked", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "BOOKED",
                "CANCELLED",
                "CHECKED_IN",
                name="appointmentstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["casework_cases.id"],
            name=op.f("fk_casework_appointments_case_id_casework_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_appointments_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_appointments_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_appointments")),
        sa.UniqueConstraint(
            "tenant_id", "number", name=op.f("uq_casework_appointments_tenant_id_number")
        ),
    )

    with op.batch_alter_table("casework_appointments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_casework_appointments_site_start", ["site_id", "start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_casework_appointments_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_complaints",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("WINDOW", "APP", name="complaintchannel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact_phone_cipher", sa.Text(), nullable=False),
        sa.Column("contact_phone_masked", sa.String(length=20), nullable=False),
        sa.Column("matter_code", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("tracker_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("TRACKING", "RESOLVED", name="complaintstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=128), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("substantiated", sa.Boolean(), nullable=True),
        sa.Column("staff_at_fault_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=128), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["casework_cases.id"],
            name=op.f("fk_casework_complaints_case_id_casework_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_complaints_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["staff_at_fault_id"],
            ["staff.id"],
            name=op.f("fk_casework_complaints_staff_at_fault_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_complaints_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["tracker_id"], ["staff.id"], name=op.f("fk_casework_complaints_tracker_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_complaints")),
        sa.UniqueConstraint(
            "tenant_id", "number", name=op.f("uq_casework_complaints_tenant_id_number")
        ),
    )

    with op.batch_alter_table("casework_complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_casework_complaints_site_reported", ["site_id", "reported_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_casework_complaints_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_deadline_alerts",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "recipient",
            sa.Enum("MANAGER", "SUPERVISOR", name="alertrecipient", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("recipient_staff_id", sa.Uuid(), nullable=True),
        sa.Column("alerted_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["casework_cases.id"],
            name=op.f("fk_casework_deadline_alerts_case_id_casework_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_staff_id"],
            ["staff.id"],
            name=op.f("fk_casework_deadline_alerts_recipient_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_deadline_alerts_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_casework_deadline_alerts_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_deadline_alerts")),
        sa.UniqueConstraint(
            "case_id",
            "state",
            "due_date",
            "recipient",
            name=op.f("uq_casework_deadline_alerts_case_id_state_due_date_recipient"),
        ),
    )

    with op.batch_alter_table("casework_deadline_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_casework_deadline_alerts_site", ["site_id", "alerted_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_casework_deadline_alerts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_ratings",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "VERY_SATISFIED",
                "SATISFIED",
                "BASICALLY_SATISFIED",
                "DISSATISFIED",
                "VERY_DISSATISFIED",
                name="ratinglevel",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("bad", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["casework_cases.id"],
            name=op.f("fk_casework_ratings_case_id_casework_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_ratings_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_casework_ratings_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_casework_ratings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_ratings")),
        sa.UniqueConstraint("case_id", name=op.f("uq_casework_ratings_case_id")),
    )

    with op.batch_alter_table("casework_ratings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_casework_ratings_site_rated", ["site_id", "rated_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_casework_ratings_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "casework_rating_followups",
        sa.Column("rating_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "VERIFYING",
                "RECTIFYING",
                "REVISITING",
                "CLOSED",
                name="followupstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("verify_due", sa.Date(), nullable=False),
        sa.Column("rectify_due", sa.Date(), nullable=False),
        sa.Column("revisit_due", sa.Date(), nullable=True),
        sa.Column("substantiated", sa.Boolean(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(length=128), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.Column("rectified_by", sa.String(length=128), nullable=True),
        sa.Column("applicant_satisfied", sa.Boolean(), nullable=True),
        sa.Column("revisit_note", sa.Text(), nullable=True),
        sa.Column("revisited_on", sa.Date(), nullable=True),
        sa.Column("revisited_by", sa.String(length=128), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["casework_cases.id"],
            name=op.f("fk_casework_rating_followups_case_id_casework_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["casework_ratings.id"],
            name=op.f("fk_casework_rating_followups_rating_id_casework_ratings"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_casework_rating_followups_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_casework_rating_followups_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_casework_rating_followups_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_rating_followups")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_casework_rating_followups_rating_id")),
    )

    with op.batch_alter_table("casework_rating_followups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_casework_rating_followups_site_status", ["site_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_casework_rating_followups_tenant_id"), ["tenant_id"], unique=False
        )

    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    _chain_audit_events()


def _chain_audit_events() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    if _postgres():  # the owner reads and writes every county's rows here
        op.execute("ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_chain_heads NO FORCE ROW LEVEL SECURITY")
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Uuid()),
        sa.column("tenant_id", sa.Uuid()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("object_type", sa.String()),
        sa.column("object_id", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("note", sa.Text()),
        sa.column("seq", sa.BigInteger()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    heads = sa.table(
        "audit_chain_heads",
        sa.column("id", sa.Uuid()),
        sa.column("tenant_id", sa.Uuid()),
        sa.column("seq", sa.BigInteger()),
        sa.column("hash", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(events).order_by(events.c.tenant_id, events.c.at, events.c.id)
    ).all()
    last: dict = {}
    links = []
    for row in rows:
        seq, previous = last.get(row.tenant_id, (0, GENESIS))
        seq += 1
        digest = row_hash(RowContent.of(row), seq, previous)
        links.append({"row_id": row.id, "seq": seq, "prev": previous, "digest": digest})
        last[row.tenant_id] = (seq, digest)
    if links:
        bind.execute(
            events.update()
            .where(events.c.id == sa.bindparam("row_id"))
            .values(
                seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")
            ),
            links,
        )
    if last:
        op.bulk_insert(
            heads,
            [
                {"id": uuid.uuid4(), "tenant_id": tenant, "seq": seq, "hash": digest}
                for tenant, (seq, digest) in last.items()
            ],
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index("ix_audit_events_tenant_at", ["tenant_id", "at"], unique=False)
        batch_op.create_index(
            "ix_audit_events_tenant_object", ["tenant_id", "object_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_events_tenant_id_seq"), ["tenant_id", "seq"]
        )
    if _postgres():
        op.execute("ALTER TABLE audit_events FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY")
        # Append-only: no UPDATE or DELETE policy, and no such grant to anyone but the owner.
        op.execute("DROP POLICY IF EXISTS tenant_isolation ON audit_events")
        op.execute(f"CREATE POLICY audit_read ON audit_events FOR SELECT USING ({AUDIT_CONDITION})")
        op.execute(
            f"CREATE POLICY audit_append ON audit_events FOR INSERT WITH CHECK ({AUDIT_CONDITION})"
        )
        op.execute(
            """
            DO $$
            DECLARE grantee text;
            BEGIN
                FOR grantee IN
                    SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
                    WHERE g.table_schema = current_schema() AND g.table_name = 'audit_events'
                      AND g.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
                      AND g.grantee <> current_user
                LOOP
                    EXECUTE format(
                        'REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM %I', grantee
                    );
                END LOOP;
            END
            $$
            """
        )
    else:
        for name, verb in SQLITE_GUARDS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def downgrade() -> None:
    if _postgres():
        op.execute("DROP POLICY IF EXISTS audit_read ON audit_events")
        op.execute("DROP POLICY IF EXISTS audit_append ON audit_events")
        op.execute(
            f"CREATE POLICY tenant_isolation ON audit_events USING ({AUDIT_CONDITION})"
            f" WITH CHECK ({AUDIT_CONDITION})"
        )
    else:
        for name in SQLITE_GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_tenant_id_seq"), type_="unique")
        batch_op.drop_index("ix_audit_events_tenant_object")
        batch_op.drop_index("ix_audit_events_tenant_at")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
