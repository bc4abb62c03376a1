"""Reading statements: visibility, filters, keyset pages and language selection."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.pagination import (
    Page,
    PageRequest,
    SortKey,
    cut_page,
    datetime_sort_key,
    keyset_params,
)
from app.api.problems import NotFound, Withdrawn
from app.api.schemas import localize
from app.search import service as search_service
from app.statements import queries, working_copy
from app.statements.models import (
    ID_PREFIX,
    Statement,
    StatementRevision,
    StatementTranslation,
    StatementType,
    statement_topics,
)
from app.statements.queries import is_public
from app.statements.schemas import (
    Dateline,
    Paragraph,
    RevisionRead,
    StatementDetail,
    StatementListItem,
    StatementSort,
    TranslationRef,
)
from app.taxonomy import service as taxonomy_service
from app.taxonomy.models import Topic

# Cursor codecs per public sort name; the SQL for each order lives in queries.page().
SORTS: dict[str, SortKey] = {
    name: datetime_sort_key(name, getattr(Statement, name.lstrip("-")), name.startswith("-"))
    for name in ("-published_at", "published_at", "-updated_at", "updated_at")
}
# Relevance exists only with `q`; its SQL depends on the database (queries.relevance).
RELEVANCE = search_service.RELEVANCE
SUMMARY_FIELDS = ["slug", "title", "dateline", "summary"]
DETAIL_FIELDS = [*SUMMARY_FIELDS, "body"]

__all__ = ["SORTS", "StatementFilters", "get_statement", "is_public", "list_statements"]


@dataclass(frozen=True)
class StatementFilters:
    q: str | None = None
    types: list[StatementType] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    published_from: date | None = None
    published_to: date | None = None
    available_lang: str | None = None


def _shape_and_params(
    session: Session,
    filters: StatementFilters,
    sort: str,
    now: datetime,
    preview: bool,
    search: search_service.Search | None = None,
) -> tuple[queries.ListShape, dict[str, Any]]:
    """Validate filter values and split them into a query shape and its parameters."""
    params: dict[str, Any] = {"now": now}
    if search is not None:
        params.update(search.params)
    if filters.types:
        params["types"] = [t.value for t in filters.types]
    if filters.topics:
        taxonomy_service.require_known(session, Topic.slug, filters.topics, parameter="topic")
        params["topics"] = filters.topics
    if filters.places:
        params["places"] = taxonomy_service.known_place_codes(session, filters.places)
    if filters.terms:
        params["terms"] = taxonomy_service.known_term_codes(session, filters.terms)
    if filters.published_from is not None:
        params["published_from"] = datetime.combine(filters.published_from, time.min, tzinfo=UTC)
    if filters.published_to is not None:
        next_day = filters.published_to + timedelta(days=1)
        params["published_before"] = datetime.combine(next_day, time.min, tzinfo=UTC)
    if filters.available_lang is not None:
        params["available_lang"] = filters.available_lang
    shape = queries.ListShape(
        types="types" in params,
        topics="topics" in params,
        places="places" in params,
        terms="terms" in params,
        published_from="published_from" in params,
        published_to="published_before" in params,
        available_lang="available_lang" in params,
        q=search.shape if search is not None else None,
        sort=sort,
        preview=preview,
    )
    return shape, params


def _tags_by_statement(session: Session, ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """Places, topics and terms of many statements in one round trip."""
    tags: dict[str, dict[str, list[str]]] = {
        i: {"places": [], "topics": [], "terms": []} for i in ids
    }
    if ids:
        for statement_id, kind, code in session.execute(queries.TAGS, {"ids": ids}):
            tags[statement_id][kind].append(code)
    for entry in tags.values():
        for codes in entry.values():
            codes.sort()
    return tags


def _localized(
    translations: dict[str, Any], language: Language, fields: list[str]
) -> tuple[Any, dict[str, Any]]:
    found = localize(translations, language, fields)
    if found is None:  # a statement without any translation is never published
        raise NotFound("This statement has no translation.")
    return found


def _summary_fields(row: Any, text: Any, tags: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "type": row.type,
        "published_at": row.published_at,
        "updated_at": row.updated_at,
        "slug": text.slug,
        "title": text.title,
        "summary": text.summary,
        "dateline": Dateline(place=row.dateline_place_code, text=text.dateline),
        **tags,
    }


def list_statements(
    session: Session,
    *,
    filters: StatementFilters,
    sort: StatementSort | None,
    language: Language,
    page: PageRequest,
    now: datetime,
    preview: bool = False,
) -> tuple[Page[StatementListItem], datetime | None]:
    """A page of the list; with `q`, only matches, each with its score and snippet."""
    order = search_service.resolve_sort(sort, filters.q, default="-published_at")
    search = None if filters.q is None else search_service.prepare(session, filters.q, language)
    shape, params = _shape_and_params(session, filters, order, now, preview, search)
    base = queries.relevance(shape.q) if shape.q is not None and order == RELEVANCE else None
    sort_key = queries.sort_for(shape, base or SORTS[order])
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
        for text in session.execute(queries.SUMMARY_TEXTS, {"ids": ids}):
            texts[text.statement_id][text.lang] = text
    if preview:  # editors preview what a publisher would publish: the pending working copies
        working_copy.previewed_page(session, texts)
    tags = _tags_by_statement(session, ids)
    snippets = search.snippets(session, [row.doc_id for row in rows]) if search else {}
    items = []
    for row in rows:
        text, meta = _localized(texts[row.id], language, SUMMARY_FIELDS)
        relevance = {"score": row.score, "snippet": snippets.get(row.doc_id)} if search else {}
        fields = {**_summary_fields(row, text, tags[row.id]), **meta, **relevance}
        items.append(StatementListItem.model_validate(fields))
    total = session.scalar(queries.count(shape), params) if page.include_total else None
    result = Page[StatementListItem](items=items, next_cursor=next_cursor, total=total)
    return result, max((row.updated_at for row in rows), default=None)


def next_go_live(session: Session, now: datetime) -> datetime | None:
    """When the next scheduled statement appears: no cache may serve a list past it."""
    upcoming: datetime | None = session.scalar(queries.NEXT_GO_LIVE, {"now": now})
    return upcoming


def _find_public(
    session: Session, id_or_slug: str, preferred_lang: str, now: datetime, preview: bool = False
) -> tuple[Any, str | None]:
    """The public statement's row, and the language of the slug it was found by (if any)."""
    candidates = [(id_or_slug, None)]
    if not id_or_slug.startswith(f"{ID_PREFIX}_"):  # slugs never contain "_", ids always do
        found = session.execute(queries.BY_SLUG, {"slug": id_or_slug}).all()
        if not found:
            found = session.execute(queries.BY_FORMER_SLUG, {"slug": id_or_slug}).all()
        matches = sorted(found, key=lambda m: m.lang != preferred_lang)
        candidates = [(m.statement_id, m.lang) for m in matches]
    for candidate, slug_lang in candidates:
        # Rows of ad-hoc column selects: their attributes are the selected column names.
        row: Any = session.execute(queries.BY_ID[preview], {"id": candidate, "now": now}).first()
        if row is not None:
            return row, slug_lang
    for candidate, slug_lang in candidates:
        withdrawn = session.execute(queries.WITHDRAWN_BY_ID, {"id": candidate}).first()
        if withdrawn is not None:
            titles: dict[str, str] = dict(session.execute(queries.TITLES, {"id": candidate}).all())
            title = titles.get(slug_lang or preferred_lang) or next(
                (titles[lang] for lang in sorted(titles)), None
            )
            raise Withdrawn.of(
                withdrawn_at=withdrawn.withdrawn_at, note=withdrawn.withdrawal_note, title=title
            )
    raise NotFound("No published statement has this id or slug.")


def public_statement_id(
    session: Session, *, id_or_slug: str, now: datetime, preview: bool = False
) -> str:
    """The id of the public statement with this id or slug; 404 otherwise."""
    row, _ = _find_public(session, id_or_slug, "", now, preview)
    return str(row.id)


def get_statement(
    session: Session,
    *,
    id_or_slug: str,
    language: Language,
    now: datetime,
    preview: bool = False,
) -> tuple[StatementDetail, datetime]:
    """By id, or by a slug in any language; without `?lang`, a slug picks its own language."""
    row, slug_lang = _find_public(session, id_or_slug, language.requested, now, preview)
    if slug_lang is not None and not language.explicit:
        language = language.led_by(slug_lang)
    translations: dict[str, StatementTranslation] = {
        t.lang: t for t in session.scalars(queries.FULL_TEXTS, {"id": row.id})
    }
    if preview:  # editors preview what a publisher would publish: the pending working copy
        translations = working_copy.previewed_texts(session, row.id, translations)
    tags = _tags_by_statement(session, [row.id])[row.id]
    return _detail(row, translations, tags, language), row.updated_at


def _detail(
    row: Any, translations: dict[str, Any], tags: dict[str, list[str]], language: Language
) -> StatementDetail:
    """The public item (GET /v1/statements/{id}), for the item route and the export alike."""
    text, meta = _localized(translations, language, DETAIL_FIELDS)
    return StatementDetail.model_validate(
        {
            **_summary_fields(row, text, tags),
            "body": [Paragraph.model_validate(p) for p in text.body],
            "translations": {
                t.lang: TranslationRef(slug=t.slug, title=t.title) for t in translations.values()
            },
            **meta,
        }
    )


@dataclass(frozen=True)
class Exported:
    """One public statement of an export batch: its texts by language, ready to render."""

    id: str
    version: int
    row: Any
    translations: dict[str, Any]
    tags: dict[str, list[str]]

    def render(self, language: Language) -> StatementDetail:
        return _detail(self.row, self.translations, self.tags, language)


def export_batch(
    session: Session, *, after: str, limit: int, now: datetime, lang: str | None
) -> list[Exported]:
    """The next `limit` public statements by id after `after` (with `lang`, only those
    translated into it), texts and tags included: three queries per batch, whatever its size."""
    rows = session.execute(
        queries.EXPORT_PAGE[lang is not None],
        {"after": after, "limit": limit, "now": now, "available_lang": lang},
    ).all()
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.scalars(queries.FULL_TEXTS_OF, {"ids": ids}):
            texts[text.statement_id][text.lang] = text
    tags = _tags_by_statement(session, ids)
    return [Exported(row.id, row.version, row, texts[row.id], tags[row.id]) for row in rows]


def public_slugs(
    session: Session, ids: list[str], now: datetime, preview: bool = False
) -> dict[str, dict[str, str]]:
    """`{statement id: {lang: slug}}` for those of `ids` that are public: one query."""
    slugs: dict[str, dict[str, str]] = defaultdict(dict)
    if ids:
        for statement_id, lang, slug in session.execute(
            queries.SLUGS[preview], {"ids": ids, "now": now}
        ):
            slugs[statement_id][lang] = slug
    return dict(slugs)


def revisions(session: Session, *, id_or_slug: str, now: datetime) -> tuple[list[Any], datetime]:
    """The public corrections history of a published statement, oldest first."""
    row, _ = _find_public(session, id_or_slug, "", now)
    rows = session.scalars(
        select(StatementRevision)
        .where(StatementRevision.statement_id == row.id)
        .order_by(StatementRevision.version)
    ).all()
    return [RevisionRead.model_validate(r) for r in rows], row.updated_at


def public_ids(session: Session, ids: list[str], now: datetime) -> set[str]:
    """Those of `ids` the public may see now (one query; none for an empty list)."""
    if not ids:
        return set()
    return set(session.scalars(queries.PUBLIC_IDS, {"ids": ids, "now": now}))


def is_public_at(session: Session, statement_id: str, when: datetime) -> bool:
    """Whether the statement, as it stands, is public at `when` (now or a future go-live)."""
    found = session.scalar(
        select(Statement.id).where(Statement.id == statement_id, is_public(when))
    )
    return found is not None


def paragraphs(session: Session, statement_id: str) -> dict[str, dict[str, str]] | None:
    """`{lang: {anchor: text}}` of a statement (any state but deleted), or None if none."""
    exists_ = session.scalar(
        select(Statement.id).where(Statement.id == statement_id, Statement.deleted_at.is_(None))
    )
    if exists_ is None:
        return None
    rows = session.execute(
        select(StatementTranslation.lang, StatementTranslation.body).where(
            StatementTranslation.statement_id == statement_id
        )
    )
    return {lang: {p["anchor"]: p["text"] for p in body} for lang, body in rows}


def topic_in_use(session: Session, slug: str) -> bool:
    """Whether any statement (in any state) is tagged with the topic."""
    return (
        session.scalar(
            select(statement_topics.c.statement_id).where(statement_topics.c.topic_slug == slug)
        )
        is not None
    )


def bodies(session: Session, ids: list[str], lang: str) -> dict[str, list[Paragraph]]:
    """The body paragraphs in `lang` of statements the caller already found public (one
    query): what a feed of a page of the list carries beside each summary."""
    if not ids:
        return {}
    rows = session.execute(
        select(StatementTranslation.statement_id, StatementTranslation.body).where(
            StatementTranslation.statement_id.in_(ids), StatementTranslation.lang == lang
        )
    )
    return {row.statement_id: [Paragraph.model_validate(p) for p in row.body] for row in rows}
