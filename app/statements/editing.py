"""Writing statements: drafts, updates, publication, schedules, withdrawals and deletions.

Every change the public could see appends one change-log entry and one revision, in the same
transaction as the change; every write leaves an audit row naming the key that made it.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import Conflict, Forbidden, NotFound
from app.api.translations import merge_translations
from app.audit import service as audit
from app.auth.models import Scope
from app.auth.service import Principal
from app.changes import service as changes
from app.changes.service import Operation
from app.commitments import service as commitments_service
from app.db import touch
from app.ids import new_id
from app.publication import (
    PublicationStatus,
    has_been_public,
    is_live,
    is_visible,
    remember_if_public,
)
from app.statements import drafting, working_copy
from app.statements import service as statements_service
from app.statements.models import (
    ID_PREFIX,
    Statement,
    StatementRevision,
)
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


def _announce(
    session: Session,
    statement: Statement,
    operation: Operation,
    now: datetime,
    note: str | None = None,
) -> None:
    """Change-log entry plus a revision for a change the public could see."""
    changes.record(
        session,
        resource_type=RESOURCE,
        resource_id=statement.id,
        version=statement.version,
        operation=operation,
        at=now,
        note=note,
    )
    snapshot = drafting.editorial(session, statement, now).model_dump(
        mode="json", exclude={"pending", "pending_changes"}
    )
    session.add(
        StatementRevision(
            statement_id=statement.id,
            version=statement.version,
            operation=operation.value,
            note=note,
            revised_at=now,
            langs=sorted(snapshot["translations"]),
            snapshot=snapshot,
        )
    )


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
    was_visible = is_visible(statement, now)
    _apply(session, statement, data, now)
    touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.UPDATE, now)
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
    was_visible = is_visible(statement, now)
    held = working_copy.take(session, statement)
    if held is not None:
        _apply(session, statement, held, now)
    if at is None:
        keep = statement.published_at is not None and statement.published_at <= now
        at = statement.published_at if keep and statement.published_at else now
    statement.publication_status = PublicationStatus.PUBLISHED
    statement.published_at = at
    statement.withdrawn_at = None
    statement.withdrawal_note = None
    visible = is_visible(statement, now)
    # Set before the version changes, so the ETag returned is the one committed.
    statement.live_since = (statement.live_since or now) if visible else None
    remember_if_public(statement, now)
    touch(session, statement, now)
    if visible and not was_visible:
        _announce(session, statement, Operation.PUBLISH, now)
    elif visible:  # published again: a new version the log must carry
        _announce(session, statement, Operation.UPDATE, now)
    elif was_visible:
        _announce(session, statement, Operation.UNPUBLISH, now, "rescheduled")
    else:  # a new go-live: cached public responses must not be served past it
        changes.bump(session, at=now)
    _audit(session, principal, "publish" if visible else "schedule", statement, now)
    return statement


def unpublish(
    session: Session, statement: Statement, *, principal: Principal, now: datetime
) -> Statement:
    """Back to draft, from published (live or scheduled) only: anything else is a 409 that
    changes nothing, not even the version."""
    if statement.publication_status is not PublicationStatus.PUBLISHED:
        raise Conflict(
            f"Only a published or scheduled statement can be unpublished; this one is "
            f"{statement.publication_status.value}."
        )
    was_visible = is_visible(statement, now)
    remember_if_public(statement, now)
    statement.publication_status = PublicationStatus.DRAFT
    statement.live_since = None
    touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.UNPUBLISH, now)
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
    if not has_been_public(statement, now):
        raise Conflict(
            "Only a statement that has been public can be withdrawn; this one never was. "
            "Unpublish it (back to draft) or delete it instead."
        )
    was_visible = is_visible(statement, now)
    remember_if_public(statement, now)
    statement.publication_status = PublicationStatus.WITHDRAWN
    statement.withdrawn_at = now
    statement.withdrawal_note = note
    statement.live_since = None
    touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.WITHDRAW, now, note)
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
    was_visible = is_visible(statement, now)
    working_copy.take(session, statement)
    statement.deleted_at = now
    statement.live_since = None
    touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.DELETE, now)
    _audit(session, principal, "delete", statement, now)


def record_due_go_lives(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Announce scheduled statements whose time has come. Readers see them at their time
    already; this puts them into the change log, dated when they went live."""
    due = session.scalars(
        select(Statement)
        .where(
            Statement.publication_status == PublicationStatus.PUBLISHED,
            Statement.published_at <= now,
            Statement.deleted_at.is_(None),
            Statement.live_since.is_(None),
        )
        .order_by(Statement.published_at, Statement.id)
        .limit(limit)
    ).all()
    for statement in due:
        went_live = statement.published_at
        assert went_live is not None
        statement.live_since = went_live
        statement.first_public_at = statement.first_public_at or went_live
        touch(session, statement, went_live)  # a new version: the revision's key
        _announce(session, statement, Operation.PUBLISH, went_live)
    return len(due)
