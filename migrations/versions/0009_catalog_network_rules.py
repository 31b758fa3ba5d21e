"""The rules as the documents set them: the catalog's same standard and the network's classes and zones.

Revision ID: 0009_catalog_network_rules
Revises: 0008_workforce_rules
"""

from collections.abc import Sequence

revision: str = "0009_catalog_network_rules"
down_revision: str | Sequence[str] | None = "0008_workforce_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
