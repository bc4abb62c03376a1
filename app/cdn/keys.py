"""Surrogate keys: which items and collections a public response contains, so that a CDN can
drop exactly the responses a change affects (Fastly `Surrogate-Key`, Cloudflare `Cache-Tag`).

A response names every item found in its payload (statements, commitments, actors by their
public ids; menus and topics by `menu:<key>`, `topic:<slug>`) and, for a list, its collection.
The keys come from the public payload itself, so they never name anything hidden. A change
purges the changed item's key and its collection's key: every page listing that kind of item,
and every response embedding the item, goes; the other items' pages stay.
"""

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

SITE = "newsroom"  # on every public response: purging it empties the whole CDN cache
# Public id prefixes worth a key (ids of things a change is ever announced for), and the
# collection each belongs to.
ID_COLLECTIONS = {"stm": "statements", "cmt": "commitments", "act": "actors"}
# Natural keys (`menu:<key>`, `topic:<slug>`) and their collections.
NATURAL_COLLECTIONS = {"menu": "navigation", "topic": "taxonomy"}
# The change log's resource types, and where their entries' keys live.
RESOURCE_COLLECTIONS = {
    "statement": "statements",
    "commitment": "commitments",
    "menu": "navigation",
}
# Fastly takes 16 kB, Cloudflare 16 kB of tags: past this, items give way to their collections.
MAX_HEADER_BYTES = 8192
MAX_DEPTH = 12  # payloads nest a few levels (a statement's commitments' actors); trees more

_ITEM_ID = re.compile(r"^(stm|cmt|act)_[0-9a-z]{1,40}$")
_TOPICS = "topics"  # a field of topic slugs (a list, or a dict keyed by slug)


def item_key(resource_type: str, resource_id: str) -> str:
    """The key of an item the change log names (a menu by its key, the rest by their id)."""
    return f"menu:{resource_id}" if resource_type == "menu" else resource_id


def collection_of(key: str) -> str | None:
    natural, colon, _ = key.partition(":")
    if colon:
        return NATURAL_COLLECTIONS.get(natural)
    return ID_COLLECTIONS.get(key.partition("_")[0]) if _ITEM_ID.match(key) else None


def keys_in(payload: object) -> list[str]:
    """Every item key found in a payload (models, dataclasses, lists, dicts), in order met."""
    found: dict[str, None] = {}
    _walk(payload, found, 0)
    return list(found)


def _walk(value: object, found: dict[str, None], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, BaseModel):
        template: str | None = getattr(type(value), "surrogate_key", None)
        if template is not None:
            found[template.format_map(value.__dict__)] = None
        for name in type(value).model_fields:
            _field(name, getattr(value, name), found, depth)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            _field(item.name, getattr(value, item.name), found, depth)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, found, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, found, depth + 1)


def _field(name: str, value: Any, found: dict[str, None], depth: int) -> None:
    if isinstance(value, str):
        if (name == "id" or name.endswith("_id")) and _ITEM_ID.match(value):
            found[value] = None
        return
    if name == _TOPICS and isinstance(value, list | dict):
        for slug in value:
            if isinstance(slug, str):
                found[f"topic:{slug}"] = None
    _walk(value, found, depth + 1)


_JSON_ITEM_ID = re.compile(rb'"(?:id|[a-z_]*_id)":"((?:stm|cmt|act)_[0-9a-z]{1,40})"')
_JSON_TOPICS = re.compile(rb'"topics":\[("[^"\\]*"(?:,"[^"\\]*")*)\]')
_JSON_STRING = re.compile(rb'"([^"\\]*)"')


def keys_in_json(body: bytes) -> list[str]:
    """The item keys of a rendered JSON answer, as `keys_in` finds them in its payload: ids in
    `id` and `*_id` fields, slugs in `topics` lists. A scan of the bytes about to be sent, so it
    names exactly what the answer shows (`fields=` included) and costs a fraction of walking
    the models (a 20-item list's walk cost more than its queries)."""
    found: dict[str, None] = dict.fromkeys(m.decode() for m in _JSON_ITEM_ID.findall(body))
    for listed in _JSON_TOPICS.findall(body):
        for slug in _JSON_STRING.findall(listed):
            found[f"topic:{slug.decode()}"] = None
    return list(found)


def template_keys(payload: object) -> list[str]:
    """Natural keys (`menu:<key>`, `topic:<slug>`) of an answer and of a list's items, from
    their classes' `surrogate_key` templates."""
    values = [payload, *(getattr(payload, "items", None) or [])]
    found: list[str] = []
    for value in values:
        template: str | None = getattr(type(value), "surrogate_key", None)
        if isinstance(value, BaseModel) and template is not None:
            found.append(template.format_map(value.__dict__))
    return found


def surrogate_headers(keys: Iterable[str]) -> dict[str, str]:
    """`Surrogate-Key` (space-separated) and `Cache-Tag` (comma-separated), the site key first.

    Past MAX_HEADER_BYTES (a list of hundreds of items with their embeds), each item key gives
    way to its collection's: the response is then purged with any change of that kind of item,
    never missed."""
    ordered = list(dict.fromkeys([SITE, *keys]))
    if sum(len(key) + 1 for key in ordered) > MAX_HEADER_BYTES:
        ordered = list(dict.fromkeys(collection_of(key) or key for key in ordered))
    return {"Surrogate-Key": " ".join(ordered), "Cache-Tag": ",".join(ordered)}
