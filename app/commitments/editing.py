"""Writing commitments: drafts, updates, publication, deletion and progress reports.

Provenance is checked on the way in: a cited paragraph must exist, and each language's quote
must stand verbatim in that paragraph of that language.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.actors import service as actors_service
from app.api.problems import Conflict, FieldError, InvalidParameters, NotFound
from app.audit import service as audit
from app.auth.service import Principal
from app.changes import service as changes
from app.changes.service import Operation
from app.commitments.lifecycle import ProgressReport, record_progress
from app.commitments.models import (
    ID_PREFIX,
    Commitment,
    CommitmentTranslation,
    ImplementationStatus,
    ProgressUpdate,
    commitment_actors,
    commitment_kinds,
    commitment_places,
    commitment_terms,
)
from app.commitments.write_schemas import (
    CommitmentCreate,
    CommitmentEditorial,
    CommitmentTextIn,
    CommitmentUpdate,
    ProgressIn,
    SourceIn,
    evidence_json,
)
from app.ids import new_id
from app.publication import PublicationStatus
from app.statements import service as statements_service
from app.taxonomy import service as taxonomy

RESOURCE = "commitment"


def is_visible(commitment: Commitment, now: datetime) -> bool:
    return (
        commitment.publication_status is PublicationStatus.PUBLISHED
        and commitment.published_at is not None
        and commitment.published_at <= now
        and commitment.deleted_at is None
    )


def load(session: Session, commitment_id: str) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or commitment.deleted_at is not None:
        raise NotFound("No commitment has this id.")
    return commitment


def _invalid(pointer: str, detail: str) -> InvalidParameters:
    return InvalidParameters(detail, errors=[FieldError(pointer=pointer, detail=detail)])


def _check_source(
    session: Session, source: SourceIn, translations: dict[str, CommitmentTextIn | None]
) -> None:
    if source.statement is None:
        if source.anchor is not None:
            raise _invalid("#/source/anchor", "An anchor needs the statement it belongs to.")
        return
    paragraphs = statements_service.paragraphs(session, source.statement)
    if paragraphs is None:
        raise _invalid("#/source/statement", "No statement has this id.")
    if source.anchor is None:
        return
    by_lang = {lang: body.get(source.anchor) for lang, body in paragraphs.items()}
    if not any(by_lang.values()):
        raise _invalid("#/source/anchor", "The statement has no paragraph with this anchor.")
    for lang, text in translations.items():
        if text is None or text.quote is None:
            continue
        paragraph = by_lang.get(lang)
        if paragraph is None or text.quote not in paragraph:
            raise _invalid(
                f"#/translations/{lang}/quote",
                "The quote is not found verbatim in the cited paragraph in this language.",
            )


def _links(session: Session, data: CommitmentCreate | CommitmentUpdate) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if data.places is not None:
        links["places"] = taxonomy.known_place_codes(session, data.places)
    if data.terms is not None:
        links["terms"] = taxonomy.known_term_codes(session, data.terms)
    if data.kinds is not None:
        links["kinds"] = [k.value for k in data.kinds]
    if data.actors is not None:
        keys = [a.actor for a in data.actors]
        ids = dict(
            zip(keys, actors_service.resolve_keys(session, keys, pointer="#/actors"), strict=True)
        )
        links["actors"] = {(ids[a.actor], a.role.value) for a in data.actors}
    return links


def _write_links(session: Session, commitment_id: str, links: dict[str, Any]) -> None:
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


def _write_texts(
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
        raise _invalid("#/translations", "A commitment needs at least one translation.")


def _touch(session: Session, commitment: Commitment, now: datetime) -> None:
    commitment.updated_at = now
    flag_modified(commitment, "updated_at")  # a new version even when the clock has not moved
    session.flush()


def _announce(
    session: Session, commitment: Commitment, operation: Operation, now: datetime
) -> None:
    changes.record(
        session,
        resource_type=RESOURCE,
        resource_id=commitment.id,
        version=commitment.version,
        operation=operation,
        at=now,
    )


def _audit(
    session: Session, principal: Principal, action: str, item: Commitment, now: datetime
) -> None:
    audit.record(
        session,
        key_id=principal.key_id,
        action=action,
        resource_type=RESOURCE,
        resource_id=item.id,
        at=now,
        details={"version": item.version},
    )


def create(
    session: Session, data: CommitmentCreate, *, principal: Principal, now: datetime
) -> Commitment:
    if session.scalar(select(Commitment.id).where(Commitment.code == data.code)) is not None:
        raise Conflict("Another commitment already has this code.")
    _check_source(session, data.source, dict(data.translations))
    links = _links(session, data)
    commitment = Commitment(
        id=new_id(ID_PREFIX),
        code=data.code,
        publication_status=PublicationStatus.DRAFT,
        made_on=data.made_on,
        due_on=data.due_on,
        due_precision=data.due_precision,
        source_statement_id=data.source.statement,
        source_anchor=data.source.anchor,
        source_url=str(data.source.url) if data.source.url else None,
        implementation_status=ImplementationStatus.ANNOUNCED,
        status_changed_on=data.made_on,
        resources_amount=data.resources.amount if data.resources else None,
        resources_currency=data.resources.currency if data.resources else None,
        indicators=[i.model_dump() for i in data.indicators],
        created_at=now,
        updated_at=now,
    )
    session.add(commitment)
    session.flush()
    _write_texts(session, commitment.id, dict(data.translations))
    _write_links(session, commitment.id, links)
    _audit(session, principal, "create", commitment, now)
    return commitment


def update(
    session: Session,
    commitment: Commitment,
    data: CommitmentUpdate,
    *,
    principal: Principal,
    now: datetime,
) -> Commitment:
    was_visible = is_visible(commitment, now)
    given = data.model_fields_set
    if "source" in given or "translations" in given:
        source = data.source or SourceIn(
            statement=commitment.source_statement_id, anchor=commitment.source_anchor
        )
        _check_source(session, source, dict(data.translations or {}))
    if data.source is not None:
        commitment.source_statement_id = data.source.statement
        commitment.source_anchor = data.source.anchor
        commitment.source_url = str(data.source.url) if data.source.url else None
    for name in ("due_on", "due_precision"):
        if name in given:
            setattr(commitment, name, getattr(data, name))
    if data.indicators is not None:
        commitment.indicators = [i.model_dump() for i in data.indicators]
    if "resources" in given:
        commitment.resources_amount = data.resources.amount if data.resources else None
        commitment.resources_currency = data.resources.currency if data.resources else None
    if data.translations is not None:
        _write_texts(session, commitment.id, dict(data.translations))
    _write_links(session, commitment.id, _links(session, data))
    _touch(session, commitment, now)
    if was_visible:
        _announce(session, commitment, Operation.UPDATE, now)
    _audit(session, principal, "update", commitment, now)
    return commitment


def set_published(
    session: Session, commitment: Commitment, *, publish: bool, principal: Principal, now: datetime
) -> Commitment:
    was_visible = is_visible(commitment, now)
    if publish:
        commitment.publication_status = PublicationStatus.PUBLISHED
        commitment.published_at = commitment.published_at or now
    else:
        commitment.publication_status = PublicationStatus.DRAFT
    _touch(session, commitment, now)
    visible = is_visible(commitment, now)
    if visible:
        _announce(session, commitment, Operation.UPDATE if was_visible else Operation.PUBLISH, now)
    elif was_visible:
        _announce(session, commitment, Operation.UNPUBLISH, now)
    _audit(session, principal, "publish" if publish else "unpublish", commitment, now)
    return commitment


def remove(
    session: Session, commitment: Commitment, *, principal: Principal, now: datetime
) -> None:
    was_visible = is_visible(commitment, now)
    commitment.deleted_at = now
    _touch(session, commitment, now)
    if was_visible:
        _announce(session, commitment, Operation.DELETE, now)
    _audit(session, principal, "delete", commitment, now)


def report_progress(
    session: Session,
    commitment: Commitment,
    data: ProgressIn,
    *,
    principal: Principal,
    now: datetime,
) -> ProgressUpdate:
    """A progress report through the lifecycle rules (refused changes are 409 problems)."""
    reporter = None
    if data.reporter is not None:
        reporter = actors_service.resolve_keys(session, [data.reporter], pointer="#/reporter")[0]
    update = record_progress(
        session,
        commitment,
        ProgressReport(
            reported_on=data.reported_on,
            status=data.status,
            reporter_actor_id=reporter,
            narrative=dict(data.narrative),
            evidence=evidence_json(data.evidence),
        ),
        today=now.date(),
    )
    _touch(session, commitment, now)
    if is_visible(commitment, now):
        _announce(session, commitment, Operation.UPDATE, now)
    _audit(session, principal, "report_progress", commitment, now)
    return update


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
        publication_status=commitment.publication_status.value,
        published_at=commitment.published_at,
        deleted_at=commitment.deleted_at,
        implementation_status=commitment.implementation_status,
        made_on=commitment.made_on,
        due_on=commitment.due_on,
        due_precision=commitment.due_precision,
        kinds=codes(commitment_kinds, "kind"),
        actors=sorted(({"actor": a, "role": str(r)} for a, r in actors), key=lambda x: x["actor"]),
        places=codes(commitment_places, "place_code"),
        terms=codes(commitment_terms, "term_code"),
        source={
            "statement": commitment.source_statement_id,
            "anchor": commitment.source_anchor,
            "url": commitment.source_url,
        },
        translations={
            t.lang: {"title": t.title, "summary": t.summary, "text": t.text, "quote": t.quote}
            for t in texts
        },
        indicators=commitment.indicators,
        resources=(
            {"amount": str(commitment.resources_amount), "currency": commitment.resources_currency}
            if commitment.resources_amount is not None and commitment.resources_currency
            else None
        ),
        updated_at=commitment.updated_at,
    )
