"""Purging the CDN after public content changes: POST `{"surrogate_keys": [...]}` to
NEWSROOM_PURGE_URL, from the webhook worker, never from the request that made the change.

What to purge comes from two outboxes written in the change's own transaction, so a purge is
sent only for a committed change and never lost: the change log (each entry purges its item's
key, its collection's and `changes`), read past a cursor, and `cdn_pending_purges` (changes the
log does not name). The cursor moves, and the rows go, only once the endpoint said 2xx; a failure
is retried with growing waits, for ever. With a read replica, a purge waits until the replica has
the change: purged earlier, the CDN would fetch the old content again and keep it.
"""

import json
import logging
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx2 as httpx
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.cdn.keys import RESOURCE_COLLECTIONS, SITE, item_key
from app.cdn.models import PendingPurge, PurgeCursor
from app.changes import service as changes
from app.config import Settings
from app.db import utcnow
from app.webhooks.delivery import retry_after_seconds

logger = logging.getLogger("app.cdn")
BATCH = 500  # change-log entries (and pending rows) per round
KEYS_PER_REQUEST = 256  # Fastly's batch purge takes 256 keys
MAX_WAIT_SECONDS = 300.0
USER_AGENT = "Newsroom-Purge/1.0"


@dataclass(frozen=True)
class Batch:
    keys: list[str]
    from_seq: int  # the cursor it was read at
    to_seq: int  # the cursor once sent
    pending_ids: list[int]
    version: int  # the newest content version it covers


def collect(session: Session, now: datetime) -> Batch | None:
    """What is due to purge; None when nothing is, or the last failure's wait is not over."""
    cursor = session.get(PurgeCursor, 1)
    if cursor is None:  # (the migration writes it; a database made otherwise starts here)
        cursor = PurgeCursor(id=1, last_seq=changes.latest_seq(session), failures=0)
        session.add(cursor)
        session.flush()
    if cursor.next_attempt_at is not None and cursor.next_attempt_at > now:
        return None
    entries = changes.entries_after(session, cursor.last_seq, limit=BATCH)
    pending = list(session.scalars(select(PendingPurge).order_by(PendingPurge.id).limit(BATCH)))
    if not entries and not pending:
        return None
    keys: dict[str, None] = {}
    if cursor.last_seq < changes.horizon(session):  # pruned entries it never saw: all of it
        keys[SITE] = None
    for entry in entries:
        keys[item_key(entry.resource_type, entry.resource_id)] = None
        keys[RESOURCE_COLLECTIONS.get(entry.resource_type, SITE)] = None
    if entries:
        keys["changes"] = None
    for row in pending:
        keys.update(dict.fromkeys(row.keys.split()))
    to_seq = entries[-1].seq if entries else cursor.last_seq
    version = max([to_seq, *(row.version for row in pending)])
    return Batch(list(keys), cursor.last_seq, to_seq, [row.id for row in pending], version)


def settle(session: Session, batch: Batch, *, sent: bool, now: datetime, wait: float = 0) -> None:
    """Move the cursor past a sent batch (only from where it was read: of two workers sending
    the same batch, one moves it), or schedule the retry."""
    if sent:
        session.execute(
            update(PurgeCursor)
            .where(PurgeCursor.id == 1, PurgeCursor.last_seq == batch.from_seq)
            .values(last_seq=batch.to_seq, failures=0, next_attempt_at=None)
        )
        if batch.pending_ids:
            session.execute(delete(PendingPurge).where(PendingPurge.id.in_(batch.pending_ids)))
        return
    cursor = session.get(PurgeCursor, 1)
    assert cursor is not None
    cursor.failures += 1
    # Growing waits with jitter, for ever: a purge is never dropped.
    step = min(MAX_WAIT_SECONDS, 2.0 ** (cursor.failures - 1))
    cursor.next_attempt_at = now + timedelta(seconds=max(wait, random.uniform(step / 2, step)))
    session.flush()


def send(client: httpx.Client, settings: Settings, keys: list[str], now: datetime) -> float | None:
    """POST the keys (in chunks); None when every chunk got a 2xx, else the wait asked for."""
    assert settings.purge_url is not None
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if settings.purge_token is not None:
        headers["Authorization"] = f"Bearer {settings.purge_token.get_secret_value()}"
    for start in range(0, len(keys), KEYS_PER_REQUEST):
        body = json.dumps({"surrogate_keys": keys[start : start + KEYS_PER_REQUEST]})
        try:
            response = client.post(settings.purge_url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            logger.warning("CDN purge failed (%s); retrying", type(exc).__name__)
            return 0.0
        if not 200 <= response.status_code < 300:
            logger.warning("CDN purge answered %s; retrying", response.status_code)
            return retry_after_seconds(response.headers.get("retry-after"), now) or 0.0
    return None


def replica_version(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return changes.current(session)


def run_once(
    transaction: Callable[[], AbstractContextManager[Session]],
    settings: Settings,
    client: httpx.Client,
    clock: Callable[[], datetime],
    replica: Callable[[], int] | None = None,
) -> int:
    """One round: collect, send, settle, in two transactions with none held while sending;
    returns how many keys went out. `replica`: the read replica's content version."""
    with transaction() as session:
        batch = collect(session, clock())
    if batch is None:
        return 0
    if settings.purge_url is None:  # nobody to tell: the outbox is only drained
        with transaction() as session:
            settle(session, batch, sent=True, now=clock())
        return 0
    if replica is not None and replica() < batch.version:
        return 0  # the replica is behind: the CDN would fetch the old content again
    wait = send(client, settings, batch.keys, clock())
    with transaction() as session:
        settle(session, batch, sent=wait is None, now=clock(), wait=wait or 0)
    return len(batch.keys) if wait is None else 0


class Purger:
    """The purge round the webhook worker runs before delivering webhooks."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        *,
        replica: sessionmaker[Session] | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        self.replica = replica
        self.client = make_client(settings)

    def round(self) -> int:
        replica = self.replica
        version = None if replica is None else (lambda: replica_version(replica))
        try:
            return run_once(self.sessions.begin, self.settings, self.client, self.clock, version)
        except Exception:
            # Nothing was lost: the outboxes keep it for the next round.
            logger.exception("CDN purge round failed; retrying next round")
            return 0

    def close(self) -> None:
        self.client.close()


def make_client(settings: Settings) -> httpx.Client:
    # The operator's own endpoint (possibly on a private network): not the webhook guard's
    # business, but no redirects and no proxies from the environment all the same.
    return httpx.Client(
        timeout=httpx.Timeout(settings.webhooks_timeout_seconds),
        follow_redirects=False,
        trust_env=False,
    )
