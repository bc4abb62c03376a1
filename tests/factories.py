"""Plain helpers that write rows the way the app stores them."""

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.changes import service as changes_service
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
    return statement
