"""Writing is not publishing, for commitments: a key without `content:publish` edits a pending
working copy of a live commitment; the public keeps the published version until a publisher
publishes it. Deleting live content and reporting progress on it need `content:publish`."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes.models import ChangeEntry
from tests.commitments.test_editing import create
from tests.factories import make_key


@pytest.fixture
def publisher(session: Session) -> dict[str, str]:
    return make_key(session, Scope.COMMITMENTS_WRITE, Scope.CONTENT_PUBLISH, name="publisher")


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return make_key(session, Scope.COMMITMENTS_WRITE, name="writer")


def send(
    client: TestClient, method: str, key: dict[str, str], current: Any, action: str = "", **kw: Any
) -> Any:
    path = f"/v1/commitments/{current.json()['id']}" + (f"/{action}" if action else "")
    headers = {**key, "If-Match": current.headers["etag"]}
    return client.request(method, path, headers=headers, **kw)


def live(client: TestClient, publisher: dict[str, str]) -> Any:
    published = send(client, "POST", publisher, create(client, publisher), "publish")
    assert published.status_code == 200, published.text
    return published


def public(client: TestClient, commitment_id: str) -> tuple[int, Any, str | None]:
    response = client.get(f"/v1/commitments/{commitment_id}")
    body = response.json()
    body.pop("request_id", None)
    return response.status_code, body, response.headers.get("etag")


def logged(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ChangeEntry)) or 0)


def test_a_writer_edits_a_working_copy_that_publishing_applies(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str], session: Session
) -> None:
    published = live(client, publisher)
    commitment_id = published.json()["id"]
    before, entries = public(client, commitment_id), logged(session)

    edited = send(client, "PATCH", writer, published, json={"due_on": "2029-12-31"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["due_on"] == "2027-06-30"
    assert edited.json()["pending"]["due_on"] == "2029-12-31"
    assert edited.json()["pending_changes"] == ["/due_on"]
    assert edited.headers["etag"] != published.headers["etag"]
    assert (
        send(client, "PATCH", writer, published, json={"due_on": "2028-01-01"}).status_code == 412
    )

    title = {"translations": {"en": {"title": "Pending", "summary": "S.", "text": "T."}}}
    merged = send(client, "PATCH", writer, edited, json=title)
    assert merged.json()["pending_changes"] == [
        "/due_on",
        "/translations/en/quote",
        "/translations/en/title",
    ]
    assert public(client, commitment_id) == before
    assert logged(session) == entries
    previewer = make_key(session, Scope.CONTENT_PREVIEW, name="previewer")
    preview = client.get(f"/v1/commitments/{commitment_id}?preview=true&lang=en", headers=previewer)
    assert preview.status_code == 200, preview.text
    assert preview.json()["title"] == "Pending"

    refused = send(client, "POST", writer, merged, "publish")
    assert refused.status_code == 403
    applied = send(client, "POST", publisher, merged, "publish")
    assert applied.status_code == 200, applied.text
    assert applied.json()["pending"] is None
    assert applied.json()["due_on"] == "2029-12-31"
    assert logged(session) == entries + 1
    last = session.scalars(select(ChangeEntry).order_by(ChangeEntry.seq.desc())).first()
    assert last is not None
    assert (last.resource_id, last.operation) == (commitment_id, "update")
    assert client.get(f"/v1/commitments/{commitment_id}?lang=en").json()["title"] == "Pending"


def test_discard_and_a_publishers_patch(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str], session: Session
) -> None:
    published = live(client, publisher)
    commitment_id = published.json()["id"]
    before = public(client, commitment_id)
    edited = send(client, "PATCH", writer, published, json={"due_on": "2029-12-31"})
    discarded = send(client, "POST", writer, edited, "discard")
    assert discarded.status_code == 200, discarded.text
    assert discarded.json()["pending"] is None
    assert send(client, "POST", writer, discarded, "discard").status_code == 409
    assert public(client, commitment_id) == before

    again = send(client, "PATCH", writer, discarded, json={"due_on": "2030-01-01"})
    direct = send(client, "PATCH", publisher, again, json={"due_precision": "year"})
    assert direct.status_code == 200, direct.text
    assert (direct.json()["due_on"], direct.json()["due_precision"]) == ("2030-01-01", "year")
    assert direct.json()["pending"] is None
    assert public(client, commitment_id) != before


def test_deleting_and_reporting_on_live_content_need_the_publish_scope(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str]
) -> None:
    published = live(client, publisher)
    commitment_id = published.json()["id"]
    before = public(client, commitment_id)
    deleted = send(client, "DELETE", writer, published)
    assert deleted.status_code == 403
    assert "`content:publish`" in deleted.json()["detail"]
    report = {"reported_on": "2026-11-20", "status": "planning", "narrative": {"en": "Begun."}}
    reported = send(client, "POST", writer, published, "progress", json=report)
    assert reported.status_code == 403
    assert public(client, commitment_id) == before
    assert send(client, "POST", publisher, published, "progress", json=report).status_code == 201


def test_drafts_stay_in_the_writers_hands(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str]
) -> None:
    created = create(client, writer)
    edited = send(client, "PATCH", writer, created, json={"due_on": "2029-12-31"})
    assert edited.json()["due_on"] == "2029-12-31"
    assert edited.json()["pending"] is None
    report = {"reported_on": "2026-11-20", "status": "planning", "narrative": {"en": "Begun."}}
    reported = send(client, "POST", writer, edited, "progress", json=report)
    assert reported.status_code == 201, reported.text
    draft = client.get(f"/v1/commitments/{created.json()['id']}/editorial", headers=writer)
    assert send(client, "DELETE", writer, draft).status_code == 204
