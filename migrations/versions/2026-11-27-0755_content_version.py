"""Add the content version counter that response caches and the change log key on

Revision ID: 26ce0b5627da
Revises: a95575dd69c6
Create Date: 2026-11-27 07:54:52.312383
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "26ce0b5627da"
down_revision: str | None = "a95575dd69c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    content_version = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_content_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    # Data step: the single row every write bumps.
    op.bulk_insert(
        content_version,
        [{"id": 1, "version": 0, "changed_at": datetime(2026, 1, 1, tzinfo=UTC)}],
    )


def downgrade() -> None:
    op.drop_table("content_version")
