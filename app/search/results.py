"""`/v1/search` as SQL: the public hits of every kind asked for, in one keyset-paged union."""

from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, literal, select, union_all

from app.actors.models import Actor
from app.api.pagination import SortKey, datetime_sort_key, keyset_template
from app.commitments.models import Commitment
from app.publication.sql import public_now
from app.search.models import SearchKind
from app.search.sql import SearchShape, hits
from app.statements.models import Statement, StatementTranslation

# Kinds in the order the route documents them; each with its visibility and its date.
KINDS = (SearchKind.STATEMENT, SearchKind.COMMITMENT, SearchKind.ACTOR)


def _kind(kind: str, shape: SearchShape) -> Select[Any]:
    found = hits(kind, shape)
    now: Any = bindparam("now")
    model: Any = {"statement": Statement, "commitment": Commitment, "actor": Actor}[kind]
    visible = model.deleted_at.is_(None) if model is Actor else public_now(model, now)
    dated = Actor.created_at if model is Actor else model.published_at
    return (
        select(
            literal(kind).label("type"),
            model.id.label("id"),
            found.c.score,
            found.c.doc_id,
            dated.label("dated"),
        )
        .join(found, found.c.item_id == model.id)
        .where(visible)
    )


@lru_cache(maxsize=64)
def union(kinds: tuple[str, ...], shape: SearchShape) -> Any:
    parts = [_kind(kind, shape) for kind in kinds]
    combined: Any = parts[0] if len(parts) == 1 else union_all(*parts)
    return combined.subquery("results")


@lru_cache(maxsize=64)
def order(kinds: tuple[str, ...], shape: SearchShape) -> SortKey:
    """Best first, newer first on equal scores, then the id."""
    results = union(kinds, shape)
    newest = datetime_sort_key("-dated", results.c.dated, descending=True)
    return SortKey(
        name="relevance",
        column=results.c.score,
        descending=True,
        parse=int,
        dump=int,
        then=(newest,),
    )


@lru_cache(maxsize=128)
def page(kinds: tuple[str, ...], shape: SearchShape, after: bool) -> Select[Any]:
    results = union(kinds, shape)
    return keyset_template(select(results), order(kinds, shape), results.c.id, after)


@lru_cache(maxsize=64)
def count(kinds: tuple[str, ...], shape: SearchShape) -> Select[Any]:
    return select(func.count()).select_from(union(kinds, shape))


# The slugs of statements already found public (the page's), in every language.
SLUGS = select(
    StatementTranslation.statement_id, StatementTranslation.lang, StatementTranslation.slug
).where(StatementTranslation.statement_id.in_(bindparam("ids", expanding=True)))
