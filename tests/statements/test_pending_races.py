"""Two writers editing one live statement's working copy: exactly one wins (PostgreSQL, real
concurrent transactions), and the public never sees either."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from app.audit.models import AuditEntry
from app.auth.dependencies import key_pepper
from app.auth.models import ApiKey, Scope
from app.auth.service import issue_key
from app.changes.models import ChangeEntry
from app.config import Settings
from app.main import create_app
from app.pending import PendingCopy
from app.statements.models import Statement
from tests.conftest import FIXED_NOW, Clock, requires_postgres
from tests.races import patch_together

pytestmark = requires_postgres
ROUNDS = 20
TEXT = {"slug": "pending-race", "title": "Start", "summary": "S.", "body": [{"text": "T."}]}


@pytest.fixture
def live_app(settings: Settings, engine: Any) -> Iterator[tuple[FastAPI, dict[str, str], str]]:
    """The real app on the scratch database (every request commits), with a live statement."""
    app = create_app(settings, clock=Clock(FIXED_NOW))
    keys: list[str] = []
    headers = []
    with app.state.sessionmaker.begin() as session:
        for scopes in ([Scope.STATEMENTS_WRITE, Scope.CONTENT_PUBLISH], [Scope.STATEMENTS_WRITE]):
            key, token = issue_key(session, pepper=key_pepper(settings), name="race", scopes=scopes)
            keys.append(key.id)
            headers.append({"Authorization": f"Bearer {token}"})
    publisher, writer = headers
    with TestClient(app) as setup:
        created = setup.post(
            "/v1/statements", headers=publisher, json={"type": "news", "translations": {"en": TEXT}}
        )
        assert created.status_code == 201, created.text
        statement_id = created.json()["id"]
        published = setup.post(
            f"/v1/statements/{statement_id}/publish",
            headers={**publisher, "If-Match": created.headers["etag"]},
        )
        assert published.status_code == 200, published.text
    yield app, writer, statement_id
    with app.state.sessionmaker.begin() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.key_id.in_(keys)))
        session.execute(delete(ChangeEntry).where(ChangeEntry.resource_id == statement_id))
        session.execute(delete(PendingCopy).where(PendingCopy.resource_id == statement_id))
        session.execute(delete(Statement).where(Statement.id == statement_id))
        session.execute(delete(ApiKey).where(ApiKey.id.in_(keys)))
    app.state.engine.dispose()


def test_concurrent_edits_of_a_working_copy_end_in_one_200_and_one_412(
    live_app: tuple[FastAPI, dict[str, str], str],
) -> None:
    app, writer, statement_id = live_app
    with TestClient(app) as reader:
        public = reader.get(f"/v1/statements/{statement_id}").json()
        etag = reader.get(f"/v1/statements/{statement_id}/editorial", headers=writer).headers[
            "etag"
        ]
        for round_ in range(ROUNDS):
            results = patch_together(
                app,
                writer,
                f"/v1/statements/{statement_id}",
                etag,
                {
                    title: {"translations": {"en": {**TEXT, "title": title}}}
                    for title in (f"alice {round_}", f"bob {round_}")
                },
            )
            statuses = sorted(r.status_code for r in results.values())
            assert statuses == [200, 412], (round_, statuses)
            winner = next(title for title, r in results.items() if r.status_code == 200)
            stored = reader.get(f"/v1/statements/{statement_id}/editorial", headers=writer)
            assert stored.json()["pending"]["translations"]["en"]["title"] == winner
            assert stored.json()["translations"]["en"]["title"] == "Start"
            etag = stored.headers["etag"]
        after = reader.get(f"/v1/statements/{statement_id}").json()
        public.pop("request_id", None)
        after.pop("request_id", None)
        assert after == public
