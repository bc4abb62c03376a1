"""The content version and the change log: one module, knowing no domain."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from sqlalchemy import case, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from app.changes.models import ChangeEntry, ContentVersion
from app.db import utcnow

# Session.info key: the version this unit of work reached (app/changes/watcher.py learns it at
# commit, so that the worker that made a change never serves a response cached before it).
BUMPED = "content_version_bumped"

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
    version = int(session.execute(_BUMP.values(changed_at=changed_at)).scalar_one())
    session.info[BUMPED] = version
    return version


class Operation(StrEnum):
    PUBLISH = "publish"  # became visible (published now, or a scheduled time came)
    UPDATE = "update"  # visible content changed
    UNPUBLISH = "unpublish"  # back to draft (or rescheduled): gone from public view
    WITHDRAW = "withdraw"  # gone from public view, with a public note
    DELETE = "delete"  # deleted (soft): gone from public view


REMOVALS = frozenset({Operation.UNPUBLISH, Operation.WITHDRAW, Operation.DELETE})
# What a reader is told about a removal (the feed's `reason`).
REMOVAL_REASONS = {
    Operation.UNPUBLISH.value: "unpublished",
    Operation.WITHDRAW.value: "withdrawn",
    Operation.DELETE.value: "deleted",
}
FILTERED_OUT = "filtered_out"
_NO_LANGUAGE = ","  # stored for "public in no language" (None stands for every language)


def _encode(langs: Iterable[str] | None) -> str | None:
    return None if langs is None else "," + "".join(f"{tag}," for tag in sorted(set(langs)))


def _public_langs_before(session: Session, resource_type: str, resource_id: str) -> str | None:
    """The languages the public could read the item in, as its last entry left them."""
    last = session.execute(
        select(ChangeEntry.operation, ChangeEntry.langs)
        .where(ChangeEntry.resource_type == resource_type, ChangeEntry.resource_id == resource_id)
        .order_by(ChangeEntry.seq.desc())
        .limit(1)
    ).first()
    if last is None or last.operation in REMOVAL_REASONS:
        return _NO_LANGUAGE
    langs: str | None = last.langs
    return langs


def record(
    session: Session,
    *,
    resource_type: str,
    resource_id: str,
    version: int,
    operation: Operation,
    at: datetime,
    langs: Iterable[str] | None = None,
    note: str | None = None,
) -> ChangeEntry:
    """Append one entry in the caller's transaction; its sequence number is the new version.

    `langs`: the languages the public can read the item in after the change (None: every
    language); ignored for removals, after which it is public in none. `note`: the public
    note of a withdrawal."""
    previous = _public_langs_before(session, resource_type, resource_id)
    seq = bump(session, at=at)
    entry = ChangeEntry(
        seq=seq,
        resource_type=resource_type,
        resource_id=resource_id,
        version=version,
        operation=operation.value,
        reason=note,
        occurred_at=at,
        langs=_NO_LANGUAGE if operation in REMOVALS else _encode(langs),
        previous_langs=previous,
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


@dataclass(frozen=True, slots=True)
class Event:
    """One change as a reader with a given filter sees it."""

    seq: int
    type: str
    id: str
    op: Literal["upsert", "delete"]
    reason: str | None  # on deletes: unpublished, withdrawn, deleted or filtered_out
    version: int
    at: datetime
    note: str | None  # a withdrawal's public note


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[Event]
    next_after: int  # where the reader goes on from (past entries its filter skipped)
    latest_seq: int  # the newest entry in the log, whatever the filter
    more: bool


def _has(langs: str | None, lang: str) -> bool:
    return langs is None or f",{lang}," in langs


def as_seen(entry: ChangeEntry, lang: str | None) -> Event | None:
    """The entry as a reader filtering on `lang` sees it (None: it does not concern it)."""
    op: Literal["upsert", "delete"] = "delete" if entry.operation in REMOVAL_REASONS else "upsert"
    reason = REMOVAL_REASONS.get(entry.operation)
    if lang is not None:
        was_in, is_in = _has(entry.previous_langs, lang), _has(entry.langs, lang)
        if op == "upsert" and not is_in:
            if not was_in:
                return None
            op, reason = "delete", FILTERED_OUT
        elif op == "delete" and not was_in:
            return None
    return Event(
        seq=entry.seq,
        type=entry.resource_type,
        id=entry.resource_id,
        op=op,
        reason=reason,
        version=entry.version,
        at=entry.occurred_at,
        note=entry.reason if entry.operation == Operation.WITHDRAW.value else None,
    )


def read_events(
    session: Session,
    *,
    after: int,
    limit: int,
    types: Collection[str] = (),
    lang: str | None = None,
    latest: int | None = None,
) -> EventPage:
    """Committed entries after `after`, as the filter sees them, in sequence order.

    Only committed entries are ever read, and `record` hands out sequence numbers under the
    content version's row lock, so a reader never sees N+1 before N. The language filter is
    applied in SQL too (either side of the change in `lang`), so skipped rows cost no I/O.
    """
    query = select(ChangeEntry).where(ChangeEntry.seq > after).order_by(ChangeEntry.seq)
    if types:
        query = query.where(ChangeEntry.resource_type.in_(sorted(types)))
    if lang is not None:
        pattern = f"%,{lang},%"
        query = query.where(
            or_(
                ChangeEntry.langs.is_(None),
                ChangeEntry.previous_langs.is_(None),
                ChangeEntry.langs.like(pattern),
                ChangeEntry.previous_langs.like(pattern),
            )
        )
    # Read first: every position up to it is committed (or a gap), so a page that ends
    # short may skip the reader past it. Read after the rows, it could name a position
    # committed since, which the reader would then never see.
    if latest is None:  # a caller that checked the position already read it, first
        latest = latest_seq(session)
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    events = [event for row in rows if (event := as_seen(row, lang)) is not None]
    reached = rows[-1].seq if rows else after
    next_after = reached if more else max(reached, latest, after)
    return EventPage(
        events=events, next_after=next_after, latest_seq=max(latest, reached), more=more
    )


def latest_seq(session: Session) -> int:
    """The newest sequence number a reader can hold (pruning never moves it back)."""
    return positions(session)[1]


def positions(session: Session) -> tuple[int, int]:
    """The horizon and the newest sequence number, read in this order (two indexed reads)."""
    low = horizon(session)
    newest = session.scalar(select(func.max(ChangeEntry.seq)))
    return low, max(int(newest or 0), low)


def horizon(session: Session) -> int:
    """The highest sequence number pruning has dropped: a reader resuming below it may have
    missed tombstones and must start again from a snapshot."""
    query = select(ContentVersion.log_horizon).where(ContentVersion.id == 1)
    return int(session.scalar(query) or 0)


def current(session: Session) -> int:
    """The version readers' caches are keyed on (one indexed single-row read)."""
    return current_state(session)[0]


def current_state(session: Session) -> tuple[int, datetime]:
    """The version and when public content last changed, read together (one row)."""
    version, changed_at = session.execute(_CURRENT).one()
    return int(version), changed_at


def prune(session: Session, *, before: datetime) -> int:
    """Drop what no reader needs any more: tombstones older than `before`, and entries older
    than `before` that a later entry of the same item supersedes. The latest entry of every
    public item stays, so a reader starting from nothing (`after=0`) still rebuilds the whole
    public state; a reader resuming below a dropped tombstone (the horizon) must start again
    from a snapshot. Returns how many entries went."""
    newer = ChangeEntry.__table__.alias("newer")
    superseded = select(newer.c.seq).where(
        newer.c.resource_type == ChangeEntry.resource_type,
        newer.c.resource_id == ChangeEntry.resource_id,
        newer.c.seq > ChangeEntry.seq,
    )
    old = ChangeEntry.occurred_at < before
    tombstone = ChangeEntry.operation.in_(list(REMOVAL_REASONS))
    last_tombstone = session.scalar(select(func.max(ChangeEntry.seq)).where(old, tombstone))
    if last_tombstone is not None:
        session.execute(
            update(ContentVersion)
            .where(ContentVersion.id == 1, ContentVersion.log_horizon < last_tombstone)
            .values(log_horizon=last_tombstone)
        )
    result = session.execute(delete(ChangeEntry).where(old, or_(tombstone, superseded.exists())))
    return int(getattr(result, "rowcount", 0) or 0)


def latest_removals(
    session: Session,
    *,
    types: Collection[str],
    lang: str | None,
    limit: int,
    scan: int = 1000,
) -> list[Event]:
    """The items whose latest change, as a reader filtering on `lang` sees it, removed them:
    newest first, at most `limit`, looking back over the newest `scan` entries of `types`
    (tombstones for a feed: an item removed then published again is not one)."""
    query = (
        select(ChangeEntry)
        .where(ChangeEntry.resource_type.in_(sorted(types)))
        .order_by(ChangeEntry.seq.desc())
        .limit(scan)
    )
    settled: set[tuple[str, str]] = set()
    removals: list[Event] = []
    for entry in session.scalars(query):
        event = as_seen(entry, lang)
        key = (entry.resource_type, entry.resource_id)
        if event is None or key in settled:
            continue
        settled.add(key)
        if event.op == "delete":
            removals.append(event)
            if len(removals) >= limit:
                break
    return removals
