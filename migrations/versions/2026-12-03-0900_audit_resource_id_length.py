"""Audit rows name any resource: topic slugs are up to 64 characters

Revision ID: 7b2e4f9a1c83
Revises: 5e8b0c4d2a61
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b2e4f9a1c83"
down_revision: str | None = "5e8b0c4d2a61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column(
            "resource_id", existing_type=sa.String(length=32), type_=sa.String(length=64)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column(
            "resource_id", existing_type=sa.String(length=64), type_=sa.String(length=32)
        )
