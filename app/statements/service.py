"""Reading statements: visibility, filters, keyset pages and language selection."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.api.facets import FacetedPage, facet_values
from app.api.language import Language
from app.api.pagination import (
    PageRequest,
    SortKey,
    datetime_sort_key,
    read_page,
)
from app.api.problems import NotFound, Withdrawn
from app.api.schemas import Label, label_of, localize
from app.search import service as search_service
from app.statements import queries, shapes, working_copy
from app.statements.facets import STATEMENT_FACETS
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
    Paragraph,
    RevisionRead,
    StatementDetail,
    StatementListItem,
    StatementSort,
    TranslationRef,
)
from app.taxonomy import service as taxonomy_service
from app.taxonomy.models import Topic
from app.taxonomy.service import TagNames

# Cursor codecs per public sort name; the SQL for each order lives in queries.page().
SORTS: dict[str, SortKey] = {
    name: datetime_sort_key(name, getattr(Statement, name.lstrip("-")), name.startswith("-"))
    for name in ("-published_at", "published_at", "-updated_at", "updated_at")
}
# Relevance exists only with `q`; its SQL depends on the database (queries.relevance).
RELEVANCE = search_service.RELEVANCE

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


def list_statements(
    session: Session,
    *,
    filters: StatementFilters,
    sort: StatementSort | None,
    language: Language,
    page: PageRequest,
    now: datetime,
    preview: bool = False,
    full: bool = False,
    facets: Sequence[str] = (),
) -> tuple[FacetedPage[StatementListItem] | FacetedPage[StatementDetail], datetime | None]:
    """A page of statements in their list shape, or (`full`) each as its item route serves it
    (bodies and translations included, still a fixed number of queries per page), with the
    `facets` asked for counted under the same filters. With `q`, only matches, each list item
    with its score and snippet."""
    order = search_service.resolve_sort(sort, filters.q, default="-published_at")
    search = None if filters.q is None else search_service.prepare(session, filters.q, language)
    shape, params = _shape_and_params(session, filters, order, now, preview, search)
    base = queries.relevance(shape.q) if shape.q is not None and order == RELEVANCE else None
    sort_key = queries.sort_for(shape, base or SORTS[order])
    template = queries.page(shape, sort_key, after=page.cursor is not None)
    rows, next_cursor = read_page(session, template, params, page=page, sort=sort_key)
    ids = [row.id for row in rows]
    tags = shapes.tags_by_statement(session, ids)
    names = shapes.names_for(session, rows, tags)
    items: list[Any] = []
    if full:
        texts = shapes.full_texts(session, ids, preview)
        items = [shapes.detail(row, texts[row.id], tags[row.id], names, language) for row in rows]
    else:
        texts = defaultdict(dict)
        if ids:
            for text in session.execute(queries.SUMMARY_TEXTS, {"ids": ids}):
                texts[text.statement_id][text.lang] = text
        if preview:  # editors preview what a publisher would publish: the working copies
            working_copy.previewed_page(session, texts)
        snippets = search.snippets(session, [row.doc_id for row in rows]) if search else {}
        for row in rows:
            text, meta = localize(texts[row.id], language, shapes.SUMMARY_FIELDS)
            fields = shapes.summary_fields(row, text, tags[row.id], names, language)
            relevance = {"score": row.score, "snippet": snippets.get(row.doc_id)} if search else {}
            items.append(StatementListItem.model_validate({**fields, **meta, **relevance}))
    total = session.scalar(queries.count(shape), params) if page.include_total else None
    counted = None
    if facets:
        counted = facet_values(
            session, STATEMENT_FACETS, facets, shape=shape, params=params, language=language
        )
    # The page's item type is what serializes: a full page must be declared one of details.
    result = (FacetedPage[StatementDetail] if full else FacetedPage[StatementListItem])(
        items=items, next_cursor=next_cursor, total=total, facets=counted
    )
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
    tags = shapes.tags_by_statement(session, [row.id])
    names = shapes.names_for(session, [row], tags)
    return shapes.detail(row, translations, tags[row.id], names, language), row.updated_at


@dataclass(frozen=True)
class Exported:
    """One public statement of an export batch: its texts by language, ready to render."""

    id: str
    version: int
    row: Any
    translations: dict[str, Any]
    tags: dict[str, list[str]]
    names: TagNames  # of the whole batch: labels cost no query per item or language

    def render(self, language: Language) -> StatementDetail:
        return shapes.detail(self.row, self.translations, self.tags, self.names, language)


def export_batch(
    session: Session, *, after: str, limit: int, now: datetime, lang: str | None
) -> list[Exported]:
    """The next `limit` public statements by id after `after` (with `lang`, only those
    translated into it), texts, tags and their names included: at most six queries per batch,
    whatever its size."""
    rows = session.execute(
        queries.EXPORT_PAGE[lang is not None],
        {"after": after, "limit": limit, "now": now, "available_lang": lang},
    ).all()
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.scalars(queries.FULL_TEXTS_OF, {"ids": ids}):
            texts[text.statement_id][text.lang] = text
    tags = shapes.tags_by_statement(session, ids)
    names = shapes.names_for(session, list(rows), tags)
    return [Exported(row.id, row.version, row, texts[row.id], tags[row.id], names) for row in rows]


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


def public_ids_query() -> Any:
    """SQL selecting the ids of the statements public at the bound parameter `now`."""
    return select(Statement.id).where(is_public(bindparam("now")))


def titles(session: Session, ids: Sequence[str], language: Language) -> dict[str, Label]:
    """`{id: (title, fell back)}` of statements the caller already found public: one query."""
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    if ids:
        rows = session.execute(
            select(
                StatementTranslation.statement_id,
                StatementTranslation.lang,
                StatementTranslation.title,
            ).where(StatementTranslation.statement_id.in_(ids))
        )
        for statement_id, lang, title in rows:
            texts[statement_id][lang] = title
    labels = {statement_id: label_of(by_lang, language) for statement_id, by_lang in texts.items()}
    return {statement_id: label for statement_id, label in labels.items() if label is not None}


def translation_refs(
    session: Session, ids: list[str], now: datetime, preview: bool = False
) -> dict[str, dict[str, TranslationRef]]:
    """`{statement id: {lang: slug and title}}` for those of `ids` the public may see now (any
    but deleted with `preview`): one query, none for an empty list. A hidden one is absent."""
    found: dict[str, dict[str, TranslationRef]] = defaultdict(dict)
    if ids:
        for row in session.execute(queries.TRANSLATION_REFS[preview], {"ids": ids, "now": now}):
            found[row.id][row.lang] = TranslationRef(slug=row.slug, title=row.title)
    return dict(found)


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
