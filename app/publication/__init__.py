"""One publication lifecycle for every publishable resource (statements, commitments, menus).

- `states`: the editorial states and "public now" for a loaded item;
- `sql`: the same rules as SQL predicates, for lists and lookups;
- `lifecycle`: the transitions (publish, schedule, unpublish, withdraw, delete, go-live) and
  `announce()`, the one writer of the change log: an event is logged only when what the
  public sees changes.

Domains pass only what differs (their model, the languages an item is public in, a revision
snapshot hook); nothing here knows a domain.
"""

from app.publication.states import (
    PublicationStatus,
    Publishable,
    has_been_public,
    is_live,
    is_visible,
    remember_if_public,
)

__all__ = [
    "PublicationStatus",
    "Publishable",
    "has_been_public",
    "is_live",
    "is_visible",
    "remember_if_public",
]
