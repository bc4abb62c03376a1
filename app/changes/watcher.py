"""Each worker's knowledge of the content version, kept without a query per request.

The response cache labels every entry with the content version it was computed at, and an entry
may be served only while the version has not moved. Reading that one row on every request cost
a session and a round trip per cache hit, as much as the rest of a hit together. Instead, each
worker polls the row every `cache_version_poll_ms` (and learns its own writes at commit), so a
hit needs no database at all. The price is a bounded delay: a change committed by another
worker or process is seen here at most one poll interval later (plus the poll's own duration).

Staleness is bounded by construction: a version learnt longer ago than twice the interval is
not trusted (`current()` answers None), so a stalled poll or an unreachable database stops
cache hits instead of prolonging them. With the interval at 0 the watcher knows nothing and
every request reads the version itself (the test suite's setting, whose writes are never
committed where a poll could see them).
"""

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.changes import service
from app.changes.service import BUMPED

logger = logging.getLogger(__name__)


class VersionWatcher:
    def __init__(self, interval_seconds: float, *, monotonic: Callable[[], float] = time.monotonic):
        self.interval = interval_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()  # observe() also runs in the webhook worker's thread
        self._version: int | None = None
        self._changed_at: datetime | None = None
        self._learnt_at = float("-inf")
        # A version this worker's own commit reached: anything older is out of date, whatever
        # a request that read the row just before that commit may still report.
        self._floor = 0

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    def current(self) -> tuple[int, datetime] | None:
        """The version and when content last changed, if learnt recently enough to trust."""
        if (
            self._version is None
            or self._changed_at is None
            or self._monotonic() - self._learnt_at > 2 * self.interval
        ):
            return None
        return self._version, self._changed_at

    def observe(self, version: int, changed_at: datetime) -> None:
        """What a poll or a request read from the database just now."""
        if not self.enabled:
            return
        with self._lock:
            if version < self._floor or (self._version is not None and version < self._version):
                return
            self._version, self._changed_at = version, changed_at
            self._learnt_at = self._monotonic()

    def committed(self, version: int) -> None:
        """This worker committed a change that reached `version`: forget what came before, so
        that its own next read is never served from an older entry."""
        with self._lock:
            self._floor = max(self._floor, version)
            if self._version is not None and self._version < version:
                self._version = None

    def track_commits(self, sessions: sessionmaker[Session] | Session) -> None:
        """Learn every commit made through `sessions` that bumped the version."""

        def after_commit(session: Session) -> None:
            version = session.info.pop(BUMPED, None)
            if isinstance(version, int):
                self.committed(version)

        def after_rollback(session: Session) -> None:
            session.info.pop(BUMPED, None)

        event.listen(sessions, "after_commit", after_commit)
        event.listen(sessions, "after_soft_rollback", lambda s, _t: after_rollback(s))

    def poll_once(self, engine: Engine) -> None:
        with engine.connect() as connection, Session(bind=connection) as session:
            self.observe(*service.current_state(session))

    async def run_forever(self, engine: Engine) -> None:
        """Poll in a thread, so that a slow database never holds up the event loop."""
        failing = False
        while True:
            try:
                await asyncio.to_thread(self.poll_once, engine)
                if failing:
                    logger.info("content version readable again")
                failing = False
            except Exception:  # the database may be briefly away; hits stop until it is back
                if not failing:
                    logger.warning("cannot read the content version", exc_info=True)
                failing = True
            await asyncio.sleep(self.interval)
