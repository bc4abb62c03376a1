"""Search for the lists and `/v1/search`: parse the query, bind it, and make the snippets."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.api.facets import FacetedPage, facet_values
from app.api.language import Language
from app.api.pagination import PageRequest, read_page
from app.api.problems import FieldError, InvalidParameters
from app.api.schemas import LanguageFallback
from app.search import query as parser
from app.search import results
from app.search.analysis import pg_config
from app.search.facets import SEARCH_FACETS, SearchScope
from app.search.schemas import SearchResult
from app.search.snippets import snippet
from app.search.sql import DOCUMENTS, LANGS, SearchShape

__all__ = ["Search", "SearchShape", "prepare", "search"]


@dataclass(frozen=True)
class Search:
    """A parsed query, ready to bind: `shape` goes into a list's query shape, `params` into
    its execution."""

    query: parser.Query
    shape: SearchShape
    params: dict[str, Any]

    def snippets(self, session: Session, doc_ids: list[int]) -> dict[int, str]:
        """`{index row id: highlighted snippet}` for a page of hits: one query."""
        if not doc_ids:
            return {}
        words = self.query.positive_words()
        found = {}
        for row in session.execute(DOCUMENTS, {"ids": doc_ids}):
            texts = [row.title, row.summary, *row.body.split("\n")]
            found[row.id] = snippet(texts, row.lang, words)
        return found


RELEVANCE = "relevance"


def resolve_sort(sort: str | None, q: str | None, *, default: str) -> str:
    """Relevance is the default with `q` and meaningless without it (a 422 naming `sort`)."""
    if sort is None:
        return RELEVANCE if q is not None else default
    if sort == RELEVANCE and q is None:
        raise InvalidParameters(
            "Sorting by relevance needs a search query.",
            errors=[FieldError(parameter="sort", detail="`relevance` needs `q`.")],
        )
    return sort


def chain(language: Language) -> tuple[str, ...]:
    """The served languages in the order `Language.pick` tries them."""
    return tuple(dict.fromkeys((*language.preferences, language.default, *language.served)))


def parse(q: str, parameter: str = "q") -> parser.Query:
    """The query, or a 422 naming the parameter and the character position at fault."""
    try:
        return parser.parse(q)
    except parser.QueryError as exc:
        raise InvalidParameters(
            "The search query cannot be read.",
            errors=[FieldError(parameter=parameter, detail=str(exc))],
        ) from exc


def prepare(session: Session, q: str, language: Language) -> Search:
    """Parse `q` (422 when it cannot be read) and bind it for every served language."""
    query = parse(q)
    langs = chain(language)
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {}
    for i, lang in enumerate(langs):
        params[f"search_lang_{i}"] = lang
        if dialect == "postgresql":
            params[f"search_config_{i}"] = pg_config(lang)
        else:
            params[f"search_match_{i}"] = parser.fts_match(query, lang)
            params[f"search_title_match_{i}"] = parser.fts_fields_match(query, lang, "title")
            params[f"search_summary_match_{i}"] = parser.fts_fields_match(
                query, lang, "title summary"
            )
    if dialect == "postgresql":
        params["search_tsquery"] = parser.tsquery(query)
        params["search_title_tsquery"] = parser.fields_tsquery(query, "A")
        params["search_summary_tsquery"] = parser.fields_tsquery(query, "AB")
    return Search(query, SearchShape(dialect, len(langs)), params)


def languages_of(session: Session, ids: list[str]) -> dict[tuple[str, str], set[str]]:
    """`{(kind, item id): languages}` of indexed items: one query."""
    found: dict[tuple[str, str], set[str]] = {}
    if ids:
        for kind, item_id, lang in session.execute(LANGS, {"ids": ids}):
            found.setdefault((kind, item_id), set()).add(lang)
    return found


def _result(
    row: Any,
    doc: Any,
    langs: set[str],
    slugs: dict[str, dict[str, str]],
    snippets: dict[int, str],
    language: Language,
) -> SearchResult:
    fallback = None
    if doc.lang != language.requested:
        fallback = LanguageFallback(requested_lang=language.requested, fields=["title", "snippet"])
    plural = {"statement": "statements", "commitment": "commitments", "actor": "actors"}
    return SearchResult(
        type=row.type,
        id=row.id,
        title=doc.title,
        slug=slugs.get(row.id, {}).get(doc.lang) if row.type == "statement" else None,
        snippet=snippets.get(row.doc_id, ""),
        score=row.score,
        url=f"/v1/{plural[row.type]}/{row.id}",
        lang=doc.lang,
        available_langs=language.askable(langs),
        fallback=fallback,
    )


def search(
    session: Session,
    *,
    q: str,
    kinds: list[str],
    language: Language,
    page: PageRequest,
    now: datetime,
    facets: Sequence[str] = (),
) -> FacetedPage[SearchResult]:
    """Public statements, commitments and actors matching `q`, best first, with the `facets`
    asked for counted over the same hits."""
    prepared = prepare(session, q, language)
    chosen = tuple(kind for kind in results.KINDS if not kinds or kind in kinds)
    sort = results.order(chosen, prepared.shape)
    params = {**prepared.params, "now": now}
    query = results.page(chosen, prepared.shape, page.cursor is not None)
    rows, next_cursor = read_page(session, query, params, page=page, sort=sort)
    doc_ids = [row.doc_id for row in rows]
    docs = {doc.id: doc for doc in session.execute(DOCUMENTS, {"ids": doc_ids})} if rows else {}
    snippets = prepared.snippets(session, doc_ids)
    item_ids = [row.id for row in rows]
    langs = languages_of(session, item_ids)
    statement_ids = [row.id for row in rows if row.type == "statement"]
    slugs: dict[str, dict[str, str]] = {}
    if statement_ids:
        for statement_id, lang, slug in session.execute(results.SLUGS, {"ids": statement_ids}):
            slugs.setdefault(statement_id, {})[lang] = slug
    items = [
        _result(row, docs[row.doc_id], langs[(row.type, row.id)], slugs, snippets, language)
        for row in rows
    ]
    total = (
        session.scalar(results.count(chosen, prepared.shape), params)
        if page.include_total
        else None
    )
    counted = None
    if facets:
        scope = SearchScope(q=prepared.shape, kinds=chosen)
        counted = facet_values(
            session, SEARCH_FACETS, facets, shape=scope, params=params, language=language
        )
    return FacetedPage[SearchResult](
        items=items, next_cursor=next_cursor, total=total, facets=counted
    )
