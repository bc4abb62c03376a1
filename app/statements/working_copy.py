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
from app.api.problems import Conflict
from app.api.translations import merge_translations
from app.statements import drafting
from app.statements.models import SlugClaim, Statement, StatementTranslation
from app.statements.schemas import StatementEditorial, StatementUpdate, TranslationIn

RESOURCE = "statement"
CONTENT_FIELDS = ("type", "dateline_place", "places", "topics", "terms", "translations")


def held(session: Session, statement: Statement) -> dict[str, Any] | None:
    return pending.get(session, RESOURCE, statement.id)


def as_patch(data: StatementUpdate) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_unset=True)


def edit(
    session: Session, statement: Statement, data: StatementUpdate, *, key_id: str, now: datetime
) -> None:
    """Merge the PATCH onto the working copy, checked as it would be when applied (unknown
    codes 422, slugs held by another statement 409, no language left 422)."""
    drafting.check_codes(session, data)
    merged = pending.merge_patch(held(session, statement) or {}, as_patch(data))
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
    pending.put(session, RESOURCE, statement.id, as_patch(data), key_id=key_id, now=now)


def take(session: Session, statement: Statement) -> StatementUpdate | None:
    """Remove the working copy and return it as one update, to be applied."""
    patch = pending.drop(session, RESOURCE, statement.id)
    return None if patch is None else StatementUpdate.model_validate(patch)


def take_with(session: Session, statement: Statement, data: StatementUpdate) -> StatementUpdate:
    """The working copy (removed) with `data` merged onto it: what a publisher's PATCH
    applies. It sent the ETag of the version that showed the copy, so it saw what it
    publishes (as Wagtail publishes the latest draft revision, everyone's edits included)."""
    patch = pending.drop(session, RESOURCE, statement.id)
    if patch is None:
        return data
    return StatementUpdate.model_validate(pending.merge_patch(patch, as_patch(data)))


def discard(session: Session, statement: Statement) -> None:
    if pending.get(session, RESOURCE, statement.id) is None:
        raise Conflict("This statement has no pending working copy to discard.")
    pending.new_editorial_version(session, statement)  # first: settles a race (see `edit`)
    pending.drop(session, RESOURCE, statement.id)


def with_pending(session: Session, model: StatementEditorial) -> StatementEditorial:
    """The editorial representation plus the working copy and what it would change."""
    patch = pending.get(session, RESOURCE, model.id)
    if patch is None:
        return model
    live = {k: v for k, v in model.model_dump(mode="json").items() if k in CONTENT_FIELDS}
    copy = pending.overlay(live, patch)
    return model.model_copy(
        update={"pending": copy, "pending_changes": pending.differences(live, copy)}
    )


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
