"""Editorial states shared by every kind of content (statements, commitments, menu items).

"Public now" is defined here once (`is_visible`); the SQL twins in the domains' `queries`
modules express the same rule. "Has been public" (`first_public_at`) decides whether an item
may be withdrawn and whether its URL may answer 410: an item the public never saw stays a 404,
whatever happens to it.
"""

from datetime import datetime
from enum import StrEnum
from typing import Protocol


class PublicationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Publishable(Protocol):
    publication_status: PublicationStatus
    published_at: datetime | None
    deleted_at: datetime | None
    first_public_at: datetime | None


def is_visible(item: Publishable, now: datetime) -> bool:
    """Whether the public sees it now: published, its time come, not deleted."""
    return (
        item.publication_status is PublicationStatus.PUBLISHED
        and item.published_at is not None
        and item.published_at <= now
        and item.deleted_at is None
    )


def remember_if_public(item: Publishable, now: datetime) -> None:
    """Note when the item first went live, if it is live now. Call it before any change that
    may hide it: a scheduled item goes live by the clock alone, unseen by any write."""
    if item.first_public_at is None and is_visible(item, now):
        item.first_public_at = item.published_at


def has_been_public(item: Publishable, now: datetime) -> bool:
    """Whether the public has ever seen it (only such content can be withdrawn)."""
    return item.first_public_at is not None or is_visible(item, now)


def is_live(item: Publishable, now: datetime) -> bool:
    """Whether an edit to it would change what the public sees: public now, scheduled to go
    public (its content is what will appear), or withdrawn after being public (its 410 shows
    its title). Such content changes only through a key with `content:publish`; other keys'
    edits wait as a pending working copy (`app/pending.py`)."""
    if item.deleted_at is not None:
        return False
    if item.publication_status is PublicationStatus.PUBLISHED:
        return True
    return item.publication_status is PublicationStatus.WITHDRAWN and has_been_public(item, now)
