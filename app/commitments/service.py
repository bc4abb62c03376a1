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
    CommitmentRef,
    CommitmentSort,
    CommitmentSummary,
    Source,
)
from app.statements import service as statements_service
from app.statements.schemas import TranslationRef
from app.taxonomy import service as taxonomy_service
from app.taxonomy.service import TagNames

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
    session: Session, filters: CommitmentFilters, sort: str, now: datetime, preview: bool = False
) -> tuple[queries.ListShape, dict[str, Any]]:
    """Validate filter values and split them into a query shape and its parameters."""
    params: dict[str, Any] = {"now": now}
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


def actors_of(
    session: Session, ids: list[str], language: Language
) -> tuple[dict[str, list[CommitmentActor]], set[str]]:
    """Actors of many commitments, named in the served language, and the commitments where a
    name fell back to another language: one query, none for no ids."""
    actors: dict[str, list[CommitmentActor]] = defaultdict(list)
    fell_back: set[str] = set()
    if ids:
        for row in session.execute(queries.ACTORS, {"ids": ids}):
            ref, fallen = actors_service.actor_ref(row, language)
            actors[row.commitment_id].append(
                CommitmentActor.model_validate({**ref.model_dump(), "role": row.role})
            )
            if fallen:
                fell_back.add(row.commitment_id)
    return actors, fell_back


def related(
    session: Session, ids: list[str], language: Language
) -> tuple[dict[str, list[CommitmentActor]], set[str], dict[str, dict[str, list[str]]]]:
    """Actors (named in the served language) and tags of many commitments: two queries."""
    actors, fell_back = actors_of(session, ids, language)
    tags: dict[str, dict[str, list[str]]] = {
        i: {"places": [], "terms": [], "kinds": []} for i in ids
    }
    if ids:
        for commitment_id, kind, code in session.execute(queries.TAGS, {"ids": ids}):
            tags[commitment_id][kind].append(code)
    for entry in tags.values():
        for codes in entry.values():
            codes.sort()
    return actors, fell_back, tags


def _with_actor_fallback(meta: dict[str, Any], fell_back: bool) -> dict[str, Any]:
    """`fallback.fields` names `actors` when an actor's name is in another language."""
    if not fell_back:
        return meta
    fallback = meta["fallback"] or LanguageFallback(requested_lang=meta["lang"], fields=[])
    return {
        **meta,
        "fallback": fallback.model_copy(update={"fields": [*fallback.fields, "actors"]}),
    }


@dataclass(frozen=True)
class PageRefs:
    """What a page of commitments refers to, named once for the whole page: the titles and
    slugs of their public source statements, and the names of their places and terms."""

    sources: dict[str, dict[str, TranslationRef]]
    names: TagNames


def page_refs(
    session: Session, rows: list[Any], tags: dict[str, dict[str, list[str]]], now: datetime
) -> PageRefs:
    """One query for the public source statements (a hidden one is absent), at most two for
    the names of places and terms: the same count for 5 items as for 100."""
    cited = sorted({row.source_statement_id for row in rows if row.source_statement_id})
    places = [code for entry in tags.values() for code in entry["places"]]
    terms = [code for entry in tags.values() for code in entry["terms"]]
    return PageRefs(
        sources=statements_service.translation_refs(session, cited, now),
        names=taxonomy_service.tag_names(session, places=places, terms=terms),
    )


def summary_fields(
    row: Any,
    text: Any,
    meta: dict[str, Any],
    actors: list[CommitmentActor],
    actor_fallback: bool,
    tags: dict[str, list[str]],
    today: date,
    *,
    refs: PageRefs,
    language: Language,
) -> dict[str, Any]:
    """The fields every public shape of a commitment shares. Its source statement shows only
    while that statement is public: otherwise `statement_id`, `anchor`, `quote`, `title` and
    `slug` are null (the quote is the statement's own text), and a document `url` stays."""
    meta = _with_actor_fallback(meta, actor_fallback)
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
        "labels": taxonomy_service.tag_labels(
            refs.names, {"places": tags["places"], "terms": tags["terms"]}, language
        ),
        "source": _source(row, text, refs.sources, language),
        "last_reported_on": row.last_reported_on,
        "updated_at": row.updated_at,
        **meta,
    }


def _source(
    row: Any, text: Any, sources: dict[str, dict[str, TranslationRef]], language: Language
) -> Source:
    cited = row.source_statement_id
    if cited is None or cited not in sources:  # no statement, or one the public cannot see
        url = row.source_url
        return Source(
            statement_id=None,
            anchor=None,
            url=url,
            quote=None,
            title=None,
            slug=None,
            fallback=None,
        )
    found = localize(sources[cited], language, ["title", "slug"])
    ref, meta = found if found is not None else (None, {"fallback": None})
    return Source(
        statement_id=cited,
        anchor=row.source_anchor,
        url=row.source_url,
        quote=text.quote,
        title=ref.title if ref else None,
        slug=ref.slug if ref else None,
        fallback=meta["fallback"] is not None if ref else None,
    )


def page_rows(
    session: Session,
    *,
    filters: CommitmentFilters,
    sort: CommitmentSort,
    page: PageRequest,
    now: datetime,
    preview: bool = False,
) -> tuple[list[Any], str | None, int | None]:
    """One keyset page of matching commitments (their list columns), the next cursor, and
    the total when asked for."""
    shape, params = shape_and_params(session, filters, sort, now, preview)
    sort_key = SORTS[sort]
    after = page.cursor is not None
    rows, next_cursor = cut_page(
        session.execute(
            queries.page(shape, sort_key, after), {**params, **keyset_params(page, sort_key)}
        ).all(),
        page,
        sort_key,
    )
    total = None
    if page.include_total:
        total = len(session.execute(queries.matching_ids(shape), params).all())
    return list(rows), next_cursor, total


def summaries(
    session: Session, rows: list[Any], *, language: Language, now: datetime
) -> list[CommitmentSummary]:
    """List items for a page of rows: texts, actors, tags, sources and names in a fixed number
    of queries, whatever the number of rows."""
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.execute(queries.TEXTS, {"ids": ids}):
            texts[text.commitment_id][text.lang] = text
    actors, fell_back, tags = related(session, ids, language)
    refs = page_refs(session, rows, tags, now)
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
            refs=refs,
            language=language,
        )
        items.append(CommitmentSummary.model_validate(fields))
    return items


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
    actors, fell_back = actors_of(session, ids, language) if with_actors else ({}, set())
    for row in rows:
        text, meta = pick_text(texts[row.id], language, REF_FIELDS)
        ref = {
            "id": row.id,
            "code": row.code,
            "title": text.title,
            "implementation_status": row.implementation_status,
            "anchor": row.source_anchor,
            "quote": text.quote,
            **_with_actor_fallback(meta, row.id in fell_back),
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
