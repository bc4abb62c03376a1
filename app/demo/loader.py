"""Loads the demo statements. Idempotent: ids derive from each entry's key, unchanged rows stay."""

import json
from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.cdn import models as cdn
from app.cdn.keys import SITE
from app.changes import service as changes_service
from app.ids import stable_id
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

LINK_TABLES = (
    (statement_places, "place_code", "places"),
    (statement_topics, "topic_slug", "topics"),
    (statement_terms, "term_code", "terms"),
)


def demo_statements() -> Iterator[dict[str, Any]]:
    folder = resources.files("app.demo").joinpath("data")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("statements_") and entry.name.endswith(".json"):
            yield from json.loads(entry.read_text("utf-8"))


def statement_id_for(key: str) -> str:
    return stable_id(ID_PREFIX, key)


def _sync_links(session: Session, statement_id: str, entry: dict[str, Any]) -> bool:
    changed = False
    for table, column, field in LINK_TABLES:
        wanted = set(entry.get(field, []))
        current = set(
            session.scalars(select(table.c[column]).where(table.c.statement_id == statement_id))
        )
        if wanted == current:
            continue
        changed = True
        session.execute(delete(table).where(table.c.statement_id == statement_id))
        session.execute(
            insert(table), [{"statement_id": statement_id, column: code} for code in wanted]
        )
    return changed


def _apply(target: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def load_demo_data(session: Session) -> int:
    """Insert or refresh every demo statement; returns how many entries were processed."""
    count = 0
    changed = False
    for entry in demo_statements():
        statement_id = statement_id_for(entry["key"])
        core = {
            "type": StatementType(entry["type"]),
            "publication_status": PublicationStatus(entry.get("status", "published")),
            "published_at": datetime.fromisoformat(entry["published_at"]),
            "dateline_place_code": entry.get("dateline_place"),
        }
        statement = session.get(Statement, statement_id)
        if statement is None:
            statement = Statement(id=statement_id, **core)
            session.add(statement)
            changed = True
        else:
            changed = _apply(statement, core) or changed
        session.flush()
        existing = {
            t.lang: t
            for t in session.scalars(
                select(StatementTranslation).where(
                    StatementTranslation.statement_id == statement_id
                )
            )
        }
        for lang, text in entry["translations"].items():
            values = {
                "slug": text["slug"],
                "title": text["title"],
                "dateline": text.get("dateline"),
                "summary": text["summary"],
                "body": text["body"],
            }
            if lang in existing:
                changed = _apply(existing[lang], values) or changed
            else:
                session.add(StatementTranslation(statement_id=statement_id, lang=lang, **values))
                changed = True
        changed = _sync_links(session, statement_id, entry) or changed
        session.flush()
        count += 1
    if changed:
        cdn.enqueue(session, [SITE], changes_service.bump(session))
    return count
