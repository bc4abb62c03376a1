"""Webhook subscriptions and their delivery log (scope `webhooks:manage`).

A key sees only the subscriptions it created; a key that also holds `keys:admin` sees all.
"""

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from app.api.conditional import CachePolicy, json_response
from app.api.idempotency import idempotency_of, remember, replay
from app.api.pagination import Page, PageDep, page_links
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import editorial_response
from app.audit import service as audit
from app.auth.dependencies import require
from app.auth.models import Scope
from app.auth.service import Principal
from app.db import SessionDep
from app.webhooks import service
from app.webhooks.models import WebhookSubscription
from app.webhooks.schemas import (
    SecretRotated,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
Manager = Annotated[Principal, Depends(require(Scope.WEBHOOKS_MANAGE))]
SubscriptionId = Annotated[str, Path(max_length=32)]
DeliveryId = Annotated[str, Path(max_length=64)]
READ_ERRORS = problem_responses(401, 403, 404)
LIST_ERRORS = problem_responses(400, 401, 403, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 413, 422, 428)
PRIVATE = CachePolicy(public=False)


def subscription_read(subscription: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead.model_validate(
        {
            **{
                name: getattr(subscription, name)
                for name in SubscriptionRead.model_fields
                if hasattr(subscription, name)
            },
            "status": service.status_of(subscription),
            "previous_secret_expires_at": subscription.previous_secret_until,
        }
    )


def _etag(subscription: WebhookSubscription) -> str:
    return version_etag(subscription.id, subscription.version)


def _response(subscription: WebhookSubscription, status: int = 200) -> Response:
    return editorial_response(subscription_read(subscription), _etag(subscription), status)


def audit_webhook(
    request: Request, session: SessionDep, who: Principal, action: str, id_: str
) -> None:
    audit.record(
        session,
        key_id=who.key_id,
        action=action,
        resource_type="webhook",
        resource_id=id_,
        at=request.app.state.clock(),
    )


@router.post(
    "",
    status_code=201,
    response_model=SubscriptionCreated,
    summary="Create a webhook subscription",
    responses=problem_responses(401, 403, 413, 422),
)
async def create_subscription(
    request: Request, session: SessionDep, manager: Manager, body: SubscriptionCreate
) -> Response:
    """Events from now on (the change log's latest `seq`) are sent to `url`, signed with the
    `whsec_` secret in this response, shown only here (and at rotation). A target on a
    non-public address is a 422 on `/url`. `Idempotency-Key` makes retries safe: a retry gets
    the same subscription and its current secret (the secret itself is never stored)."""
    settings = request.app.state.settings
    idempotency = await idempotency_of(request, manager.key_id)
    replayed = replay(session, idempotency)
    if replayed is not None:
        first = json.loads(bytes(replayed.body))
        subscription = service.get(session, manager, first["id"])
        secret = service.current_secret(subscription, settings)
    else:
        subscription, secret = service.create(
            session, body, principal=manager, settings=settings, now=request.app.state.clock()
        )
        audit_webhook(request, session, manager, "create_webhook", subscription.id)
    read = subscription_read(subscription)
    created = SubscriptionCreated.model_validate({**read.model_dump(), "secret": secret})
    response = editorial_response(created, _etag(subscription), 201)
    response.headers["Location"] = f"/v1/webhooks/{subscription.id}"
    if replayed is not None:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        remember(session, idempotency, response, read.model_dump_json())  # without the secret
    return response


@router.get(
    "",
    response_model=Page[SubscriptionRead],
    summary="List webhook subscriptions",
    responses=LIST_ERRORS,
)
async def list_subscriptions(
    request: Request, session: SessionDep, manager: Manager, page: PageDep
) -> Response:
    """The subscriptions this key created (every one for `keys:admin`), oldest first."""
    rows, next_cursor = service.page_of_subscriptions(session, manager, page)
    items = [subscription_read(row) for row in rows]
    body = Page[SubscriptionRead](items=items, next_cursor=next_cursor)
    links = page_links(request, next_cursor, request.app.state.settings.public_base_url)
    return json_response(request, body, cache=PRIVATE, links=links)


@router.get(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Get a webhook subscription",
    responses=READ_ERRORS,
)
async def get_subscription(
    session: SessionDep, manager: Manager, subscription_id: SubscriptionId
) -> Response:
    """Without its secret; the `ETag` is what updates send in `If-Match`."""
    return _response(service.get(session, manager, subscription_id))


@router.patch(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Update a webhook subscription",
    responses=WRITE_ERRORS,
)
async def update_subscription(
    request: Request,
    session: SessionDep,
    manager: Manager,
    subscription_id: SubscriptionId,
    body: SubscriptionUpdate,
) -> Response:
    """Target, event types, language, description, pause. `paused: false` also re-enables a
    disabled subscription; it then catches up from where it stopped. Needs `If-Match`."""
    subscription = service.get(session, manager, subscription_id)
    require_if_match(request, _etag(subscription))
    service.update(
        session,
        subscription,
        body,
        settings=request.app.state.settings,
        now=request.app.state.clock(),
    )
    audit_webhook(request, session, manager, "update_webhook", subscription.id)
    return _response(subscription)


@router.delete(
    "/{subscription_id}",
    status_code=204,
    summary="Delete a webhook subscription",
    responses=WRITE_ERRORS,
)
async def delete_subscription(
    request: Request, session: SessionDep, manager: Manager, subscription_id: SubscriptionId
) -> Response:
    """Nothing more is sent; its delivery log goes with it. Needs `If-Match`."""
    subscription = service.get(session, manager, subscription_id)
    require_if_match(request, _etag(subscription))
    service.delete(session, subscription)
    audit_webhook(request, session, manager, "delete_webhook", subscription_id)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


@router.post(
    "/{subscription_id}/rotate-secret",
    response_model=SecretRotated,
    summary="Rotate a webhook subscription's secret",
    responses=WRITE_ERRORS,
)
async def rotate_secret(
    request: Request, session: SessionDep, manager: Manager, subscription_id: SubscriptionId
) -> Response:
    """A new `whsec_` secret, shown only here. The previous one keeps signing alongside it
    (two signatures in `webhook-signature`) until `previous_secret_expires_at`, so receivers
    can switch without losing a message. Needs `If-Match`."""
    subscription = service.get(session, manager, subscription_id)
    require_if_match(request, _etag(subscription))
    secret = service.rotate_secret(
        session,
        subscription,
        settings=request.app.state.settings,
        now=request.app.state.clock(),
    )
    audit_webhook(request, session, manager, "rotate_webhook_secret", subscription.id)
    body = SecretRotated(
        secret=secret, previous_secret_expires_at=subscription.previous_secret_until
    )
    return editorial_response(body, _etag(subscription))
