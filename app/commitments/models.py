"""Commitment tables: the pledge, its translations, its links, events and progress updates."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, checked_enum, utcnow
from app.publication import PublicationStatus

ID_PREFIX = "cmt"
UPDATE_ID_PREFIX = "pgu"
EVENT_ID_PREFIX = "evt"


class ImplementationStatus(StrEnum):
    ANNOUNCED = "announced"
    PLANNING = "planning"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    NOT_FULFILLED = "not_fulfilled"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


TERMINAL_STATUSES = frozenset(
    {
        ImplementationStatus.FULFILLED,
        ImplementationStatus.PARTIALLY_FULFILLED,
        ImplementationStatus.NOT_FULFILLED,
        ImplementationStatus.CANCELLED,
    }
)


class ReportingHealth(StrEnum):
    CURRENT = "current"
    DUE = "due"
    INACTIVE = "inactive"
    CLOSED = "closed"


class DuePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class CommitmentKind(StrEnum):
    POLICY = "policy"
    TECHNICAL = "technical"
    FINANCIAL = "financial"
    PROCESS = "process"
    HUMAN_RESOURCES = "human_resources"
    MATERIAL = "material"
    RESETTLEMENT_PLACES = "resettlement_places"


class ActorRole(StrEnum):
    LEAD = "lead"
    CO_COMMITTER = "co_committer"
    PARTNER = "partner"
    MATCHING_DONOR = "matching_donor"


class Event(Base):
    """Where commitments are made: summits, ministerials, forums."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    names: Mapped[dict[str, str]]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    place_code: Mapped[str | None] = mapped_column(ForeignKey("places.code"))


def _link_table(name: str, column: str, target: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(target), primary_key=True, index=True),
    )


commitment_places = _link_table("commitment_places", "place_code", "places.code")
commitment_terms = _link_table("commitment_terms", "term_code", "framework_terms.code")
commitment_kinds = Table(
    "commitment_kinds",
    Base.metadata,
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", checked_enum(CommitmentKind, "commitment_kind"), primary_key=True),
)
commitment_actors = Table(
    "commitment_actors",
    Base.metadata,
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id"), primary_key=True, index=True),
    Column("role", checked_enum(ActorRole, "actor_role"), primary_key=True),
)


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_listing", "publication_status", "made_on", "id"),
        # Go-lives not yet logged (see the statements' index of the same name).
        Index(
            "ix_commitments_unannounced",
            "publication_status",
            "published_at",
            postgresql_where=text("live_since IS NULL"),
            sqlite_where=text("live_since IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    publication_status: Mapped[PublicationStatus] = mapped_column(
        checked_enum(PublicationStatus, "publication_status"), default=PublicationStatus.DRAFT
    )
    published_at: Mapped[datetime | None]
    made_on: Mapped[date]
    due_on: Mapped[date | None]
    due_precision: Mapped[DuePrecision | None] = mapped_column(
        checked_enum(DuePrecision, "due_precision")
    )
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id"))
    # Provenance: a paragraph of a statement (quoted per language), or a document.
    source_statement_id: Mapped[str | None] = mapped_column(ForeignKey("statements.id"), index=True)
    source_anchor: Mapped[str | None] = mapped_column(String(64))
    source_url: Mapped[str | None] = mapped_column(String(500))
    implementation_status: Mapped[ImplementationStatus] = mapped_column(
        checked_enum(ImplementationStatus, "implementation_status"),
        default=ImplementationStatus.ANNOUNCED,
        index=True,
    )
    # Where a suspended commitment returns to when it resumes.
    status_before_suspension: Mapped[ImplementationStatus | None] = mapped_column(
        checked_enum(ImplementationStatus, "status_before_suspension")
    )
    status_changed_on: Mapped[date]
    last_reported_on: Mapped[date | None]
    resources_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    resources_currency: Mapped[str | None] = mapped_column(String(3))
    indicators: Mapped[list[dict[str, Any]]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    deleted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_note: Mapped[str | None] = mapped_column(String(1000))
    # When the change log announced it as public (see statements' `live_since`).
    live_since: Mapped[datetime | None]
    # When the public first saw it (see statements' `first_public_at`).
    first_public_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's mapper config


class CommitmentTranslation(Base):
    __tablename__ = "commitment_translations"

    commitment_id: Mapped[str] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    # The pledge as worded in the source paragraph of this language, verbatim.
    quote: Mapped[str | None] = mapped_column(Text)


class ProgressUpdate(Base):
    """One report on a commitment. Append-only: never updated, never deleted."""

    __tablename__ = "progress_updates"
    __table_args__ = (UniqueConstraint("commitment_id", "sequence"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    commitment_id: Mapped[str] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer)
    reported_on: Mapped[date] = mapped_column(Date)
    reporter_actor_id: Mapped[str | None] = mapped_column(ForeignKey("actors.id"))
    status_before: Mapped[ImplementationStatus] = mapped_column(
        checked_enum(ImplementationStatus, "status_before")
    )
    status: Mapped[ImplementationStatus | None] = mapped_column(
        checked_enum(ImplementationStatus, "new_status")
    )
    narrative: Mapped[dict[str, str]]
    evidence: Mapped[list[dict[str, Any]]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
