"""The match as SQL, per database, with every query-dependent value a bound parameter.

`hits(kind, shape)` is a subquery of `(item_id, doc_id, score)`: one row per item of `kind`
whose text matches, in the language it is served in. The served languages are tried in the
reader's order (`chain`): an item is matched in the first of them it has a text in, exactly
the translation `Language.pick` serves, so the snippet and the match never disagree.

`score` is the field tier of the hit, the same on both databases: 3 when the title holds every
searched term, 2 when title and summary together do, 1 when the body is needed. The lists then
order newer first within a tier. Tiers cost one more index lookup per hit, where a database
rank (`ts_rank`, FTS5 `bm25()`) cost seconds for a word found in 100,000 statements
(bench/README.md), and they are identical on SQLite and PostgreSQL.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    String,
    Subquery,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import aliased

from app.search.models import FTS, FTS_TABLE, SearchDocument

TITLE, SUMMARY, BODY = 3, 2, 1  # the score of a hit: where its terms all are


@dataclass(frozen=True)
class SearchShape:
    """What the SQL of a search depends on: the database, and how many languages it tries."""

    dialect: str
    langs: int


def _param(name: str) -> Any:
    return bindparam(name, type_=String)


def _branch(kind: str, shape: SearchShape, i: int) -> Any:
    doc = aliased(SearchDocument, name=f"doc_{i}")
    other = aliased(SearchDocument, name=f"other_{i}")
    earlier = [_param(f"search_lang_{j}") for j in range(i)]
    conditions = [doc.kind == kind, doc.lang == _param(f"search_lang_{i}")]
    if earlier:  # served in an earlier language of the chain: matched there, not here
        conditions.append(
            ~exists().where(
                other.kind == doc.kind, other.item_id == doc.item_id, other.lang.in_(earlier)
            )
        )
    if shape.dialect == "postgresql":
        # Bound as a regconfig, not cast from text: the cast is only "stable", so PostgreSQL
        # would parse and stem the query again for every row it checks; a regconfig parameter
        # lets the planner fold `to_tsquery` into a constant once.
        config = bindparam(f"search_config_{i}", type_=REGCONFIG)

        def matches(name: str) -> Any:
            return doc.document.op("@@")(func.to_tsquery(config, _param(name)))

        tier = case(
            (matches("search_title_tsquery"), TITLE),
            (matches("search_summary_tsquery"), SUMMARY),
            else_=BODY,
        )
        return select(doc.item_id, doc.id.label("doc_id"), tier.label("score")).where(
            matches("search_tsquery"), *conditions
        )
    table: Any = literal_column(FTS_TABLE)

    def matched(name: str) -> Any:
        return select(FTS.c.rowid).where(table.op("MATCH")(_param(name)))

    found = (
        matched(f"search_match_{i}")
        # Never flattened into the join: flattened, SQLite ran the MATCH once per index row.
        .limit(-1)
        .subquery(f"fts_{i}")
    )
    tier = case(
        (doc.id.in_(matched(f"search_title_match_{i}")), TITLE),
        (doc.id.in_(matched(f"search_summary_match_{i}")), SUMMARY),
        else_=BODY,
    )
    return (
        select(doc.item_id, doc.id.label("doc_id"), tier.label("score"))
        .join(found, found.c.rowid == doc.id)
        .where(*conditions)
    )


@lru_cache(maxsize=64)
def hits(kind: str, shape: SearchShape) -> Subquery:
    """The matching items of `kind` with their index row and score (see the module doc)."""
    branches = [_branch(kind, shape, i) for i in range(shape.langs)]
    combined: Any = branches[0] if len(branches) == 1 else union_all(*branches)
    subquery: Subquery = combined.subquery(f"{kind}_hits")
    return subquery


DOCUMENTS = select(
    SearchDocument.id,
    SearchDocument.kind,
    SearchDocument.item_id,
    SearchDocument.lang,
    SearchDocument.title,
    SearchDocument.summary,
    SearchDocument.body,
).where(SearchDocument.id.in_(bindparam("ids", expanding=True)))

LANGS = select(SearchDocument.kind, SearchDocument.item_id, SearchDocument.lang).where(
    SearchDocument.item_id.in_(bindparam("ids", expanding=True))
)
