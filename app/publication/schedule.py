"""Go-lives by the clock: scheduled content becomes public at its time without anyone acting,
and this puts each go-live into the change log (dated when it happened), so that every channel
fed from the log (change feed, webhooks, feeds) sees it.

Run in the background by every app process, on demand by the change feed before it answers
(so a partner never sees a list the feed does not cover), and by `newsroom worker`.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from app.publication.lifecycle import Lifecycle
from app.publication.sql import due_unannounced

logger = logging.getLogger("app.scheduler")
BATCH = 200  # per run and kind: a backlog drains over a few runs


class GoLives:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        lifecycles: Sequence[Lifecycle[Any]],
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.lifecycles = tuple(lifecycles)

    def due(self, session: Session, now: datetime) -> bool:
        """Whether any go-live is public by the clock but not logged (one indexed probe each)."""
        return any(
            session.scalar(select(exists().where(due_unannounced(lifecycle.model, now))))
            for lifecycle in self.lifecycles
        )

    def catch_up(self, session: Session, now: datetime, *, limit: int | None = BATCH) -> int:
        """Log due go-lives in the caller's transaction; returns how many."""
        return sum(
            lifecycle.record_due_go_lives(session, now, limit=limit)
            for lifecycle in self.lifecycles
        )

    def announce(self, *, limit: int | None = BATCH) -> int:
        """Log due go-lives in their own transaction; returns how many."""
        with self.sessions.begin() as session:
            return self.catch_up(session, self.clock(), limit=limit)

    async def run_forever(
        self, interval_seconds: float, also: Callable[[], object] | None = None
    ) -> None:
        """Every `interval_seconds`: announce, then `also` (e.g. pruning). Never dies of an
        error: a failed run is logged and retried on the next tick."""
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                # In a thread: a large backlog must not stall the requests on the event loop.
                await asyncio.to_thread(self.announce)
                if also is not None:
                    await asyncio.to_thread(also)
            except Exception:
                logger.exception("announcing scheduled content failed; retrying later")
