"""Sparse fields, profiles and bounded embedding: what a read route may trim or add.

Routes parse `fields=`, `profile=` and `include=` into a `Shape`; services compute what the
profile and the embeds need (batched per page, never per item); the public read pipeline then
serializes only the chosen keys (`Fresh.keep`), so the ETag and the cached entry belong to that
representation alone. The documented response stays typed: each route documents its full
models and a sparse model (every field optional but `id`) that any trimmed answer matches.
"""

import functools
import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, create_model

from app.api.facets import FacetedPage
from app.api.pagination import Page
from app.api.problems import FieldError, InvalidParameters

Profile = Literal["list", "full"]
FULL_LIST_LIMIT = 20  # `profile=full` on a list carries whole bodies: at most 20 per page


def fields_query(list_fields: Sequence[str], full_fields: Sequence[str]) -> Any:
    """`fields=` of a route, documenting the names it allows under each profile.

    The documented pattern names them (so generated clients and contract tests send real
    ones); the route checks them itself, to answer a 422 that lists them."""
    extra = [name for name in full_fields if name not in list_fields]
    name = "(" + "|".join(sorted(full_fields, key=lambda n: (-len(n), n))) + ")"
    return Query(
        max_length=500,
        json_schema_extra={"pattern": f"^{name}(,{name})*$"},
        description="Comma-separated top-level fields to return (e.g. `id,title`); `id` is "
        "always kept, and so is every field an `include` fills. Allowed with `profile=list`: "
        + ", ".join(f"`{name}`" for name in list_fields)
        + "; `profile=full` adds "
        + ", ".join(f"`{name}`" for name in extra)
        + ". Any other name is a 422 that lists the allowed ones.",
        examples=["id,title"],
    )


def _absent(value: Any) -> bool:
    return value is None


def embed_field(description: str) -> Any:
    """A field filled only by an `include` value: left out of the body when not asked for, so
    the default representation stays byte for byte what it was."""
    return Field(default=None, exclude_if=_absent, description=description)


def profile_query(default: Profile) -> Any:
    """`profile=` with this route's default (`list` on lists, `full` on items)."""
    return Query(
        description="`list`: the list item's shape (no body); `full`: the whole item. "
        f"Default `{default}`. `full` on a list allows `limit` up to {FULL_LIST_LIMIT}.",
    )


@dataclass(frozen=True)
class Shape:
    """What a reader asked of a response: the profile, the embeds and the fields to keep."""

    profile: Profile
    include: frozenset[str] = frozenset()
    fields: frozenset[str] | None = None  # None: every field of the profile

    def includes(self, name: str) -> bool:
        """Whether `name` (or one of its `name.child` embeds) was asked for."""
        return any(value == name or value.startswith(f"{name}.") for value in self.include)

    def keep(self, base: Sequence[str], embeds: dict[str, str]) -> set[str]:
        """The keys to serialize: the profile's fields (or those chosen) and the asked embeds.

        `embeds` maps each include value to the field it fills (`terms` -> `term_details`)."""
        kept = set(base) if self.fields is None else {"id", *self.fields}
        return kept | {embeds[value.split(".")[0]] for value in self.include}


def parse_fields(raw: str | None, allowed: Collection[str]) -> frozenset[str] | None:
    """The chosen fields; 422 naming `fields` and listing the allowed ones for a wrong name."""
    if raw is None:
        return None
    chosen = frozenset(raw.split(","))
    if not chosen <= set(allowed):
        names = ", ".join(sorted(allowed))
        raise InvalidParameters(
            "Unknown value for `fields`.",
            errors=[FieldError(parameter="fields", detail=f"Allowed fields: {names}.")],
        )
    return chosen


def require_page_size(profile: Profile, limit: int) -> None:
    """Whole bodies on a list are bounded: `profile=full` pages hold at most 20 items."""
    if profile == "full" and limit > FULL_LIST_LIMIT:
        raise InvalidParameters(
            "Too many items for `profile=full`.",
            errors=[
                FieldError(
                    parameter="limit",
                    detail=f"At most {FULL_LIST_LIMIT} with `profile=full`.",
                )
            ],
        )


def page_keep(kept: set[str]) -> dict[str, Any]:
    """A `Page`'s serialization filter: its own keys, and `kept` of every item."""
    return {"items": {"__all__": kept}, "next_cursor": True, "total": True}


def documented(*models: Any, page: bool = False, faceted: bool = False) -> Any:
    """The `response_model` of a shaped route: any of `models` (the profiles, and the sparse
    model last), as one item or as a `Page` (a `FacetedPage` for lists that count facets) of
    them. For the OpenAPI document only."""
    either = functools.reduce(operator.or_, models)
    if not page:
        return either
    return (FacetedPage if faceted else Page).__class_getitem__(either)


def sparse_model(model: type[BaseModel], name: str, example: dict[str, Any]) -> type[BaseModel]:
    """`model` with every field optional but `id`: the documented shape of a trimmed answer
    (`fields=`), which any of the route's representations also matches."""
    definitions: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        if field_name == "id":
            definitions[field_name] = (info.annotation, Field(description=info.description))
        else:
            definitions[field_name] = (
                info.annotation,
                Field(default=None, description=info.description),
            )
    config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [example]})
    sparse: type[BaseModel] = create_model(name, __config__=config, **definitions)
    sparse.__doc__ = (
        f"{model.__name__} trimmed by `fields=` or `profile=`: only `id` is always present."
    )
    return sparse
