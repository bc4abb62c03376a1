"""Pending working copies of live commitments (writing is not publishing, `app/pending.py`).

The statements' twin: a key without `content:publish` that edits a live commitment (public,
scheduled, or withdrawn after being public) edits this copy; `publish` applies it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app import pending
from app.api.translations import merge_translations
from app.commitments import drafting
from app.commitments.models import Commitment
from app.commitments.write_schemas import CommitmentEditorial, CommitmentUpdate, SourceIn

RESOURCE = "commitment"
CONTENT_FIELDS = (
    "kinds",
    "actors",
    "places",
    "terms",
    "due_on",
    "due_precision",
    "source",
    "translations",
    "indicators",
    "resources",
)


def held(session: Session, commitment: Commitment) -> dict[str, Any] | None:
    return pending.get(session, RESOURCE, commitment.id)


def edit(
    session: Session, commitment: Commitment, data: CommitmentUpdate, *, key_id: str, now: datetime
) -> None:
    """Merge the PATCH onto the working copy, checked as far as it can be before it applies
    (unknown codes and actors 422, sources and quotes, dates, no language left 422)."""
    drafting.links(session, data)
    given = data.model_fields_set
    if "source" in given or "translations" in given:
        source = data.source or SourceIn(
            statement_id=commitment.source_statement_id, anchor=commitment.source_anchor
        )
        drafting.check_source(session, source, dict(data.translations or {}))
    if "due_on" in given:
        drafting.check_dates(commitment.made_on, data.due_on)
    merged = pending.merge_patch(held(session, commitment) or {}, pending.as_patch(data))
    if merged.get("translations") is not None:
        current = {lang: lang for lang in drafting.languages(session, commitment.id)}
        merge_translations(current, merged["translations"], pointer="#/translations")
    # The version first: its UPDATE checks the version read and locks the row, so of two
    # editors holding one ETag the second gets its 412 before it touches the copy.
    pending.new_editorial_version(session, commitment)
    pending.put(session, RESOURCE, commitment.id, pending.as_patch(data), key_id=key_id, now=now)


def take(session: Session, commitment: Commitment) -> CommitmentUpdate | None:
    return pending.take(session, RESOURCE, commitment.id, CommitmentUpdate)


def take_with(session: Session, commitment: Commitment, data: CommitmentUpdate) -> CommitmentUpdate:
    return pending.take_with(session, RESOURCE, commitment.id, data)


def discard(session: Session, commitment: Commitment) -> None:
    pending.discard(session, RESOURCE, commitment.id, commitment)


def with_pending(session: Session, model: CommitmentEditorial) -> CommitmentEditorial:
    """The editorial representation plus the working copy and what it would change."""
    return pending.with_pending(session, RESOURCE, model.id, model, CONTENT_FIELDS)


@dataclass(frozen=True)
class PreviewText:
    """A text as the working copy would publish it (read like the stored rows)."""

    lang: str
    title: str
    summary: str
    text: str
    quote: str | None


def previewed_texts(session: Session, commitment_id: str, texts: dict[str, Any]) -> dict[str, Any]:
    """What `?preview=true` reads: the working copy's texts over the live ones."""
    patch = pending.get(session, RESOURCE, commitment_id) or {}
    if patch.get("translations") is None:
        return texts
    result = dict(texts)
    for lang, given in patch["translations"].items():
        if given is None:
            result.pop(lang, None)
        else:
            result[lang] = PreviewText(
                lang=lang,
                quote=given.get("quote"),
                **{name: given[name] for name in ("title", "summary", "text")},
            )
    return result
