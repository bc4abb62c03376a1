"""Bumping and reading the content version."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.changes.models import ContentVersion
from app.db import utcnow

_CURRENT = select(ContentVersion.version).where(ContentVersion.id == 1)
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
    version = session.execute(_BUMP.values(changed_at=at or utcnow())).scalar_one()
    return int(version)


def current(session: Session) -> int:
    """The version readers' caches are keyed on (one indexed single-row read)."""
    return int(session.execute(_CURRENT).scalar_one())
