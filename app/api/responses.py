"""Turning a service's result into the HTTP response every read route sends."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from app.api.conditional import CachePolicy, json_response
from app.api.language import Language
from app.api.pagination import Page, page_links
from app.config import Settings


def public_cache(request: Request, *, seconds_until_change: int | None = None) -> CachePolicy:
    """Public caching, never longer than the time until the content is known to change."""
    settings: Settings = request.app.state.settings
    max_age = settings.cache_max_age
    stale = settings.cache_stale_while_revalidate
    if seconds_until_change is not None:
        max_age = max(0, min(max_age, seconds_until_change))
        stale = max(0, min(stale, seconds_until_change - max_age))
    return CachePolicy(public=True, max_age=max_age, stale_while_revalidate=stale)


def item_response(
    request: Request,
    item: BaseModel,
    *,
    last_modified: datetime | None = None,
    cache: CachePolicy | None = None,
) -> Response:
    # An item's Content-Language is the language actually served, which a fallback may change.
    served = getattr(item, "lang", None)
    return json_response(
        request,
        item,
        cache=cache or public_cache(request),
        content_language=served if isinstance(served, str) else None,
        last_modified=last_modified,
    )


def page_response(
    request: Request,
    page: Page[Any],
    *,
    language: Language | None,
    last_modified: datetime | None = None,
    cache: CachePolicy | None = None,
) -> Response:
    settings: Settings = request.app.state.settings
    return json_response(
        request,
        page,
        cache=cache or public_cache(request),
        content_language=language.requested if language else None,
        last_modified=last_modified,
        links=page_links(request, page.next_cursor, settings.public_base_url),
    )
