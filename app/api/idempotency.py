"""`Idempotency-Key` for creates (draft-ietf-httpapi-idempotency-key-header): a retried POST gets
the first response again instead of creating a second resource."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.responses import Response

from app.api.problems import Conflict, FieldError, InvalidParameters
from app.db import Base, utcnow

MAX_KEY_LENGTH = 255


class IdempotentRequest(Base):
    __tablename__ = "idempotency_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    headers: Mapped[dict[str, Any]]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Idempotency:
    key_id: str
    key: str
    fingerprint: str


async def idempotency_of(request: Request, key_id: str) -> Idempotency | None:
    """The request's idempotency key and body fingerprint, or None when it sent no key."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip().strip('"')
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidParameters(
            "Invalid Idempotency-Key.",
            errors=[
                FieldError(parameter="Idempotency-Key", detail="1 to 255 printable characters.")
            ],
        )
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(await request.body())
    return Idempotency(key_id=key_id, key=key, fingerprint=digest.hexdigest())


def replay(session: Session, idempotency: Idempotency | None) -> Response | None:
    """The stored response for a repeated key with the same body; 422 for another body."""
    if idempotency is None:
        return None
    stored = session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.key_id == idempotency.key_id,
            IdempotentRequest.idempotency_key == idempotency.key,
        )
    )
    if stored is None:
        return None
    if stored.fingerprint != idempotency.fingerprint:
        raise InvalidParameters(
            "This Idempotency-Key was used with another request body.",
            errors=[FieldError(parameter="Idempotency-Key", detail="Use a new key per request.")],
        )
    return Response(
        content=stored.body,
        status_code=stored.status,
        headers={**stored.headers, "Idempotent-Replayed": "true"},
        media_type="application/json",
    )


def remember(
    session: Session, idempotency: Idempotency | None, response: Response, body: str
) -> None:
    """Keep the response for retries, in the same transaction as the resource it created."""
    if idempotency is None:
        return
    keep = {k: v for k, v in response.headers.items() if k.lower() in ("location", "etag")}
    session.add(
        IdempotentRequest(
            key_id=idempotency.key_id,
            idempotency_key=idempotency.key,
            fingerprint=idempotency.fingerprint,
            status=response.status_code,
            headers=keep,
            body=body,
        )
    )
    try:
        session.flush()
    except IntegrityError as exc:
        # The same key is being used by a request still in flight: that one wins; this one's
        # work is rolled back with its transaction.
        raise Conflict(
            "A request with this Idempotency-Key is still in progress; retry in a moment."
        ) from exc


async def idempotent(
    request: Request, session: Session, key_id: str, create: Callable[[], Response]
) -> Response:
    """Run a create once per `Idempotency-Key`: a retry with the same body gets the first
    response again, whatever `create` would do now."""
    idempotency = await idempotency_of(request, key_id)
    replayed = replay(session, idempotency)
    if replayed is not None:
        return replayed
    response = create()
    remember(session, idempotency, response, bytes(response.body).decode())
    return response
