"""Casework continued: ratings and follow-ups, complaints, appointments, the chained audit trail, the county calendar.

Revision ID: 0010_casework_followup
Revises: 0009_catalog_network_rules
"""

from collections.abc import Sequence

revision: str = "0010_casework_followup"
down_revision: str | Sequence[str] | None = "0009_catalog_network_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
