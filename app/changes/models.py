"""The content version: one row, bumped by every write that can change a public response."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class ContentVersion(Base):
    __tablename__ = "content_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeEntry(Base):
    """One change the public could see, in commit order: the log partner sync is built on.

    `seq` comes from the content version counter, whose row lock orders appends by commit.
    """

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int]
    operation: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[datetime]
