"""Statement tables: a language-independent core, its translations and its taxonomy links."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, checked_enum, utcnow
from app.publication import PublicationStatus

ID_PREFIX = "stm"
__all__ = [
    "ID_PREFIX",
    "FormerSlug",
    "PublicationStatus",
    "SlugClaim",
    "SlugTaken",
    "Statement",
    "StatementRevision",
    "StatementTranslation",
    "StatementType",
]


class StatementType(StrEnum):
    STATEMENT = "statement"
    PRESS_RELEASE = "press_release"
    NEWS = "news"
    SPEECH = "speech"
    JOINT_STATEMENT = "joint_statement"


statement_places = Table(
    "statement_places",
    Base.metadata,
    Column("statement_id", ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True),
    Column("place_code", ForeignKey("places.code"), primary_key=True, index=True),
)
statement_topics = Table(
    "statement_topics",
    Base.metadata,
    Column("statement_id", ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_slug", ForeignKey("topics.slug"), primary_key=True, index=True),
)
statement_terms = Table(
    "statement_terms",
    Base.metadata,
    Column("statement_id", ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True),
    Column("term_code", ForeignKey("framework_terms.code"), primary_key=True, index=True),
)


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (
        # The public list: visible rows in publication order, with the id as the tiebreak.
        Index("ix_statements_listing", "publication_status", "published_at", "id"),
        # Go-lives not yet logged (publication.schedule): a handful of rows, where the listing
        # index made every change-feed request walk all published ones (46 ms at 100,000).
        Index(
            "ix_statements_unannounced",
            "publication_status",
            "published_at",
            postgresql_where=text("live_since IS NULL"),
            sqlite_where=text("live_since IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[StatementType] = mapped_column(checked_enum(StatementType, "statement_type"))
    publication_status: Mapped[PublicationStatus] = mapped_column(
        checked_enum(PublicationStatus, "publication_status"), default=PublicationStatus.DRAFT
    )
    # The public date; a published statement whose date is still ahead is scheduled.
    published_at: Mapped[datetime | None]
    dateline_place_code: Mapped[str | None] = mapped_column(ForeignKey("places.code"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    deleted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_note: Mapped[str | None] = mapped_column(String(1000))
    # When the change log announced it as public; null while that is still to come (a
    # scheduled statement whose time has come is visible at once and announced by the next
    # `record_due_go_lives`).
    live_since: Mapped[datetime | None]
    # When the public first saw it (set once, never cleared): only such content can be
    # withdrawn, and only its URL answers 410. Never public: a 404 whatever happens to it.
    first_public_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    translations: Mapped[list["StatementTranslation"]] = relationship(
        back_populates="statement",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="StatementTranslation.lang",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's mapper config


class StatementTranslation(Base):
    __tablename__ = "statement_translations"
    __table_args__ = (UniqueConstraint("lang", "slug"),)

    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Indexed alone too: a slug resolves whatever its language.
    slug: Mapped[str] = mapped_column(String(120), index=True)
    title: Mapped[str] = mapped_column(String(300))
    dateline: Mapped[str | None] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    # Ordered paragraphs: [{"anchor": "welcome", "text": "..."}]. Anchors are stable so that
    # commitments can cite a paragraph.
    body: Mapped[list[dict[str, str]]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    statement: Mapped[Statement] = relationship(back_populates="translations", lazy="raise")


class StatementRevision(Base):
    """A public version of a statement: one per change the public could see."""

    __tablename__ = "statement_revisions"

    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True)
    operation: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    revised_at: Mapped[datetime]
    langs: Mapped[list[str]]
    snapshot: Mapped[dict[str, Any]]


class FormerSlug(Base):
    """A slug a translation no longer uses: it keeps resolving to its statement."""

    __tablename__ = "statement_former_slugs"

    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True
    )
    retired_at: Mapped[datetime]


class SlugClaim(Base):
    """Who holds a slug: one statement, in any of its languages, current or former (it keeps
    a slug it no longer uses, so old links never change owner). The primary key settles a
    race between two writers: the second one's insert fails, never two holders."""

    __tablename__ = "statement_slug_claims"

    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True
    )
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlugTaken(Exception):
    """A translation's slug is held by another statement (`holder`)."""

    def __init__(self, slug: str, holder: str) -> None:
        super().__init__(f"slug held by {holder}")
        self.slug = slug
        self.holder = holder


def _claim_slug(connection: Connection, translation: "StatementTranslation") -> None:
    holder = connection.scalar(
        select(SlugClaim.statement_id).where(SlugClaim.slug == translation.slug)
    )
    if holder is None:
        connection.execute(
            insert(SlugClaim).values(
                slug=translation.slug, statement_id=translation.statement_id, claimed_at=utcnow()
            )
        )
    elif holder != translation.statement_id:
        raise SlugTaken(translation.slug, holder)


# Every way a translation is written (editors, the demo loader, imports, tests) claims its
# slug here, so the claims table is complete whoever wrote the row.
@event.listens_for(StatementTranslation, "before_insert")
def _claim_on_insert(_mapper: Any, connection: Connection, target: StatementTranslation) -> None:
    _claim_slug(connection, target)


@event.listens_for(StatementTranslation, "before_update")
def _claim_on_update(_mapper: Any, connection: Connection, target: StatementTranslation) -> None:
    if inspect(target).attrs.slug.history.has_changes():
        _claim_slug(connection, target)
