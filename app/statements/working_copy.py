"""Pending working copies of live statements (writing is not publishing, `app/pending.py`).

A key without `content:publish` that edits a live statement (public, scheduled, or withdrawn
after being public) edits this copy instead: the public keeps the published version, the
editorial version moves (so `If-Match` still settles races), an audit row is left, and nothing
is logged for partners. `publish` applies the copy; `discard` throws it away.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pending
from app.api.translations import merge_translations
from app.statements import drafting
from app.statements.models import SlugClaim, Statement, StatementTranslation
from app.statements.schemas import StatementEditorial, StatementUpdate, TranslationIn

RESOURCE = "statement"
CONTENT_FIELDS = ("type", "dateline", "places", "topics", "terms", "translations")


def held(session: Session, statement: Statement) -> dict[str, Any] | None:
    return pending.get(session, RESOURCE, statement.id)


def edit(
    session: Session, statement: Statement, data: StatementUpdate, *, key_id: str, now: datetime
) -> None:
    """Merge the PATCH onto the working copy, checked as it would be when applied (unknown
    codes 422, slugs held by another statement 409, no language left 422)."""
    drafting.check_codes(session, data)
    merged = pending.merge_patch(held(session, statement) or {}, pending.as_patch(data))
    if merged.get("translations") is not None:
        languages = session.scalars(
            select(StatementTranslation.lang).where(
                StatementTranslation.statement_id == statement.id
            )
        ).all()
        merge_translations(
            {lang: lang for lang in languages}, merged["translations"], pointer="#/translations"
        )
        for lang, text in merged["translations"].items():
            if text is None:
                continue
            holder = session.scalar(
                select(SlugClaim.statement_id).where(SlugClaim.slug == text["slug"])
            )
            if holder is not None and holder != statement.id:
                raise drafting.slug_taken(lang, holder)
    # The version first: its UPDATE checks the version read and locks the row, so of two
    # editors holding one ETag the second gets its 412 before it touches the copy.
    pending.new_editorial_version(session, statement)
    pending.put(session, RESOURCE, statement.id, pending.as_patch(data), key_id=key_id, now=now)


def take(session: Session, statement: Statement) -> StatementUpdate | None:
    return pending.take(session, RESOURCE, statement.id, StatementUpdate)


def take_with(session: Session, statement: Statement, data: StatementUpdate) -> StatementUpdate:
    return pending.take_with(session, RESOURCE, statement.id, data)


def discard(session: Session, statement: Statement) -> None:
    pending.discard(session, RESOURCE, statement.id, statement)


def with_pending(session: Session, model: StatementEditorial) -> StatementEditorial:
    """The editorial representation plus the working copy and what it would change."""
    return pending.with_pending(session, RESOURCE, model.id, model, CONTENT_FIELDS)


@dataclass(frozen=True)
class PreviewText:
    """A translation as the working copy would publish it (read like the stored rows)."""

    lang: str
    slug: str
    title: str
    dateline: str | None
    summary: str
    body: list[dict[str, str]]


def previewed_texts(
    session: Session, statement_id: str, texts: dict[str, Any], patch: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What `?preview=true` reads: the working copy's translations over the live ones (`patch`:
    the copy if already read, e.g. for a whole page with `pending.get_many`)."""
    if patch is None:
        patch = pending.get(session, RESOURCE, statement_id) or {}
    if patch.get("translations") is None:
        return texts
    result = dict(texts)
    for lang, given in patch["translations"].items():
        if given is None:
            result.pop(lang, None)
            continue
        text = TranslationIn.model_validate(given)
        previous = texts[lang].body if lang in texts and hasattr(texts[lang], "body") else None
        result[lang] = PreviewText(
            lang=lang,
            slug=text.slug,
            title=text.title,
            dateline=text.dateline,
            summary=text.summary,
            body=drafting.body(text, previous),
        )
    return result


def previewed_page(session: Session, texts: dict[str, dict[str, Any]]) -> None:
    """A preview list's texts (by statement id), the working copies' over the live ones."""
    for statement_id, patch in pending.get_many(session, RESOURCE, list(texts)).items():
        texts[statement_id] = previewed_texts(session, statement_id, texts[statement_id], patch)
