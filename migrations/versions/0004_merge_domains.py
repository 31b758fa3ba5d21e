"""Join the workforce and catalog branches into one head.

Revision ID: 0004_merge_domains
Revises: 0002_workforce, 0003_catalog
"""

from collections.abc import Sequence

revision: str = "0004_merge_domains"
down_revision: str | Sequence[str] | None = ("0002_workforce", "0003_catalog")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
