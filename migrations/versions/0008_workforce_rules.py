"""The rules as the documents set them: workforce (history, posts, who does what, reviews).

- staff: how someone left the pool (``separation``: resigned, dismissed, removed from the
  window) and why; the name's pinyin for search (filled here for the people already there);
  the posts of every assignment a person holds are added to their qualified posts (the posts
  were not checked before, so the record is taken as the qualification it showed);
- staff_assignments: ``cancelled_at`` / ``cancelled_by`` (replaced on its first day, or made by a
  revoked order); an assignment "cancelled" the old way (ending the day before it starts) is
  marked cancelled and given its start as its end, so that no assignment ends before it starts
  (``ck_staff_assignments_dates``, both databases); PostgreSQL's exclusion constraint of 0007 is
  recreated to leave cancelled rows out;
- redeployment_orders: revocation; ``redeployment_effects``: what an order ended or cancelled,
  with the values before (RLS like every tenant table);
- head_appointments: the proposer's and the reviewer's user ids (nobody gives the opinion on
  their own proposal).

Revision ID: 0008_workforce_rules
Revises: 0007_race_constraints
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pypinyin import Style, lazy_pinyin

from migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0008_workforce_rules"
down_revision: str | Sequence[str] | None = "0007_race_constraints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEPARATION = sa.Enum(
    "RESIGNED", "DISMISSED", "REMOVED", name="separation", native_enum=False, length=24
)
EXCLUSION = (
    "ALTER TABLE staff_assignments ADD CONSTRAINT ex_staff_assignments_no_overlap"
    " EXCLUDE USING gist"
    " (staff_id WITH =, kind WITH =, daterange(start_date, end_date + 1) WITH &&)"
)


def _postgres() -> bool:
    return op.get_context().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("separation", SEPARATION, nullable=True))
        batch.add_column(sa.Column("separation_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("name_pinyin", sa.String(length=400), nullable=True))
        batch.add_column(sa.Column("name_initials", sa.String(length=64), nullable=True))
    with op.batch_alter_table("staff_assignments") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(length=128), nullable=True))
    with op.batch_alter_table("redeployment_orders") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("revoked_by_user_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("head_appointments") as batch:
        batch.add_column(sa.Column("proposed_by_user_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("reviewed_by_user_id", sa.Uuid(), nullable=True))
    op.create_table(
        "redeployment_effects",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("previous_end_date", sa.Date(), nullable=True),
        sa.Column("previous_ended_by", sa.String(length=128), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["staff_assignments.id"],
            name=op.f("fk_redeployment_effects_assignment_id_staff_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["redeployment_orders.id"],
            name=op.f("fk_redeployment_effects_order_id_redeployment_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_redeployment_effects_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redeployment_effects")),
    )
    with op.batch_alter_table("redeployment_effects") as batch:
        batch.create_index(batch.f("ix_redeployment_effects_order_id"), ["order_id"])
        batch.create_index(batch.f("ix_redeployment_effects_tenant_id"), ["tenant_id"])
    enable_tenant_rls("redeployment_effects")
    if _postgres():
        op.execute("ALTER TABLE staff_assignments DROP CONSTRAINT ex_staff_assignments_no_overlap")
        op.execute(EXCLUSION + " WHERE (cancelled_at IS NULL)")
    _backfill()
    with op.batch_alter_table("staff_assignments") as batch:
        batch.create_check_constraint(
            "ck_staff_assignments_dates", "end_date IS NULL OR end_date >= start_date"
        )


def _backfill() -> None:
    """Pinyin of the names already there, and each person's posts ∪ their assignments' posts.
    On PostgreSQL the tables are under FORCE RLS (the owner too): one county at a time."""
    bind = op.get_bind()
    tenants = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants"))]
    for tenant_id in tenants:
        if _postgres():
            bind.execute(
                sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)}
            )
        held: dict = {}
        for staff_id, post in bind.execute(
            sa.text("SELECT staff_id, post FROM staff_assignments WHERE tenant_id = :t"),
            {"t": tenant_id},
        ):
            held.setdefault(staff_id, set()).add(post)
        bind.execute(
            sa.text(
                "UPDATE staff_assignments SET cancelled_at = CURRENT_TIMESTAMP,"
                " cancelled_by = 'migration 0008', end_date = start_date"
                " WHERE tenant_id = :t AND end_date < start_date"
            ),
            {"t": tenant_id},
        )
        people = bind.execute(
            sa.text("SELECT id, name, posts FROM staff WHERE tenant_id = :t"), {"t": tenant_id}
        ).all()
        for staff_id, name, posts in people:
            current = json.loads(posts) if isinstance(posts, str) else list(posts or [])
            merged = sorted(set(current) | held.get(staff_id, set()))
            bind.execute(
                sa.text(
                    "UPDATE staff SET name_pinyin = :full, name_initials = :initials,"
                    " posts = :posts WHERE id = :id"
                ),
                {
                    "full": "".join(lazy_pinyin(name)).lower()[:400],
                    "initials": "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()[:64],
                    "posts": json.dumps(merged),
                    "id": staff_id,
                },
            )
    if _postgres():
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def downgrade() -> None:
    with op.batch_alter_table("staff_assignments") as batch:
        batch.drop_constraint("ck_staff_assignments_dates", type_="check")
    # Before 0008 a cancelled assignment was one that ends the day before it starts (an empty
    # period, which the constraint lets through).
    if _postgres():
        op.execute("ALTER TABLE staff_assignments DROP CONSTRAINT ex_staff_assignments_no_overlap")
        op.execute(
            "UPDATE staff_assignments SET end_date = start_date - 1 WHERE cancelled_at IS NOT NULL"
        )
        op.execute(EXCLUSION)
    else:
        op.execute(
            "UPDATE staff_assignments SET end_date = date(start_date, '-1 day')"
            " WHERE cancelled_at IS NOT NULL"
        )
    disable_tenant_rls("redeployment_effects")
    with op.batch_alter_table("redeployment_effects") as batch:
        batch.drop_index(batch.f("ix_redeployment_effects_tenant_id"))
        batch.drop_index(batch.f("ix_redeployment_effects_order_id"))
    op.drop_table("redeployment_effects")
    with op.batch_alter_table("head_appointments") as batch:
        batch.drop_column("reviewed_by_user_id")
        batch.drop_column("proposed_by_user_id")
    with op.batch_alter_table("redeployment_orders") as batch:
        batch.drop_column("revoke_reason")
        batch.drop_column("revoked_by_user_id")
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")
    with op.batch_alter_table("staff_assignments") as batch:
        batch.drop_column("cancelled_by")
        batch.drop_column("cancelled_at")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("name_initials")
        batch.drop_column("name_pinyin")
        batch.drop_column("separation_reason")
        batch.drop_column("separation")
