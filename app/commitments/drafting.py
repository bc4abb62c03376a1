"""The content of a commitment as editors write it: provenance checked against the cited
paragraph, links to actors and taxonomies, translations, and the editorial representation."""

from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.api.problems import Conflict, FieldError, InvalidParameters
from app.api.translations import merge_translations
from app.commitments.models import (
    ActorRole,
    Commitment,
    CommitmentKind,
    CommitmentTranslation,
    commitment_actors,
    commitment_kinds,
    commitment_places,
    commitment_terms,
)
from app.commitments.schemas import Resources
from app.commitments.write_schemas import (
    CommitmentCreate,
    CommitmentEditorial,
    CommitmentTextIn,
    CommitmentUpdate,
    EditorialActor,
    EditorialIndicator,
    EditorialSource,
    EditorialText,
    SourceIn,
)
from app.statements import service as statements_service
from app.taxonomy import service as taxonomy


def invalid(pointer: str, detail: str) -> InvalidParameters:
    return InvalidParameters(detail, errors=[FieldError(pointer=pointer, detail=detail)])


def check_source(
    session: Session, source: SourceIn, translations: dict[str, CommitmentTextIn | None]
) -> None:
    if source.statement_id is None:
        if source.anchor is not None:
            raise invalid("#/source/anchor", "An anchor needs the statement it belongs to.")
        return
    paragraphs = statements_service.paragraphs(session, source.statement_id)
    if paragraphs is None:
        raise invalid("#/source/statement_id", "No statement has this id.")
    if source.anchor is None:
        return
    by_lang = {lang: body.get(source.anchor) for lang, body in paragraphs.items()}
    if not any(by_lang.values()):
        raise invalid("#/source/anchor", "The statement has no paragraph with this anchor.")
    for lang, text in translations.items():
        if text is None or text.quote is None:
            continue
        paragraph = by_lang.get(lang)
        if paragraph is None or text.quote not in paragraph:
            raise invalid(
                f"#/translations/{lang}/quote",
                "The quote is not found verbatim in the cited paragraph in this language.",
            )


def check_dates(made_on: date, due_on: date | None) -> None:
    """A commitment cannot fall due before it was made."""
    if due_on is not None and due_on < made_on:
        raise invalid("#/due_on", "The due date cannot be before the day the commitment was made.")


def _citation_holds(
    anchor: str, quotes: dict[str, str | None], paragraphs: dict[str, dict[str, str]]
) -> bool:
    """The rule `check_source` applies on the way in: the anchor exists in some language, and
    each language's quote stands verbatim in that language's paragraph."""
    by_lang = {lang: body.get(anchor) for lang, body in paragraphs.items()}
    if not any(by_lang.values()):
        return False
    for lang, quote in quotes.items():
        paragraph = by_lang.get(lang)
        if quote is not None and (paragraph is None or quote not in paragraph):
            return False
    return True


def refuse_orphaned_citations(
    session: Session, statement_id: str, paragraphs: dict[str, dict[str, str]]
) -> None:
    """A 409 naming every commitment (not deleted, in any state) whose citation of the
    statement would no longer hold with these paragraphs (`{lang: {anchor: text}}`)."""
    citing = session.execute(
        select(Commitment.id, Commitment.code, Commitment.source_anchor).where(
            Commitment.source_statement_id == statement_id,
            Commitment.source_anchor.is_not(None),
            Commitment.deleted_at.is_(None),
        )
    ).all()
    if not citing:
        return
    quotes: dict[str, dict[str, str | None]] = {row.id: {} for row in citing}
    for commitment_id, lang, quote in session.execute(
        select(
            CommitmentTranslation.commitment_id,
            CommitmentTranslation.lang,
            CommitmentTranslation.quote,
        ).where(CommitmentTranslation.commitment_id.in_(list(quotes)))
    ):
        quotes[commitment_id][lang] = quote
    orphaned = sorted(
        (row.code, row.id, row.source_anchor)
        for row in citing
        if not _citation_holds(row.source_anchor, quotes[row.id], paragraphs)
    )
    if orphaned:
        named = ", ".join(f"{code} ({cid}, paragraph `{anchor}`)" for code, cid, anchor in orphaned)
        raise Conflict(
            "This change would remove or reword paragraphs that commitments cite, so their "
            f"quotes would no longer stand: {named}. Change those commitments' source first."
        )


def refuse_citing_commitments(session: Session, statement_id: str) -> None:
    """A 409 naming every commitment (not deleted, in any state) whose source is the
    statement: deleting it would leave them citing nothing."""
    citing = session.execute(
        select(Commitment.code, Commitment.id)
        .where(
            Commitment.source_statement_id == statement_id,
            Commitment.deleted_at.is_(None),
        )
        .order_by(Commitment.code)
    ).all()
    if citing:
        named = ", ".join(f"{code} ({cid})" for code, cid in citing)
        raise Conflict(
            f"Commitments cite this statement as their source: {named}. Change their source "
            "(or delete them) first."
        )


def links(session: Session, data: CommitmentCreate | CommitmentUpdate) -> dict[str, Any]:
    links: dict[str, Any] = {}
    at = taxonomy.item_pointers
    if data.places is not None:
        places = data.places
        links["places"] = taxonomy.known_place_codes(
            session, places, pointers=at("#/places", len(places))
        )
    if data.terms is not None:
        terms = data.terms
        links["terms"] = taxonomy.known_term_codes(
            session, terms, pointers=at("#/terms", len(terms))
        )
    if data.kinds is not None:
        links["kinds"] = [k.value for k in data.kinds]
    if data.actors is not None:
        keys = [a.id for a in data.actors]
        ids = dict(
            zip(
                keys,
                actors_service.resolve_keys(
                    session, keys, pointer=[f"#/actors/{i}/id" for i in range(len(keys))]
                ),
                strict=True,
            )
        )
        links["actors"] = {(ids[a.id], a.role.value) for a in data.actors}
    return links


def write_links(session: Session, commitment_id: str, links: dict[str, Any]) -> None:
    for field, table, column in (
        ("places", commitment_places, "place_code"),
        ("terms", commitment_terms, "term_code"),
        ("kinds", commitment_kinds, "kind"),
    ):
        if field in links:
            session.execute(delete(table).where(table.c.commitment_id == commitment_id))
            rows = [
                {"commitment_id": commitment_id, column: v} for v in dict.fromkeys(links[field])
            ]
            if rows:
                session.execute(insert(table), rows)
    if "actors" in links:
        session.execute(
            delete(commitment_actors).where(commitment_actors.c.commitment_id == commitment_id)
        )
        session.execute(
            insert(commitment_actors),
            [
                {"commitment_id": commitment_id, "actor_id": a, "role": r}
                for a, r in links["actors"]
            ],
        )


def languages(session: Session, commitment_id: str) -> list[str]:
    return list(
        session.scalars(
            select(CommitmentTranslation.lang).where(
                CommitmentTranslation.commitment_id == commitment_id
            )
        )
    )


def write_texts(
    session: Session, commitment_id: str, translations: dict[str, CommitmentTextIn | None]
) -> None:
    for lang, text in translations.items():
        current = session.get(CommitmentTranslation, (commitment_id, lang))
        if text is None:
            if current is not None:
                session.delete(current)
            continue
        values = text.model_dump()
        if current is None:
            session.add(CommitmentTranslation(commitment_id=commitment_id, lang=lang, **values))
        else:
            for name, value in values.items():
                setattr(current, name, value)
    session.flush()
    if (
        session.scalar(
            select(CommitmentTranslation.lang).where(
                CommitmentTranslation.commitment_id == commitment_id
            )
        )
        is None
    ):
        raise invalid("#/translations", "A commitment needs at least one translation.")


def editorial(session: Session, commitment: Commitment) -> CommitmentEditorial:
    texts = session.scalars(
        select(CommitmentTranslation).where(CommitmentTranslation.commitment_id == commitment.id)
    ).all()

    def codes(table: Any, column: str) -> list[str]:
        query = select(table.c[column]).where(table.c.commitment_id == commitment.id)
        return sorted(str(value) for value in session.scalars(query))

    actors = session.execute(
        select(commitment_actors.c.actor_id, commitment_actors.c.role).where(
            commitment_actors.c.commitment_id == commitment.id
        )
    ).all()
    return CommitmentEditorial(
        id=commitment.id,
        code=commitment.code,
        version=commitment.version,
        publication_status=commitment.publication_status,
        published_at=commitment.published_at,
        deleted_at=commitment.deleted_at,
        implementation_status=commitment.implementation_status,
        made_on=commitment.made_on,
        due_on=commitment.due_on,
        due_precision=commitment.due_precision,
        kinds=[CommitmentKind(kind) for kind in codes(commitment_kinds, "kind")],
        actors=[EditorialActor(id=a, role=ActorRole(r)) for a, r in sorted(actors)],
        places=codes(commitment_places, "place_code"),
        terms=codes(commitment_terms, "term_code"),
        source=EditorialSource(
            statement_id=commitment.source_statement_id,
            anchor=commitment.source_anchor,
            url=commitment.source_url,
        ),
        translations={
            t.lang: EditorialText(title=t.title, summary=t.summary, text=t.text, quote=t.quote)
            for t in texts
        },
        indicators=[EditorialIndicator.model_validate(i) for i in commitment.indicators],
        resources=(
            Resources(amount=commitment.resources_amount, currency=commitment.resources_currency)
            if commitment.resources_amount is not None and commitment.resources_currency
            else None
        ),
        updated_at=commitment.updated_at,
    )


def apply_update(session: Session, commitment: Commitment, data: CommitmentUpdate) -> None:
    """Write an update's fields (no version, log or audit: the callers do that)."""
    given = data.model_fields_set
    if "source" in given or "translations" in given:
        source = data.source or SourceIn(
            statement_id=commitment.source_statement_id, anchor=commitment.source_anchor
        )
        check_source(session, source, dict(data.translations or {}))
    if data.source is not None:
        commitment.source_statement_id = data.source.statement_id
        commitment.source_anchor = data.source.anchor
        commitment.source_url = str(data.source.url) if data.source.url else None
    if "due_on" in given:
        check_dates(commitment.made_on, data.due_on)
    for name in ("due_on", "due_precision"):
        if name in given:
            setattr(commitment, name, getattr(data, name))
    if data.indicators is not None:
        commitment.indicators = [i.model_dump() for i in data.indicators]
    if "resources" in given:
        commitment.resources_amount = data.resources.amount if data.resources else None
        commitment.resources_currency = data.resources.currency if data.resources else None
    if data.translations is not None:
        current = {lang: lang for lang in languages(session, commitment.id)}
        merge_translations(current, data.translations, pointer="#/translations")  # 422 early
        write_texts(session, commitment.id, dict(data.translations))
    write_links(session, commitment.id, links(session, data))
