"""Two editors can never overwrite each other (PostgreSQL, real concurrent transactions)."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text

from app.audit.models import AuditEntry
from app.auth.dependencies import key_pepper
from app.auth.models import ApiKey, Scope
from app.auth.service import issue_key
from app.config import Settings
from app.main import create_app
from app.statements.models import Statement
from tests.conftest import FIXED_NOW, Clock, requires_postgres
from tests.races import patch_together

pytestmark = requires_postgres
ROUNDS = 50


@pytest.fixture
def live_app(settings: Settings, engine: Any) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """The real app on the scratch database: every request commits for real."""
    app = create_app(settings, clock=Clock(FIXED_NOW))
    with app.state.sessionmaker.begin() as session:
        key, token = issue_key(
            session, pepper=key_pepper(settings), name="race", scopes=[Scope.STATEMENTS_WRITE]
        )
        key_id = key.id
    yield app, {"Authorization": f"Bearer {token}"}
    with app.state.sessionmaker.begin() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.key_id == key_id))
        session.execute(
            delete(Statement).where(Statement.id.like("stm_%"), Statement.created_at == FIXED_NOW)
        )
        session.execute(delete(ApiKey).where(ApiKey.id == key_id))
    app.state.engine.dispose()


def test_concurrent_patches_with_one_etag_end_in_one_200_and_one_412(
    live_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, editor = live_app
    with TestClient(app) as setup:
        created = setup.post(
            "/v1/statements",
            headers=editor,
            json={
                "type": "news",
                "translations": {
                    "en": {
                        "slug": "race-test",
                        "title": "Start",
                        "summary": "S.",
                        "body": [{"text": "T."}],
                    }
                },
            },
        )
        assert created.status_code == 201, created.text
        statement_id = created.json()["id"]
        etag = created.headers["etag"]
        for round_ in range(ROUNDS):
            results = patch_together(
                app,
                editor,
                f"/v1/statements/{statement_id}",
                etag,
                {
                    title: {
                        "translations": {
                            "en": {
                                "slug": "race-test",
                                "title": title,
                                "summary": "S.",
                                "body": [{"text": "T."}],
                            }
                        }
                    }
                    for title in (f"alice {round_}", f"bob {round_}")
                },
            )
            statuses = sorted(r.status_code for r in results.values())
            assert statuses == [200, 412], (round_, statuses)
            winner = next(title for title, r in results.items() if r.status_code == 200)
            stored = setup.get(f"/v1/statements/{statement_id}/editorial", headers=editor)
            assert stored.json()["translations"]["en"]["title"] == winner
            etag = stored.headers["etag"]
            assert etag == results[winner].headers["etag"]


def post_once(
    app: FastAPI,
    editor: dict[str, str],
    body: dict[str, Any],
    barrier: threading.Barrier,
    results: list[Any],
) -> None:
    with TestClient(app) as client:
        barrier.wait()
        results.append(
            client.post("/v1/statements", json=body, headers={**editor, "Idempotency-Key": "twin"})
        )


def test_parallel_retries_with_one_key_create_one_statement(
    live_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, editor = live_app
    body = {
        "type": "news",
        "translations": {
            "en": {"slug": "twin-test", "title": "Twin", "summary": "S.", "body": [{"text": "T."}]}
        },
    }
    barrier = threading.Barrier(2)
    results: list[Any] = []
    threads = [
        threading.Thread(target=post_once, args=(app, editor, body, barrier, results))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(r.status_code for r in results)
    assert statuses in ([201, 201], [201, 409]), statuses
    created = {r.json()["id"] for r in results if r.status_code == 201}
    assert len(created) == 1
    with app.state.sessionmaker() as session:
        rows = session.scalars(select(Statement.id).where(Statement.id.in_(created))).all()
        twins = session.execute(
            text("SELECT count(*) FROM statement_translations WHERE slug = 'twin-test'")
        ).scalar_one()
    assert len(rows) == 1
    assert twins == 1
