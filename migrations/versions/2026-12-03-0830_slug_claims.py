"""One holder per statement slug, whatever the language, current or former

Revision ID: 5e8b0c4d2a61
Revises: 3c1d9a2f7b10
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e8b0c4d2a61"
down_revision: str | None = "3c1d9a2f7b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_slug_claims",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_slug_claims_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_statement_slug_claims")),
    )
    op.create_index(
        op.f("ix_statement_slug_claims_statement_id"),
        "statement_slug_claims",
        ["statement_id"],
        unique=False,
    )
    # Data step: every current and former slug is claimed. Where two statements shared one
    # (in different languages, before this rule), the statement created first keeps it; the
    # other keeps its translation until an editor renames it (its next slug change is checked).
    op.execute(
        sa.text(
            "INSERT INTO statement_slug_claims (slug, statement_id, claimed_at) "
            "SELECT u.slug, MIN(u.statement_id), MIN(u.at) FROM ("
            "SELECT t.slug AS slug, t.statement_id AS statement_id, s.created_at AS at "
            "FROM statement_translations t JOIN statements s ON s.id = t.statement_id "
            "WHERE NOT EXISTS (SELECT 1 FROM statement_translations o "
            "JOIN statements os ON os.id = o.statement_id "
            "WHERE o.slug = t.slug AND os.created_at < s.created_at) "
            "UNION ALL "
            "SELECT f.slug, f.statement_id, f.retired_at FROM statement_former_slugs f "
            "WHERE NOT EXISTS (SELECT 1 FROM statement_translations o WHERE o.slug = f.slug)"
            ") u GROUP BY u.slug"
        )
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_statement_slug_claims_statement_id"), table_name="statement_slug_claims"
    )
    op.drop_table("statement_slug_claims")
