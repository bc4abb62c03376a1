"""SQL for the commitment read paths, built once per filter shape (see statements/queries.py)."""

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)

from app.actors.models import Actor
from app.api.pagination import SortKey, datetime_sort_key, int_sort_key, keyset_template
from app.commitments.models import (
    TERMINAL_STATUSES,
    Commitment,
    CommitmentTranslation,
    ReportingHealth,
    commitment_actors,
    commitment_kinds,
    commitment_places,
    commitment_terms,
)
from app.publication.sql import next_go_live, public_now
from app.search.models import SearchKind
from app.search.sql import SearchShape, hits
from app.taxonomy import service as taxonomy_service

AnySelect = Select[*tuple[Any, ...]]
SUMMARY_COLUMNS = (
    Commitment.id,
    Commitment.code,
    Commitment.made_on,
    Commitment.due_on,
    Commitment.due_precision,
    Commitment.implementation_status,
    Commitment.last_reported_on,
    Commitment.source_statement_id,
    Commitment.source_anchor,
    Commitment.source_url,
    Commitment.updated_at,
)


def is_public(now: Any) -> ColumnElement[bool]:
    return public_now(Commitment, now)


def _expanding(name: str) -> Any:
    return bindparam(name, expanding=True)


def health_condition(health: ReportingHealth) -> ColumnElement[bool]:
    """SQL for one reporting-health value, with the cutoffs as parameters (lifecycle.py)."""
    terminal = Commitment.implementation_status.in_(sorted(TERMINAL_STATUSES))
    if health is ReportingHealth.CLOSED:
        return terminal
    basis = func.coalesce(Commitment.last_reported_on, Commitment.made_on)
    due_cut: Any = bindparam("due_cut")
    inactive_cut: Any = bindparam("inactive_cut")
    condition = {
        ReportingHealth.CURRENT: basis > due_cut,
        ReportingHealth.DUE: and_(basis <= due_cut, basis > inactive_cut),
        ReportingHealth.INACTIVE: basis <= inactive_cut,
    }[health]
    return and_(~terminal, condition)


@dataclass(frozen=True)
class ListShape:
    actors: bool = False
    actor_types: bool = False
    statuses: bool = False
    kinds: bool = False
    health: frozenset[ReportingHealth] = frozenset()
    places: bool = False
    terms: bool = False
    statement: bool = False
    made_from: bool = False
    made_to: bool = False
    due_before: bool = False
    q: SearchShape | None = None  # full-text search (its SQL depends on the database)
    sort: str = "-made_on"
    preview: bool = False  # drafts, scheduled and withdrawn too (content:preview only)


def visible(preview: bool, now: Any) -> ColumnElement[bool]:
    """Public visibility, or everything not deleted for a preview."""
    return Commitment.deleted_at.is_(None) if preview else is_public(now)


# One subtree query each, shared by every shape: a statement that holds two shapes (a facet
# counts under one shape within another) then names each CTE once.
PLACE_SUBTREE = taxonomy_service.place_subtree(_expanding("places"))
TERM_SUBTREE = taxonomy_service.term_subtree(_expanding("terms"))


@lru_cache(maxsize=256)
def matching(shape: ListShape) -> AnySelect:
    query: AnySelect = select(*SUMMARY_COLUMNS).where(visible(shape.preview, bindparam("now")))
    if shape.q is not None:  # each row also has the hit's score and index row (snippet)
        found = hits(SearchKind.COMMITMENT, shape.q)
        query = query.join(found, found.c.item_id == Commitment.id).add_columns(
            found.c.score, found.c.doc_id, Commitment.published_at
        )
    if shape.actors:
        query = query.where(
            exists().where(
                commitment_actors.c.commitment_id == Commitment.id,
                commitment_actors.c.actor_id.in_(_expanding("actors")),
            )
        )
    if shape.actor_types:
        query = query.where(
            exists()
            .where(commitment_actors.c.commitment_id == Commitment.id)
            .where(commitment_actors.c.actor_id == Actor.id)
            .where(Actor.type.in_(_expanding("actor_types")))
        )
    if shape.statuses:
        query = query.where(Commitment.implementation_status.in_(_expanding("statuses")))
    if shape.kinds:
        query = query.where(
            exists().where(
                commitment_kinds.c.commitment_id == Commitment.id,
                commitment_kinds.c.kind.in_(_expanding("kinds")),
            )
        )
    if shape.health:
        query = query.where(or_(false(), *(health_condition(h) for h in sorted(shape.health))))
    if shape.places:
        query = query.where(
            exists().where(
                commitment_places.c.commitment_id == Commitment.id,
                commitment_places.c.place_code.in_(PLACE_SUBTREE),
            )
        )
    if shape.terms:
        query = query.where(
            exists().where(
                commitment_terms.c.commitment_id == Commitment.id,
                commitment_terms.c.term_code.in_(TERM_SUBTREE),
            )
        )
    if shape.statement:
        query = query.where(Commitment.source_statement_id == bindparam("statement"))
    if shape.made_from:
        query = query.where(Commitment.made_on >= bindparam("made_from"))
    if shape.made_to:
        query = query.where(Commitment.made_on <= bindparam("made_to"))
    if shape.due_before:
        query = query.where(Commitment.due_on < bindparam("due_before"))
    return query


@lru_cache(maxsize=512)
def page(shape: ListShape, sort: SortKey, after: bool) -> AnySelect:
    """One keyset page of the shape's matches (see pagination.keyset_template)."""
    return keyset_template(matching(shape), sort, Commitment.id, after)


@lru_cache(maxsize=16)
def relevance(search: SearchShape) -> SortKey:
    """Best hits first; newer before older on equal scores; then the id."""
    score = hits(SearchKind.COMMITMENT, search).c.score
    newest = datetime_sort_key("-published_at", Commitment.published_at, descending=True)
    return replace(int_sort_key("relevance", score, descending=True), then=(newest,))


@lru_cache(maxsize=256)
def matching_ids(shape: ListShape) -> Select[Any]:
    return select(matching(shape).subquery().c.id)


TEXTS = select(
    CommitmentTranslation.commitment_id,
    CommitmentTranslation.lang,
    CommitmentTranslation.title,
    CommitmentTranslation.summary,
    CommitmentTranslation.quote,
).where(CommitmentTranslation.commitment_id.in_(_expanding("ids")))

# The public commitments made in some statements (embedded in them, `include=commitments`).
REFS = (
    select(
        Commitment.id,
        Commitment.code,
        Commitment.implementation_status,
        Commitment.source_anchor,
        Commitment.source_statement_id,
    )
    .where(
        Commitment.source_statement_id.in_(_expanding("statements")), is_public(bindparam("now"))
    )
    .order_by(Commitment.code)
)

ACTORS = (
    select(
        commitment_actors.c.commitment_id,
        commitment_actors.c.role,
        Actor.id,
        Actor.slug,
        Actor.type,
        Actor.names,
        Actor.acronyms,
    )
    .join(Actor, Actor.id == commitment_actors.c.actor_id)
    .where(commitment_actors.c.commitment_id.in_(_expanding("ids")))
    .order_by(commitment_actors.c.commitment_id, commitment_actors.c.role, Actor.slug)
)

TAGS = union_all(
    select(
        commitment_places.c.commitment_id, literal("places"), commitment_places.c.place_code
    ).where(commitment_places.c.commitment_id.in_(_expanding("ids"))),
    select(commitment_terms.c.commitment_id, literal("terms"), commitment_terms.c.term_code).where(
        commitment_terms.c.commitment_id.in_(_expanding("ids"))
    ),
    select(commitment_kinds.c.commitment_id, literal("kinds"), commitment_kinds.c.kind).where(
        commitment_kinds.c.commitment_id.in_(_expanding("ids"))
    ),
)

NEXT_GO_LIVE = next_go_live(Commitment, bindparam("now"))
