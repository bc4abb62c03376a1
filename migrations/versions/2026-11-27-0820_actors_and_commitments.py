"""Add actors, events, commitments (translations, links) and progress updates

Revision ID: dea2975b06d4
Revises: 26ce0b5627da
Create Date: 2026-11-27 08:07:23.707634
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dea2975b06d4"
down_revision: str | None = "26ce0b5627da"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "state",
                "igo",
                "un_entity",
                "ngo",
                "cso",
                "private_sector",
                "academia",
                "local_government",
                "partnership",
                "philanthropy",
                name="actor_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("acronyms", sa.JSON(), nullable=False),
        sa.Column("iso3", sa.String(length=3), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["iso3"], ["places.code"], name=op.f("fk_actors_iso3_places")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("iso3", name=op.f("uq_actors_iso3")),
        sa.UniqueConstraint("slug", name=op.f("uq_actors_slug")),
    )
    op.create_index(op.f("ix_actors_type"), "actors", ["type"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("place_code", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_code"], ["places.code"], name=op.f("fk_events_place_code_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("slug", name=op.f("uq_events_slug")),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
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
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "due_precision",
            sa.Enum(
                "day",
                "month",
                "year",
                name="due_precision",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("event_id", sa.String(length=32), nullable=True),
        sa.Column("source_statement_id", sa.String(length=32), nullable=True),
        sa.Column("source_anchor", sa.String(length=64), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column(
            "implementation_status",
            sa.Enum(
                "announced",
                "planning",
                "in_progress",
                "fulfilled",
                "partially_fulfilled",
                "not_fulfilled",
                "suspended",
                "cancelled",
                name="implementation_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status_before_suspension",
            sa.Enum(
                "announced",
                "planning",
                "in_progress",
                "fulfilled",
                "partially_fulfilled",
                "not_fulfilled",
                "suspended",
                "cancelled",
                name="status_before_suspension",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("status_changed_on", sa.Date(), nullable=False),
        sa.Column("last_reported_on", sa.Date(), nullable=True),
        sa.Column("resources_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("resources_currency", sa.String(length=3), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_commitments_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["source_statement_id"],
            ["statements.id"],
            name=op.f("fk_commitments_source_statement_id_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
        sa.UniqueConstraint("code", name=op.f("uq_commitments_code")),
    )
    op.create_index(op.f("ix_commitments_implementation_status"), "commitments",
        ["implementation_status"],
        unique=False,
    )
    op.create_index("ix_commitments_listing", "commitments", ["publication_status", "made_on", "id"], unique=False
    )
    op.create_index(op.f("ix_commitments_source_statement_id"), "commitments", ["source_statement_id"], unique=False
    )
    op.create_index(op.f("ix_commitments_updated_at"), "commitments", ["updated_at"], unique=False)

    op.create_table(
        "commitment_actors",
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "lead",
                "co_committer",
                "partner",
                "matching_donor",
                name="actor_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_commitment_actors_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_actors_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "commitment_id", "actor_id", "role", name=op.f("pk_commitment_actors")
        ),
    )
    op.create_index(op.f("ix_commitment_actors_actor_id"), "commitment_actors", ["actor_id"], unique=False
    )

    op.create_table(
        "commitment_kinds",
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "policy",
                "technical",
                "financial",
                "process",
                "human_resources",
                "material",
                "resettlement_places",
                name="commitment_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_kinds_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "kind", name=op.f("pk_commitment_kinds")),
    )
    op.create_table(
        "commitment_places",
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("place_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_places_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_code"], ["places.code"], name=op.f("fk_commitment_places_place_code_places")
        ),
        sa.PrimaryKeyConstraint("commitment_id", "place_code", name=op.f("pk_commitment_places")),
    )
    op.create_index(op.f("ix_commitment_places_place_code"), "commitment_places", ["place_code"], unique=False
    )

    op.create_table(
        "commitment_terms",
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("term_code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_terms_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_code"],
            ["framework_terms.code"],
            name=op.f("fk_commitment_terms_term_code_framework_terms"),
        ),
        sa.PrimaryKeyConstraint("commitment_id", "term_code", name=op.f("pk_commitment_terms")),
    )
    op.create_index(op.f("ix_commitment_terms_term_code"), "commitment_terms", ["term_code"], unique=False
    )

    op.create_table(
        "commitment_translations",
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_translations_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "lang", name=op.f("pk_commitment_translations")),
    )
    op.create_table(
        "progress_updates",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("reporter_actor_id", sa.String(length=32), nullable=True),
        sa.Column(
            "status_before",
            sa.Enum(
                "announced",
                "planning",
                "in_progress",
                "fulfilled",
                "partially_fulfilled",
                "not_fulfilled",
                "suspended",
                "cancelled",
                name="status_before",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "announced",
                "planning",
                "in_progress",
                "fulfilled",
                "partially_fulfilled",
                "not_fulfilled",
                "suspended",
                "cancelled",
                name="new_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("narrative", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_progress_updates_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_actor_id"],
            ["actors.id"],
            name=op.f("fk_progress_updates_reporter_actor_id_actors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_updates")),
        sa.UniqueConstraint(
            "commitment_id", "sequence", name=op.f("uq_progress_updates_commitment_id_sequence")
        ),
    )
    op.create_index(op.f("ix_progress_updates_commitment_id"), "progress_updates", ["commitment_id"], unique=False
    )



def downgrade() -> None:
    op.drop_index(op.f("ix_progress_updates_commitment_id"), table_name="progress_updates")

    op.drop_table("progress_updates")
    op.drop_table("commitment_translations")
    op.drop_index(op.f("ix_commitment_terms_term_code"), table_name="commitment_terms")

    op.drop_table("commitment_terms")
    op.drop_index(op.f("ix_commitment_places_place_code"), table_name="commitment_places")

    op.drop_table("commitment_places")
    op.drop_table("commitment_kinds")
    op.drop_index(op.f("ix_commitment_actors_actor_id"), table_name="commitment_actors")

    op.drop_table("commitment_actors")
    op.drop_index(op.f("ix_commitments_updated_at"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_source_statement_id"), table_name="commitments")
    op.drop_index("ix_commitments_listing", table_name="commitments")
    op.drop_index(op.f("ix_commitments_implementation_status"), table_name="commitments")

    op.drop_table("commitments")
    op.drop_table("events")
    op.drop_index(op.f("ix_actors_type"), table_name="actors")

    op.drop_table("actors")
