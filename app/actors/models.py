"""The actors table."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, checked_enum, utcnow

ID_PREFIX = "act"


class ActorType(StrEnum):
    STATE = "state"
    IGO = "igo"
    UN_ENTITY = "un_entity"
    NGO = "ngo"
    CSO = "cso"
    PRIVATE_SECTOR = "private_sector"
    ACADEMIA = "academia"
    LOCAL_GOVERNMENT = "local_government"
    PARTNERSHIP = "partnership"
    PHILANTHROPY = "philanthropy"


class Actor(Base):
    __tablename__ = "actors"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[ActorType] = mapped_column(checked_enum(ActorType, "actor_type"), index=True)
    names: Mapped[dict[str, str]]
    acronyms: Mapped[dict[str, str]]
    # States only: the country, so actor and place filters line up.
    iso3: Mapped[str | None] = mapped_column(ForeignKey("places.code"), unique=True)
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's mapper config
