"""Background jobs keep a structured result (an import's row-by-row report) beside the file.

Revision ID: 0012_job_results
Revises: 0011_assessment_pay
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_job_results"
down_revision: str | Sequence[str] | None = "0011_assessment_pay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("background_jobs") as batch:
        batch.add_column(sa.Column("result", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("background_jobs") as batch:
        batch.drop_column("result")
