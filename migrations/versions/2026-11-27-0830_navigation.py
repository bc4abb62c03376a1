"""Add menus and their navigation items

Revision ID: 5a3c82d41d66
Revises: dea2975b06d4
Create Date: 2026-11-27 08:15:05.425277
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a3c82d41d66"
down_revision: str | None = "dea2975b06d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "menus",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_menus")),
    )
    op.create_table(
        "navigation_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("menu_key", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "heading",
                "route",
                "content",
                "external",
                name="item_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("route", sa.String(length=300), nullable=True),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=32), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("icon", sa.String(length=64), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("blurbs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["menu_key"],
            ["menus.key"],
            name=op.f("fk_navigation_items_menu_key_menus"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["navigation_items.id"],
            name=op.f("fk_navigation_items_parent_id_navigation_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_navigation_items")),
    )
    op.create_index(
        "ix_navigation_items_menu",
        "navigation_items",
        ["menu_key", "parent_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_navigation_items_parent_id"), "navigation_items", ["parent_id"], unique=False
    )
    op.create_index(
        op.f("ix_navigation_items_target_id"), "navigation_items", ["target_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_navigation_items_target_id"), table_name="navigation_items")
    op.drop_index(op.f("ix_navigation_items_parent_id"), table_name="navigation_items")
    op.drop_index("ix_navigation_items_menu", table_name="navigation_items")

    op.drop_table("navigation_items")
    op.drop_table("menus")
