"""Editing statements over HTTP: keys, drafts, If-Match, idempotency, hygiene, schedules."""

from datetime import timedelta
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import Scope
from app.changes.models import ChangeEntry
from app.statements.models import Statement
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_key

EDITOR = (Scope.STATEMENTS_WRITE, Scope.CONTENT_PUBLISH, Scope.CONTENT_PREVIEW)


def draft(slug: str = "test-statement", text: str = "A first paragraph.") -> dict[str, Any]:
    return {
        "type": "news",
        "places": ["HND"],
        "topics": ["migration-governance"],
        "terms": ["gcm:21"],
        "translations": {
            "en": {
                "slug": slug,
                "title": "A test statement",
                "summary": "Summary.",
                "body": [{"text": text}],
            }
        },
    }


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *EDITOR)


def create(client: TestClient, editor: dict[str, str], **overrides: Any) -> Any:
    response = client.post("/v1/statements", json=draft(**overrides), headers=editor)
    assert response.status_code == 201, response.text
    return response


def act(
    client: TestClient, editor: dict[str, str], statement: Any, action: str, **body: Any
) -> Any:
    return client.post(
        f"/v1/statements/{statement.json()['id']}/{action}",
        json=body or None,
        headers={**editor, "If-Match": statement.headers["etag"]},
    )


def public_ids(client: TestClient) -> set[str]:
    return {i["id"] for i in client.get("/v1/statements?limit=100").json()["items"]}


class TestLifecycle:
    def test_a_draft_does_not_exist_until_published(
        self, client: TestClient, editor: dict[str, str], session: Session
    ) -> None:
        created = create(client, editor)
        statement_id = created.json()["id"]
        assert created.headers["location"] == f"/v1/statements/{statement_id}/editorial"
        assert created.json()["publication_status"] == "draft"
        assert created.json()["translations"]["en"]["body"][0]["anchor"] == "p-1"
        assert client.get(f"/v1/statements/{statement_id}").status_code == 404
        assert client.get("/v1/statements/test-statement").status_code == 404
        assert statement_id not in public_ids(client)

        published = act(client, editor, created, "publish")
        assert published.status_code == 200
        assert published.headers["etag"] != created.headers["etag"]
        assert client.get("/v1/statements/test-statement").status_code == 200
        assert statement_id in public_ids(client)
        log = session.scalars(select(ChangeEntry).where(ChangeEntry.resource_id == statement_id))
        assert [e.operation for e in log] == ["publish"]
        revisions = client.get(f"/v1/statements/{statement_id}/revisions").json()["items"]
        assert [r["operation"] for r in revisions] == ["publish"]

    def test_withdrawal_leaves_a_public_note(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        published = act(client, editor, create(client, editor), "publish")
        withdrawn = act(client, editor, published, "withdraw", note="Issued in error.")
        assert withdrawn.status_code == 200
        response = client.get(f"/v1/statements/{published.json()['id']}")
        assert response.status_code == 410
        assert "Issued in error." in response.json()["detail"]
        assert published.json()["id"] not in public_ids(client)

    def test_delete_is_soft_and_logged(
        self, client: TestClient, editor: dict[str, str], session: Session
    ) -> None:
        published = act(client, editor, create(client, editor), "publish")
        statement_id = published.json()["id"]
        deleted = client.delete(
            f"/v1/statements/{statement_id}",
            headers={**editor, "If-Match": published.headers["etag"]},
        )
        assert deleted.status_code == 204
        assert client.get(f"/v1/statements/{statement_id}").status_code == 404
        assert session.get(Statement, statement_id) is not None
        operations = session.scalars(
            select(ChangeEntry.operation)
            .where(ChangeEntry.resource_id == statement_id)
            .order_by(ChangeEntry.seq)
        ).all()
        assert operations == ["publish", "delete"]

    def test_a_scheduled_statement_appears_at_its_time_and_not_a_second_before(
        self, client: TestClient, editor: dict[str, str], clock: Clock
    ) -> None:
        at = FIXED_NOW + timedelta(hours=2)
        scheduled = act(
            client, editor, create(client, editor), "schedule", publish_at=at.isoformat()
        )
        assert scheduled.json()["scheduled"] is True
        statement_id = scheduled.json()["id"]
        clock.now = at - timedelta(seconds=1)
        before = client.get("/v1/statements?limit=100")
        assert statement_id not in {i["id"] for i in before.json()["items"]}
        assert client.get(f"/v1/statements/{statement_id}").status_code == 404
        assert "max-age=1," in before.headers["cache-control"]
        clock.now = at
        assert statement_id in public_ids(client)
        assert client.get(f"/v1/statements/{statement_id}").status_code == 200

    def test_every_write_is_audited_with_its_key(
        self, client: TestClient, editor: dict[str, str], session: Session
    ) -> None:
        created = create(client, editor)
        act(client, editor, created, "publish")
        key_id = "_".join(editor["Authorization"].split("_")[1:3])  # nwsk_key_<26>_<secret>
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.resource_id == created.json()["id"], AuditEntry.key_id == key_id)
            .order_by(AuditEntry.at, AuditEntry.action)
        ).all()
        assert sorted(actions) == ["create", "publish"]


class TestConcurrency:
    def patch(
        self, client: TestClient, editor: dict[str, str], statement_id: str, etag: str | None
    ) -> Any:
        headers = dict(editor)
        if etag is not None:
            headers["If-Match"] = etag
        return client.patch(
            f"/v1/statements/{statement_id}", json={"topics": ["displacement"]}, headers=headers
        )

    def test_update_needs_if_match(self, client: TestClient, editor: dict[str, str]) -> None:
        created = create(client, editor)
        statement_id = created.json()["id"]
        missing = self.patch(client, editor, statement_id, None)
        assert missing.status_code == 428
        weak = self.patch(client, editor, statement_id, "W/" + created.headers["etag"])
        assert weak.status_code == 412
        first = self.patch(client, editor, statement_id, created.headers["etag"])
        assert first.status_code == 200
        assert first.json()["topics"] == ["displacement"]
        stale = self.patch(client, editor, statement_id, created.headers["etag"])
        assert stale.status_code == 412
        assert stale.headers["etag"] == first.headers["etag"]


class TestIdempotency:
    def test_same_key_and_body_replays_the_first_response(
        self, client: TestClient, editor: dict[str, str], session: Session
    ) -> None:
        headers = {**editor, "Idempotency-Key": "retry-1"}
        first = client.post("/v1/statements", json=draft(), headers=headers)
        second = client.post("/v1/statements", json=draft(), headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.content == first.content
        assert second.headers["idempotent-replayed"] == "true"
        count = session.scalar(
            select(func.count()).select_from(Statement).where(Statement.id == first.json()["id"])
        )
        assert count == 1
        other = client.post("/v1/statements", json=draft(slug="other"), headers=headers)
        assert other.status_code == 422


class TestInputHygiene:
    XSS: ClassVar[list[tuple[str, str]]] = [
        ("<script>alert(1)</script>Hello", "script"),
        ('<img src=x onerror="alert(1)">Hi', "onerror"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ("<svg onload=alert(1)>x</svg>", "onload"),
        ('<iframe src="https://evil.example"></iframe>Text', "iframe"),
    ]

    def test_rich_text_is_sanitized(self, client: TestClient, editor: dict[str, str]) -> None:
        for n, (dirty, banned) in enumerate(self.XSS):
            created = create(client, editor, slug=f"xss-{n}", text=dirty)
            stored = created.json()["translations"]["en"]["body"][0]["text"]
            assert banned not in stored.lower()
            assert "<script" not in stored
        link = create(client, editor, slug="ok-link", text='<a href="https://iom.int">IOM</a>')
        assert 'rel="noopener noreferrer"' in link.json()["translations"]["en"]["body"][0]["text"]

    @pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "c1\x85control"])
    def test_control_characters_are_refused(
        self, client: TestClient, editor: dict[str, str], bad: str
    ) -> None:
        body = draft()
        body["translations"]["en"]["title"] = bad
        response = client.post("/v1/statements", json=body, headers=editor)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "#/translations/en/title"

    def test_unknown_fields_and_codes_are_refused(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        unknown = client.post(
            "/v1/statements", json={**draft(), "status": "published"}, headers=editor
        )
        assert unknown.status_code == 422
        bad_place = client.post(
            "/v1/statements", json={**draft(), "places": ["ZZZ"]}, headers=editor
        )
        assert bad_place.status_code == 422

    def test_unicode_is_normalized_to_nfc(self, client: TestClient, editor: dict[str, str]) -> None:
        body = draft()
        body["translations"]["en"]["title"] = "Cafe\u0301"
        created = client.post("/v1/statements", json=body, headers=editor)
        assert created.json()["translations"]["en"]["title"] == "Caf\u00e9"

    def test_a_duplicate_slug_is_a_conflict(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        create(client, editor, slug="same-slug")
        again = client.post("/v1/statements", json=draft(slug="same-slug"), headers=editor)
        assert again.status_code == 409

    def test_a_2_mib_chunked_body_is_413(self, client: TestClient, editor: dict[str, str]) -> None:
        def chunks() -> Any:
            for _ in range(64):
                yield b"x" * 32768

        response = client.post(
            "/v1/statements",
            content=chunks(),
            headers={**editor, "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"


class TestScopes:
    def test_partner_cannot_write_and_writer_cannot_publish(
        self, client: TestClient, session: Session
    ) -> None:
        partner = make_key(session, Scope.CONTENT_PREVIEW)
        assert client.post("/v1/statements", json=draft(), headers=partner).status_code == 403
        writer = make_key(session, Scope.STATEMENTS_WRITE)
        created = create(client, writer)
        assert act(client, writer, created, "publish").status_code == 403


def test_an_old_slug_keeps_resolving(client: TestClient, editor: dict[str, str]) -> None:
    published = act(client, editor, create(client, editor, slug="first-slug"), "publish")
    renamed = client.patch(
        f"/v1/statements/{published.json()['id']}",
        json={"translations": {"en": {**draft()["translations"]["en"], "slug": "second-slug"}}},
        headers={**editor, "If-Match": published.headers["etag"]},
    )
    assert renamed.status_code == 200
    old = client.get("/v1/statements/first-slug")
    assert old.status_code == 200
    assert old.json()["id"] == published.json()["id"]
    assert old.json()["slug"] == "second-slug"
    assert client.get("/v1/statements/second-slug").json()["id"] == published.json()["id"]
