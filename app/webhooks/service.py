"""Subscriptions and their delivery log, as their owners manage them. Never commits.

Who sees what: a subscription belongs to the key that created it; only that key sees and
manages it, and keys with `keys:admin` see and manage every subscription. To anyone else it
does not exist (404).
"""

import json
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.api.pagination import PageRequest, datetime_sort_key, fetch_page
from app.api.problems import Conflict, FieldError, InvalidParameters, NotFound
from app.auth.models import Scope
from app.auth.service import Principal
from app.changes import service as changes
from app.config import Settings
from app.ids import new_id
from app.webhooks import signing
from app.webhooks.guard import ForbiddenAddress, check_target
from app.webhooks.models import (
    SUBSCRIPTION_PREFIX,
    WebhookAttempt,
    WebhookMessage,
    WebhookSubscription,
)
from app.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate

SUBSCRIPTION_ORDER = datetime_sort_key("created_at", WebhookSubscription.created_at, False)
MESSAGE_ORDER = datetime_sort_key("created_at", WebhookMessage.created_at, True)
ATTEMPT_ORDER = datetime_sort_key("attempted_at", WebhookAttempt.attempted_at, False)
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def check_url(url: str, settings: Settings) -> None:
    """422 on `/url` for a target the address guard refuses (checked again at delivery)."""
    parts = urlsplit(url)
    problem = None
    if parts.username is not None or parts.password is not None:
        problem = "Credentials in the URL are not accepted; authenticate with the signature."
    elif not settings.webhooks_allow_private_targets:
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            check_target(parts.hostname or "", port)
        except ForbiddenAddress:
            problem = (
                "The target resolves to a loopback, private, link-local, multicast or reserved "
                "address; webhooks are only sent to public addresses."
            )
    if problem is not None:
        raise InvalidParameters(
            "The target URL is not allowed.", errors=[FieldError(pointer="/url", detail=problem)]
        )


def _visible(principal: Principal) -> Select[WebhookSubscription]:
    query = select(WebhookSubscription)
    if not principal.can(Scope.KEYS_ADMIN):
        query = query.where(WebhookSubscription.owner_key_id == principal.key_id)
    return query


def create(
    session: Session,
    body: SubscriptionCreate,
    *,
    principal: Principal,
    settings: Settings,
    now: datetime,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret. It starts at the change log's latest entry: it is
    sent what changes from now on (a partner bootstraps from the export first)."""
    url = str(body.url)
    check_url(url, settings)
    subscription = WebhookSubscription(
        id=new_id(SUBSCRIPTION_PREFIX),
        owner_key_id=principal.key_id,
        url=url,
        event_types=sorted({t.value for t in body.event_types}),
        lang=body.lang,
        description=body.description,
        paused=body.paused,
        secret_seed=signing.new_seed(),
        last_seq=changes.latest_seq(session),
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription, signing.secret_of(settings, subscription.secret_seed)


def page_of_subscriptions(
    session: Session, principal: Principal, page: PageRequest
) -> tuple[list[WebhookSubscription], str | None]:
    return fetch_page(
        session,
        _visible(principal),
        sort=SUBSCRIPTION_ORDER,
        id_column=WebhookSubscription.id,
        page=page,
    )


def get(session: Session, principal: Principal, subscription_id: str) -> WebhookSubscription:
    query = _visible(principal).where(WebhookSubscription.id == subscription_id)
    subscription = session.scalars(query).one_or_none()
    if subscription is None:
        raise NotFound("No webhook subscription with this id is visible to this key.")
    return subscription


def update(
    session: Session,
    subscription: WebhookSubscription,
    body: SubscriptionUpdate,
    *,
    settings: Settings,
    now: datetime,
) -> None:
    sent = body.model_fields_set
    if body.url is not None:
        check_url(str(body.url), settings)
        subscription.url = str(body.url)
    if body.event_types is not None:
        subscription.event_types = sorted({t.value for t in body.event_types})
    if "lang" in sent:
        subscription.lang = body.lang
    if "description" in sent:
        subscription.description = body.description
    if body.paused is not None:
        subscription.paused = body.paused
        if not body.paused:
            # Re-enabled: the cursor did not move while it was disabled, so nothing is lost.
            subscription.disabled_at = None
            subscription.disabled_reason = None
    subscription.updated_at = now
    session.flush()


def delete(session: Session, subscription: WebhookSubscription) -> None:
    session.delete(subscription)
    session.flush()


def rotate_secret(
    session: Session, subscription: WebhookSubscription, *, settings: Settings, now: datetime
) -> str:
    """A new secret; the current one keeps signing alongside it for the overlap window."""
    overlap = settings.webhooks_secret_overlap_seconds
    subscription.previous_secret_seed = subscription.secret_seed if overlap else None
    subscription.previous_secret_until = now + timedelta(seconds=overlap) if overlap else None
    subscription.secret_seed = signing.new_seed()
    subscription.updated_at = now
    session.flush()
    return signing.secret_of(settings, subscription.secret_seed)


def current_secret(subscription: WebhookSubscription, settings: Settings) -> str:
    """Re-derived, for an idempotent replay of the create (nothing stores it)."""
    return signing.secret_of(settings, subscription.secret_seed)


def live_seeds(subscription: WebhookSubscription, now: datetime) -> list[str]:
    seeds = [subscription.secret_seed]
    until = subscription.previous_secret_until
    if subscription.previous_secret_seed and until is not None and until > now:
        seeds.append(subscription.previous_secret_seed)
    return seeds


def status_of(subscription: WebhookSubscription) -> str:
    if subscription.disabled_at is not None:
        return "disabled"
    return "paused" if subscription.paused else "active"


def ping(session: Session, subscription: WebhookSubscription, *, now: datetime) -> WebhookMessage:
    """A `webhook.ping` message, due at once (the worker sends it on its next round)."""
    if subscription.disabled_at is not None:
        raise Conflict("The subscription is disabled; re-enable it (`paused: false`) first.")
    message_id = f"msg_{subscription.id.removeprefix('whk_')}_ping_{new_id('p')[2:]}"
    body = {"type": "webhook.ping", "timestamp": now.isoformat().replace("+00:00", "Z")}
    message = WebhookMessage(
        id=message_id,
        subscription_id=subscription.id,
        seq=None,
        event_type="webhook.ping",
        body=json.dumps({**body, "data": {}}, separators=(",", ":")),
        status=PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def page_of_messages(
    session: Session, subscription: WebhookSubscription, page: PageRequest
) -> tuple[list[WebhookMessage], str | None]:
    """The subscription's messages, newest first."""
    query = select(WebhookMessage).where(WebhookMessage.subscription_id == subscription.id)
    return fetch_page(
        session,
        query,
        sort=MESSAGE_ORDER,
        id_column=WebhookMessage.id,
        page=page,
    )


def get_message(
    session: Session, subscription: WebhookSubscription, message_id: str
) -> WebhookMessage:
    message = session.get(WebhookMessage, message_id)
    if message is None or message.subscription_id != subscription.id:
        raise NotFound("This subscription has no delivery with this id.")
    return message


def page_of_attempts(
    session: Session, message: WebhookMessage, page: PageRequest
) -> tuple[list[WebhookAttempt], str | None]:
    """A message's attempts, first first."""
    query = select(WebhookAttempt).where(WebhookAttempt.message_id == message.id)
    return fetch_page(
        session,
        query,
        sort=ATTEMPT_ORDER,
        id_column=WebhookAttempt.id,
        page=page,
    )


def redeliver(
    session: Session, subscription: WebhookSubscription, message: WebhookMessage, now: datetime
) -> None:
    """Send the same message (same `webhook-id`, same body) again, with a fresh schedule."""
    if subscription.disabled_at is not None:
        raise Conflict("The subscription is disabled; re-enable it (`paused: false`) first.")
    message.status = PENDING
    message.failures = 0
    message.next_attempt_at = now
    session.flush()
