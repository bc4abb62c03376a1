"""The public statement filters, parsed once for every route that lists statements (the list
and the feeds)."""

from typing import Annotated

from fastapi import Depends, Query

from app.api.params import QueryDay
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
