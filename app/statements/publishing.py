"""Statements on the one publication lifecycle (`app.publication`): each public version is
kept as a revision, and public commitments citing a statement follow its visibility."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes.service import Operation
from app.commitments import service as commitments_service
from app.navigation import publishing as navigation_publishing
from app.publication.lifecycle import Lifecycle
from app.statements import drafting
from app.statements.models import Statement, StatementRevision, StatementTranslation

RESOURCE = "statement"


def public_langs(session: Session, statement: Statement) -> Collection[str]:
    return list(
        session.scalars(
            select(StatementTranslation.lang).where(
                StatementTranslation.statement_id == statement.id
            )
        )
    )


def keep_revision(
    session: Session, statement: Statement, operation: Operation, at: datetime, note: str | None
) -> None:
    """The public version just logged, as editors will see it in the revision history."""
    snapshot = drafting.editorial(session, statement, at).model_dump(
        mode="json", exclude={"pending", "pending_changes"}
    )
    session.add(
        StatementRevision(
            statement_id=statement.id,
            version=statement.version,
            operation=operation.value,
            note=note,
            revised_at=at,
            langs=sorted(snapshot["translations"]),
            snapshot=snapshot,
        )
    )


def embedders_follow(session: Session, statement: Statement, now: datetime) -> None:
    """Public commitments citing it show or null their source; menus linking to it show or
    hide the link: both changed for the public."""
    commitments_service.announce_citing(session, statement.id, now)
    navigation_publishing.announce_linking(session, statement.id, now)


STATEMENTS = Lifecycle(
    resource=RESOURCE,
    model=Statement,
    public_langs=public_langs,
    on_announce=keep_revision,
    on_visibility_change=embedders_follow,
)
