"""Commitments as the public sees them: texts, actors, tags and their labels, and the source
statement, built for a page of rows (or one) in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.api.language import Language
from app.api.schemas import LanguageFallback, also_fell_back, localize
from app.commitments import queries
from app.commitments.lifecycle import reporting_health
from app.commitments.schemas import CommitmentActor, CommitmentSummary, Source
from app.statements import service as statements_service
from app.statements.schemas import TranslationRef
from app.taxonomy import service as taxonomy_service
from app.taxonomy.service import TagNames

SUMMARY_FIELDS = ["title", "summary", "quote"]


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


def with_actor_fallback(meta: dict[str, Any], fell_back: bool) -> dict[str, Any]:
    """`fallback.fields` names `actors` when an actor's name is in another language."""
    if not fell_back:
        return meta
    actors_fell_back = LanguageFallback(requested_lang=meta["lang"], fields=["actors"])
    return also_fell_back(meta, {"fallback": actors_fell_back})


@dataclass(frozen=True)
class PageRefs:
    """What a page of commitments refers to, named once for the whole page: the titles and
    slugs of their public source statements, and the names of their places and terms."""

    sources: dict[str, dict[str, TranslationRef]]
    names: TagNames


def page_refs(
    session: Session,
    rows: list[Any],
    tags: dict[str, dict[str, list[str]]],
    now: datetime,
    extra_places: Sequence[str] = (),
) -> PageRefs:
    """One query for the public source statements (a hidden one is absent), at most two for
    the names of places and terms (`extra_places` too, e.g. events' places): the same count for
    5 items as for 100."""
    cited = sorted({row.source_statement_id for row in rows if row.source_statement_id})
    places = [code for entry in tags.values() for code in entry["places"]] + [*extra_places]
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
    meta = with_actor_fallback(meta, actor_fallback)
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
        "source": source(row, text, refs.sources, language),
        "last_reported_on": row.last_reported_on,
        "updated_at": row.updated_at,
        **meta,
    }


def source(
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
        text, meta = localize(texts[row.id], language, SUMMARY_FIELDS)
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
