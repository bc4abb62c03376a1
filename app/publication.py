"""Editorial states shared by every kind of content (statements, commitments, menu items)."""

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


def is_visible(item: Publishable, now: datetime) -> bool:
    """Whether the public sees it now: published, its time come, not deleted."""
    return (
        item.publication_status is PublicationStatus.PUBLISHED
        and item.published_at is not None
        and item.published_at <= now
        and item.deleted_at is None
    )
