"""Editorial states shared by every kind of content (statements, commitments, menu items)."""

from enum import StrEnum


class PublicationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
