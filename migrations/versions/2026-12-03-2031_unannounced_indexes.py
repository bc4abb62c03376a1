"""Partial indexes of the go-lives not yet logged, for the change feed's check on every request

Revision ID: 8b2f4e6a1c93
Revises: 8b2f4d6a1c37
Create Date: 2026-12-03 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b2f4e6a1c93"
down_revision: str | None = "8b2f4d6a1c37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNANNOUNCED = sa.text("live_since IS NULL")


def upgrade() -> None:
    for table in ("statements", "commitments"):
        op.create_index(
            f"ix_{table}_unannounced",
            table,
            ["publication_status", "published_at"],
            postgresql_where=UNANNOUNCED,
            sqlite_where=UNANNOUNCED,
        )


def downgrade() -> None:
    for table in ("statements", "commitments"):
        op.drop_index(f"ix_{table}_unannounced", table_name=table)
