"""Reading commitments: filters, keyset pages, language selection and reporting health."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.actors.models import ActorType
from app.api.facets import FacetValue, facet_values
from app.api.language import Language
from app.api.pagination import (
    PageRequest,
    SortKey,
    date_sort_key,
    datetime_sort_key,
    read_page,
    string_sort_key,
)
from app.api.problems import FieldError, InvalidParameters, NotFound
from app.api.schemas import localize
from app.commitments import queries, shapes
from app.commitments.drafting import refuse_citing_commitments as refuse_citing_commitments
from app.commitments.drafting import refuse_orphaned_citations as refuse_orphaned_citations
from app.commitments.facets import COMMITMENT_FACETS, health_params
from app.commitments.lifecycle import HealthCutoffs
from app.commitments.models import (
    Commitment,
    CommitmentKind,
    ImplementationStatus,
    ProgressUpdate,
    ReportingHealth,
    commitment_actors,
)
from app.commitments.publishing import announce_citing as announce_citing
from app.commitments.publishing import announce_naming as announce_naming
from app.commitments.schemas import (
    CommitmentRef,
    CommitmentSort,
)
from app.search import service as search_service
from app.statements import service as statements_service
from app.taxonomy import service as taxonomy_service

SORTS: dict[str, SortKey] = {
    "-made_on": date_sort_key("-made_on", Commitment.made_on, descending=True),
    "made_on": date_sort_key("made_on", Commitment.made_on, descending=False),
    "-updated_at": datetime_sort_key("-updated_at", Commitment.updated_at, descending=True),
    "updated_at": datetime_sort_key("updated_at", Commitment.updated_at, descending=False),
    "code": string_sort_key("code", Commitment.code, descending=False),
}
REF_FIELDS = ["title", "quote"]


@dataclass(frozen=True)
class CommitmentFilters:
    q: str | None = None
    actors: list[str] = field(default_factory=list)
    actor_types: list[ActorType] = field(default_factory=list)
    statuses: list[ImplementationStatus] = field(default_factory=list)
    kinds: list[CommitmentKind] = field(default_factory=list)
    health: list[ReportingHealth] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    statement: str | None = None
    statement_preview: bool = False  # the statement may be unpublished (content:preview)
    made_from: date | None = None
    made_to: date | None = None
    due_before: date | None = None


def shape_and_params(
    session: Session,
    filters: CommitmentFilters,
    sort: str,
    now: datetime,
    preview: bool = False,
    search: search_service.Search | None = None,
) -> tuple[queries.ListShape, dict[str, Any]]:
    """Validate filter values and split them into a query shape and its parameters."""
    params: dict[str, Any] = {"now": now}
    if search is not None:
        params.update(search.params)
    if filters.actors:
        params["actors"] = actors_service.resolve_ids(session, filters.actors, parameter="actor")
    if filters.actor_types:
        params["actor_types"] = [t.value for t in filters.actor_types]
    if filters.statuses:
        params["statuses"] = [s.value for s in filters.statuses]
    if filters.kinds:
        params["kinds"] = [k.value for k in filters.kinds]
    if filters.health:
        cutoffs = HealthCutoffs.on(now.date())
        params["due_cut"] = cutoffs.due_on_or_before
        params["inactive_cut"] = cutoffs.inactive_on_or_before
    if filters.places:
        params["places"] = taxonomy_service.known_place_codes(session, filters.places)
    if filters.terms:
        params["terms"] = taxonomy_service.known_term_codes(session, filters.terms)
    if filters.statement is not None:
        try:
            params["statement"] = statements_service.public_statement_id(
                session,
                id_or_slug=filters.statement,
                now=now,
                preview=filters.statement_preview or preview,
            )
        except NotFound as exc:
            raise InvalidParameters(
                "Unknown value for `statement`.",
                errors=[FieldError(parameter="statement", detail="No published statement.")],
            ) from exc
    optional = {
        "made_from": filters.made_from,
        "made_to": filters.made_to,
        "due_before": filters.due_before,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    shape = queries.ListShape(
        actors="actors" in params,
        actor_types="actor_types" in params,
        statuses="statuses" in params,
        kinds="kinds" in params,
        health=frozenset(filters.health),
        places="places" in params,
        terms="terms" in params,
        statement="statement" in params,
        made_from="made_from" in params,
        made_to="made_to" in params,
        due_before="due_before" in params,
        q=search.shape if search is not None else None,
        sort=sort,
        preview=preview,
    )
    return shape, params


def page_rows(
    session: Session,
    *,
    filters: CommitmentFilters,
    sort: CommitmentSort | None,
    page: PageRequest,
    now: datetime,
    language: Language,
    preview: bool = False,
    facets: Sequence[str] = (),
) -> "ListedPage":
    """One keyset page of matching commitments (their list columns), the next cursor, the
    total when asked for, the `facets` asked for counted under the same filters, and with `q`
    each row's snippet (rows then carry their `score`)."""
    order = search_service.resolve_sort(sort, filters.q, default="-made_on")
    search = None if filters.q is None else search_service.prepare(session, filters.q, language)
    shape, params = shape_and_params(session, filters, order, now, preview, search)
    relevant = shape.q is not None and order == search_service.RELEVANCE
    sort_key = queries.relevance(shape.q) if relevant and shape.q else SORTS[order]
    template = queries.page(shape, sort_key, after=page.cursor is not None)
    rows, next_cursor = read_page(session, template, params, page=page, sort=sort_key)
    total = None
    if page.include_total:
        total = len(session.execute(queries.matching_ids(shape), params).all())
    counted = None
    if facets:
        counted = facet_values(
            session,
            COMMITMENT_FACETS,
            facets,
            shape=shape,
            params={**params, **health_params(now)},
            language=language,
        )
    snippets = None
    if search is not None:
        by_doc = search.snippets(session, [row.doc_id for row in rows])
        snippets = {row.id: by_doc.get(row.doc_id) for row in rows}
    return ListedPage(list(rows), next_cursor, total, counted, snippets)


@dataclass(frozen=True)
class ListedPage:
    """What `page_rows` found: rows in page order and what goes around them."""

    rows: list[Any]
    next_cursor: str | None
    total: int | None
    facets: dict[str, list[FacetValue]] | None
    snippets: dict[str, str | None] | None  # by commitment id, with `q` only


def next_go_live(session: Session, now: datetime) -> datetime | None:
    upcoming: datetime | None = session.scalar(queries.NEXT_GO_LIVE, {"now": now})
    return upcoming


def refs_for_statements(
    session: Session,
    *,
    statement_ids: list[str],
    language: Language,
    now: datetime,
    with_actors: bool = False,
) -> dict[str, list[CommitmentRef]]:
    """The public commitments made in each of the statements, for embedding: two queries for
    a whole page of statements (three `with_actors`), none without statements."""
    found: dict[str, list[CommitmentRef]] = {statement_id: [] for statement_id in statement_ids}
    if not statement_ids:
        return found
    rows = session.execute(queries.REFS, {"statements": statement_ids, "now": now}).all()
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.execute(queries.TEXTS, {"ids": ids}):
            texts[text.commitment_id][text.lang] = text
    actors, fell_back = shapes.actors_of(session, ids, language) if with_actors else ({}, set())
    for row in rows:
        text, meta = localize(texts[row.id], language, REF_FIELDS)
        ref = {
            "id": row.id,
            "code": row.code,
            "title": text.title,
            "implementation_status": row.implementation_status,
            "anchor": row.source_anchor,
            "quote": text.quote,
            **shapes.with_actor_fallback(meta, row.id in fell_back),
        }
        if with_actors:
            ref["actors"] = actors.get(row.id, [])
        found[row.source_statement_id].append(CommitmentRef.model_validate(ref))
    return found


def actor_in_use(session: Session, actor_id: str) -> bool:
    """Whether a commitment or a progress report names the actor."""
    named = session.scalar(
        select(commitment_actors.c.commitment_id).where(commitment_actors.c.actor_id == actor_id)
    )
    reported = session.scalar(
        select(ProgressUpdate.id).where(ProgressUpdate.reporter_actor_id == actor_id)
    )
    return named is not None or reported is not None
