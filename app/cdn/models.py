"""The purge outbox: how far the change log has been purged, and purges of changes it omits."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, utcnow

# SQLite numbers rows itself only in an INTEGER PRIMARY KEY.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class PurgeCursor(Base):
    """One row: the change-log position up to which purges were sent (the change log, written
    in the same transaction as every public change, is the outbox), and the retry state."""

    __tablename__ = "cdn_purge_cursor"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]


class PendingPurge(Base):
    """Keys to purge for a change the log does not name (an actor or topic edit, a schedule
    moved, reference data reloaded), written in that change's transaction."""

    __tablename__ = "cdn_pending_purges"

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    keys: Mapped[str] = mapped_column(Text)  # space-separated
    # The content version the change made: sent once a read replica has reached it.
    version: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


def enqueue(session: Session, keys: Iterable[str], version: int) -> None:
    """Purge `keys` once this transaction commits (`version`: the content version it made)."""
    joined = " ".join(dict.fromkeys(keys))
    if joined:
        session.add(PendingPurge(keys=joined, version=version, created_at=utcnow()))
