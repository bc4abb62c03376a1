"""An in-process cache of rendered public responses, keyed on the content version.

Serving a list costs a few milliseconds of ORM work; serving it from here costs one single-row
read (the content version) and a dictionary lookup. Every write that can change a public
response bumps the version in its own transaction, so an entry is never served after the
content it was made from changed, whichever process made the change; an entry made before a
scheduled go-live expires at that moment.
"""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from app.api.conditional import Rendered
from app.observability.metrics import CACHE_HIT, CACHE_MISS


@dataclass(frozen=True)
class CacheEntry:
    version: int
    rendered: Rendered
    expires_at: datetime | None


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

    def put(self, key: Hashable, entry: CacheEntry) -> None:
        if self.max_entries == 0 or len(entry.rendered.body) > self.max_body_bytes:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
