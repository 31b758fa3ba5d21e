"""Assessment and pay: the rubric, events, monthly and annual grades, payrolls.

Revision ID: 0011_assessment_pay
Revises: 0010_casework_followup
"""

from collections.abc import Sequence

revision: str = "0011_assessment_pay"
down_revision: str | Sequence[str] | None = "0010_casework_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
