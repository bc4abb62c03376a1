"""Turning a service's result into the HTTP response every public read route sends."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from app.api.cache import CACHE_KEY, CacheEntry, ResponseCache
from app.api.conditional import CachePolicy, Rendered, render, send
from app.api.language import Language
from app.api.pagination import Page, page_links
from app.api.problems import problem_responses
from app.cdn.keys import keys_in_json, surrogate_headers
from app.config import Settings

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the `If-None-Match` ETag still matches."}
}


def read_responses(*problem_statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a public read route: the 304 and its documented problems."""
    return {**NOT_MODIFIED, **problem_responses(*problem_statuses)}


@dataclass(frozen=True)
class Encoded:
    """A payload its route serialized itself (a feed's XML, a JSON-LD document)."""

    body: bytes
    media_type: str  # e.g. "application/atom+xml; charset=utf-8"
    lang: str | None = None  # the language it is in (Content-Language)


@dataclass(frozen=True)
class Fresh:
    """What a read route computed: the payload, its date, and when it may change by itself."""

    payload: BaseModel | Encoded
    last_modified: datetime | None = None
    expires_at: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Content-Location
    links: list[str] = field(default_factory=list)  # more `Link` values, e.g. its feeds
    # The keys to serialize (a pydantic `include` spec, see app/api/shaping.py); None: all.
    keep: Any = None
    # The items and collections it contains (app/cdn/keys.py), for CDN purges.
    surrogate_keys: tuple[str, ...] = ()
    # Also name every item id found in the rendered JSON (app/cdn/tagging.py sets it).
    keys_from_body: bool = False


def public_cache_policy(settings: Settings, seconds_until_change: int | None) -> CachePolicy:
    """Public caching, never longer than the time until the content is known to change."""
    max_age = settings.cache_max_age
    stale = settings.cache_stale_while_revalidate
    if seconds_until_change is not None:
        max_age = max(0, min(max_age, seconds_until_change))
        stale = max(0, min(stale, seconds_until_change - max_age))
    return CachePolicy(public=True, max_age=max_age, stale_while_revalidate=stale)


def public_cache(request: Request, *, seconds_until_change: int | None = None) -> CachePolicy:
    return public_cache_policy(request.app.state.settings, seconds_until_change)


def seconds_until(expires_at: datetime | None, now: datetime) -> int | None:
    return None if expires_at is None else int((expires_at - now).total_seconds())


def _validated_since(request: Request, fresh: Fresh) -> datetime | None:
    """Last-Modified that never goes back in time: a response's own dates do not move when
    something leaves it (an item withdrawn from a list, a menu link whose statement is
    unpublished), so it is never earlier than the latest change to public content, removals
    included. That time is fixed per content version, so a cached entry stays exact."""
    changed_at: datetime | None = getattr(request.state, "content_changed_at", None)
    if fresh.last_modified is None or changed_at is None:
        return fresh.last_modified
    return max(fresh.last_modified, changed_at)


def _render(request: Request, fresh: Fresh, language: Language | None) -> Rendered:
    rendered = _render_body(request, fresh, language)
    if getattr(request.state, "principal", None) is None:  # a keyed answer is never shared
        keys = list(fresh.surrogate_keys)
        if fresh.keys_from_body and not isinstance(fresh.payload, Encoded):
            keys += keys_in_json(rendered.body)
        rendered.headers.update(surrogate_headers(keys))
    return rendered


def _render_body(request: Request, fresh: Fresh, language: Language | None) -> Rendered:
    payload = fresh.payload
    last_modified = _validated_since(request, fresh)
    if isinstance(payload, Encoded):
        rendered = render(
            payload.body,
            content_language=payload.lang,
            last_modified=last_modified,
            media_type=payload.media_type,
        )
        rendered.headers.update(fresh.headers)
        return rendered
    body: BaseModel | bytes = payload
    if fresh.keep is not None:
        body = payload.model_dump_json(include=fresh.keep).encode()
    if isinstance(payload, Page):
        settings: Settings = request.app.state.settings
        return render(
            body,
            content_language=language.requested if language else None,
            last_modified=last_modified,
            links=[
                *page_links(request, payload.next_cursor, settings.public_base_url),
                *fresh.links,
            ],
        )
    # An item's Content-Language is the language actually served, which a fallback may change;
    # a negotiated answer without one (breadcrumbs, counts) reports the reader's first choice.
    served: Any = getattr(payload, "lang", None)
    if not isinstance(served, str):
        served = language.requested if language else None
    rendered = render(
        body,
        content_language=served,
        last_modified=last_modified,
        links=fresh.links,
    )
    rendered.headers.update(fresh.headers)
    return rendered


def public_response(
    request: Request,
    *,
    version: int,
    now: datetime,
    language: Language | None,
    compute: Callable[[], Fresh],
    variant: str = "",
) -> Response:
    """Serve from the response cache when the content version still matches, else compute.

    `variant` names the representation when one URL has several (negotiated on `Accept`),
    so that each is cached apart.

    A request made with an API key is answered fresh and `private, no-store`: shared caches
    must never keep what a key may see, and the process cache holds public answers only.
    """
    if getattr(request.state, "principal", None) is not None:
        rendered = _render(request, compute(), language)
        return send(request, rendered, CachePolicy(public=False))
    cache: ResponseCache = request.app.state.response_cache
    # The key app/api/pipeline.py derived from the raw request, so that it answers the next
    # such request itself; without the pipeline (a bare router in a test), the URL's own.
    key = request.scope.get("state", {}).get(CACHE_KEY) or (
        str(request.url),
        language.preferences if language else None,
        variant,
    )
    entry = cache.get(key, version=version, now=now)
    if entry is None:
        fresh = compute()
        entry = CacheEntry(
            version=version,
            rendered=_render(request, fresh, language),
            expires_at=fresh.expires_at,
            route=request.scope.get("route"),
        )
        cache.put(key, entry)
    seconds = seconds_until(entry.expires_at, now)
    return send(request, entry.rendered, public_cache(request, seconds_until_change=seconds))


def editorial_response(model: BaseModel, etag: str, status: int = 200) -> Response:
    """An editor's view of a resource: never cached anywhere, tagged for `If-Match`."""
    return Response(
        content=model.model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers={"ETag": etag, "Cache-Control": "private, no-store"},
    )
