"""Public shapes of search: the `q` parameter, the relevance fields and `/v1/search` results."""

from typing import Annotated, Literal

from fastapi import Query
from pydantic import ConfigDict, Field, JsonValue

from app.api.schemas import Localized, Schema
from app.search.query import MAX_LENGTH, MAX_WORDS

Q_DESCRIPTION = (
    "Full-text search. Words match whatever their inflection in English, French and Spanish "
    '(`migrant` finds "migrants"), accents and case never matter. `"a phrase"` matches '
    "the words next to each other; `a OR b` either (capital `OR`, between two terms or "
    'phrases); `-word` or `-"a phrase"` excludes; terms are combined with AND. '
    f"At most {MAX_LENGTH} characters and {MAX_WORDS} words; a query that cannot be read is "
    "a 422 saying at which character. The query is read in the language served (`lang`, "
    "else `Accept-Language`) and matches each item's text in the language that item is "
    "served in: its translation in that language, else the one it falls back to (the "
    "default language first). Combines with every other filter (AND); results come by "
    "relevance unless `sort` says otherwise."
)

SearchQuery = Annotated[
    str | None,
    Query(max_length=MAX_LENGTH, description=Q_DESCRIPTION, examples=["migrant -libya"]),
]

SCORE_DESCRIPTION = (
    "Relevance with `q`, higher first: 3 when the title holds every searched term, 2 when "
    "title and summary together do, 1 when the body is needed (newer first within a tier). "
    "Null without `q`."
)
SNIPPET_DESCRIPTION = (
    "With `q`: about 30 words of the served text around the best match, HTML-escaped, the "
    "matched words in `<mark>`, `…` where cut. Null without `q`."
)


class Relevance(Schema):
    """What a list item carries when the list was searched (`q`)."""

    score: int | None = Field(default=None, description=SCORE_DESCRIPTION)
    snippet: str | None = Field(default=None, description=SNIPPET_DESCRIPTION)


SearchType = Literal["statement", "commitment", "actor"]

_RESULT_EXAMPLE: dict[str, JsonValue] = {
    "type": "statement",
    "id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
    "title": "IOM Statement on the Los Angeles Declaration",
    "slug": "iom-statement-los-angeles-declaration-migration-and-protection",
    "snippet": "… protection of <mark>migrants</mark> and refugees in the Americas …",
    "score": 1012345,
    "url": "/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
    "lang": "en",
    "available_langs": ["en", "es", "fr"],
    "fallback": None,
}


class SearchResult(Localized):
    """One hit of `/v1/search`: a statement, a commitment or an actor."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RESULT_EXAMPLE]})

    type: SearchType
    id: str
    title: str = Field(description="Title (an actor's name and acronym) in the served language.")
    slug: str | None = Field(description="The statement's slug in the served language; null else.")
    snippet: str = Field(description=SNIPPET_DESCRIPTION.replace(" Null without `q`.", ""))
    score: int = Field(
        description="Relevance, higher first: 3 when the title holds every searched term, 2 "
        "when title and summary together do, 1 when the body is needed.",
        ge=1,
        le=3,
    )
    url: str = Field(description="The item's path in this API.")
