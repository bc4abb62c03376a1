"""The match as SQL, per database, with every query-dependent value a bound parameter.

`hits(kind, shape)` is a subquery of `(item_id, doc_id, score)`: one row per item of `kind`
whose text matches, in the language it is served in. The served languages are tried in the
reader's order (`chain`): an item is matched in the first of them it has a text in, exactly
the translation `Language.pick` serves, so the snippet and the match never disagree.

`score` is an integer, so that it survives a cursor's JSON round trip exactly: a title that
holds every positive term puts the hit in the upper tier (`TIER`), and the database's own
rank, squashed into [0, 1) as `r / (r + 1)`, orders hits within a tier.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Subquery,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import aliased

from app.search.models import FTS, FTS_TABLE, SearchDocument

TIER = 1_000_000
RANK_SCALE = 100_000
# Column weights: title, summary, body (FTS5 bm25 arguments; ts_rank takes {D, C, B, A}).
BM25_WEIGHTS = (10.0, 4.0, 1.0)
TS_RANK_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'::float4[]"


@dataclass(frozen=True)
class SearchShape:
    """What the SQL of a search depends on: the database, and how many languages it tries."""

    dialect: str
    langs: int


def _param(name: str) -> Any:
    return bindparam(name, type_=String)


def _score(tier: Any, rank: Any) -> Any:
    return (tier * TIER + cast(func.round(rank * RANK_SCALE), Integer)).label("score")


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
        config = cast(_param(f"search_config_{i}"), REGCONFIG)
        query = func.to_tsquery(config, _param("search_tsquery"))
        in_title = func.to_tsquery(config, _param("search_title_tsquery"))
        # Ranked on the positive terms: ts_rank gives 0 to any query with a `!`.
        wanted = func.to_tsquery(config, _param("search_rank_tsquery"))
        rank: Any = func.ts_rank(literal_column(TS_RANK_WEIGHTS), doc.document, wanted, 32)
        tier = case((doc.document.op("@@")(in_title), 1), else_=0)
        return select(doc.item_id, doc.id.label("doc_id"), _score(tier, rank)).where(
            doc.document.op("@@")(query), *conditions
        )
    table: Any = literal_column(FTS_TABLE)
    found = (
        select(FTS.c.rowid.label("doc_id"), (-func.bm25(table, *BM25_WEIGHTS)).label("rank"))
        .where(table.op("MATCH")(_param(f"search_match_{i}")))
        # Never flattened into the join: flattened, SQLite ran the MATCH once per index row
        # (8 s instead of 0.12 s for a word in 4% of 100,000 statements).
        .limit(-1)
        .subquery(f"fts_{i}")
    )
    titled = select(FTS.c.rowid).where(table.op("MATCH")(_param(f"search_title_match_{i}")))
    tier = case((doc.id.in_(titled), 1), else_=0)
    rank = found.c.rank / (found.c.rank + 1)
    return (
        select(doc.item_id, doc.id.label("doc_id"), _score(tier, rank))
        .join(found, found.c.doc_id == doc.id)
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
