"""Writing is not publishing: live statements change only through `content:publish`.

A key without it edits a pending working copy; the public keeps the published version byte
for byte until a publisher publishes the copy (or someone discards it).
"""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import Scope
from app.changes.models import ChangeEntry
from app.statements.models import StatementRevision
from tests.conftest import FIXED_NOW
from tests.factories import make_key
from tests.statements.test_editing import act, create

PUBLISHER = (Scope.STATEMENTS_WRITE, Scope.CONTENT_PUBLISH, Scope.CONTENT_PREVIEW)


@pytest.fixture
def publisher(session: Session) -> dict[str, str]:
    return make_key(session, *PUBLISHER, name="publisher")


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return make_key(session, Scope.STATEMENTS_WRITE, Scope.CONTENT_PREVIEW, name="writer")


def live(client: TestClient, publisher: dict[str, str]) -> Any:
    published = act(client, publisher, create(client, publisher), "publish")
    assert published.status_code == 200, published.text
    return published


def patch(client: TestClient, key: dict[str, str], current: Any, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/v1/statements/{current.json()['id']}",
        json=body,
        headers={**key, "If-Match": current.headers["etag"]},
    )


def public(client: TestClient, statement_id: str) -> tuple[int, Any, str | None]:
    """What an anonymous reader gets (the request id aside)."""
    response = client.get(f"/v1/statements/{statement_id}")
    body = response.json()
    body.pop("request_id", None)
    return response.status_code, body, response.headers.get("etag")


def title(text: str) -> dict[str, Any]:
    return {"translations": {"en": {**TEXT, "title": text}}}


TEXT = {
    "slug": "test-statement",
    "title": "A test statement",
    "summary": "Summary.",
    "body": [{"anchor": "p-1", "text": "A first paragraph."}],
}


def log_size(session: Session) -> tuple[int, int]:
    entries = session.scalar(select(func.count()).select_from(ChangeEntry))
    revisions = session.scalar(select(func.count()).select_from(StatementRevision))
    return int(entries or 0), int(revisions or 0)


def test_a_writer_edits_a_working_copy_and_the_public_sees_nothing(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str], session: Session
) -> None:
    published = live(client, publisher)
    statement_id = published.json()["id"]
    before, logged = public(client, statement_id), log_size(session)

    edited = patch(client, writer, published, title("A pending title"))
    assert edited.status_code == 200, edited.text
    assert edited.json()["translations"]["en"]["title"] == "A test statement"
    assert edited.json()["pending"]["translations"]["en"]["title"] == "A pending title"
    assert edited.json()["pending_changes"] == ["/translations/en/title"]
    assert edited.headers["etag"] != published.headers["etag"]
    assert public(client, statement_id) == before
    assert log_size(session) == logged
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.resource_id == statement_id)
    ).all()
    assert "edit_pending" in actions
    editorial = client.get(f"/v1/statements/{statement_id}/editorial", headers=writer)
    assert editorial.json()["pending"] == edited.json()["pending"]
    assert editorial.headers["etag"] == edited.headers["etag"]

    # The old ETag lost: two editors cannot both win, on the working copy either.
    assert patch(client, writer, published, title("Another")).status_code == 412

    # A second edit merges onto the copy (per language, like every PATCH).
    added = {"translations": {"fr": {**TEXT, "slug": "test-fr", "title": "Un titre"}}}
    merged = patch(client, writer, edited, added)
    assert merged.status_code == 200, merged.text
    assert merged.json()["pending"]["translations"]["en"]["title"] == "A pending title"
    assert merged.json()["pending_changes"] == ["/translations/en/title", "/translations/fr"]
    assert public(client, statement_id) == before
    assert client.get("/v1/statements/test-fr").status_code == 404

    # Publishing applies the copy: one update in the log, one revision.
    applied = act(client, publisher, merged, "publish")
    assert applied.status_code == 200, applied.text
    assert applied.json()["pending"] is None
    assert applied.json()["pending_changes"] == []
    assert log_size(session) == (logged[0] + 1, logged[1] + 1)
    assert client.get(f"/v1/statements/{statement_id}").json()["title"] == "A pending title"
    assert client.get("/v1/statements/test-fr").status_code == 200
    revisions = client.get(f"/v1/statements/{statement_id}/revisions").json()["items"]
    assert [r["operation"] for r in revisions] == ["publish", "update"]
    last = session.scalars(select(ChangeEntry).order_by(ChangeEntry.seq.desc())).first()
    assert last is not None
    assert (last.resource_id, last.operation) == (statement_id, "update")


def test_editors_preview_the_working_copy_and_readers_keep_the_published_version(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str]
) -> None:
    published = live(client, publisher)
    statement_id = published.json()["id"]
    listing = client.get("/v1/statements?limit=100").content
    item = public(client, statement_id)
    body = [{"anchor": "p-1", "text": "A first paragraph."}, {"text": "A pending paragraph."}]
    edit = {"translations": {"en": {**TEXT, "title": "zzpending", "body": body}}}
    assert patch(client, writer, published, edit).status_code == 200

    assert client.get("/v1/statements?limit=100").content == listing
    assert public(client, statement_id) == item
    assert b"zzpending" not in client.get("/v1/statements/test-statement?lang=en").content
    preview = client.get(f"/v1/statements/{statement_id}?preview=true", headers=writer)
    assert preview.status_code == 200, preview.text
    assert preview.json()["title"] == "zzpending"
    assert [p["anchor"] for p in preview.json()["body"]] == ["p-1", "p-2"]
    assert "no-store" in preview.headers["cache-control"]
    listed = client.get("/v1/statements?preview=true&limit=100", headers=writer).json()["items"]
    assert next(i for i in listed if i["id"] == statement_id)["title"] == "zzpending"


def test_discarding_the_working_copy(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str], session: Session
) -> None:
    published = live(client, publisher)
    statement_id = published.json()["id"]
    before, logged = public(client, statement_id), log_size(session)
    edited = patch(client, writer, published, title("Thrown away"))

    assert act(client, writer, published, "discard").status_code == 412
    discarded = act(client, writer, edited, "discard")
    assert discarded.status_code == 200, discarded.text
    assert discarded.json()["pending"] is None
    assert discarded.headers["etag"] != edited.headers["etag"]
    again = act(client, writer, discarded, "discard")
    assert again.status_code == 409
    assert public(client, statement_id) == before
    assert log_size(session) == logged
    # Nothing left to publish: publishing again keeps the published text.
    republished = act(client, publisher, discarded, "publish")
    assert republished.json()["translations"]["en"]["title"] == "A test statement"


def test_a_publishers_patch_publishes_the_working_copy_with_it(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str], session: Session
) -> None:
    published = live(client, publisher)
    statement_id = published.json()["id"]
    edited = patch(client, writer, published, {"topics": ["displacement"]})
    assert edited.json()["pending_changes"] == ["/topics"]
    logged = log_size(session)

    direct = patch(client, publisher, edited, title("Publisher's title"))
    assert direct.status_code == 200, direct.text
    assert direct.json()["pending"] is None
    assert direct.json()["topics"] == ["displacement"]
    assert direct.json()["translations"]["en"]["title"] == "Publisher's title"
    assert log_size(session) == (logged[0] + 1, logged[1] + 1)
    assert client.get(f"/v1/statements/{statement_id}").json()["title"] == "Publisher's title"


def test_drafts_are_edited_directly_and_deleted_with_the_write_scope(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str]
) -> None:
    created = create(client, writer)
    edited = patch(client, writer, created, title("Straight in"))
    assert edited.json()["translations"]["en"]["title"] == "Straight in"
    assert edited.json()["pending"] is None
    deleted = client.delete(
        f"/v1/statements/{created.json()['id']}",
        headers={**writer, "If-Match": edited.headers["etag"]},
    )
    assert deleted.status_code == 204


@pytest.mark.parametrize("state", ["live", "scheduled", "withdrawn"])
def test_deleting_live_content_needs_the_publish_scope(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str], state: str
) -> None:
    current = live(client, publisher)
    if state == "scheduled":
        at = (FIXED_NOW + timedelta(days=2)).isoformat()
        current = act(
            client, publisher, create(client, publisher, slug="later"), "schedule", publish_at=at
        )
    elif state == "withdrawn":
        current = act(client, publisher, current, "withdraw", note="Gone.")
    statement_id = current.json()["id"]
    before = public(client, statement_id)
    refused = client.delete(
        f"/v1/statements/{statement_id}", headers={**writer, "If-Match": current.headers["etag"]}
    )
    assert refused.status_code == 403
    assert "`content:publish`" in refused.json()["detail"]
    assert public(client, statement_id) == before
    # Its edits wait too.
    waiting = patch(client, writer, current, {"topics": ["displacement"]})
    assert waiting.json()["pending_changes"] == ["/topics"]
    assert public(client, statement_id) == before


def test_unpublishing_makes_the_working_copy_the_draft(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str]
) -> None:
    published = live(client, publisher)
    edited = patch(client, writer, published, title("Folded in"))
    unpublished = act(client, publisher, edited, "unpublish")
    assert unpublished.status_code == 200, unpublished.text
    assert unpublished.json()["pending"] is None
    assert unpublished.json()["translations"]["en"]["title"] == "Folded in"
    # A public revision snapshot never carried the working copy.
    revisions = client.get(f"/v1/statements/{published.json()['id']}/revisions")
    assert b"Folded in" not in revisions.content


def test_a_working_copy_is_checked_when_written(
    client: TestClient, publisher: dict[str, str], writer: dict[str, str]
) -> None:
    create(client, publisher, slug="taken-elsewhere")
    published = act(client, publisher, create(client, publisher), "publish")
    unknown = patch(client, writer, published, {"topics": ["no-such-topic"]})
    assert unknown.status_code == 422
    taken = patch(
        client, writer, published, {"translations": {"en": {**TEXT, "slug": "taken-elsewhere"}}}
    )
    assert taken.status_code == 409
    emptied = patch(client, writer, published, {"translations": {"en": None}})
    assert emptied.status_code == 422
