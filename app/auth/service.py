"""Issuing, checking and revoking API keys."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import NotFound
from app.auth.models import TOKEN_PREFIX, ApiKey, Scope
from app.ids import new_id

LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id (for audit) and what it may do."""

    key_id: str
    scopes: frozenset[str]

    def can(self, scope: Scope) -> bool:
        return scope.value in self.scopes


def _hash(pepper: bytes, secret: str) -> str:
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def issue_key(
    session: Session,
    *,
    pepper: bytes,
    name: str,
    scopes: list[Scope],
    expires_at: datetime | None = None,
    created_by: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its token. The token is returned once and never stored."""
    key_id = new_id("key").removeprefix("key_")
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        id=key_id,
        name=name,
        scopes=sorted({scope.value for scope in scopes}),
        secret_hash=_hash(pepper, secret),
        expires_at=expires_at,
        created_by=created_by,
    )
    session.add(key)
    session.flush()
    return key, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def authenticate(session: Session, *, pepper: bytes, token: str, now: datetime) -> Principal | None:
    """The key's principal, or None for any malformed, unknown, wrong, revoked or expired token
    (one answer for all, so a caller learns nothing about which keys exist)."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not key_id or not secret or len(token) > 200:
        return None
    key = session.get(ApiKey, key_id)
    expected = key.secret_hash if key else _hash(pepper, "no such key")
    if not hmac.compare_digest(expected, _hash(pepper, secret)) or key is None:
        return None
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        key.last_used_at = now  # at most once a minute: no write per request
    return Principal(key_id=key.id, scopes=frozenset(key.scopes))


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def revoke_key(session: Session, *, key_id: str, now: datetime) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("No API key has this id.")
    if key.revoked_at is None:
        key.revoked_at = now
    session.flush()
    return key
