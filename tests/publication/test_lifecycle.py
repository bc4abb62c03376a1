"""One lifecycle for statements and commitments: the same transition logs the same event."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from tests.conftest import FIXED_NOW
from tests.factories import make_key

SEED = "iom-statement-los-angeles-declaration-migration-and-protection"


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(
        session,
        Scope.STATEMENTS_WRITE,
        Scope.COMMITMENTS_WRITE,
        Scope.CONTENT_PUBLISH,
        Scope.CONTENT_PREVIEW,
    )


def new_statement(client: TestClient, editor: dict[str, str]) -> Any:
    body = {
        "type": "news",
        "translations": {
            "en": {"slug": "lifecycle", "title": "T", "summary": "S.", "body": [{"text": "X."}]}
        },
    }
    response = client.post("/v1/statements", json=body, headers=editor)
    assert response.status_code == 201
    return response


def new_commitment(client: TestClient, editor: dict[str, str]) -> Any:
    body = {
        "code": "LIFECYCLE-01",
        "actors": [{"id": "iom", "role": "lead"}],
        "made_on": "2026-11-01",
        "source": {"url": "https://example.org/pledge"},
        "translations": {"en": {"title": "A pledge", "summary": "S.", "text": "T."}},
    }
    response = client.post("/v1/commitments", json=body, headers=editor)
    assert response.status_code == 201, response.text
    return response


def post(client: TestClient, editor: dict[str, str], item: Any, action: str, **body: Any) -> Any:
    kind = "statements" if item.json()["id"].startswith("stm") else "commitments"
    response = client.post(
        f"/v1/{kind}/{item.json()['id']}/{action}",
        json=body or None,
        headers={**editor, "If-Match": item.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    return response


def events_since(client: TestClient, after: int) -> list[tuple[str, str | None, str | None]]:
    items = client.get(f"/v1/changes?after={after}&limit=1000").json()["items"]
    return [(item["op"], item["reason"], item["note"]) for item in items]


@pytest.mark.parametrize("make", [new_statement, new_commitment])
def test_rescheduling_live_content_is_one_unpublish_for_either_kind(
    client: TestClient, editor: dict[str, str], make: Any
) -> None:
    live = post(client, editor, make(client, editor), "publish")
    start = client.get("/v1/changes").json()["latest_seq"]
    later = (FIXED_NOW + timedelta(days=1)).isoformat()
    post(client, editor, live, "schedule", publish_at=later)
    assert events_since(client, start) == [("delete", "unpublished", None)]


@pytest.mark.parametrize("make", [new_statement, new_commitment])
def test_republishing_unchanged_content_logs_nothing_and_keeps_the_etag(
    client: TestClient, editor: dict[str, str], make: Any
) -> None:
    live = post(client, editor, make(client, editor), "publish")
    start = client.get("/v1/changes").json()["latest_seq"]
    again = post(client, editor, live, "publish")
    assert events_since(client, start) == []
    assert again.headers["etag"] == live.headers["etag"]


@pytest.mark.parametrize("make", [new_statement, new_commitment])
def test_scheduling_a_draft_logs_nothing_the_public_could_see(
    client: TestClient, editor: dict[str, str], make: Any
) -> None:
    start = client.get("/v1/changes").json()["latest_seq"]
    later = (FIXED_NOW + timedelta(days=1)).isoformat()
    post(client, editor, make(client, editor), "schedule", publish_at=later)
    assert events_since(client, start) == []
