"""The content of a statement as editors write it: translations with stable paragraph anchors,
taxonomy links checked against the catalogues, and the editorial representation."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.api.problems import Conflict, FieldError, InvalidParameters
from app.publication import PublicationStatus
from app.statements.models import (
    FormerSlug,
    SlugClaim,
    SlugTaken,
    Statement,
    StatementTranslation,
    statement_places,
    statement_terms,
    statement_topics,
)
from app.statements.schemas import (
    DatelinePlace,
    EditorialTranslation,
    Paragraph,
    StatementCreate,
    StatementEditorial,
    StatementUpdate,
    TranslationIn,
)
from app.taxonomy import service as taxonomy
from app.taxonomy.models import Topic

LINKS = (
    ("places", statement_places, "place_code"),
    ("topics", statement_topics, "topic_slug"),
    ("terms", statement_terms, "term_code"),
)


def links(session: Session, statement_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, table, column in LINKS:
        found[field] = sorted(
            session.scalars(select(table.c[column]).where(table.c.statement_id == statement_id))
        )
    return found


def editorial(session: Session, statement: Statement, now: datetime) -> StatementEditorial:
    """The editorial representation without the pending working copy (`working_copy`)."""
    translations = session.scalars(
        select(StatementTranslation).where(StatementTranslation.statement_id == statement.id)
    ).all()
    return StatementEditorial(
        id=statement.id,
        version=statement.version,
        type=statement.type,
        publication_status=statement.publication_status.value,
        published_at=statement.published_at,
        scheduled=statement.publication_status is PublicationStatus.PUBLISHED
        and statement.published_at is not None
        and statement.published_at > now,
        withdrawn_at=statement.withdrawn_at,
        withdrawal_note=statement.withdrawal_note,
        deleted_at=statement.deleted_at,
        dateline=DatelinePlace(place=statement.dateline_place_code),
        translations={
            t.lang: EditorialTranslation(
                slug=t.slug,
                title=t.title,
                dateline=t.dateline,
                summary=t.summary,
                body=[Paragraph.model_validate(p) for p in t.body],
            )
            for t in translations
        },
        created_at=statement.created_at,
        updated_at=statement.updated_at,
        **links(session, statement.id),
    )


def check_codes(session: Session, data: StatementCreate | StatementUpdate) -> dict[str, Any]:
    """Validated link codes (422 for unknown ones); only the fields the request gave."""
    links: dict[str, list[str]] = {}
    at = taxonomy.item_pointers
    if data.places is not None:
        places = data.places
        links["places"] = taxonomy.known_place_codes(
            session, places, pointers=at("#/places", len(places))
        )
    if data.topics is not None:
        topics = data.topics
        taxonomy.require_known(session, Topic.slug, topics, pointers=at("#/topics", len(topics)))
        links["topics"] = list(topics)
    if data.terms is not None:
        terms = data.terms
        links["terms"] = taxonomy.known_term_codes(
            session, terms, pointers=at("#/terms", len(terms))
        )
    if data.dateline is not None and data.dateline.place is not None:
        taxonomy.known_place_codes(session, [data.dateline.place], pointers=["#/dateline/place"])
    return links


def write_links(session: Session, statement_id: str, links: dict[str, list[str]]) -> None:
    for field, table, column in LINKS:
        if field not in links:
            continue
        session.execute(delete(table).where(table.c.statement_id == statement_id))
        rows = [
            {"statement_id": statement_id, column: code} for code in dict.fromkeys(links[field])
        ]
        if rows:
            session.execute(insert(table), rows)


def body(text: TranslationIn, previous: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """Paragraphs with stable anchors: given ones are kept, new ones numbered past the rest."""
    taken = {p.anchor for p in text.body if p.anchor} | {p["anchor"] for p in previous or []}
    body, counter = [], 1
    for paragraph in text.body:
        anchor = paragraph.anchor
        while anchor is None:
            candidate = f"p-{counter}"
            counter += 1
            anchor = candidate if candidate not in taken else None
        taken.add(anchor)
        body.append({"anchor": anchor, "text": paragraph.text})
    if len({p["anchor"] for p in body}) != len(body):
        raise InvalidParameters(
            "Paragraph anchors must be unique.",
            errors=[FieldError(pointer="#/body", detail="Two paragraphs share an anchor.")],
        )
    return body


def slug_taken(lang: str, holder: str) -> Conflict:
    # Editor-facing: naming the holder (which may be a draft) is what lets them resolve it.
    return Conflict(
        f"The slug given in `{lang}` belongs to statement {holder} (slugs are unique across "
        "languages, and a statement keeps the slugs it used before). Choose another one."
    )


def write_translations(
    session: Session,
    statement_id: str,
    translations: dict[str, TranslationIn | None],
    now: datetime,
) -> None:
    """Write the translations in a savepoint: the slug claims (models.SlugClaim) settle a race
    with another writer taking the same slug, and the loser gets one 409 naming the winner."""
    session.flush()  # what came before stays out of the savepoint's fate
    try:
        with session.begin_nested():
            _write_translations(session, statement_id, translations, now)
    except SlugTaken as taken:
        lang = next((k for k, t in translations.items() if t and t.slug == taken.slug), "?")
        raise slug_taken(lang, taken.holder) from taken
    except IntegrityError as exc:
        for lang, text in translations.items():
            if text is None:
                continue
            holder = session.scalar(
                select(SlugClaim.statement_id).where(SlugClaim.slug == text.slug)
            )
            if holder is not None and holder != statement_id:
                raise slug_taken(lang, holder) from exc
        raise


def _write_translations(
    session: Session,
    statement_id: str,
    translations: dict[str, TranslationIn | None],
    now: datetime,
) -> None:
    existing = {
        t.lang: t
        for t in session.scalars(
            select(StatementTranslation).where(StatementTranslation.statement_id == statement_id)
        )
    }
    for lang, text in translations.items():
        if text is None:
            if lang in existing:
                session.delete(existing[lang])
            continue
        holder = session.scalar(select(SlugClaim.statement_id).where(SlugClaim.slug == text.slug))
        if holder is not None and holder != statement_id:
            raise slug_taken(lang, holder)
        values = {
            "slug": text.slug,
            "title": text.title,
            "dateline": text.dateline,
            "summary": text.summary,
            "body": body(text, existing[lang].body if lang in existing else None),
        }
        if lang in existing:
            previous_slug = existing[lang].slug
            if (
                previous_slug != text.slug
                and session.get(FormerSlug, (lang, previous_slug)) is None
            ):
                session.add(
                    FormerSlug(
                        lang=lang, slug=previous_slug, statement_id=statement_id, retired_at=now
                    )
                )
            for name, value in values.items():
                setattr(existing[lang], name, value)
        else:
            session.add(StatementTranslation(statement_id=statement_id, lang=lang, **values))
    session.flush()
    if not session.scalar(
        select(StatementTranslation.lang).where(StatementTranslation.statement_id == statement_id)
    ):
        raise InvalidParameters(
            "A statement needs at least one translation.",
            errors=[FieldError(pointer="#/translations", detail="Keep at least one language.")],
        )
