"""Plain helpers that write rows the way the app stores them."""

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.dependencies import key_pepper
from app.auth.models import Scope
from app.changes import service as changes_service
from app.commitments.models import ID_PREFIX as COMMITMENT_PREFIX
from app.commitments.models import (
    ActorRole,
    Commitment,
    CommitmentTranslation,
    ImplementationStatus,
    commitment_actors,
    commitment_places,
    commitment_terms,
)
from app.ids import new_id
from app.statements.models import (
    ID_PREFIX,
    PublicationStatus,
    Statement,
    StatementTranslation,
    StatementType,
    statement_places,
    statement_terms,
    statement_topics,
)
from tests.conftest import TEST_SETTINGS


def make_statement(
    session: Session,
    *,
    published_at: datetime,
    status: PublicationStatus = PublicationStatus.PUBLISHED,
    type: StatementType = StatementType.NEWS,
    langs: tuple[str, ...] = ("en",),
    places: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    terms: tuple[str, ...] = (),
    title: str = "Test statement",
    **overrides: Any,
) -> Statement:
    statement = Statement(
        id=new_id(ID_PREFIX),
        type=type,
        publication_status=status,
        published_at=published_at,
        **overrides,
    )
    session.add(statement)
    session.flush()
    for lang in langs:
        session.add(
            StatementTranslation(
                statement_id=statement.id,
                lang=lang,
                slug=f"{statement.id.replace('_', '-')}-{lang}",
                title=f"{title} ({lang})",
                dateline="Geneva",
                summary=f"Summary in {lang}.",
                body=[{"anchor": "p1", "text": f"First paragraph in {lang}."}],
            )
        )
    for table, column, codes in (
        (statement_places, "place_code", places),
        (statement_topics, "topic_slug", topics),
        (statement_terms, "term_code", terms),
    ):
        for code in codes:
            session.execute(insert(table).values(statement_id=statement.id, **{column: code}))
    session.flush()
    changes_service.bump(session)
    session.commit()  # releases the test's savepoint: a failing request cannot roll it back
    return statement


def make_commitment(
    session: Session,
    *,
    made_on: date,
    code: str | None = None,
    due_on: date | None = None,
    places: tuple[str, ...] = (),
    terms: tuple[str, ...] = (),
    actors: tuple[tuple[str, ActorRole], ...] = (),
    status: PublicationStatus = PublicationStatus.PUBLISHED,
    langs: tuple[str, ...] = ("en",),
) -> Commitment:
    commitment_id = new_id(COMMITMENT_PREFIX)
    commitment = Commitment(
        id=commitment_id,
        code=code or f"TEST-{commitment_id[-8:].upper()}",
        publication_status=status,
        published_at=datetime.combine(made_on, time.min, tzinfo=UTC),
        made_on=made_on,
        due_on=due_on,
        status_changed_on=made_on,
        implementation_status=ImplementationStatus.ANNOUNCED,
        indicators=[],
    )
    session.add(commitment)
    session.flush()
    for lang in langs:
        session.add(
            CommitmentTranslation(
                commitment_id=commitment_id,
                lang=lang,
                title=f"Test commitment ({lang})",
                summary="A commitment made by a test.",
                text="The full text.",
            )
        )
    for table, column, codes in (
        (commitment_places, "place_code", places),
        (commitment_terms, "term_code", terms),
    ):
        for code_ in codes:
            session.execute(insert(table).values(commitment_id=commitment_id, **{column: code_}))
    for actor_id, role in actors:
        session.execute(
            insert(commitment_actors).values(
                commitment_id=commitment_id, actor_id=actor_id, role=role
            )
        )
    session.flush()
    changes_service.bump(session)
    session.commit()  # releases the test's savepoint: a failing request cannot roll it back
    return commitment


def make_key(session: Session, *scopes: Scope, name: str = "test key") -> dict[str, str]:
    """Authorization headers for a new key with these scopes."""
    _, token = auth_service.issue_key(
        session, pepper=key_pepper(TEST_SETTINGS), name=name, scopes=list(scopes)
    )
    session.commit()  # releases the test's savepoint: a failing request cannot roll it back
    return {"Authorization": f"Bearer {token}"}
