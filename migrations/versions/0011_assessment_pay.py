"""Assessment and pay: the rubric, events, monthly and annual grades, payrolls (row-level
security on every table).

Revision ID: 0011_assessment_pay
Revises: 0010_casework_followup
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0011_assessment_pay"
down_revision: str | Sequence[str] | None = "0010_casework_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "assessment_events",
    "assessment_rubrics",
    "assessment_months",
    "assessment_monthly_scores",
    "assessment_years",
    "assessment_annual_grades",
    "pay_payrolls",
    "pay_lines",
    "pay_base_wages",
)

EVENT_SOURCE = sa.Enum(
    "MANUAL", "RATING", "COMPLAINT", "ATTENDANCE_IMPORT",
    name="eventsource", native_enum=False, length=24,
)


def upgrade() -> None:
    op.create_table(
        "assessment_events",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("grave", sa.Boolean(), nullable=False),
        sa.Column("source_kind", EVENT_SOURCE, nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_key", sa.String(length=300), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=128), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_assessment_events_staff_id_staff")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_assessment_events_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_events")),
        sa.UniqueConstraint(
            "tenant_id", "source_kind", "source_id", "item_code",
            name=op.f("uq_assessment_events_tenant_id_source_kind_source_id_item_code"),
        ),
    )
    with op.batch_alter_table("assessment_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_events_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_assessment_events_tenant_occurred", ["tenant_id", "occurred_on"], unique=False)
        batch_op.create_index("ix_assessment_events_staff_occurred", ["staff_id", "occurred_on"], unique=False)

    op.create_table('assessment_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'CLOSED', 'PUBLISHED', name='assessmentstatus', native_enum=False, length=24), nullable=False),
    sa.Column('rubric_version', sa.Integer(), nullable=True),
    sa.Column('assessed_count', sa.Integer(), nullable=False),
    sa.Column('good_quota', sa.Integer(), nullable=False),
    sa.Column('good_count', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=128), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.String(length=128), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_assessment_months_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_months')),
    sa.UniqueConstraint('tenant_id', 'month', name=op.f('uq_assessment_months_tenant_id_month'))
    )
    with op.batch_alter_table('assessment_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_months_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('assessment_rubrics',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_assessment_rubrics_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_rubrics')),
    sa.UniqueConstraint('tenant_id', 'version', name=op.f('uq_assessment_rubrics_tenant_id_version'))
    )
    with op.batch_alter_table('assessment_rubrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_rubrics_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('assessment_years',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'CLOSED', 'PUBLISHED', name='assessmentstatus', native_enum=False, length=24), nullable=False),
    sa.Column('assessed_count', sa.Integer(), nullable=False),
    sa.Column('excellent_quota', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=128), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_assessment_years_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_years')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_assessment_years_tenant_id_year'))
    )
    with op.batch_alter_table('assessment_years', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_years_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pay_payrolls',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('DRAFT', 'APPROVED', name='payrollstatus', native_enum=False, length=16), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_by', sa.String(length=128), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=128), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pay_payrolls_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_payrolls')),
    sa.UniqueConstraint('tenant_id', 'month', name=op.f('uq_pay_payrolls_tenant_id_month'))
    )
    with op.batch_alter_table('pay_payrolls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_payrolls_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('assessment_annual_grades',
    sa.Column('year_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('grade', sa.Enum('EXCELLENT', 'PASS', 'BASIC', 'FAIL', name='annualgrade', native_enum=False, length=24), nullable=False),
    sa.Column('good_months', sa.Integer(), nullable=False),
    sa.Column('fair_months', sa.Integer(), nullable=False),
    sa.Column('poor_months', sa.Integer(), nullable=False),
    sa.Column('suspended_months', sa.Integer(), nullable=False),
    sa.Column('total_score', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_assessment_annual_grades_staff_id_staff')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_assessment_annual_grades_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['year_id'], ['assessment_years.id'], name=op.f('fk_assessment_annual_grades_year_id_assessment_years')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_annual_grades')),
    sa.UniqueConstraint('year_id', 'staff_id', name=op.f('uq_assessment_annual_grades_year_id_staff_id'))
    )
    with op.batch_alter_table('assessment_annual_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_annual_grades_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_annual_grades_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('assessment_monthly_scores',
    sa.Column('month_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('deductions', sa.Integer(), nullable=False),
    sa.Column('bonus', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('grave', sa.Boolean(), nullable=False),
    sa.Column('grave_items', sa.JSON(), nullable=False),
    sa.Column('hire_date', sa.Date(), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('proposed_grade', sa.Enum('GOOD', 'FAIR', 'POOR', name='monthlygrade', native_enum=False, length=24), nullable=True),
    sa.Column('grade', sa.Enum('GOOD', 'FAIR', 'POOR', name='monthlygrade', native_enum=False, length=24), nullable=True),
    sa.Column('reward', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('adjusted_reason', sa.Text(), nullable=True),
    sa.Column('adjusted_by', sa.String(length=128), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['month_id'], ['assessment_months.id'], name=op.f('fk_assessment_monthly_scores_month_id_assessment_months')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_assessment_monthly_scores_site_id_sites')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_assessment_monthly_scores_staff_id_staff')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_assessment_monthly_scores_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_monthly_scores')),
    sa.UniqueConstraint('month_id', 'staff_id', name=op.f('uq_assessment_monthly_scores_month_id_staff_id'))
    )
    with op.batch_alter_table('assessment_monthly_scores', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_monthly_scores_site', ['month_id', 'site_id'], unique=False)
        batch_op.create_index('ix_assessment_monthly_scores_staff', ['staff_id', 'month_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_monthly_scores_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pay_base_wages',
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('monthly', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('set_by', sa.String(length=128), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_pay_base_wages_staff_id_staff')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pay_base_wages_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_base_wages')),
    sa.UniqueConstraint('tenant_id', 'staff_id', name=op.f('uq_pay_base_wages_tenant_id_staff_id'))
    )
    with op.batch_alter_table('pay_base_wages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_base_wages_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pay_lines',
    sa.Column('payroll_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('probation', sa.Boolean(), nullable=False),
    sa.Column('skill_level', sa.String(length=24), nullable=True),
    sa.Column('tenure_years', sa.Integer(), nullable=False),
    sa.Column('days_paid', sa.Integer(), nullable=False),
    sa.Column('days_in_month', sa.Integer(), nullable=False),
    sa.Column('base', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('skill', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('tenure', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('education', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reward', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('gross', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['payroll_id'], ['pay_payrolls.id'], name=op.f('fk_pay_lines_payroll_id_pay_payrolls')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_pay_lines_site_id_sites')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_pay_lines_staff_id_staff')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pay_lines_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_lines')),
    sa.UniqueConstraint('payroll_id', 'staff_id', name=op.f('uq_pay_lines_payroll_id_staff_id'))
    )
    with op.batch_alter_table('pay_lines', schema=None) as batch_op:
        batch_op.create_index('ix_pay_lines_site', ['payroll_id', 'site_id'], unique=False)
        batch_op.create_index('ix_pay_lines_staff', ['staff_id', 'payroll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_lines_tenant_id'), ['tenant_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('pay_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_lines_tenant_id'))
        batch_op.drop_index('ix_pay_lines_staff')
        batch_op.drop_index('ix_pay_lines_site')

    op.drop_table('pay_lines')
    with op.batch_alter_table('pay_base_wages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_base_wages_tenant_id'))

    op.drop_table('pay_base_wages')
    with op.batch_alter_table('assessment_monthly_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_monthly_scores_tenant_id'))
        batch_op.drop_index('ix_assessment_monthly_scores_staff')
        batch_op.drop_index('ix_assessment_monthly_scores_site')

    op.drop_table('assessment_monthly_scores')
    with op.batch_alter_table('assessment_annual_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_annual_grades_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_annual_grades_staff_id'))

    op.drop_table('assessment_annual_grades')
    with op.batch_alter_table('pay_payrolls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_payrolls_tenant_id'))

    op.drop_table('pay_payrolls')
    with op.batch_alter_table('assessment_years', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_years_tenant_id'))

    op.drop_table('assessment_years')
    with op.batch_alter_table('assessment_rubrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_rubrics_tenant_id'))

    op.drop_table('assessment_rubrics')
    with op.batch_alter_table('assessment_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_months_tenant_id'))

    op.drop_table('assessment_months')
    op.drop_table("assessment_events")
