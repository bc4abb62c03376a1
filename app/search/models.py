"""The search index: one row per item and language, kept by `index.py` in the writer's flush.

`document` is PostgreSQL's weighted `tsvector` (title A, summary B, body D); on SQLite the
column stays empty and an FTS5 table (`search_fts`, created by the migration, not modelled:
SQLAlchemy has no virtual tables) holds the same rows' analyzed words, its rowid this `id`.
"""

from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint, column, table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

FTS_TABLE = "search_fts"
# Enough of the FTS5 table for Core statements.
FTS = table(FTS_TABLE, column("rowid"), column("title"), column("summary"), column("body"))


class SearchKind:
    STATEMENT = "statement"
    COMMITMENT = "commitment"
    ACTOR = "actor"


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "item_id", "lang"),
        Index("ix_search_documents_document", "document", postgresql_using="gin"),
        # Never reuse an id: a stale FTS5 row could otherwise name a new document.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(16))
    # The plain text served to readers (tags stripped), for snippets; body paragraphs one
    # per line.
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    document: Mapped[Any | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))


def unmodelled(name: str | None, type_: str, _parents: Any) -> bool:
    """For alembic's comparison: False for the FTS5 table and its shadow tables."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))
