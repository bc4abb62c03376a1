"""CDN purges: the change-log cursor of the purge worker, and keys to purge for changes the
log does not name

Revision ID: 8b2f4d6a1c37
Revises: 3d7a1c9e5b40
Create Date: 2026-12-03 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b2f4d6a1c37"
down_revision: str | None = "3d7a1c9e5b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    cursor = op.create_table(
        "cdn_purge_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_cdn_purge_cursor_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdn_purge_cursor")),
    )
    op.create_table(
        "cdn_pending_purges",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdn_pending_purges")),
    )
    # Start at the log's end: what changed before purging existed is not purged again.
    latest = op.get_bind().scalar(sa.text("SELECT COALESCE(MAX(seq), 0) FROM change_log"))
    op.bulk_insert(cursor, [{"id": 1, "last_seq": int(latest or 0), "failures": 0}])


def downgrade() -> None:
    op.drop_table("cdn_pending_purges")
    op.drop_table("cdn_purge_cursor")
