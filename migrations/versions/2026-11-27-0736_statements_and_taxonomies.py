"""Create statements, their translations and the taxonomies (places, topics, frameworks)

Revision ID: a95575dd69c6
Revises:
Create Date: 2026-11-27 07:36:47.755810
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a95575dd69c6"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frameworks",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("descriptions", sa.JSON(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_frameworks")),
    )
    op.create_table(
        "places",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("alpha2", sa.String(length=2), nullable=True),
        sa.Column("m49", sa.String(length=3), nullable=True),
        sa.Column("parent_code", sa.String(length=3), nullable=True),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["places.code"], name=op.f("fk_places_parent_code_places")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_places")),
        sa.UniqueConstraint("m49", name=op.f("uq_places_m49")),
    )
    op.create_index(op.f("ix_places_kind"), "places", ["kind"], unique=False)
    op.create_index(op.f("ix_places_parent_code"), "places", ["parent_code"], unique=False)

    op.create_table(
        "topics",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("descriptions", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_topics")),
    )
    op.create_table(
        "framework_terms",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("framework_code", sa.String(length=32), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("notation", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_code"],
            ["frameworks.code"],
            name=op.f("fk_framework_terms_framework_code_frameworks"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["framework_terms.code"],
            name=op.f("fk_framework_terms_parent_code_framework_terms"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_framework_terms")),
    )
    op.create_index(
        op.f("ix_framework_terms_framework_code"),
        "framework_terms",
        ["framework_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_framework_terms_parent_code"), "framework_terms", ["parent_code"], unique=False
    )

    op.create_table(
        "statements",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "statement",
                "press_release",
                "news",
                "speech",
                "joint_statement",
                name="statement_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "publication_status",
            sa.Enum(
                "draft",
                "published",
                "withdrawn",
                name="publication_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dateline_place_code", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dateline_place_code"],
            ["places.code"],
            name=op.f("fk_statements_dateline_place_code_places"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
    )
    op.create_index(
        "ix_statements_listing",
        "statements",
        ["publication_status", "published_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_statements_updated_at"), "statements", ["updated_at"], unique=False)

    op.create_table(
        "statement_places",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("place_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_code"], ["places.code"], name=op.f("fk_statement_places_place_code_places")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_places_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "place_code", name=op.f("pk_statement_places")),
    )
    op.create_index(
        op.f("ix_statement_places_place_code"), "statement_places", ["place_code"], unique=False
    )

    op.create_table(
        "statement_terms",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("term_code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_terms_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_code"],
            ["framework_terms.code"],
            name=op.f("fk_statement_terms_term_code_framework_terms"),
        ),
        sa.PrimaryKeyConstraint("statement_id", "term_code", name=op.f("pk_statement_terms")),
    )
    op.create_index(
        op.f("ix_statement_terms_term_code"), "statement_terms", ["term_code"], unique=False
    )

    op.create_table(
        "statement_topics",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("topic_slug", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_topics_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_slug"], ["topics.slug"], name=op.f("fk_statement_topics_topic_slug_topics")
        ),
        sa.PrimaryKeyConstraint("statement_id", "topic_slug", name=op.f("pk_statement_topics")),
    )
    op.create_index(
        op.f("ix_statement_topics_topic_slug"), "statement_topics", ["topic_slug"], unique=False
    )

    op.create_table(
        "statement_translations",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("dateline", sa.String(length=120), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_translations_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "lang", name=op.f("pk_statement_translations")),
        sa.UniqueConstraint("lang", "slug", name=op.f("uq_statement_translations_lang_slug")),
    )
    op.create_index(
        op.f("ix_statement_translations_slug"), "statement_translations", ["slug"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_statement_translations_slug"), table_name="statement_translations")
    op.drop_table("statement_translations")
    op.drop_index(op.f("ix_statement_topics_topic_slug"), table_name="statement_topics")

    op.drop_table("statement_topics")
    op.drop_index(op.f("ix_statement_terms_term_code"), table_name="statement_terms")

    op.drop_table("statement_terms")
    op.drop_index(op.f("ix_statement_places_place_code"), table_name="statement_places")

    op.drop_table("statement_places")
    op.drop_index(op.f("ix_statements_updated_at"), table_name="statements")
    op.drop_index("ix_statements_listing", table_name="statements")

    op.drop_table("statements")
    op.drop_index(op.f("ix_framework_terms_parent_code"), table_name="framework_terms")
    op.drop_index(op.f("ix_framework_terms_framework_code"), table_name="framework_terms")

    op.drop_table("framework_terms")
    op.drop_table("topics")
    op.drop_index(op.f("ix_places_parent_code"), table_name="places")
    op.drop_index(op.f("ix_places_kind"), table_name="places")

    op.drop_table("places")
    op.drop_table("frameworks")
