"""Writing statements: drafts, updates, publication, schedules, withdrawals and deletions.

The states and the change log are the one publication lifecycle's (`STATEMENTS`, see
app/statements/publishing.py): every change the public could see appends one change-log entry
and one revision in the same transaction; every write leaves an audit row naming its key.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from app.api.problems import Forbidden, NotFound
from app.api.translations import merge_translations
from app.audit import service as audit
from app.auth.models import Scope
from app.auth.service import Principal
from app.commitments import service as commitments_service
from app.db import touch
from app.ids import new_id
from app.publication import PublicationStatus, is_live
from app.statements import drafting, working_copy
from app.statements import service as statements_service
from app.statements.models import ID_PREFIX, Statement
from app.statements.publishing import STATEMENTS
from app.statements.schemas import (
    StatementCreate,
    StatementUpdate,
)

RESOURCE = "statement"


def load(session: Session, statement_id: str) -> Statement:
    statement = session.get(Statement, statement_id)
    if statement is None or statement.deleted_at is not None:
        raise NotFound("No statement has this id.")
    return statement


def _audit(
    session: Session, principal: Principal, action: str, statement: Statement, now: datetime
) -> None:
    audit.record(
        session,
        key_id=principal.key_id,
        action=action,
        resource_type=RESOURCE,
        resource_id=statement.id,
        at=now,
        details={"version": statement.version},
    )


def create(
    session: Session,
    data: StatementCreate,
    *,
    principal: Principal,
    now: datetime,
    keep_id: str | None = None,
) -> Statement:
    links = drafting.check_codes(session, data)
    statement = Statement(
        id=keep_id or new_id(ID_PREFIX),  # keep_id: an import keeps the source's ids
        type=data.type,
        publication_status=PublicationStatus.DRAFT,
        dateline_place_code=data.dateline.place if data.dateline else None,
        created_at=now,
        updated_at=now,
    )
    session.add(statement)
    session.flush()
    drafting.write_translations(session, statement.id, dict(data.translations), now)
    drafting.write_links(session, statement.id, links)
    _audit(session, principal, "create", statement, now)
    return statement


def update(
    session: Session,
    statement: Statement,
    data: StatementUpdate,
    *,
    principal: Principal,
    now: datetime,
) -> Statement:
    """A draft changes directly. Live content changes directly only for a key with
    `content:publish` (its PATCH publishes the pending working copy too, merged with the
    patch: it sent the ETag that included it); any other key's PATCH edits the working copy."""
    if is_live(statement, now):
        if not principal.can(Scope.CONTENT_PUBLISH):
            working_copy.edit(session, statement, data, key_id=principal.key_id, now=now)
            _audit(session, principal, "edit_pending", statement, now)
            return statement
        data = working_copy.take_with(session, statement, data)
    _apply(session, statement, data, now)
    touch(session, statement, now)
    STATEMENTS.edited(session, statement, now)
    _audit(session, principal, "update", statement, now)
    return statement


def _apply(session: Session, statement: Statement, data: StatementUpdate, now: datetime) -> None:
    """Write an update's fields (no version, log or audit: the callers do that)."""
    links = drafting.check_codes(session, data)
    if data.type is not None:
        statement.type = data.type
    if "dateline" in data.model_fields_set:
        statement.dateline_place_code = data.dateline.place if data.dateline else None
    if data.translations is not None:
        current = statements_service.paragraphs(session, statement.id) or {}
        merge_translations(current, data.translations, pointer="#/translations")  # 422 early
        drafting.write_translations(session, statement.id, dict(data.translations), now)
        # Checked on the result (the request's transaction rolls back on refusal): a citation
        # must keep holding by the rule commitments are checked with on the way in.
        paragraphs = statements_service.paragraphs(session, statement.id) or {}
        commitments_service.refuse_orphaned_citations(session, statement.id, paragraphs)
    drafting.write_links(session, statement.id, links)


def discard_pending(
    session: Session, statement: Statement, *, principal: Principal, now: datetime
) -> Statement:
    """Throw the working copy away (409 when there is none); the public saw none of it."""
    working_copy.discard(session, statement)
    _audit(session, principal, "discard_pending", statement, now)
    return statement


def publish(
    session: Session,
    statement: Statement,
    *,
    principal: Principal,
    now: datetime,
    at: datetime | None = None,
) -> Statement:
    """Publish now, or at `at` (a schedule or embargo: invisible until then), with the
    pending working copy applied if there is one."""
    held = working_copy.take(session, statement)
    if held is not None:
        _apply(session, statement, held, now)
    visible = STATEMENTS.publish(session, statement, now, at=at, changed=held is not None)
    _audit(session, principal, "publish" if visible else "schedule", statement, now)
    return statement


def unpublish(
    session: Session, statement: Statement, *, principal: Principal, now: datetime
) -> Statement:
    """Back to draft, from published (live or scheduled) only: anything else is a 409 that
    changes nothing, not even the version."""
    STATEMENTS.unpublish(session, statement, now)
    held = working_copy.take(session, statement)
    if held is not None:  # a draft is edited directly: the copy becomes the draft
        _apply(session, statement, held, now)
        touch(session, statement, now)
    _audit(session, principal, "unpublish", statement, now)
    return statement


def withdraw(
    session: Session, statement: Statement, *, note: str, principal: Principal, now: datetime
) -> Statement:
    """Taken down with a public note (410). Only for content the public has seen: anything
    else is unpublished or deleted, and stays a 404 to the public."""
    STATEMENTS.withdraw(session, statement, now, note=note)
    _audit(session, principal, "withdraw", statement, now)
    return statement


def remove(session: Session, statement: Statement, *, principal: Principal, now: datetime) -> None:
    """Soft delete: the row stays, so partners get a tombstone. Deleting live content is
    unpublishing it, so it needs `content:publish` (a draft only needs the write scope);
    refused (409) while commitments cite it."""
    if is_live(statement, now) and not principal.can(Scope.CONTENT_PUBLISH):
        raise Forbidden(
            "This API key lacks the `content:publish` scope, which deleting a live (public, "
            "scheduled or withdrawn) statement needs."
        )
    commitments_service.refuse_citing_commitments(session, statement.id)
    working_copy.take(session, statement)
    STATEMENTS.delete(session, statement, now)
    _audit(session, principal, "delete", statement, now)


def record_due_go_lives(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Log scheduled statements whose time has come (see `Lifecycle.record_due_go_lives`)."""
    return STATEMENTS.record_due_go_lives(session, now, limit=limit)
