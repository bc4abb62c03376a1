"""Commitment reads take `?preview=true` like statements: a key with `content:preview` sees
drafts, scheduled and withdrawn commitments; nobody else does, and nothing keyed is cached."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.demo.loader import statement_id_for
from tests.conftest import FIXED_NOW
from tests.factories import make_key

SEED = statement_id_for("iom-lad-2022")


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, Scope.COMMITMENTS_WRITE, Scope.CONTENT_PUBLISH, Scope.CONTENT_PREVIEW)


def hidden_commitments(client: TestClient, editor: dict[str, str]) -> dict[str, str]:
    """A draft, a scheduled and a withdrawn commitment citing the seed statement, by state."""
    made = {}
    for n, state in enumerate(["draft", "scheduled", "withdrawn"]):
        body = {
            "code": f"PREVIEW-2026-0{n}",
            "actors": [{"id": "iom", "role": "lead"}],
            "terms": ["gcm:21"],
            "made_on": "2026-11-01",
            "source": {"statement_id": SEED},
            "translations": {"en": {"title": f"A {state} one", "summary": "S.", "text": "T."}},
        }
        created = client.post("/v1/commitments", json=body, headers=editor)
        assert created.status_code == 201, created.text
        url, etag = f"/v1/commitments/{created.json()['id']}", created.headers["etag"]
        if state == "scheduled":
            at = {"publish_at": (FIXED_NOW + timedelta(days=1)).isoformat()}
            done = client.post(f"{url}/schedule", json=at, headers={**editor, "If-Match": etag})
            assert done.status_code == 200
        if state == "withdrawn":
            published = client.post(f"{url}/publish", headers={**editor, "If-Match": etag})
            done = client.post(
                f"{url}/withdraw",
                json={"note": "Superseded."},
                headers={**editor, "If-Match": published.headers["etag"]},
            )
            assert done.status_code == 200
        made[state] = created.json()["id"]
    return made


def ids(response: Any) -> set[str]:
    return {item["id"] for item in response.json()["items"]}


def test_preview_shows_hidden_commitments_to_keys_that_may(
    client: TestClient, editor: dict[str, str]
) -> None:
    hidden = hidden_commitments(client, editor)
    every = set(hidden.values())
    lists = [
        "/v1/commitments?limit=100",
        f"/v1/statements/{SEED}/commitments?limit=100",
    ]
    for url in lists:
        assert not ids(client.get(url)) & every, url
        previewed = client.get(f"{url}&preview=true", headers=editor)
        assert previewed.status_code == 200
        assert previewed.headers["cache-control"] == "private, no-store"
        assert ids(previewed) >= every, url
    for commitment_id in every:
        item = client.get(f"/v1/commitments/{commitment_id}?preview=true", headers=editor)
        assert item.status_code == 200
        assert item.headers["cache-control"] == "private, no-store"
        assert item.json()["id"] == commitment_id
    assert client.get(f"/v1/commitments/{hidden['draft']}").status_code == 404
    assert client.get(f"/v1/commitments/{hidden['scheduled']}").status_code == 404

    public = client.get("/v1/commitments/summary?term=gcm:21").json()["total"]
    previewed = client.get("/v1/commitments/summary?term=gcm:21&preview=true", headers=editor)
    assert previewed.headers["cache-control"] == "private, no-store"
    assert previewed.json()["total"] == public + 3


@pytest.mark.parametrize(
    "url",
    [
        "/v1/commitments?preview=true",
        "/v1/commitments/summary?preview=true",
        "/v1/commitments/LAD-2022-IOM-01?preview=true",
        f"/v1/statements/{SEED}/commitments?preview=true",
    ],
)
def test_preview_needs_a_key_with_the_preview_scope(
    client: TestClient, session: Session, url: str
) -> None:
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    writer = make_key(session, Scope.COMMITMENTS_WRITE)
    forbidden = client.get(url, headers=writer)
    assert forbidden.status_code == 403
    assert "content:preview" in forbidden.json()["detail"]
