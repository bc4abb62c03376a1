"""Shared helpers of the search tests: statements written through the editing service (so
through every index hook) and the hits a reader sees."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.service import Principal
from app.demo.loader import statement_id_for
from app.statements import editing
from app.statements.models import Statement, StatementType
from app.statements.schemas import StatementCreate, TranslationIn
from tests.conftest import FIXED_NOW

EDITOR = Principal(key_id="search-tests", scopes=frozenset({"content:publish"}))


def write_statement(
    session: Session,
    slug: str,
    *,
    title: str,
    summary: str = "A summary.",
    paragraphs: tuple[str, ...] = ("A paragraph.",),
    lang: str = "en",
    publish_at: datetime | None = FIXED_NOW,
) -> Statement:
    """A statement with one translation; published at `publish_at` (None: a draft)."""
    text = TranslationIn.model_validate(
        {
            "slug": slug,
            "title": title,
            "summary": summary,
            "body": [{"text": p} for p in paragraphs],
        }
    )
    data = StatementCreate(type=StatementType.NEWS, translations={lang: text})
    statement = editing.create(session, data, principal=EDITOR, now=FIXED_NOW)
    if publish_at is not None:
        editing.publish(session, statement, principal=EDITOR, now=FIXED_NOW, at=publish_at)
    session.commit()
    return statement


def search(client: TestClient, path: str = "/v1/statements", **params: Any) -> list[dict[str, Any]]:
    """Every hit, paged to the end."""
    items: list[dict[str, Any]] = []
    query = {"limit": 100, **params}
    while True:
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        if body["next_cursor"] is None:
            return items
        query["cursor"] = body["next_cursor"]


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def demo(*keys: str) -> set[str]:
    return {statement_id_for(key) for key in keys}
