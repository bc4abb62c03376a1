"""Taxonomy tables. Labels are `{lang: text}` maps: short, read together, never searched alone."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Place(Base):
    """A country (ISO 3166-1 alpha-3 code) or a UN M49 region (3-digit code)."""

    __tablename__ = "places"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    alpha2: Mapped[str | None] = mapped_column(String(2))
    m49: Mapped[str | None] = mapped_column(String(3), unique=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("places.code"), index=True)
    names: Mapped[dict[str, str]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Topic(Base):
    __tablename__ = "topics"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int]
    names: Mapped[dict[str, str]]
    descriptions: Mapped[dict[str, str]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's mapper config


class Framework(Base):
    """A policy framework whose terms content is tagged with (SDGs, GCM objectives, LAD pillars)."""

    __tablename__ = "frameworks"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int]
    names: Mapped[dict[str, str]]
    descriptions: Mapped[dict[str, str]]
    url: Mapped[str | None] = mapped_column(String(500))
    adopted_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FrameworkTerm(Base):
    """A node of a framework's tree, e.g. `sdg:10` (goal) > `sdg:10.7` (target)."""

    __tablename__ = "framework_terms"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    framework_code: Mapped[str] = mapped_column(ForeignKey("frameworks.code"), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("framework_terms.code"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    notation: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    names: Mapped[dict[str, str]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
