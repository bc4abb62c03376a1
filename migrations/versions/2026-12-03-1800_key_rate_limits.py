"""API keys may have their own rate limit (`api_keys.rate_limit`, requests per window; null:
the configured default)

Revision ID: 3d7a1c9e5b40
Revises: 5c0e9a7d3b21
Create Date: 2026-12-03 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3d7a1c9e5b40"
down_revision: str | None = "5c0e9a7d3b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases (SQLite has had DROP COLUMN since 3.35): a batch copy of
# `api_keys` would trip the foreign keys that point at it.


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("rate_limit", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("api_keys", "rate_limit")
