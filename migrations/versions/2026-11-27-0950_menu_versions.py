"""Add versions to menus and their items, for If-Match and the change log

Existing rows start at version 1 (the server default only fills them in).

Revision ID: 5fdada7fb3f6
Revises: 071634938376
Create Date: 2026-11-27 08:47:52.625442
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5fdada7fb3f6"
down_revision: str | None = "071634938376"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("menus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))

    with op.batch_alter_table("navigation_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))



def downgrade() -> None:
    with op.batch_alter_table("navigation_items", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("menus", schema=None) as batch_op:
        batch_op.drop_column("version")

