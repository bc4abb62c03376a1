"""Keep the slugs translations no longer use, so that old links keep resolving

Revision ID: 8e69ecbe4ae0
Revises: 6498e77c719d
Create Date: 2026-11-27 09:15:35.544193
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e69ecbe4ae0"
down_revision: str | None = "6498e77c719d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_former_slugs",
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_former_slugs_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lang", "slug", name=op.f("pk_statement_former_slugs")),
    )
    op.create_index(op.f("ix_statement_former_slugs_statement_id"), "statement_former_slugs", ["statement_id"], unique=False
    )



def downgrade() -> None:
    op.drop_index(op.f("ix_statement_former_slugs_statement_id"), table_name="statement_former_slugs")

    op.drop_table("statement_former_slugs")
