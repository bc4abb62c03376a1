"""Editing commitments over HTTP: provenance checked, lifecycle enforced, changes logged."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes.models import ChangeEntry
from app.demo.loader import statement_id_for
from tests.factories import make_key

SEED = statement_id_for("iom-lad-2022")


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, Scope.COMMITMENTS_WRITE, Scope.CONTENT_PUBLISH)


def paragraph(client: TestClient, lang: str, anchor: str) -> str:
    body = client.get(f"/v1/statements/{SEED}?lang={lang}").json()["body"]
    return str(next(p["text"] for p in body if p["anchor"] == anchor))


def new_commitment(client: TestClient, **overrides: Any) -> dict[str, Any]:
    quote_en = paragraph(client, "en", "support")[:40]
    quote_fr = paragraph(client, "fr", "support")[:40]
    body = {
        "code": "TEST-2026-01",
        "kinds": ["technical"],
        "actors": [{"id": "iom", "role": "lead"}, {"id": "state-hnd", "role": "partner"}],
        "places": ["HND"],
        "terms": ["gcm:21"],
        "made_on": "2026-11-01",
        "due_on": "2027-06-30",
        "due_precision": "month",
        "source": {"statement_id": SEED, "anchor": "support"},
        "translations": {
            "en": {"title": "A pledge", "summary": "S.", "text": "T.", "quote": quote_en},
            "fr": {"title": "Un engagement", "summary": "S.", "text": "T.", "quote": quote_fr},
        },
        "resources": {"amount": "1500000.00", "currency": "USD"},
    }
    body.update(overrides)
    return body


def create(client: TestClient, editor: dict[str, str], **overrides: Any) -> Any:
    response = client.post(
        "/v1/commitments", json=new_commitment(client, **overrides), headers=editor
    )
    assert response.status_code == 201, response.text
    return response


def test_create_publish_and_read(
    client: TestClient, editor: dict[str, str], session: Session
) -> None:
    created = create(client, editor)
    commitment_id = created.json()["id"]
    assert created.json()["publication_status"] == "draft"
    assert client.get(f"/v1/commitments/{commitment_id}").status_code == 404
    published = client.post(
        f"/v1/commitments/{commitment_id}/publish",
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200
    detail = client.get("/v1/commitments/test-2026-01?lang=fr").json()
    assert detail["source"]["quote"] in paragraph(client, "fr", "support")
    assert {a["slug"] for a in detail["actors"]} == {"iom", "state-hnd"}
    listed = client.get(f"/v1/statements/{SEED}/commitments?limit=100").json()["items"]
    assert commitment_id in {c["id"] for c in listed}
    operations = session.scalars(
        select(ChangeEntry.operation).where(ChangeEntry.resource_id == commitment_id)
    ).all()
    assert list(operations) == ["publish"]


def test_a_quote_not_in_the_paragraph_is_refused(
    client: TestClient, editor: dict[str, str]
) -> None:
    body = new_commitment(client)
    body["translations"]["fr"]["quote"] = "Une phrase que le communiqué ne contient pas."
    response = client.post("/v1/commitments", json=body, headers=editor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/translations/fr/quote"
    missing_anchor = new_commitment(client, source={"statement_id": SEED, "anchor": "no-such"})
    assert client.post("/v1/commitments", json=missing_anchor, headers=editor).status_code == 422


def test_unknown_actor_and_duplicate_code(client: TestClient, editor: dict[str, str]) -> None:
    unknown = new_commitment(client, actors=[{"id": "nobody", "role": "lead"}])
    response = client.post("/v1/commitments", json=unknown, headers=editor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/actors/0/id"
    create(client, editor)
    again = client.post("/v1/commitments", json=new_commitment(client), headers=editor)
    assert again.status_code == 409


def test_progress_follows_the_lifecycle(client: TestClient, editor: dict[str, str]) -> None:
    created = create(client, editor)
    commitment_id = created.json()["id"]
    etag = created.headers["etag"]

    def report(status: str | None, day: str, etag: str) -> Any:
        return client.post(
            f"/v1/commitments/{commitment_id}/progress",
            json={
                "reported_on": day,
                "status": status,
                "reporter": "iom",
                "narrative": {"en": "An update."},
                "evidence": [{"url": "https://www.iom.int/news", "kind": "news"}],
            },
            headers={**editor, "If-Match": etag},
        )

    assert report("in_progress", "2026-11-10", '"stale"').status_code == 412
    started = report("in_progress", "2026-11-10", etag)
    assert started.status_code == 201
    assert started.json()["sequence"] == 1
    skipped = report("announced", "2026-11-11", started.headers["etag"])
    assert skipped.status_code == 409
    assert "in_progress cannot become announced" in skipped.json()["detail"]
    editorial = client.get(f"/v1/commitments/{commitment_id}/editorial", headers=editor).json()
    assert editorial["implementation_status"] == "in_progress"


def test_update_and_delete_need_if_match(client: TestClient, editor: dict[str, str]) -> None:
    created = create(client, editor)
    url = f"/v1/commitments/{created.json()['id']}"
    assert client.patch(url, json={"due_on": "2028-01-01"}, headers=editor).status_code == 428
    changed = client.patch(
        url, json={"due_on": "2028-01-01"}, headers={**editor, "If-Match": created.headers["etag"]}
    )
    assert changed.status_code == 200
    assert changed.json()["due_on"] == "2028-01-01"
    gone = client.delete(url, headers={**editor, "If-Match": changed.headers["etag"]})
    assert gone.status_code == 204
    assert client.get(f"{url}/editorial", headers=editor).status_code == 404


def test_writers_need_the_commitments_scope(client: TestClient, session: Session) -> None:
    statements_only = make_key(session, Scope.STATEMENTS_WRITE)
    response = client.post("/v1/commitments", json=new_commitment(client), headers=statements_only)
    assert response.status_code == 403


def test_schedule_and_withdraw(
    client: TestClient, editor: dict[str, str], session: Session
) -> None:
    from datetime import timedelta

    from tests.conftest import FIXED_NOW

    created = create(client, editor)
    commitment_id = created.json()["id"]
    at = (FIXED_NOW + timedelta(hours=1)).isoformat()
    scheduled = client.post(
        f"/v1/commitments/{commitment_id}/schedule",
        json={"publish_at": at},
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert scheduled.status_code == 200
    assert client.get(f"/v1/commitments/{commitment_id}").status_code == 404
    published = client.post(
        f"/v1/commitments/{commitment_id}/publish",
        headers={**editor, "If-Match": scheduled.headers["etag"]},
    )
    assert client.get(f"/v1/commitments/{commitment_id}").status_code == 200  # now, not later
    withdrawn = client.post(
        f"/v1/commitments/{commitment_id}/withdraw",
        json={"note": "Superseded."},
        headers={**editor, "If-Match": published.headers["etag"]},
    )
    assert withdrawn.status_code == 200
    response = client.get(f"/v1/commitments/{commitment_id}")
    assert response.status_code == 410
    assert "Superseded." in response.json()["detail"]


def test_a_scheduled_commitment_is_announced_once_its_time_comes(
    client: TestClient, editor: dict[str, str], session: Session
) -> None:
    from datetime import timedelta

    from app.commitments.editing import record_due_go_lives
    from tests.conftest import FIXED_NOW

    created = create(client, editor)
    commitment_id = created.json()["id"]
    at = FIXED_NOW + timedelta(hours=1)
    client.post(
        f"/v1/commitments/{commitment_id}/schedule",
        json={"publish_at": at.isoformat()},
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert record_due_go_lives(session, FIXED_NOW) == 0
    assert record_due_go_lives(session, at) == 1
    assert record_due_go_lives(session, at) == 0  # announced once
    entries = session.scalars(
        select(ChangeEntry).where(ChangeEntry.resource_id == commitment_id)
    ).all()
    assert [(e.operation, e.occurred_at) for e in entries] == [("publish", at)]
