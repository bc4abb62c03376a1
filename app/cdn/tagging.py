"""Filling a read route's surrogate keys from what it computed."""

from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel

from app.api.responses import Fresh
from app.cdn.keys import template_keys


def tagged(compute: Callable[[], Fresh], *collections: str) -> Callable[[], Fresh]:
    """`compute`, its answer keyed by `collections` (a list's own) and by every item in its
    payload. A payload the route encoded itself (a feed, JSON-LD) cannot be walked: the route
    sets its keys from the model it encoded, and they are kept."""

    def run() -> Fresh:
        fresh = compute()
        # The payload's item ids are read off the rendered bytes (app/api/responses.py).
        found = template_keys(fresh.payload) if isinstance(fresh.payload, BaseModel) else []
        keys = dict.fromkeys([*collections, *fresh.surrogate_keys, *found])
        return replace(fresh, surrogate_keys=tuple(keys), keys_from_body=True)

    return run
