"""The rules as the documents set them: workforce (history, posts, who does what, reviews).

Revision ID: 0008_workforce_rules
Revises: 0007_race_constraints
"""

from collections.abc import Sequence

revision: str = "0008_workforce_rules"
down_revision: str | Sequence[str] | None = "0007_race_constraints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
