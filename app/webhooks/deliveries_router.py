"""The delivery log of a subscription: messages, their attempts, redelivery and test pings
(scope `webhooks:manage`, the subscription's owner or `keys:admin`)."""

import json

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.conditional import json_response
from app.api.pagination import Page, PageDep, page_links
from app.api.problems import problem_responses
from app.db import SessionDep
from app.webhooks import service
from app.webhooks.models import WebhookAttempt, WebhookMessage
from app.webhooks.router import (
    LIST_ERRORS,
    PRIVATE,
    READ_ERRORS,
    DeliveryId,
    Manager,
    SubscriptionId,
    audit_webhook,
)
from app.webhooks.schemas import AttemptRead, DeliveryRead

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def delivery_read(message: WebhookMessage) -> DeliveryRead:
    return DeliveryRead.model_validate(
        {
            "id": message.id,
            "event_type": message.event_type,
            "seq": message.seq,
            "status": message.status,
            "attempts": message.attempts,
            "next_attempt_at": message.next_attempt_at,
            "created_at": message.created_at,
            "delivered_at": message.delivered_at,
            "payload": json.loads(message.body),
        }
    )


def _accepted(body: DeliveryRead) -> Response:
    return Response(
        content=body.model_dump_json(),
        status_code=202,
        media_type="application/json",
        headers={"Cache-Control": "private, no-store"},
    )


@router.post(
    "/{subscription_id}/test",
    status_code=202,
    response_model=DeliveryRead,
    summary="Send a test ping",
    responses=problem_responses(401, 403, 404, 409),
)
async def send_test(
    request: Request, session: SessionDep, manager: Manager, subscription_id: SubscriptionId
) -> Response:
    """Queues a signed `webhook.ping` message, sent on the worker's next round; follow it in
    the delivery log."""
    subscription = service.get(session, manager, subscription_id)
    message = service.ping(session, subscription, now=request.app.state.clock())
    audit_webhook(request, session, manager, "ping_webhook", subscription.id)
    return _accepted(delivery_read(message))


@router.get(
    "/{subscription_id}/deliveries",
    response_model=Page[DeliveryRead],
    summary="List a subscription's deliveries",
    responses=LIST_ERRORS,
)
async def list_deliveries(
    request: Request,
    session: SessionDep,
    manager: Manager,
    subscription_id: SubscriptionId,
    page: PageDep,
) -> Response:
    """Every message made for the subscription, newest first, with its state."""
    subscription = service.get(session, manager, subscription_id)
    rows, next_cursor = service.page_of_messages(session, subscription, page)
    body = Page[DeliveryRead](items=[delivery_read(r) for r in rows], next_cursor=next_cursor)
    links = page_links(request, next_cursor, request.app.state.settings.public_base_url)
    return json_response(request, body, cache=PRIVATE, links=links)


@router.get(
    "/{subscription_id}/deliveries/{delivery_id}",
    response_model=DeliveryRead,
    summary="Get a delivery",
    responses=READ_ERRORS,
)
async def get_delivery(
    request: Request,
    session: SessionDep,
    manager: Manager,
    subscription_id: SubscriptionId,
    delivery_id: DeliveryId,
) -> Response:
    """One message: its state, attempts so far, and the payload it carries."""
    subscription = service.get(session, manager, subscription_id)
    message = service.get_message(session, subscription, delivery_id)
    return json_response(request, delivery_read(message), cache=PRIVATE)


@router.get(
    "/{subscription_id}/deliveries/{delivery_id}/attempts",
    response_model=Page[AttemptRead],
    summary="List a delivery's attempts",
    responses=LIST_ERRORS,
)
async def list_attempts(
    request: Request,
    session: SessionDep,
    manager: Manager,
    subscription_id: SubscriptionId,
    delivery_id: DeliveryId,
    page: PageDep,
) -> Response:
    """Each try, first first: status code, duration, error class, when the next one is due."""
    subscription = service.get(session, manager, subscription_id)
    message = service.get_message(session, subscription, delivery_id)
    rows, next_cursor = service.page_of_attempts(session, message, page)
    body = Page[AttemptRead](items=[_attempt(r) for r in rows], next_cursor=next_cursor)
    links = page_links(request, next_cursor, request.app.state.settings.public_base_url)
    return json_response(request, body, cache=PRIVATE, links=links)


def _attempt(row: WebhookAttempt) -> AttemptRead:
    return AttemptRead.model_validate(row)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryRead,
    summary="Redeliver a message",
    responses=problem_responses(401, 403, 404, 409),
)
async def redeliver(
    request: Request,
    session: SessionDep,
    manager: Manager,
    subscription_id: SubscriptionId,
    delivery_id: DeliveryId,
) -> Response:
    """The same message (same `webhook-id` and body, freshly signed) is due again at once,
    with a fresh retry schedule, whatever became of it before."""
    subscription = service.get(session, manager, subscription_id)
    message = service.get_message(session, subscription, delivery_id)
    service.redeliver(session, subscription, message, request.app.state.clock())
    audit_webhook(request, session, manager, "redeliver_webhook", message.id)
    return _accepted(delivery_read(message))
