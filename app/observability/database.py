"""Database series: the connection pool (kept current by pool events) and the change-feed and
webhook-outbox gauges (read at scrape time, one query each)."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import Engine, case, event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from app.changes.models import ChangeEntry
from app.config import Settings
from app.observability.metrics import DB_POOL_CHECKED_OUT, DB_POOL_MAX_OVERFLOW, DB_POOL_SIZE
from app.webhooks.models import WebhookMessage, WebhookSubscription
from app.webhooks.service import PENDING


def instrument_pool(engine: Engine, settings: Settings) -> None:
    """Count checkouts and checkins as they happen: a scrape then sees every process's pool
    (summed in multiprocess mode), not only the one that answered it."""
    if isinstance(engine.pool, QueuePool):  # (a SQLite memory database is not pooled)
        DB_POOL_SIZE.set(engine.pool.size())
        DB_POOL_MAX_OVERFLOW.set(settings.database_pool_size)  # as app.db._pool_options says

    @event.listens_for(engine, "checkout")
    def _checked_out(*_args: Any) -> None:
        DB_POOL_CHECKED_OUT.inc()

    @event.listens_for(engine, "checkin")
    def _checked_in(*_args: Any) -> None:
        # Also fired for a connection invalidated while out, so the two always pair.
        DB_POOL_CHECKED_OUT.dec()


_ACTIVE = (WebhookSubscription.disabled_at.is_(None), WebhookSubscription.paused.is_(False))


def change_feed_gauges(session: Session, now: datetime) -> Iterator[Metric]:
    """How far the slowest active webhook subscription's cursor is behind the change log, in
    entries and in seconds (the age of the oldest entry it has not turned into messages)."""
    head = select(func.max(ChangeEntry.seq)).scalar_subquery()
    cursor = select(func.min(WebhookSubscription.last_seq)).where(*_ACTIVE).scalar_subquery()
    oldest = (
        select(ChangeEntry.occurred_at)
        .where(ChangeEntry.seq > cursor)
        .order_by(ChangeEntry.seq)
        .limit(1)
        .scalar_subquery()
    )
    last, slowest, oldest_at = session.execute(select(head, cursor, oldest)).one()
    last = int(last or 0)
    yield _gauge("newsroom_change_log_last_seq", "Newest change-log sequence number.", last)
    lag = max(0, last - int(slowest)) if slowest is not None else 0
    yield _gauge(
        "newsroom_change_feed_lag_events",
        "Change-log entries past the slowest active webhook subscription's cursor (0 when "
        "every subscription is caught up or there is none).",
        lag,
    )
    seconds = 0.0
    if oldest_at is not None:
        # SQLite hands back naive UTC through a subquery (the column type is not applied).
        at = oldest_at if isinstance(oldest_at, datetime) else datetime.fromisoformat(oldest_at)
        at = at if at.tzinfo is not None else at.replace(tzinfo=now.tzinfo)
        seconds = max(0.0, (now - at).total_seconds())
    yield _gauge(
        "newsroom_change_feed_lag_seconds",
        "Age of the oldest change-log entry the slowest active subscription has not reached.",
        seconds,
    )


def outbox_gauges(session: Session, now: datetime) -> Iterator[Metric]:
    """Webhook messages waiting to be delivered, and those of them due now."""
    due = case((WebhookMessage.next_attempt_at <= now, 1), else_=0)
    pending, due_now = session.execute(
        select(func.count(), func.coalesce(func.sum(due), 0)).where(
            WebhookMessage.status == PENDING
        )
    ).one()
    yield _gauge(
        "newsroom_webhook_outbox_depth", "Webhook messages not yet delivered.", int(pending)
    )
    yield _gauge(
        "newsroom_webhook_outbox_due",
        "Undelivered webhook messages whose next attempt is due now.",
        int(due_now),
    )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
