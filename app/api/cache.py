"""An in-process cache of rendered public responses, keyed on the request and the content version.

Serving a list costs a few milliseconds of ORM work; serving it from here costs a dictionary
lookup (app/api/pipeline.py answers it before routing). Every write that can change a public
response bumps the content version in its own transaction, and each worker learns the version
without a query per request (app/changes/watcher.py), so an entry is never served longer than
the watcher's documented delay after the content it was made from changed, whichever process
made the change; an entry made before a scheduled go-live expires at that moment.
"""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.api.conditional import Rendered
from app.observability.metrics import CACHE_HIT, CACHE_MISS

RawHeaders = list[tuple[bytes, bytes]]
# The request state's entry holding the cache key app/api/pipeline.py derived for a request.
CACHE_KEY = "public_cache_key"


def _raw(headers: dict[str, str]) -> RawHeaders:
    pairs = headers.items()
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


@dataclass(frozen=True)
class CacheEntry:
    version: int
    rendered: Rendered
    expires_at: datetime | None
    # The route that rendered it, named by the access log and the metrics on a hit.
    route: Any = None
    # The response's own headers, encoded once for every hit: those of a 304 (RFC 9110 §15.4.5:
    # the validators and caching headers a 200 would carry) and the 200's body headers.
    not_modified_headers: RawHeaders = field(init=False, repr=False, compare=False)
    body_headers: RawHeaders = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rendered = self.rendered
        own = _raw({**rendered.headers, "ETag": rendered.etag})
        body = [
            (b"content-type", rendered.media_type.encode("latin-1")),
            (b"content-length", str(len(rendered.body)).encode("latin-1")),
        ]
        object.__setattr__(self, "not_modified_headers", own)
        object.__setattr__(self, "body_headers", body)


class ResponseCache:
    """Least-recently-used, bounded in entries and in the size of each body."""

    def __init__(self, *, max_entries: int = 4096, max_body_bytes: int = 512 * 1024) -> None:
        self._entries: OrderedDict[Hashable, CacheEntry] = OrderedDict()
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, *, version: int, now: datetime) -> CacheEntry | None:
        entry = self._entries.get(key)
        if (
            entry is None
            or entry.version != version
            or (entry.expires_at is not None and now >= entry.expires_at)
        ):
            self.misses += 1
            CACHE_MISS.inc()
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        CACHE_HIT.inc()
        return entry

    def peek(self, key: Hashable) -> CacheEntry | None:
        """The entry, if any, for the caller to judge (app/api/pipeline.py), uncounted."""
        return self._entries.get(key)

    def touch(self, key: Hashable) -> None:
        """Count a hit the caller served from `peek`, and keep the entry as recently used."""
        if key in self._entries:
            self._entries.move_to_end(key)
        self.hits += 1

    def put(self, key: Hashable, entry: CacheEntry) -> None:
        if self.max_entries == 0 or len(entry.rendered.body) > self.max_body_bytes:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
