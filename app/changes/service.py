"""The content version and the change log: one module, knowing no domain."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, literal, select, update
from sqlalchemy.orm import Session

from app.changes.models import ChangeEntry, ContentVersion
from app.db import utcnow

_CURRENT = select(ContentVersion.version, ContentVersion.changed_at).where(ContentVersion.id == 1)
_BUMP = (
    update(ContentVersion)
    .where(ContentVersion.id == 1)
    .values(version=ContentVersion.version + 1)
    .returning(ContentVersion.version)
)


def bump(session: Session, *, at: datetime | None = None) -> int:
    """Mark public content as changed; returns the new version.

    The UPDATE takes the row's lock until the transaction ends, so versions are handed out in
    commit order: no reader sees version N+1 while N's transaction is still open.
    """
    at = at or utcnow()
    # Never back in time (a go-live is announced dated when it happened, which may be before
    # the last change): `changed_at` bounds every public response's Last-Modified from below.
    changed_at = case(
        (ContentVersion.changed_at > at, ContentVersion.changed_at),
        else_=literal(at, ContentVersion.changed_at.type),
    )
    version = session.execute(_BUMP.values(changed_at=changed_at)).scalar_one()
    return int(version)


class Operation(StrEnum):
    PUBLISH = "publish"  # became visible (published now, or a scheduled time came)
    UPDATE = "update"  # visible content changed
    UNPUBLISH = "unpublish"  # back to draft: gone from public view
    WITHDRAW = "withdraw"  # gone from public view, with a public note
    DELETE = "delete"  # deleted (soft): gone from public view


REMOVALS = frozenset({Operation.UNPUBLISH, Operation.WITHDRAW, Operation.DELETE})


def record(
    session: Session,
    *,
    resource_type: str,
    resource_id: str,
    version: int,
    operation: Operation,
    at: datetime,
    reason: str | None = None,
) -> ChangeEntry:
    """Append one entry in the caller's transaction; its sequence number is the new version."""
    seq = bump(session, at=at)
    entry = ChangeEntry(
        seq=seq,
        resource_type=resource_type,
        resource_id=resource_id,
        version=version,
        operation=operation.value,
        reason=reason,
        occurred_at=at,
    )
    session.add(entry)
    session.flush()
    return entry


def entries_after(session: Session, seq: int, *, limit: int = 1000) -> list[ChangeEntry]:
    return list(
        session.scalars(
            select(ChangeEntry).where(ChangeEntry.seq > seq).order_by(ChangeEntry.seq).limit(limit)
        )
    )


def current(session: Session) -> int:
    """The version readers' caches are keyed on (one indexed single-row read)."""
    return current_state(session)[0]


def current_state(session: Session) -> tuple[int, datetime]:
    """The version and when public content last changed, read together (one row)."""
    version, changed_at = session.execute(_CURRENT).one()
    return int(version), changed_at
