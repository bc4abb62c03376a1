"""Writing commitments: drafts, updates, publication, deletion and progress reports.

Provenance is checked on the way in: a cited paragraph must exist, and each language's quote
must stand verbatim in that paragraph of that language.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import Conflict, Forbidden, NotFound
from app.audit import service as audit
from app.auth.models import Scope
from app.auth.service import Principal
from app.commitments import drafting, working_copy
from app.commitments.models import (
    ID_PREFIX,
    Commitment,
    ImplementationStatus,
)
from app.commitments.publishing import COMMITMENTS
from app.commitments.write_schemas import (
    CommitmentCreate,
    CommitmentUpdate,
)
from app.db import touch
from app.ids import new_id
from app.publication import (
    PublicationStatus,
    is_live,
)
from app.statements import service as statements_service

RESOURCE = "commitment"


def load(session: Session, commitment_id: str) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or commitment.deleted_at is not None:
        raise NotFound("No commitment has this id.")
    return commitment


def record_audit(
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
    session: Session,
    data: CommitmentCreate,
    *,
    principal: Principal,
    now: datetime,
    keep_id: str | None = None,
) -> Commitment:
    if session.scalar(select(Commitment.id).where(Commitment.code == data.code)) is not None:
        raise Conflict("Another commitment already has this code.")
    drafting.check_source(session, data.source, dict(data.translations))
    drafting.check_dates(data.made_on, data.due_on)
    links = drafting.links(session, data)
    commitment = Commitment(
        id=keep_id or new_id(ID_PREFIX),  # keep_id: an import keeps the source's ids
        code=data.code,
        publication_status=PublicationStatus.DRAFT,
        made_on=data.made_on,
        due_on=data.due_on,
        due_precision=data.due_precision,
        source_statement_id=data.source.statement_id,
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
    drafting.write_texts(session, commitment.id, dict(data.translations))
    drafting.write_links(session, commitment.id, links)
    record_audit(session, principal, "create", commitment, now)
    return commitment


def update(
    session: Session,
    commitment: Commitment,
    data: CommitmentUpdate,
    *,
    principal: Principal,
    now: datetime,
) -> Commitment:
    """A draft changes directly; live content only for a key with `content:publish` (whose
    PATCH publishes the pending working copy too); other keys edit the working copy."""
    if is_live(commitment, now):
        if not principal.can(Scope.CONTENT_PUBLISH):
            working_copy.edit(session, commitment, data, key_id=principal.key_id, now=now)
            record_audit(session, principal, "edit_pending", commitment, now)
            return commitment
        data = working_copy.take_with(session, commitment, data)
    drafting.apply_update(session, commitment, data)
    if data.source is not None:
        _require_public_source_while_published(session, commitment, now)
    touch(session, commitment, now)
    COMMITMENTS.edited(session, commitment, now)
    record_audit(session, principal, "update", commitment, now)
    return commitment


def discard_pending(
    session: Session, commitment: Commitment, *, principal: Principal, now: datetime
) -> Commitment:
    """Throw the working copy away (409 when there is none); the public saw none of it."""
    working_copy.discard(session, commitment)
    record_audit(session, principal, "discard_pending", commitment, now)
    return commitment


def require_publisher(principal: Principal, commitment: Commitment, now: datetime) -> None:
    if is_live(commitment, now) and not principal.can(Scope.CONTENT_PUBLISH):
        raise Forbidden(
            "This API key lacks the `content:publish` scope, which this change to a live "
            "(public, scheduled or withdrawn) commitment needs."
        )


def _require_public_source(session: Session, commitment: Commitment, goes_live: datetime) -> None:
    """409 unless the source statement is public when the commitment goes live (now, or a
    scheduled statement going live no later than the commitment)."""
    source = commitment.source_statement_id
    if source is not None and not statements_service.is_public_at(session, source, goes_live):
        raise Conflict(
            "The source statement is not public (a draft, scheduled later than this commitment, "
            "withdrawn or deleted). Publish the statement first, or schedule the commitment "
            "for no earlier than the statement."
        )


def _require_public_source_while_published(
    session: Session, commitment: Commitment, now: datetime
) -> None:
    """A published commitment (live or scheduled) keeps a source that is public by its go-live:
    the rule publishing applies, so a PATCH cannot point it at a hidden statement."""
    if commitment.publication_status is PublicationStatus.PUBLISHED:
        goes_live = commitment.published_at or now
        _require_public_source(session, commitment, max(goes_live, now))


def set_published(
    session: Session,
    commitment: Commitment,
    *,
    publish: bool,
    principal: Principal,
    now: datetime,
    at: datetime | None = None,
) -> Commitment:
    """Publish (now, or at `at`: a schedule), or back to draft: from published (live or
    scheduled) only, anything else is a 409 that changes nothing, not even the version.

    A commitment goes public only with a source statement that is public by then: a public
    commitment must never point at (or quote) a statement the public cannot see."""
    if not publish:
        COMMITMENTS.unpublish(session, commitment, now)  # 409 unless published
        held = working_copy.take(session, commitment)
        if held is not None:  # a draft is edited directly: the copy becomes the draft
            drafting.apply_update(session, commitment, held)
            touch(session, commitment, now)
        record_audit(session, principal, "unpublish", commitment, now)
        return commitment
    held = working_copy.take(session, commitment)
    if held is not None:
        drafting.apply_update(session, commitment, held)
    goes_live = COMMITMENTS.goes_live(commitment, now, at)
    _require_public_source(session, commitment, max(goes_live, now))
    visible = COMMITMENTS.publish(session, commitment, now, at=goes_live, changed=held is not None)
    record_audit(session, principal, "publish" if visible else "schedule", commitment, now)
    return commitment


def withdraw(
    session: Session, commitment: Commitment, *, note: str, principal: Principal, now: datetime
) -> Commitment:
    """Taken down with a public note: its URL answers 410 with the note. Only for content
    the public has seen: anything else is unpublished or deleted, and stays a 404."""
    COMMITMENTS.withdraw(session, commitment, now, note=note)
    record_audit(session, principal, "withdraw", commitment, now)
    return commitment


def record_due_go_lives(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Log scheduled commitments whose time has come (see `Lifecycle.record_due_go_lives`)."""
    return COMMITMENTS.record_due_go_lives(session, now, limit=limit)


def remove(
    session: Session, commitment: Commitment, *, principal: Principal, now: datetime
) -> None:
    """Soft delete; live content needs `content:publish` (deleting it is unpublishing it)."""
    require_publisher(principal, commitment, now)
    working_copy.take(session, commitment)
    COMMITMENTS.delete(session, commitment, now)
    record_audit(session, principal, "delete", commitment, now)
