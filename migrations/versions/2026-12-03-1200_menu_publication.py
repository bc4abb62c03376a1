"""Menus and their items get draft/published states; menus an editorial revision

Revision ID: 8b3f0d6c2e71
Revises: 4a7c2e9d1b36
Create Date: 2026-12-03 12:00:00

Every existing menu and item was public the moment it existed, so they start `published`
(the server default fills them in, then goes: new rows are drafts, set by the models).
`revision` starts at the menu's current version, so editorial ETags already handed out stay
current.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b3f0d6c2e71"
down_revision: str | None = "4a7c2e9d1b36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _status() -> sa.Enum:
    return sa.Enum(
        "draft",
        "published",
        "withdrawn",
        name="publication_status",
        native_enum=False,
        create_constraint=True,
        length=32,
    )


def upgrade() -> None:
    for table in ("menus", "navigation_items"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "publication_status", _status(), nullable=False, server_default="published"
                )
            )
    with op.batch_alter_table("menus") as batch:
        batch.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    op.execute(sa.text("UPDATE menus SET revision = version"))
    for table in ("menus", "navigation_items"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("publication_status", server_default=None)


def downgrade() -> None:
    for table in ("menus", "navigation_items"):
        with op.batch_alter_table(table) as batch:
            # First, or SQLite's table copy would keep a CHECK naming the dropped column (the
            # naming convention makes it ck_<table>_publication_status).
            batch.drop_constraint("publication_status", type_="check")
            batch.drop_column("publication_status")
            if table == "menus":
                batch.drop_column("revision")
