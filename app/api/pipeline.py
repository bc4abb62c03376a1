"""The public read pipeline: anonymous GETs answered from stored bytes before routing.

A cache hit used to cost as much as a 304 and a third of a computed answer: every request solved
a dozen dependencies and opened a session to read the content version before the cache was
even consulted. This layer sits just inside the rate limiter (app/main.py), so request ids,
security headers, CORS, metrics, the access log and the rate limits apply to every answer it
gives, and it answers a hit (200 or 304, GET or HEAD) with a dictionary lookup:

- the key is derived from the raw request: scheme, host, path, the query (its parameters in a
  stable order of names), and the `Accept-Language` and `Accept` fields. Nothing else a route
  reads can change a public answer, and a request carrying credentials is never looked up;
- an entry is served only while the worker's watcher (app/changes/watcher.py) vouches that the
  content version it was made at is still current, and never past its own expiry (the next
  scheduled go-live it could be affected by);
- anything else goes on to the routes, which compute the answer and store it under this key
  (app/api/responses.py), so the next such request is a hit.
"""

import re
from collections.abc import Callable
from datetime import datetime

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.cache import CACHE_KEY, CacheEntry, ResponseCache
from app.api.conditional import etag_matches, not_modified_since
from app.api.responses import public_cache_policy, seconds_until
from app.changes.watcher import VersionWatcher
from app.config import Settings
from app.observability.metrics import CACHE_HIT

_KEYED_FIELDS = {b"accept-language": 0, b"accept": 1, b"host": 2}
# Control characters in a validator: the full stack answers those (a 400 problem).
_UNCLEAN = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
CacheKey = tuple[str, bytes, str, bytes, bytes, bytes]


def _normalized_query(query: bytes) -> bytes:
    """Parameters sorted by name, each name's values kept in their order (a repeated filter's
    values are ORed, but `fields=` lists keep their order)."""
    if b"&" not in query:
        return query
    pairs = [pair for pair in query.split(b"&") if pair]
    pairs.sort(key=lambda pair: pair.partition(b"=")[0])
    return b"&".join(pairs)


class PublicReadPipeline:
    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: ResponseCache,
        watcher: VersionWatcher,
        clock: Callable[[], datetime],
        settings: Settings,
    ) -> None:
        self.app = app
        self.cache = cache
        self.watcher = watcher
        self.clock = clock
        self.settings = settings
        self._constant_cache_control = public_cache_policy(settings, None).header().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or (method != "GET" and method != "HEAD"):
            await self.app(scope, receive, send)
            return
        keyed: list[bytes] = [b"", b"", b""]
        if_none_match: list[bytes] = []
        if_modified_since = b""
        for name, value in scope["headers"]:
            index = _KEYED_FIELDS.get(name)
            if index is not None:
                keyed[index] = value if not keyed[index] else keyed[index] + b", " + value
            elif name == b"if-none-match":
                if_none_match.append(value)
            elif name == b"if-modified-since":
                if_modified_since = value
            elif name == b"authorization":
                await self.app(scope, receive, send)  # never shared, never stored
                return
        key: CacheKey = (
            scope["scheme"],
            keyed[2],
            scope["path"],
            _normalized_query(scope.get("query_string", b"")),
            keyed[0],
            keyed[1],
        )
        scope.setdefault("state", {})[CACHE_KEY] = key
        entry = self._servable(key)
        if entry is None or _UNCLEAN.search(b"".join([*if_none_match, if_modified_since])):
            await self.app(scope, receive, send)
            return
        await self._answer(scope, send, entry, if_none_match, if_modified_since)

    def _servable(self, key: CacheKey) -> CacheEntry | None:
        known = self.watcher.current()
        if known is None:
            return None
        entry = self.cache.peek(key)
        if entry is None or entry.version != known[0]:
            return None  # the route counts the miss, and replaces the entry
        if entry.expires_at is not None and self.clock() >= entry.expires_at:
            return None
        return entry

    async def _answer(
        self,
        scope: Scope,
        send: Send,
        entry: CacheEntry,
        if_none_match: list[bytes],
        if_modified_since: bytes,
    ) -> None:
        self.cache.touch(scope["state"][CACHE_KEY])
        CACHE_HIT.inc()
        if entry.route is not None:
            scope["route"] = entry.route
        rendered = entry.rendered
        if if_none_match:
            not_modified = etag_matches(b", ".join(if_none_match).decode("latin-1"), rendered.etag)
        else:
            since = if_modified_since.decode("latin-1") if if_modified_since else None
            not_modified = not_modified_since(since, rendered.last_modified)
        if entry.expires_at is None:
            cache_control = self._constant_cache_control
        else:
            seconds = seconds_until(entry.expires_at, self.clock())
            cache_control = public_cache_policy(self.settings, seconds).header().encode()
        headers = [*entry.not_modified_headers, (b"cache-control", cache_control)]
        if not_modified:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += entry.body_headers
        body = b"" if scope["method"] == "HEAD" else rendered.body
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
