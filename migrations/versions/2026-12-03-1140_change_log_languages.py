"""Change log: the languages the public saw before and after each change, and the pruning horizon

Revision ID: 4a7c2e9d1b36
Revises: 3c9d1e7f5a20
Create Date: 2026-12-03 11:40:00

`langs` and `previous_langs` are ",en,fr," strings (NULL: every language, as for menus, whose
labels fall back) so that a `lang=` filter on the change feed is one indexed range scan with a
LIKE on both dialects. Rows logged before this revision get NULL: they match every filter.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4a7c2e9d1b36"
down_revision: str | None = "3c9d1e7f5a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("langs", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("previous_langs", sa.String(length=200), nullable=True))
        batch.drop_index("ix_change_log_resource_id")
        batch.create_index("ix_change_log_resource", ["resource_type", "resource_id", "seq"])
    with op.batch_alter_table("content_version") as batch:
        batch.add_column(
            sa.Column("log_horizon", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("content_version") as batch:
        batch.drop_column("log_horizon")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_index("ix_change_log_resource")
        batch.create_index("ix_change_log_resource_id", ["resource_id"])
        batch.drop_column("previous_langs")
        batch.drop_column("langs")
