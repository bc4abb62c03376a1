"""Statements made through the editing service, so that the change log sees what a reader
would: publishes, removals and go-lives."""

from datetime import datetime

from sqlalchemy.orm import Session

from app.auth.service import Principal
from app.statements import editing
from app.statements.models import Statement, StatementType
from app.statements.schemas import StatementCreate, TranslationIn
from tests.conftest import FIXED_NOW

EDITOR = Principal(key_id="feeds", scopes=frozenset({"content:publish"}))


def create(
    session: Session,
    word: str,
    *,
    langs: tuple[str, ...] = ("en", "fr"),
    type: StatementType = StatementType.NEWS,
    topics: tuple[str, ...] = (),
    publish: bool = True,
    at: datetime | None = None,
) -> Statement:
    """A statement whose every text carries `word`; published now (or at `at`)."""
    translations = {
        lang: TranslationIn.model_validate(
            {
                "slug": f"{word}-{lang}",
                "title": f"Title {word} {lang}",
                "dateline": "Geneva",
                "summary": f"Summary {word} {lang}.",
                "body": [
                    {"anchor": "p1", "text": f"First <em>{word}</em> &amp; more ({lang})."},
                    {"text": f"Second {word}."},
                ],
            }
        )
        for lang in langs
    }
    data = StatementCreate(
        type=type, translations=translations, topics=list(topics), dateline={"place": "CHE"}
    )
    statement = editing.create(session, data, principal=EDITOR, now=FIXED_NOW)
    if publish:
        editing.publish(session, statement, principal=EDITOR, now=FIXED_NOW, at=at)
    session.commit()
    return statement
