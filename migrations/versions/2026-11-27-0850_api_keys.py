"""Add API keys (a keyed hash of each secret, scopes, expiry, revocation, last use)

Revision ID: 7afe038def90
Revises: 5a3c82d41d66
Create Date: 2026-11-27 08:22:56.811648
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7afe038def90"
down_revision: str | None = "5a3c82d41d66"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["api_keys.id"], name=op.f("fk_api_keys_created_by_api_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )



def downgrade() -> None:

    op.drop_table("api_keys")

