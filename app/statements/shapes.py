"""Statements as the public sees them: tags and their labels, the list item and the full item,
built from rows and texts the caller fetched a page (or a batch) at a time."""

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.schemas import localize
from app.statements import queries, working_copy
from app.statements.schemas import Dateline, Paragraph, StatementDetail, TranslationRef
from app.taxonomy import service as taxonomy_service
from app.taxonomy.service import TagNames

SUMMARY_FIELDS = ["slug", "title", "dateline", "summary"]
DETAIL_FIELDS = [*SUMMARY_FIELDS, "body"]


def tags_by_statement(session: Session, ids: list[str]) -> dict[str, dict[str, list[str]]]:
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


def names_for(session: Session, rows: list[Any], tags: dict[str, dict[str, list[str]]]) -> TagNames:
    """The names of every code a page (or batch) of statements carries: at most three queries."""
    every: dict[str, list[str]] = {"places": [], "topics": [], "terms": []}
    for entry in tags.values():
        for kind, codes in entry.items():
            every[kind] += codes
    every["places"] += [row.dateline_place_code for row in rows if row.dateline_place_code]
    return taxonomy_service.tag_names(session, **every)


def summary_fields(
    row: Any, text: Any, tags: dict[str, list[str]], names: TagNames, language: Language
) -> dict[str, Any]:
    labels = taxonomy_service.tag_labels(names, tags, language, row.dateline_place_code)
    place = row.dateline_place_code
    return {
        "id": row.id,
        "type": row.type,
        "published_at": row.published_at,
        "updated_at": row.updated_at,
        "slug": text.slug,
        "title": text.title,
        "summary": text.summary,
        "dateline": Dateline(
            place=place, text=text.dateline, label=labels.places[place].label if place else None
        ),
        **tags,
        "labels": labels,
    }


def full_texts(session: Session, ids: list[str], preview: bool) -> dict[str, dict[str, Any]]:
    """Every translation of many statements, whole: one query (a preview adds one per item
    with a pending working copy, for editors only)."""
    texts: dict[str, dict[str, Any]] = defaultdict(dict)
    if ids:
        for text in session.scalars(queries.FULL_TEXTS_OF, {"ids": ids}):
            texts[text.statement_id][text.lang] = text
    if preview:
        for statement_id in ids:
            texts[statement_id] = working_copy.previewed_texts(
                session, statement_id, texts[statement_id]
            )
    return texts


def detail(
    row: Any,
    translations: dict[str, Any],
    tags: dict[str, list[str]],
    names: TagNames,
    language: Language,
) -> StatementDetail:
    """The public item (GET /v1/statements/{id}), for the item route and the export alike."""
    text, meta = localize(translations, language, DETAIL_FIELDS)
    return StatementDetail.model_validate(
        {
            **summary_fields(row, text, tags, names, language),
            "body": [Paragraph.model_validate(p) for p in text.body],
            "translations": {
                t.lang: TranslationRef(slug=t.slug, title=t.title) for t in translations.values()
            },
            **meta,
        }
    )
