"""Writing statements: drafts, updates, publication, schedules, withdrawals and deletions.

Every change the public could see appends one change-log entry and one revision, in the same
transaction as the change; every write leaves an audit row naming the key that made it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.api.problems import Conflict, FieldError, InvalidParameters, NotFound
from app.audit import service as audit
from app.auth.service import Principal
from app.changes import service as changes
from app.changes.service import Operation
from app.ids import new_id
from app.publication import PublicationStatus
from app.statements.models import (
    ID_PREFIX,
    Statement,
    StatementRevision,
    StatementTranslation,
    statement_places,
    statement_terms,
    statement_topics,
)
from app.statements.schemas import (
    EditorialTranslation,
    Paragraph,
    StatementCreate,
    StatementEditorial,
    StatementUpdate,
    TranslationIn,
)
from app.taxonomy import service as taxonomy
from app.taxonomy.models import Topic

RESOURCE = "statement"
LINKS = (
    ("places", statement_places, "place_code"),
    ("topics", statement_topics, "topic_slug"),
    ("terms", statement_terms, "term_code"),
)


def is_visible(statement: Statement, now: datetime) -> bool:
    return (
        statement.publication_status is PublicationStatus.PUBLISHED
        and statement.published_at is not None
        and statement.published_at <= now
        and statement.deleted_at is None
    )


def load(session: Session, statement_id: str) -> Statement:
    statement = session.get(Statement, statement_id)
    if statement is None or statement.deleted_at is not None:
        raise NotFound("No statement has this id.")
    return statement


def _links(session: Session, statement_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, table, column in LINKS:
        found[field] = sorted(
            session.scalars(select(table.c[column]).where(table.c.statement_id == statement_id))
        )
    return found


def editorial(session: Session, statement: Statement, now: datetime) -> StatementEditorial:
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
        dateline_place=statement.dateline_place_code,
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
        **_links(session, statement.id),
    )


def _check_codes(session: Session, data: StatementCreate | StatementUpdate) -> dict[str, Any]:
    """Validated link codes (422 for unknown ones); only the fields the request gave."""
    links: dict[str, list[str]] = {}
    if data.places is not None:
        links["places"] = taxonomy.known_place_codes(session, data.places)
    if data.topics is not None:
        taxonomy.require_known(session, Topic.slug, data.topics, parameter="topics")
        links["topics"] = list(data.topics)
    if data.terms is not None:
        links["terms"] = taxonomy.known_term_codes(session, data.terms)
    if data.dateline_place is not None:
        taxonomy.known_place_codes(session, [data.dateline_place])
    return links


def _write_links(session: Session, statement_id: str, links: dict[str, list[str]]) -> None:
    for field, table, column in LINKS:
        if field not in links:
            continue
        session.execute(delete(table).where(table.c.statement_id == statement_id))
        rows = [
            {"statement_id": statement_id, column: code} for code in dict.fromkeys(links[field])
        ]
        if rows:
            session.execute(insert(table), rows)


def _body(text: TranslationIn, previous: list[dict[str, str]] | None) -> list[dict[str, str]]:
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


def _write_translations(
    session: Session, statement_id: str, translations: dict[str, TranslationIn | None]
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
        clash = session.scalar(
            select(StatementTranslation.statement_id).where(
                StatementTranslation.lang == lang,
                StatementTranslation.slug == text.slug,
                StatementTranslation.statement_id != statement_id,
            )
        )
        if clash is not None:
            raise Conflict(f"Another statement already uses this slug in `{lang}`.")
        values = {
            "slug": text.slug,
            "title": text.title,
            "dateline": text.dateline,
            "summary": text.summary,
            "body": _body(text, existing[lang].body if lang in existing else None),
        }
        if lang in existing:
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
        reason=note,
    )
    snapshot = editorial(session, statement, now).model_dump(mode="json")
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
    session: Session, data: StatementCreate, *, principal: Principal, now: datetime
) -> Statement:
    links = _check_codes(session, data)
    statement = Statement(
        id=new_id(ID_PREFIX),
        type=data.type,
        publication_status=PublicationStatus.DRAFT,
        dateline_place_code=data.dateline_place,
        created_at=now,
        updated_at=now,
    )
    session.add(statement)
    session.flush()
    _write_translations(session, statement.id, dict(data.translations))
    _write_links(session, statement.id, links)
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
    was_visible = is_visible(statement, now)
    links = _check_codes(session, data)
    if data.type is not None:
        statement.type = data.type
    if "dateline_place" in data.model_fields_set:
        statement.dateline_place_code = data.dateline_place
    if data.translations is not None:
        _write_translations(session, statement.id, dict(data.translations))
    _write_links(session, statement.id, links)
    _touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.UPDATE, now)
    _audit(session, principal, "update", statement, now)
    return statement


def _touch(session: Session, statement: Statement, now: datetime) -> None:
    """A new version: the row's UPDATE checks the version read (`version_id_col`), so of two
    writers holding the same ETag only the first commits; the second fails with a 412."""
    statement.updated_at = now
    flag_modified(statement, "updated_at")  # an UPDATE even when the clock has not moved
    session.flush()


def publish(
    session: Session,
    statement: Statement,
    *,
    principal: Principal,
    now: datetime,
    at: datetime | None = None,
) -> Statement:
    """Publish now, or at `at` (a schedule or embargo: invisible until then)."""
    was_visible = is_visible(statement, now)
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
    _touch(session, statement, now)
    if visible and not was_visible:
        _announce(session, statement, Operation.PUBLISH, now)
    elif visible:  # published again: a new version the log must carry
        _announce(session, statement, Operation.UPDATE, now)
    elif was_visible:
        _announce(session, statement, Operation.UNPUBLISH, now, "rescheduled")
    _audit(session, principal, "publish" if visible else "schedule", statement, now)
    return statement


def unpublish(
    session: Session, statement: Statement, *, principal: Principal, now: datetime
) -> Statement:
    was_visible = is_visible(statement, now)
    statement.publication_status = PublicationStatus.DRAFT
    statement.live_since = None
    _touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.UNPUBLISH, now)
    _audit(session, principal, "unpublish", statement, now)
    return statement


def withdraw(
    session: Session, statement: Statement, *, note: str, principal: Principal, now: datetime
) -> Statement:
    was_visible = is_visible(statement, now)
    statement.publication_status = PublicationStatus.WITHDRAWN
    statement.withdrawn_at = now
    statement.withdrawal_note = note
    statement.live_since = None
    _touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.WITHDRAW, now, note)
    _audit(session, principal, "withdraw", statement, now)
    return statement


def remove(session: Session, statement: Statement, *, principal: Principal, now: datetime) -> None:
    """Soft delete: the row stays, so partners get a tombstone."""
    was_visible = is_visible(statement, now)
    statement.deleted_at = now
    statement.live_since = None
    _touch(session, statement, now)
    if was_visible:
        _announce(session, statement, Operation.DELETE, now)
    _audit(session, principal, "delete", statement, now)


def record_due_go_lives(session: Session, now: datetime) -> int:
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
    ).all()
    for statement in due:
        went_live = statement.published_at
        assert went_live is not None
        statement.live_since = went_live
        _touch(session, statement, went_live)  # a new version: the revision's key
        _announce(session, statement, Operation.PUBLISH, went_live)
    return len(due)
