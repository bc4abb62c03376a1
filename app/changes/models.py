"""The content version and the change log."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class ContentVersion(Base):
    """One row: the content version (bumped by every write that can change a public response)
    and the change log's horizon (the highest sequence number pruning has dropped)."""

    __tablename__ = "content_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    log_horizon: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ChangeEntry(Base):
    """One change the public could see, in commit order: the log partner sync is built on.

    `seq` comes from the content version counter, whose row lock orders appends by commit.
    `langs` / `previous_langs` are the languages the public could read the item in after and
    before the change, as ",en,fr," (None: every language), so that a reader filtering by
    language learns when an item enters or leaves its filter.
    """

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_resource", "resource_type", "resource_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(32))
    version: Mapped[int]
    operation: Mapped[str] = mapped_column(String(16))
    # The public note of a withdrawal (`reason` since the first schema): never editorial text.
    reason: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[datetime]
    langs: Mapped[str | None] = mapped_column(String(200))
    previous_langs: Mapped[str | None] = mapped_column(String(200))
