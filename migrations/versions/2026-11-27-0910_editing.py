"""Add what editing needs: change log, revisions, audit log, idempotency keys, and
withdrawal and go-live columns on statements

Revision ID: 071634938376
Revises: 7afe038def90
Create Date: 2026-11-27 08:28:57.327104
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "071634938376"
down_revision: str | None = "7afe038def90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_key_id"), "audit_log", ["key_id"], unique=False)
    op.create_index(op.f("ix_audit_log_resource_id"), "audit_log", ["resource_id"], unique=False)

    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_log")),
    )
    op.create_index(op.f("ix_change_log_resource_id"), "change_log", ["resource_id"], unique=False
    )

    op.create_table(
        "idempotency_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "idempotency_key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "statement_revisions",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("langs", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_revisions_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "version", name=op.f("pk_statement_revisions")),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_note", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("live_since", sa.DateTime(timezone=True), nullable=True))

    # Data step: statements already public count as announced at their publication date.
    statements = sa.table(
        "statements",
        sa.column("publication_status", sa.String),
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("deleted_at", sa.DateTime(timezone=True)),
        sa.column("live_since", sa.DateTime(timezone=True)),
    )
    op.execute(
        statements.update()
        .where(
            statements.c.publication_status == "published",
            statements.c.published_at <= sa.func.current_timestamp(),
            statements.c.deleted_at.is_(None),
        )
        .values(live_since=statements.c.published_at)
    )



def downgrade() -> None:
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_column("live_since")
        batch_op.drop_column("withdrawal_note")
        batch_op.drop_column("withdrawn_at")

    op.drop_table("statement_revisions")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_change_log_resource_id"), table_name="change_log")

    op.drop_table("change_log")
    op.drop_index(op.f("ix_audit_log_resource_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_key_id"), table_name="audit_log")

    op.drop_table("audit_log")
