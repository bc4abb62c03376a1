"""Reading commitments: filters, keyset pages, language selection and reporting health."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.actors.models import ActorType
from app.api.language import Language
from app.api.pagination import (
    Page,
    PageRequest,
    SortKey,
    cut_page,
    date_sort_key,
    datetime_sort_key,
    keyset_params,
    string_sort_key,
)
from app.api.problems import FieldError, InvalidParameters, NotFound
from app.api.schemas import LanguageFallback, localize
from app.commitments import queries
from app.commitments.drafting import refuse_citing_commitments as refuse_citing_commitments
from app.commitments.drafting import refuse_orphaned_citations as refuse_orphaned_citations
from app.commitments.lifecycle import HealthCutoffs, reporting_health
from app.commitments.models import (
    Commitment,
    ImplementationStatus,
    ProgressUpdate,
    ReportingHealth,
    commitment_actors,
)
from app.commitments.publishing import announce_citing as announce_citing
from app.commitments.publishing import announce_naming as announce_naming
from app.commitments.schemas import (
    CommitmentActor,
    CommitmentListItem,
    CommitmentRef,
    CommitmentSort,
    Source,
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
SUMMARY_FIELDS = ["title", "summary", "quote"]
REF_FIELDS = ["title", "quote"]


@dataclass(frozen=True)
class CommitmentFilters:
    q: str | None = None
    actors: list[str] = field(default_factory=list)
    actor_types: list[ActorType] = field(default_factory=list)
    statuses: list[ImplementationStatus] = field(default_factory=list)
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


def pick_text(
    texts: dict[str, Any], language: Language, fields: list[str]
) -> tuple[Any, dict[str, Any]]:
    found = localize(texts, language, fields)
    if found is None:
        raise NotFound("This commitment has no translation.")
    return found


def related(
    session: Session, ids: list[str], language: Language
) -> tuple[dict[str, list[CommitmentActor]], set[str], dict[str, dict[str, list[str]]]]:
    """Actors (named in the served language) and tags of many commitments: two queries."""
    actors: dict[str, list[CommitmentActor]] = defaultdict(list)
    fell_back: set[str] = set()
    tags: dict[str, dict[str, list[str]]] = {
        i: {"places": [], "terms": [], "kinds": []} for i in ids
    }
    if not ids:
        return actors, fell_back, tags
    for row in session.execute(queries.ACTORS, {"ids": ids}):
        ref, fallen = actors_service.actor_ref(row, language)
        actors[row.commitment_id].append(
            CommitmentActor.model_validate({**ref.model_dump(), "role": row.role})
        )
        if fallen:
            fell_back.add(row.commitment_id)
    for commitment_id, kind, code in session.execute(queries.TAGS, {"ids": ids}):
        tags[commitment_id][kind].append(code)
    for entry in tags.values():
        for codes in entry.values():
            codes.sort()
    return actors, fell_back, tags


def summary_fields(
    row: Any,
    text: Any,
    meta: dict[str, Any],
    actors: list[CommitmentActor],
    actor_fallback: bool,
    tags: dict[str, list[str]],
    today: date,
    *,
    public_sources: set[str],
) -> dict[str, Any]:
    """The fields every public shape of a commitment shares. Its source statement shows only
    while that statement is public: otherwise `statement_id`, `anchor` and `quote` are null
    (the quote is the statement's own text), and a document `url` stays."""
    if actor_fallback:
        fallback = meta["fallback"] or LanguageFallback(requested_lang=meta["lang"], fields=[])
        meta = {
            **meta,
            "fallback": fallback.model_copy(update={"fields": [*fallback.fields, "actors"]}),
        }
    return {
        "id": row.id,
        "code": row.code,
        "title": text.title,
        "summary": text.summary,
        "kinds": tags["kinds"],
        "implementation_status": row.implementation_status,
        "reporting_health": reporting_health(
            row.implementation_status, row.last_reported_on, row.made_on, today
        ),
        "made_on": row.made_on,
        "due_on": row.due_on,
        "due_precision": row.due_precision,
        "actors": actors,
        "places": tags["places"],
        "terms": tags["terms"],
        "source": _source(row, text, public_sources),
        "last_reported_on": row.last_reported_on,
        "updated_at": row.updated_at,
        **meta,
    }


def _source(row: Any, text: Any, public_sources: set[str]) -> Source:
    hidden = row.source_statement_id is not None and row.source_statement_id not in public_sources
    if hidden:
        return Source(statement_id=None, anchor=None, url=row.source_url, quote=None)
    return Source(
        statement_id=row.source_statement_id,
        anchor=row.source_anchor,
        url=row.source_url,
        quote=text.quote,
    )


def public_sources(session: Session, rows: list[Any], now: datetime) -> set[str]:
    """Which of the rows' source statements the public may see now: one query."""
    cited = sorted({row.source_statement_id for row in rows if row.source_statement_id})
    return statements_service.public_ids(session, cited, now)


def list_commitments(
    session: Session,
    *,
    filters: CommitmentFilters,
    sort: CommitmentSort | None,
    language: Language,
    page: PageRequest,
    now: datetime,
    preview: bool = False,
) -> tuple[Page[CommitmentListItem], datetime | None]:
    """A page of the list; with `q`, only matches, each with its score and snippet."""
    order = search_service.resolve_sort(sort, filters.q, default="-made_on")
    search = None if filters.q is None else search_service.prepare(session, filters.q, language)
    shape, params = shape_and_params(session, filters, order, now, preview, search)
    relevant = shape.q is not None and order == search_service.RELEVANCE
    sort_key = queries.relevance(shape.q) if relevant and shape.q else SORTS[order]
    after = page.cursor is not None
    rows, next_cursor = cut_page(
        session.execute(
            queries.page(shape, sort_key, after), {**params, **keyset_params(page, sort_key)}
        ).all(),
        page,
        sort_key,
    )
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.execute(queries.TEXTS, {"ids": ids}):
            texts[text.commitment_id][text.lang] = text
    actors, fell_back, tags = related(session, ids, language)
    sources = public_sources(session, list(rows), now)
    snippets = search.snippets(session, [row.doc_id for row in rows]) if search else {}
    items = []
    for row in rows:
        text, meta = pick_text(texts[row.id], language, SUMMARY_FIELDS)
        fields = summary_fields(
            row,
            text,
            meta,
            actors[row.id],
            row.id in fell_back,
            tags[row.id],
            now.date(),
            public_sources=sources,
        )
        if search is not None:
            fields.update(score=row.score, snippet=snippets.get(row.doc_id))
        items.append(CommitmentListItem.model_validate(fields))
    total = None
    if page.include_total:
        total = len(session.execute(queries.matching_ids(shape), params).all())
    return (
        Page[CommitmentListItem](items=items, next_cursor=next_cursor, total=total),
        max((row.updated_at for row in rows), default=None),
    )


def next_go_live(session: Session, now: datetime) -> datetime | None:
    upcoming: datetime | None = session.scalar(queries.NEXT_GO_LIVE, {"now": now})
    return upcoming


def refs_for_statement(
    session: Session, *, statement_id: str, language: Language, now: datetime
) -> list[CommitmentRef]:
    """The public commitments made in a statement, for embedding: two queries."""
    rows = session.execute(
        select(
            Commitment.id,
            Commitment.code,
            Commitment.implementation_status,
            Commitment.source_anchor,
        )
        .where(Commitment.source_statement_id == statement_id, queries.is_public(now))
        .order_by(Commitment.code)
    ).all()
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.execute(queries.TEXTS, {"ids": ids}):
            texts[text.commitment_id][text.lang] = text
    refs = []
    for row in rows:
        text, meta = pick_text(texts[row.id], language, REF_FIELDS)
        refs.append(
            CommitmentRef.model_validate(
                {
                    "id": row.id,
                    "code": row.code,
                    "title": text.title,
                    "implementation_status": row.implementation_status,
                    "anchor": row.source_anchor,
                    "quote": text.quote,
                    **meta,
                }
            )
        )
    return refs


def actor_in_use(session: Session, actor_id: str) -> bool:
    """Whether a commitment or a progress report names the actor."""
    named = session.scalar(
        select(commitment_actors.c.commitment_id).where(commitment_actors.c.actor_id == actor_id)
    )
    reported = session.scalar(
        select(ProgressUpdate.id).where(ProgressUpdate.reporter_actor_id == actor_id)
    )
    return named is not None or reported is not None
