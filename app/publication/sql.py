"""The publication rules as SQL predicates: the twins of `states`, for lists and lookups.

`model` is any mapped class with the publishable columns (statements, commitments); `now` may
be a value or a bound parameter, so that cached statements take it at execution time.
"""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from app.publication.states import PublicationStatus


def public_now(model: Any, now: Any) -> ColumnElement[bool]:
    """What anonymous readers may see: published, its time come, not deleted."""
    return and_(
        model.publication_status == PublicationStatus.PUBLISHED,
        model.published_at <= now,
        model.deleted_at.is_(None),
    )


def withdrawn_after_public(model: Any) -> ColumnElement[bool]:
    """Withdrawn content the public has seen: its URL answers 410 with the note. Content the
    public never saw stays a 404, whatever happened to it."""
    return and_(
        model.publication_status == PublicationStatus.WITHDRAWN,
        model.deleted_at.is_(None),
        model.withdrawn_at.is_not(None),
        model.first_public_at.is_not(None),
    )


def next_go_live(model: Any, now: Any) -> Select[tuple[Any]]:
    """The earliest scheduled go-live after `now`: cached public responses end there."""
    return select(func.min(model.published_at)).where(
        model.publication_status == PublicationStatus.PUBLISHED,
        model.published_at > now,
        model.deleted_at.is_(None),
    )


def due_unannounced(model: Any, now: Any) -> ColumnElement[bool]:
    """Public by the clock but not yet in the change log: a schedule whose time has come."""
    return and_(public_now(model, now), model.live_since.is_(None))
