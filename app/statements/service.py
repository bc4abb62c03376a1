"""Reading statements: visibility, filters, keyset pages and language selection."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.pagination import Page, PageRequest, SortKey, count_matching, datetime_sort_key
from app.api.pagination import fetch_page as fetch_keyset_page
from app.api.problems import NotFound
from app.api.schemas import LanguageFallback
from app.statements.models import (
    PublicationStatus,
    Statement,
    StatementTranslation,
    StatementType,
    statement_places,
    statement_terms,
    statement_topics,
)
from app.statements.schemas import (
    Dateline,
    Paragraph,
    StatementDetail,
    StatementSort,
    StatementSummary,
    TranslationRef,
)
from app.taxonomy import service as taxonomy_service
from app.taxonomy.models import FrameworkTerm, Place, Topic

SORTS: dict[str, SortKey] = {
    "-published_at": datetime_sort_key("-published_at", Statement.published_at, descending=True),
    "published_at": datetime_sort_key("published_at", Statement.published_at, descending=False),
    "-updated_at": datetime_sort_key("-updated_at", Statement.updated_at, descending=True),
    "updated_at": datetime_sort_key("updated_at", Statement.updated_at, descending=False),
}
SUMMARY_FIELDS = ["slug", "title", "dateline", "summary"]
DETAIL_FIELDS = [*SUMMARY_FIELDS, "body"]


@dataclass(frozen=True)
class StatementFilters:
    types: list[StatementType] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    published_from: date | None = None
    published_to: date | None = None
    available_lang: str | None = None


def is_public(now: datetime) -> ColumnElement[bool]:
    """The one definition of what anonymous readers may see."""
    return and_(
        Statement.publication_status == PublicationStatus.PUBLISHED,
        Statement.published_at <= now,
        Statement.deleted_at.is_(None),
    )


def _filtered(session: Session, filters: StatementFilters, now: datetime) -> Select[Statement]:
    statement = select(Statement).where(is_public(now))
    if filters.types:
        statement = statement.where(Statement.type.in_(filters.types))
    if filters.topics:
        taxonomy_service.require_known(session, Topic.slug, filters.topics, parameter="topic")
        statement = statement.where(
            exists().where(
                statement_topics.c.statement_id == Statement.id,
                statement_topics.c.topic_slug.in_(filters.topics),
            )
        )
    if filters.places:
        codes = [taxonomy_service.canonical_place_code(code) for code in filters.places]
        taxonomy_service.require_known(session, Place.code, codes, parameter="place")
        statement = statement.where(
            exists().where(
                statement_places.c.statement_id == Statement.id,
                statement_places.c.place_code.in_(taxonomy_service.place_subtree(codes)),
            )
        )
    if filters.terms:
        codes = [code.lower() for code in filters.terms]
        taxonomy_service.require_known(session, FrameworkTerm.code, codes, parameter="term")
        statement = statement.where(
            exists().where(
                statement_terms.c.statement_id == Statement.id,
                statement_terms.c.term_code.in_(taxonomy_service.term_subtree(codes)),
            )
        )
    if filters.published_from is not None:
        start = datetime.combine(filters.published_from, time.min, tzinfo=UTC)
        statement = statement.where(Statement.published_at >= start)
    if filters.published_to is not None:
        end = datetime.combine(filters.published_to + timedelta(days=1), time.min, tzinfo=UTC)
        statement = statement.where(Statement.published_at < end)
    if filters.available_lang is not None:
        statement = statement.where(
            exists().where(
                StatementTranslation.statement_id == Statement.id,
                StatementTranslation.lang == filters.available_lang,
            )
        )
    return statement


def _tags_by_statement(session: Session, ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """Places, topics and terms of many statements in one round trip."""
    tags: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"places": [], "topics": [], "terms": []}
    )
    if not ids:
        return tags
    query = union_all(
        select(
            statement_places.c.statement_id, literal("places"), statement_places.c.place_code
        ).where(statement_places.c.statement_id.in_(ids)),
        select(
            statement_topics.c.statement_id, literal("topics"), statement_topics.c.topic_slug
        ).where(statement_topics.c.statement_id.in_(ids)),
        select(statement_terms.c.statement_id, literal("terms"), statement_terms.c.term_code).where(
            statement_terms.c.statement_id.in_(ids)
        ),
    )
    for statement_id, kind, code in session.execute(query):
        tags[statement_id][kind].append(code)
    for entry in tags.values():
        for codes in entry.values():
            codes.sort()
    return tags


def _localized(
    translations: dict[str, Any], language: Language, fields: list[str]
) -> tuple[str, Any, dict[str, Any]]:
    picked = language.pick(translations)
    if picked is None:  # a statement without any translation is never published
        raise NotFound("This statement has no translation.")
    lang, translation = picked
    fallback = (
        LanguageFallback(requested_lang=language.requested, fields=fields)
        if lang != language.requested
        else None
    )
    meta = {"lang": lang, "available_langs": sorted(translations), "fallback": fallback}
    return lang, translation, meta


def _core(statement: Statement, tags: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "id": statement.id,
        "type": statement.type,
        "published_at": statement.published_at,
        "updated_at": statement.updated_at,
        "places": tags["places"],
        "topics": tags["topics"],
        "terms": tags["terms"],
    }


def list_statements(
    session: Session,
    *,
    filters: StatementFilters,
    sort: StatementSort,
    language: Language,
    page: PageRequest,
    now: datetime,
) -> tuple[Page[StatementSummary], datetime | None]:
    statement = _filtered(session, filters, now)
    sort_key = SORTS[sort]
    rows, next_cursor = fetch_keyset_page(
        session,
        statement,
        sort=sort_key,
        id_column=Statement.id,
        page=page,
        value_of=lambda s: s.updated_at if "updated_at" in sort else s.published_at,
        id_of=lambda s: s.id,
    )
    ids = [row.id for row in rows]
    translations: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        columns = select(
            StatementTranslation.statement_id,
            StatementTranslation.lang,
            StatementTranslation.slug,
            StatementTranslation.title,
            StatementTranslation.dateline,
            StatementTranslation.summary,
        ).where(StatementTranslation.statement_id.in_(ids))
        for text_row in session.execute(columns):
            translations[text_row.statement_id][text_row.lang] = text_row
    tags = _tags_by_statement(session, ids)
    items = []
    for row in rows:
        _, text, meta = _localized(translations[row.id], language, SUMMARY_FIELDS)
        items.append(
            StatementSummary.model_validate(
                {
                    **_core(row, tags[row.id]),
                    "slug": text.slug,
                    "title": text.title,
                    "summary": text.summary,
                    "dateline": Dateline(place=row.dateline_place_code, text=text.dateline),
                    **meta,
                }
            )
        )
    total = count_matching(session, statement) if page.include_total else None
    result = Page[StatementSummary](items=items, next_cursor=next_cursor, total=total)
    return result, max((row.updated_at for row in rows), default=None)


def seconds_until_next_go_live(session: Session, now: datetime) -> int | None:
    """How long the public list stays as it is, so caches never serve it past a go-live."""
    upcoming = session.scalar(
        select(func.min(Statement.published_at)).where(
            Statement.publication_status == PublicationStatus.PUBLISHED,
            Statement.published_at > now,
            Statement.deleted_at.is_(None),
        )
    )
    if upcoming is None:
        return None
    return max(0, int((upcoming - now).total_seconds()))


def get_statement(
    session: Session, *, id_or_slug: str, language: Language, now: datetime
) -> tuple[StatementDetail, datetime]:
    """By id, or by a slug in any language; without `?lang`, a slug picks its own language."""
    found = session.scalar(select(Statement).where(Statement.id == id_or_slug, is_public(now)))
    slug_lang: str | None = None
    if found is None:
        matches = session.execute(
            select(Statement, StatementTranslation.lang)
            .join(StatementTranslation)
            .where(StatementTranslation.slug == id_or_slug, is_public(now))
            .order_by(StatementTranslation.lang)
        ).all()
        if not matches:
            raise NotFound("No published statement has this id or slug.")
        preferred = next((m for m in matches if m[1] == language.requested), matches[0])
        found, slug_lang = preferred[0], preferred[1]
    if slug_lang is not None and not language.explicit:
        language = Language(requested=slug_lang, default=language.default, explicit=False)
    statement: Statement = found
    rows = session.scalars(
        select(StatementTranslation).where(StatementTranslation.statement_id == statement.id)
    ).all()
    translations = {row.lang: row for row in rows}
    _, text, meta = _localized(translations, language, DETAIL_FIELDS)
    tags = _tags_by_statement(session, [statement.id])[statement.id]
    detail = StatementDetail.model_validate(
        {
            **_core(statement, tags),
            "slug": text.slug,
            "title": text.title,
            "summary": text.summary,
            "dateline": Dateline(place=statement.dateline_place_code, text=text.dateline),
            "body": [Paragraph.model_validate(p) for p in text.body],
            "translations": [
                TranslationRef(lang=row.lang, slug=row.slug, title=row.title) for row in rows
            ],
            **meta,
        }
    )
    return detail, statement.updated_at


def latest_public_change(session: Session, now: datetime) -> datetime | None:
    return session.scalar(select(func.max(Statement.updated_at)).where(is_public(now)))
