"""Add versions to actors and topics, which editors can now change (If-Match)

Revision ID: 89a74cb4fad0
Revises: 5fdada7fb3f6
Create Date: 2026-11-27 08:54:01.347329
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "89a74cb4fad0"
down_revision: str | None = "5fdada7fb3f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))

    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))



def downgrade() -> None:
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_column("version")

