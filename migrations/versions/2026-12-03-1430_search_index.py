"""Search index: `search_documents` (with a weighted tsvector and text search configurations on
PostgreSQL, an FTS5 table on SQLite)

Revision ID: 5c0e9a7d3b21
Revises: 8e5f3b1d7c42
Create Date: 2026-12-03 14:30:00

The index is filled by the application (`app.schema.migrate` fills an empty one; `newsroom
reindex` rebuilds it): the analysis is Python, which migrations do not import.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5c0e9a7d3b21"
down_revision: str | None = "8e5f3b1d7c42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Snowball stemmers without stop words, so that a phrase matches the same on both databases.
STEMMED = {"en": "english", "fr": "french", "es": "spanish"}
WORD_TOKENS = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
    "hword_numpart"
)


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint(
            "kind", "item_id", "lang", name=op.f("uq_search_documents_kind_item_id_lang")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_search_documents_document",
        "search_documents",
        ["document"],
        unique=False,
        postgresql_using="gin",
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for lang, language in STEMMED.items():
            op.execute(
                f"CREATE TEXT SEARCH DICTIONARY newsroom_{language}_stem "
                f"(TEMPLATE = snowball, Language = {language})"
            )
            op.execute(f"CREATE TEXT SEARCH CONFIGURATION newsroom_{lang} (COPY = simple)")
            op.execute(
                f"ALTER TEXT SEARCH CONFIGURATION newsroom_{lang} ALTER MAPPING FOR "
                f"{WORD_TOKENS} WITH unaccent, newsroom_{language}_stem"
            )
        op.execute("CREATE TEXT SEARCH CONFIGURATION newsroom_simple (COPY = simple)")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION newsroom_simple ALTER MAPPING FOR {WORD_TOKENS} "
            "WITH unaccent, simple"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for lang, language in STEMMED.items():
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_{lang}")
            op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS newsroom_{language}_stem")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_simple")
        # `unaccent` stays: other schemas of the database may use it.
    else:
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_documents_document", table_name="search_documents")
    op.drop_table("search_documents")
