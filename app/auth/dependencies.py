"""Who is calling, and whether they may: `Authorization: Bearer` tokens and scope checks."""

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from app.api.problems import Forbidden, Unauthorized
from app.auth.models import Scope
from app.auth.service import Principal, authenticate
from app.config import Settings
from app.db import SessionDep
from app.ratelimit.middleware import charge_auth_failure, charge_key

CHALLENGE = 'Bearer realm="newsroom"'
INVALID = f'{CHALLENGE}, error="invalid_token"'


def key_pepper(settings: Settings) -> bytes:
    """The server secret API-key hashes are keyed with (rotating it invalidates every key)."""
    secret = settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"api-keys", hashlib.sha256).digest()


async def current_principal(request: Request, session: SessionDep) -> Principal | None:
    """None for anonymous requests; a 401 for any Authorization header that does not hold a
    valid key, on every route, so a broken key never silently reads as anonymous."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    settings: Settings = request.app.state.settings
    principal = None
    if scheme.lower() == "bearer" and token.strip():
        principal = authenticate(
            session, pepper=key_pepper(settings), token=token.strip(), now=request.app.state.clock()
        )
    if principal is None:
        await charge_auth_failure(request)
        raise Unauthorized(
            "The API key is missing, malformed, unknown, revoked or expired.",
            headers={"WWW-Authenticate": INVALID},
        )
    await charge_key(request, principal.key_id, principal.rate_limit)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal | None, Depends(current_principal)]


def require(*scopes: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through only keys holding every one of `scopes`."""

    async def dependency(principal: PrincipalDep) -> Principal:
        if principal is None:
            raise Unauthorized(
                "This request needs an API key.", headers={"WWW-Authenticate": CHALLENGE}
            )
        for scope in scopes:
            if not principal.can(scope):
                raise Forbidden(f"This API key lacks the `{scope.value}` scope.")
        return principal

    dependency.__name__ = "require_" + "_and_".join(scope.name.lower() for scope in scopes)
    return dependency


KeysAdmin = Annotated[Principal, Depends(require(Scope.KEYS_ADMIN))]
StatementsWriter = Annotated[Principal, Depends(require(Scope.STATEMENTS_WRITE))]
Publisher = Annotated[Principal, Depends(require(Scope.CONTENT_PUBLISH))]


async def preview_mode(
    principal: PrincipalDep,
    preview: Annotated[
        bool,
        Query(description="Include drafts, scheduled and withdrawn items (`content:preview`)."),
    ] = False,
) -> bool:
    """Whether to show unpublished content: only when asked for, and only to keys that may."""
    if not preview:
        return False
    if principal is None:
        raise Unauthorized(
            "Previews need an API key with the `content:preview` scope.",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    if not principal.can(Scope.CONTENT_PREVIEW):
        raise Forbidden("This API key lacks the `content:preview` scope.")
    return True


PreviewDep = Annotated[bool, Depends(preview_mode)]


CommitmentsWriter = Annotated[Principal, Depends(require(Scope.COMMITMENTS_WRITE))]
NavigationWriter = Annotated[Principal, Depends(require(Scope.NAVIGATION_WRITE))]
TaxonomiesWriter = Annotated[Principal, Depends(require(Scope.TAXONOMIES_WRITE))]
# Actors and topics have no pending working copies: every write to them changes what the
# public sees at once, so writing them is publishing and needs `content:publish` too. Menus
# stage drafts with `navigation:write` alone; publishing them takes both (app/navigation/access.py
# holds the rule for writes to published items).
NavigationPublisher = Annotated[
    Principal, Depends(require(Scope.NAVIGATION_WRITE, Scope.CONTENT_PUBLISH))
]
TaxonomiesPublisher = Annotated[
    Principal, Depends(require(Scope.TAXONOMIES_WRITE, Scope.CONTENT_PUBLISH))
]
