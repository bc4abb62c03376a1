"""The delivery loop `newsroom worker` runs (and `newsroom serve`, in development)."""

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from app.cdn.purge import Purger
from app.config import Settings
from app.db import utcnow
from app.webhooks.delivery import make_client
from app.webhooks.worker import attempt, due, pump

logger = logging.getLogger("app.webhooks")


class Worker:
    """Rounds of: make messages (one transaction), then attempt each due message in its own
    transaction, so one slow or failing target costs only its own row."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        *,
        before_round: Callable[[], object] | None = None,
        purger: Purger | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        self.client = make_client(settings)
        # E.g. logging due go-lives, so that a scheduled item's webhook leaves at its time
        # even when no API process is running the go-live announcer.
        self.before_round = before_round
        # CDN purges (app/cdn/purge.py): first, so that a cache is emptied before partners
        # told by a webhook come to read.
        self.purger = purger

    def round(self) -> int:
        if self.before_round is not None:
            self.before_round()
        purged = self.purger.round() if self.purger is not None else 0
        with self.sessions.begin() as session:
            pump(session, self.settings, self.clock())
        with self.sessions.begin() as session:
            message_ids = due(session, self.clock())
        sent = 0
        for message_id in message_ids:
            try:
                with self.sessions.begin() as session:
                    sent += attempt(session, message_id, self.settings, self.client, self.clock())
            except Exception:
                # One bad row must not stop the others; it is tried again next round.
                logger.exception("webhook message %s: the attempt failed", message_id)
        return sent + (1 if purged else 0)

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set; a round in progress finishes first (graceful stop)."""
        logger.info("webhook worker started")
        try:
            while not stop.is_set():
                try:
                    sent = self.round()
                except Exception:
                    logger.exception("webhook round failed; retrying after the poll interval")
                    sent = 0
                if not sent:
                    stop.wait(self.settings.webhooks_poll_seconds)
        finally:
            self.client.close()
            if self.purger is not None:
                self.purger.close()
            logger.info("webhook worker stopped")


def in_process_enabled(settings: Settings) -> bool:
    if settings.webhooks_in_process is not None:
        return settings.webhooks_in_process
    return settings.environment == "development"
