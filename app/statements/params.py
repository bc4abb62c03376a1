"""The public statement filters, parsed once for every route that lists statements (the list
and the feeds)."""

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Query

from app.api.params import QueryDay
from app.api.shaping import Profile, Shape, fields_query, parse_fields, profile_query
from app.statements import embeds
from app.statements.embeds import StatementInclude
from app.statements.models import StatementType
from app.statements.service import StatementFilters
from app.taxonomy.params import PlaceFilter, TermFilter


def statement_filters(
    type: Annotated[
        list[StatementType] | None,
        Query(description="Only these types (repeat the parameter for several)."),
    ] = None,
    topic: Annotated[
        list[str] | None,
        Query(
            max_length=20,
            description="Topic slugs; any of them matches.",
            examples=["counter-trafficking"],
        ),
    ] = None,
    place: PlaceFilter = None,
    term: TermFilter = None,
    published_from: Annotated[
        QueryDay | None, Query(description="Published on or after this day (UTC).")
    ] = None,
    published_to: Annotated[
        QueryDay | None, Query(description="Published on or before this day (UTC).")
    ] = None,
    available_lang: Annotated[
        str | None,
        Query(max_length=35, description="Only statements translated into this language."),
    ] = None,
) -> StatementFilters:
    return StatementFilters(
        types=type or [],
        topics=topic or [],
        places=place or [],
        terms=term or [],
        published_from=published_from,
        published_to=published_to,
        available_lang=available_lang.lower() if available_lang else None,
    )


StatementFiltersDep = Annotated[StatementFilters, Depends(statement_filters)]


FieldsQuery = Annotated[str | None, fields_query(embeds.LIST_FIELDS, embeds.FULL_FIELDS)]
IncludeQuery = Annotated[
    list[StatementInclude] | None,
    Query(
        description="Embed related resources (repeat for several): `commitments` (the public "
        "commitments made in it), `commitments.actors` (the same, each with its actors), "
        "`translations` (slug and title in every language; always on the full item), `terms` "
        "(its framework terms in full). One query per embed for a whole page; nothing deeper."
    ),
]


def _shape(profile: Profile, include: list[StatementInclude] | None, fields: str | None) -> Shape:
    shape = Shape(profile=profile, include=frozenset(include or ()))
    return replace(shape, fields=parse_fields(fields, embeds.allowed_fields(shape)))


def list_shape(
    include: IncludeQuery = None,
    fields: FieldsQuery = None,
    profile: Annotated[Profile, profile_query("list")] = "list",
) -> Shape:
    return _shape(profile, include, fields)


def item_shape(
    include: IncludeQuery = None,
    fields: FieldsQuery = None,
    profile: Annotated[Profile, profile_query("full")] = "full",
) -> Shape:
    return _shape(profile, include, fields)


ListShapeDep = Annotated[Shape, Depends(list_shape)]
ItemShapeDep = Annotated[Shape, Depends(item_shape)]
