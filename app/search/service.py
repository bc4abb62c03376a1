"""Search for the lists and `/v1/search`: parse the query, bind it, and make the snippets."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.problems import FieldError, InvalidParameters
from app.search import query as parser
from app.search.analysis import pg_config
from app.search.snippets import snippet
from app.search.sql import DOCUMENTS, LANGS, SearchShape

__all__ = ["Search", "SearchShape", "prepare"]


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
            params[f"search_title_match_{i}"] = parser.fts_title_match(query, lang)
    if dialect == "postgresql":
        params["search_tsquery"] = parser.tsquery(query)
        params["search_title_tsquery"] = parser.title_tsquery(query)
        params["search_rank_tsquery"] = parser.positive_tsquery(query)
    return Search(query, SearchShape(dialect, len(langs)), params)


def languages_of(session: Session, ids: list[str]) -> dict[tuple[str, str], set[str]]:
    """`{(kind, item id): languages}` of indexed items: one query."""
    found: dict[tuple[str, str], set[str]] = {}
    if ids:
        for kind, item_id, lang in session.execute(LANGS, {"ids": ids}):
            found.setdefault((kind, item_id), set()).add(lang)
    return found
