"""Commitments can be withdrawn and scheduled (withdrawal note, go-live announcement);
actors and topics can be deleted (soft)

Revision ID: 6498e77c719d
Revises: 89a74cb4fad0
Create Date: 2026-11-27 09:07:42.104323
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6498e77c719d"
down_revision: str | None = "89a74cb4fad0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_note", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("live_since", sa.DateTime(timezone=True), nullable=True))

    # Data step: commitments already public count as announced when they went public.
    commitments = sa.table(
        "commitments",
        sa.column("publication_status", sa.String),
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("deleted_at", sa.DateTime(timezone=True)),
        sa.column("live_since", sa.DateTime(timezone=True)),
    )
    op.execute(
        commitments.update()
        .where(
            commitments.c.publication_status == "published",
            commitments.c.published_at <= sa.func.current_timestamp(),
            commitments.c.deleted_at.is_(None),
        )
        .values(live_since=commitments.c.published_at)
    )

    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")

    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_column("live_since")
        batch_op.drop_column("withdrawal_note")
        batch_op.drop_column("withdrawn_at")

    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")

