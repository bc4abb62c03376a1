"""Conditional GETs and caching headers: strong ETags, 304s, `Last-Modified`, `Cache-Control`."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response


@dataclass(frozen=True)
class CachePolicy:
    """`public` for published content anyone may see; `private, no-store` for anything else."""

    public: bool
    max_age: int = 0
    stale_while_revalidate: int = 0

    def header(self) -> str:
        if not self.public:
            return "private, no-store"
        return (
            f"public, max-age={self.max_age}, stale-while-revalidate={self.stale_while_revalidate}"
        )


@dataclass(frozen=True)
class Rendered:
    """A serialized representation and the headers that describe it, reusable across requests."""

    body: bytes
    etag: str
    last_modified: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, where etagc may be a comma.
_ENTITY_TAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"')


def entity_tags(field_values: list[str]) -> list[str]:
    """The entity tags a list-valued validator field names, across all its field lines (a
    repeated field means the same as one comma-separated line, RFC 9110 §5.3)."""
    return [tag for value in field_values for tag in _ENTITY_TAG.findall(value)]


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 §13.1.2 prescribes for If-None-Match."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == bare for tag in entity_tags([if_none_match]))


def not_modified_since(header: str | None, last_modified: datetime | None) -> bool:
    """If-Modified-Since (RFC 9110 §13.1.3), consulted only without If-None-Match."""
    if not header or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


def render(
    payload: BaseModel | bytes,
    *,
    content_language: str | None = None,
    last_modified: datetime | None = None,
    links: list[str] | None = None,
    media_type: str = "application/json",
) -> Rendered:
    """Serialize once and tag the bytes (bytes: a body its route already serialized)."""
    body = payload if isinstance(payload, bytes) else payload.model_dump_json().encode()
    headers: dict[str, str] = {}
    if content_language is not None:
        headers["Content-Language"] = content_language
        headers["Vary"] = "Accept-Language"
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
    if links:
        headers["Link"] = ", ".join(links)
    return Rendered(
        body=body,
        etag=strong_etag(body),
        last_modified=last_modified,
        headers=headers,
        media_type=media_type,
    )


def send(request: Request, rendered: Rendered, cache: CachePolicy) -> Response:
    """200 with the body, or 304 with the same validators when the client's copy is current."""
    headers = {**rendered.headers, "ETag": rendered.etag, "Cache-Control": cache.header()}
    if_none_match = request.headers.getlist("if-none-match")
    if if_none_match:
        not_modified = etag_matches(", ".join(if_none_match), rendered.etag)
    else:
        not_modified = not_modified_since(
            request.headers.get("if-modified-since"), rendered.last_modified
        )
    if not_modified:
        return Response(status_code=304, headers=headers)
    return Response(content=rendered.body, media_type=rendered.media_type, headers=headers)


def json_response(
    request: Request,
    payload: BaseModel,
    *,
    cache: CachePolicy,
    content_language: str | None = None,
    last_modified: datetime | None = None,
    links: list[str] | None = None,
) -> Response:
    rendered = render(
        payload, content_language=content_language, last_modified=last_modified, links=links
    )
    return send(request, rendered, cache)
