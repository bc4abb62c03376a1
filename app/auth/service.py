"""Issuing, checking, listing and revoking API keys."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.pagination import PageRequest, datetime_sort_key, fetch_page
from app.api.problems import Conflict, FieldError, InvalidParameters, NotFound
from app.auth.models import ID_PREFIX, TOKEN_PREFIX, ApiKey, Scope
from app.ids import new_id

LAST_USED_PRECISION = timedelta(minutes=1)
KEY_ORDER = datetime_sort_key("created_at", ApiKey.created_at, descending=False)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id (for audit) and what it may do."""

    key_id: str
    scopes: frozenset[str]
    rate_limit: int | None = None  # the key's own quota per window, else the default

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
    now: datetime | None = None,
    rate_limit: int | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its token. The token is returned once and never stored.

    With `now`, an expiry not after it is refused: such a key could never be used.
    """
    if expires_at is not None and now is not None and expires_at <= now:
        raise InvalidParameters(
            "The expiry must be in the future.",
            errors=[FieldError(pointer="#/expires_at", detail="Must be later than now.")],
        )
    key_id = new_id(ID_PREFIX)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        id=key_id,
        name=name,
        scopes=sorted({scope.value for scope in scopes}),
        secret_hash=_hash(pepper, secret),
        expires_at=expires_at,
        created_by=created_by,
        rate_limit=rate_limit,
    )
    session.add(key)
    session.flush()
    return key, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def parse_token(token: str) -> tuple[str, str] | None:
    """`nwsk_<id>_<secret>` as (id, secret). Ids are `key_<26 chars>`; tokens issued before ids
    had a prefix (`nwsk_<26 chars>_<secret>`) name the same key, renamed by a migration. The
    secret itself may contain `_`, so the id is cut off from the left."""
    prefix, _, rest = token.partition("_")
    if prefix != TOKEN_PREFIX or len(token) > 200:
        return None
    rest = rest.removeprefix(f"{ID_PREFIX}_")
    bare_id, _, secret = rest.partition("_")
    if not bare_id or not secret:
        return None
    return f"{ID_PREFIX}_{bare_id}", secret


def _usable(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


def authenticate(session: Session, *, pepper: bytes, token: str, now: datetime) -> Principal | None:
    """The key's principal, or None for any malformed, unknown, wrong, revoked or expired token
    (one answer for all, so a caller learns nothing about which keys exist)."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    key_id, secret = parsed
    key = session.get(ApiKey, key_id)
    expected = key.secret_hash if key else _hash(pepper, "no such key")
    if not hmac.compare_digest(expected, _hash(pepper, secret)) or key is None:
        return None
    if not _usable(key, now):
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        key.last_used_at = now  # at most once a minute: no write per request
    return Principal(key_id=key.id, scopes=frozenset(key.scopes), rate_limit=key.rate_limit)


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def page_of_keys(session: Session, page: PageRequest) -> tuple[list[ApiKey], str | None]:
    """Keys oldest first, revoked ones included, one keyset page at a time."""
    return fetch_page(
        session,
        select(ApiKey),
        sort=KEY_ORDER,
        id_column=ApiKey.id,
        page=page,
    )


def get_key(session: Session, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("No API key has this id.")
    return key


def revoke_key(
    session: Session, *, key_id: str, now: datetime, keep_an_admin: bool = True
) -> ApiKey:
    """Revoke a key. With `keep_an_admin` (the API), the last usable `keys:admin` key cannot
    be revoked, so the service can never lock its administrators out; the operator's command
    line may, because it can always issue a new admin key."""
    key = get_key(session, key_id)
    if key.revoked_at is not None:
        return key
    admin = Scope.KEYS_ADMIN.value
    if keep_an_admin and admin in key.scopes and _usable(key, now):
        # Locked in one order, so two admins revoking each other's keys at once cannot both
        # pass: the second waits, then no longer counts the key the first revoked.
        session.flush()  # the reload below must not drop this request's pending changes
        unrevoked = session.scalars(
            select(ApiKey)
            .where(ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        if key not in unrevoked:
            return key  # revoked meanwhile by someone else
        others = [other for other in unrevoked if other.id != key.id]
        if not any(admin in other.scopes and _usable(other, now) for other in others):
            raise Conflict(
                "This is the last usable key with `keys:admin`; create another admin key "
                "before revoking it, or nobody could manage keys any more."
            )
    key.revoked_at = now
    session.flush()
    return key
