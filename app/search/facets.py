"""The facets of `/v1/search`, counted by the one facet engine (app/api/facets.py).

A search's scope is its query and the kinds asked for; the `type` facet's own filter is the
kinds, so `count_if_selected` says how many hits each kind would add to the results.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, select, union_all

from app.actors.models import Actor
from app.api.facets import AnySelect, Facet, FacetSet
from app.commitments.models import Commitment
from app.search import results
from app.search.sql import SearchShape
from app.statements.models import Statement

EVERY_KIND: tuple[str, ...] = tuple(results.KINDS)


@dataclass(frozen=True)
class SearchScope:
    """What a search matches: its parsed query and the kinds asked for (all by default)."""

    q: SearchShape
    kinds: tuple[str, ...] = EVERY_KIND


def _ids(scope: Any) -> AnySelect:
    hits = results.union(scope.kinds, scope.q)
    return select(hits.c.id)


def _types(ids: AnySelect) -> AnySelect:
    kinds: Any = union_all(
        select(Statement.id.label("id"), literal("statement").label("type")).where(
            Statement.id.in_(ids)
        ),
        select(Commitment.id, literal("commitment")).where(Commitment.id.in_(ids)),
        select(Actor.id, literal("actor")).where(Actor.id.in_(ids)),
    ).subquery("kinds")
    return select(kinds.c.id, kinds.c.type)


SEARCH_FACETS = FacetSet(facets=(Facet("type", _types, own=("kinds",)),), ids=_ids)
