"""Remember when content first went public: only such content can be withdrawn (410);
content the public never saw stays a 404 whatever happens to it

Revision ID: 3c1d9a2f7b10
Revises: 3c1f7a9e2b44
Create Date: 2026-12-03 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c1d9a2f7b10"
down_revision: str | None = "3c1f7a9e2b44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (("statements", "statement"), ("commitments", "commitment"))


def upgrade() -> None:
    for table, _ in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("first_public_at", sa.DateTime(timezone=True), nullable=True)
            )
    # Data step: live now, announced, or in the change log (which only logs what the public
    # could see) means it has been public. A withdrawn item with no trace stays never-public.
    for table, resource_type in TABLES:
        op.execute(
            sa.text(
                f"UPDATE {table} SET first_public_at = COALESCE("  # noqa: S608 - constants
                "live_since, "
                "(SELECT MIN(c.occurred_at) FROM change_log c "
                f"WHERE c.resource_type = '{resource_type}' AND c.resource_id = {table}.id), "
                "CASE WHEN publication_status = 'published' AND deleted_at IS NULL "
                "AND published_at <= CURRENT_TIMESTAMP THEN published_at END)"
            )
        )


def downgrade() -> None:
    for table, _ in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("first_public_at")
