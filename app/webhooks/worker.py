"""The outbox worker: turns change-log events into messages and sends what is due.

The change log is written in the same transaction as every public change, so it is the
transactional outbox: each subscription keeps a cursor (`last_seq`) into it, and `pump` makes
one message per event past the cursor, as the subscription's filter (types, language) sees it,
then moves the cursor, in one transaction. Messages are then attempted on the retry schedule.
Paused and disabled subscriptions keep their cursor: on resuming they catch up.
"""

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx2 as httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.changes import service as changes
from app.config import Settings
from app.ids import new_id
from app.webhooks import signing
from app.webhooks.delivery import send
from app.webhooks.models import WebhookAttempt, WebhookMessage, WebhookSubscription
from app.webhooks.service import DELIVERED, FAILED, PENDING, live_seeds

BATCH = 200
URLS = {
    "statement": "/v1/statements/{id}",
    "commitment": "/v1/commitments/{id}",
    "menu": "/v1/navigation/{id}",
}
_ACTIVE = (WebhookSubscription.disabled_at.is_(None), WebhookSubscription.paused.is_(False))


def _stamp(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def payload(event: changes.Event, settings: Settings, lang: str | None) -> str:
    """The thin payload (Standard Webhooks shape): what changed and where to read it."""
    url = (settings.public_base_url or "").rstrip("/") + URLS[event.type].format(id=event.id)
    if lang is not None:
        url += f"?lang={lang}"
    data = {
        "seq": event.seq,
        "type": event.type,
        "id": event.id,
        "op": event.op,
        "reason": event.reason,
        "version": event.version,
        "at": _stamp(event.at),
        "url": url,
    }
    body = {"type": f"{event.type}.{event.op}", "timestamp": _stamp(event.at), "data": data}
    return json.dumps(body, separators=(",", ":"))


def pump(session: Session, settings: Settings, now: datetime) -> int:
    """Make messages for the events past each active subscription's cursor; returns how many.

    The subscription rows are locked (other workers skip them), so two workers never make the
    same message. The cursor moves with a plain UPDATE, not through the ORM's version counter:
    the worker advancing must not invalidate an owner's ETag.
    """
    made = 0
    horizon = changes.horizon(session)
    query = select(WebhookSubscription).where(*_ACTIVE).order_by(WebhookSubscription.id)
    for subscription in session.scalars(query.with_for_update(skip_locked=True)):
        if subscription.last_seq < horizon:
            # Pruning dropped entries it never saw: sending on would silently skip changes.
            reason = "It fell behind the change log's retention; re-bootstrap from the export."
            _disable(session, subscription.id, reason, now)
            continue
        page = changes.read_events(
            session,
            after=subscription.last_seq,
            limit=BATCH,
            types=subscription.event_types,
            lang=subscription.lang,
        )
        prefix = subscription.id.removeprefix("whk_")
        for event in page.events:
            session.add(
                WebhookMessage(
                    id=f"msg_{prefix}_{event.seq}",
                    subscription_id=subscription.id,
                    seq=event.seq,
                    event_type=f"{event.type}.{event.op}",
                    body=payload(event, settings, subscription.lang),
                    status=PENDING,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        made += len(page.events)
        if page.next_after != subscription.last_seq:
            session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == subscription.id)
                .values(last_seq=page.next_after)
                .execution_options(synchronize_session=False)
            )
    session.flush()
    return made


def due(session: Session, now: datetime, limit: int = BATCH) -> list[str]:
    """Ids of messages due now, of active subscriptions, oldest due first."""
    query = (
        select(WebhookMessage.id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookMessage.subscription_id)
        .where(WebhookMessage.status == PENDING, WebhookMessage.next_attempt_at <= now, *_ACTIVE)
        .order_by(WebhookMessage.next_attempt_at, WebhookMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def _disable(session: Session, subscription_id: str, reason: str, now: datetime) -> None:
    session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription_id)
        .values(
            disabled_at=now,
            disabled_reason=reason,
            updated_at=now,
            version=WebhookSubscription.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def attempt(
    session: Session, message_id: str, settings: Settings, client: httpx.Client, now: datetime
) -> bool:
    """Send one message once and log the attempt; False if another worker has it or it is no
    longer due. Nothing is written before the answer comes (a SQLite writer is not held up
    by a slow target); PostgreSQL keeps the message's row locked meanwhile."""
    message = session.scalars(
        select(WebhookMessage)
        .where(
            WebhookMessage.id == message_id,
            WebhookMessage.status == PENDING,
            # Checked again under the lock: another worker may have just tried it.
            WebhookMessage.next_attempt_at <= now,
        )
        .with_for_update(skip_locked=True)
    ).one_or_none()
    if message is None:
        return False
    subscription = session.get(WebhookSubscription, message.subscription_id)
    if subscription is None or status_blocked(subscription):
        return False
    timestamp, signatures = signing.signature_header(
        settings, live_seeds(subscription, now), message.id, now, message.body
    )
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message.id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signatures,
    }
    outcome = send(client, subscription.url, message.body, headers, now)
    message.attempts += 1
    next_at: datetime | None = None
    if outcome.delivered:
        message.status, message.failures, message.delivered_at = DELIVERED, 0, now
    elif outcome.status_code == 410:
        message.status = FAILED
        _disable(session, subscription.id, "The target answered 410 Gone.", now)
    else:
        message.failures += 1
        schedule = settings.webhooks_retry_schedule
        if message.failures > len(schedule):
            message.status = FAILED
            reason = f"Delivery failed {message.failures} times: the retry schedule ran out."
            _disable(session, subscription.id, reason, now)
        else:
            # Full jitter: a wait drawn up to the step's value, so that retries of many
            # failed messages (after an outage) do not all arrive together.
            wait = random.uniform(0, schedule[message.failures - 1])
            if outcome.retry_after is not None:
                wait = max(wait, outcome.retry_after)
            next_at = now + timedelta(seconds=wait)
    message.next_attempt_at = next_at
    session.add(
        WebhookAttempt(
            id=new_id("att"),
            message_id=message.id,
            number=message.attempts,
            attempted_at=now,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
            next_attempt_at=next_at,
        )
    )
    session.flush()
    return True


def status_blocked(subscription: WebhookSubscription) -> bool:
    return subscription.paused or subscription.disabled_at is not None


def run_once(
    session: Session, settings: Settings, client: httpx.Client, clock: Callable[[], datetime]
) -> int:
    """One round in one session (tests; the worker loop splits it into transactions)."""
    pump(session, settings, clock())
    sent = 0
    for message_id in due(session, clock()):
        sent += attempt(session, message_id, settings, client, clock())
    return sent
