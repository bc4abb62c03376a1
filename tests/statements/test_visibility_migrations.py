"""The visibility migrations carry existing data over: what was public is remembered as such,
and every slug gets exactly one holder."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from app.changes.models import ChangeEntry
from app.config import Settings
from app.db import make_engine
from app.schema import upgrade
from app.statements.models import FormerSlug, SlugClaim, Statement, StatementTranslation

BEFORE = "3c1f7a9e2b44"  # the last revision before "has been public" and slug claims
LONG_AGO = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
LATER = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)


def _statement(id_: str, status: str, created_at: datetime, **columns: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "type": "news",
        "publication_status": status,
        "published_at": columns.pop("published_at", None),
        "created_at": created_at,
        "updated_at": created_at,
        "version": 1,
        **columns,
    }


def _translation(statement_id: str, lang: str, slug: str) -> dict[str, Any]:
    return {
        "statement_id": statement_id,
        "lang": lang,
        "slug": slug,
        "title": "T",
        "summary": "S",
        "body": [{"anchor": "p1", "text": "T"}],
    }


def test_existing_rows_get_their_public_history_and_slug_claims(
    fresh_database_url: Callable[[], str],
) -> None:
    engine = make_engine(Settings(environment="test", database_url=fresh_database_url()))
    try:
        upgrade(engine, BEFORE)
        old_columns = {"first_public_at"}
        with engine.begin() as connection:
            rows = [
                _statement("stm_never", "withdrawn", LONG_AGO, withdrawn_at=LATER),
                _statement("stm_logged", "withdrawn", LATER, withdrawn_at=LATER),
                _statement("stm_live", "published", LATER, published_at=LONG_AGO, live_since=LATER),
                _statement("stm_unannounced", "published", LATER, published_at=LONG_AGO),
                _statement("stm_draft", "draft", LATER),
            ]
            for row in rows:
                assert not old_columns & set(row)
                connection.execute(insert(Statement).values(**row))
            connection.execute(
                insert(ChangeEntry).values(
                    seq=10_000,
                    resource_type="statement",
                    resource_id="stm_logged",
                    version=1,
                    operation="publish",
                    occurred_at=LONG_AGO,
                )
            )
            translations = StatementTranslation
            connection.execute(insert(translations).values(**_translation("stm_never", "en", "x")))
            connection.execute(insert(translations).values(**_translation("stm_logged", "fr", "x")))
            connection.execute(
                insert(translations).values(**_translation("stm_logged", "en", "logged"))
            )
            connection.execute(
                insert(FormerSlug).values(
                    lang="en", slug="old-logged", statement_id="stm_logged", retired_at=LATER
                )
            )

        upgrade(engine)

        with engine.connect() as connection:
            first_public = dict(
                connection.execute(
                    select(Statement.id, Statement.first_public_at).order_by(Statement.id)
                ).all()
            )
            claims = dict(connection.execute(select(SlugClaim.slug, SlugClaim.statement_id)).all())
        assert first_public == {
            "stm_draft": None,
            "stm_live": LATER,
            "stm_logged": LONG_AGO,
            "stm_never": None,
            "stm_unannounced": LONG_AGO,
        }
        # The statement created first keeps a slug two of them shared before the rule.
        assert claims == {"x": "stm_never", "logged": "stm_logged", "old-logged": "stm_logged"}
    finally:
        engine.dispose()
