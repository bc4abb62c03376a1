"""The publication state machine and the one writer of the change log.

Every publishable resource moves through the same states (draft, published: live or
scheduled, withdrawn, deleted) by the transitions below, and each transition logs an event
only when what the public sees changes: becoming visible is a `publish`, a visible item
changing an `update`, leaving public view an `unpublish`, `withdraw` or `delete`. A change
the public cannot see yet (a new schedule) only moves the content version, so that cached
responses do not outlive a go-live.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import Conflict
from app.cdn import models as cdn
from app.cdn.keys import RESOURCE_COLLECTIONS
from app.changes import service as changes
from app.changes.service import REMOVALS, Operation
from app.db import touch
from app.publication.sql import due_unannounced
from app.publication.states import (
    PublicationStatus,
    Publishable,
    has_been_public,
    is_visible,
    remember_if_public,
)


class Lifecycled(Publishable, Protocol):
    id: str
    version: int
    updated_at: datetime
    live_since: datetime | None
    withdrawn_at: datetime | None
    withdrawal_note: str | None


T = TypeVar("T", bound=Lifecycled)


def announce(
    session: Session,
    *,
    resource: str,
    resource_id: str,
    version: int,
    operation: Operation,
    at: datetime,
    langs: Collection[str] | None,
    note: str | None = None,
) -> None:
    """Log one change the public can see (for resources without states of their own)."""
    changes.record(
        session,
        resource_type=resource,
        resource_id=resource_id,
        version=version,
        operation=operation,
        at=at,
        langs=langs,
        note=note,
    )


@dataclass(frozen=True)
class Lifecycle(Generic[T]):
    """The transitions for one kind of content; the domain supplies what differs."""

    resource: str
    model: type[T]
    # The languages the public can read an item in (None: every language).
    public_langs: Callable[[Session, T], Collection[str] | None]
    # Called after each logged event (statements keep a revision per public version).
    on_announce: Callable[[Session, T, Operation, datetime, str | None], None] | None = None
    # Called when an item enters or leaves public view (others may embed it).
    on_visibility_change: Callable[[Session, T, datetime], None] | None = None

    def announce(
        self, session: Session, item: T, operation: Operation, at: datetime, note: str | None = None
    ) -> None:
        if operation not in REMOVALS and item.live_since is None:
            item.live_since = at  # announced as public: the go-live announcer skips it
        session.flush()  # the version logged is the one committed
        announce(
            session,
            resource=self.resource,
            resource_id=item.id,
            version=item.version,
            operation=operation,
            at=at,
            langs=self.public_langs(session, item),
            note=note,
        )
        if self.on_announce is not None:
            self.on_announce(session, item, operation, at, note)

    def edited(self, session: Session, item: T, now: datetime) -> None:
        """After an edit the domain applied (and touched): an event if the public sees it."""
        if is_visible(item, now):
            first = item.live_since is None  # went live by the clock, not announced yet
            self.announce(session, item, Operation.PUBLISH if first else Operation.UPDATE, now)

    @staticmethod
    def goes_live(item: T, now: datetime, at: datetime | None) -> datetime:
        """When a publish makes it public: `at` if given, else its original date if that has
        come (re-publishing keeps the date the public first saw), else now."""
        if at is not None:
            return at
        if item.published_at is not None and item.published_at <= now:
            return item.published_at
        return now

    def publish(
        self,
        session: Session,
        item: T,
        now: datetime,
        *,
        at: datetime | None = None,
        changed: bool = False,
    ) -> bool:
        """Publish now or at `at` (a schedule or embargo); `changed`: the domain applied
        content too (a working copy). Returns whether the public sees it now. Publishing
        what is already published, unchanged, changes nothing and logs nothing."""
        was_visible = is_visible(item, now)
        goes_live = self.goes_live(item, now, at)
        unchanged = (
            not changed
            and item.publication_status is PublicationStatus.PUBLISHED
            and item.published_at == goes_live
        )
        if unchanged:
            return was_visible
        remember_if_public(item, now)
        item.publication_status = PublicationStatus.PUBLISHED
        item.published_at = goes_live
        item.withdrawn_at = None
        item.withdrawal_note = None
        visible = is_visible(item, now)
        item.live_since = (item.live_since or now) if visible else None
        remember_if_public(item, now)
        touch(session, item, now)
        self._settle(session, item, was_visible, now, removal=Operation.UNPUBLISH)
        return visible

    def unpublish(self, session: Session, item: T, now: datetime) -> None:
        """Back to draft, from published (live or scheduled) only: anything else is a 409
        that changes nothing, not even the version."""
        if item.publication_status is not PublicationStatus.PUBLISHED:
            raise Conflict(
                f"Only a published or scheduled {self.resource} can be unpublished; this one "
                f"is {item.publication_status.value}."
            )
        was_visible = is_visible(item, now)
        remember_if_public(item, now)
        item.publication_status = PublicationStatus.DRAFT
        item.live_since = None
        touch(session, item, now)
        self._settle(session, item, was_visible, now, removal=Operation.UNPUBLISH)

    def withdraw(self, session: Session, item: T, now: datetime, *, note: str) -> None:
        """Taken down with a public note (410). Only for content the public has seen:
        anything else is unpublished or deleted, and stays a 404 to the public."""
        if not has_been_public(item, now):
            raise Conflict(
                f"Only a {self.resource} that has been public can be withdrawn; this one never "
                "was. Unpublish it (back to draft) or delete it instead."
            )
        was_visible = is_visible(item, now)
        remember_if_public(item, now)
        item.publication_status = PublicationStatus.WITHDRAWN
        item.withdrawn_at = now
        item.withdrawal_note = note
        item.live_since = None
        touch(session, item, now)
        self._settle(session, item, was_visible, now, removal=Operation.WITHDRAW, note=note)

    def delete(self, session: Session, item: T, now: datetime) -> None:
        """Soft delete: the row stays, so partners get a tombstone."""
        was_visible = is_visible(item, now)
        remember_if_public(item, now)
        item.deleted_at = now
        item.live_since = None
        touch(session, item, now)
        self._settle(session, item, was_visible, now, removal=Operation.DELETE)

    def _settle(
        self,
        session: Session,
        item: T,
        was_visible: bool,
        now: datetime,
        *,
        removal: Operation,
        note: str | None = None,
    ) -> None:
        visible = is_visible(item, now)
        if visible:
            self.announce(
                session, item, Operation.UPDATE if was_visible else Operation.PUBLISH, now
            )
        elif was_visible:
            self.announce(session, item, removal, now, note)
        else:  # unseen, but a go-live may have moved: cached responses must not outlive it
            version = changes.bump(session, at=now)
            cdn.enqueue(session, [item.id, RESOURCE_COLLECTIONS[self.resource]], version)
        if visible != was_visible and self.on_visibility_change is not None:
            self.on_visibility_change(session, item, now)

    def record_due_go_lives(
        self, session: Session, now: datetime, *, limit: int | None = None
    ) -> int:
        """Log the scheduled items whose time has come, dated when they went live. Readers
        see them at their time already; this makes the change log (and every channel fed
        from it) say so. Safe in every worker: of two announcing one item, the row version
        check lets one through."""
        model: Any = self.model  # a mapped class: its attributes are columns here
        due = session.scalars(
            select(model)
            .where(due_unannounced(model, now))
            .order_by(model.published_at, model.id)
            .limit(limit)
        ).all()
        for item in due:
            went_live = item.published_at
            assert went_live is not None
            item.first_public_at = item.first_public_at or went_live
            touch(session, item, went_live)  # a new version: the one the log names
            self.announce(session, item, Operation.PUBLISH, went_live)
            if self.on_visibility_change is not None:
                self.on_visibility_change(session, item, went_live)
        return len(due)
