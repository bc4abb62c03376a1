"""Actors and topics editors can write (places and frameworks come from reference files)."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from tests.factories import make_key


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, Scope.TAXONOMIES_WRITE, Scope.CONTENT_PUBLISH)


def test_create_and_update_an_actor(client: TestClient, editor: dict[str, str]) -> None:
    created = client.post(
        "/v1/actors",
        json={
            "slug": "padf",
            "type": "ngo",
            "names": {"en": "Pan American Development Foundation"},
            "acronyms": {"en": "PADF"},
        },
        headers=editor,
    )
    assert created.status_code == 201, created.text
    actor_id = created.json()["id"]
    assert client.get("/v1/actors/padf").json()["acronym"] == "PADF"
    assert (
        client.patch(
            f"/v1/actors/{actor_id}", json={"acronyms": {"fr": "FUPAD"}}, headers=editor
        ).status_code
        == 428
    )
    updated = client.patch(
        f"/v1/actors/{actor_id}",
        json={"acronyms": {"en": "PADF", "fr": "FUPAD"}},
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert updated.status_code == 200
    assert client.get("/v1/actors/padf?lang=fr").json()["acronym"] == "FUPAD"
    again = client.post(
        "/v1/actors", json={"slug": "padf", "type": "ngo", "names": {"en": "X"}}, headers=editor
    )
    assert again.status_code == 409


def test_a_state_actor_needs_a_known_country(client: TestClient, editor: dict[str, str]) -> None:
    response = client.post(
        "/v1/actors",
        json={"slug": "state-zzz", "type": "state", "names": {"en": "Z"}, "iso3": "ZZZ"},
        headers=editor,
    )
    assert response.status_code == 422


def test_create_and_rename_a_topic(client: TestClient, editor: dict[str, str]) -> None:
    created = client.post(
        "/v1/topics",
        json={"slug": "statelessness", "names": {"en": "Statelessness"}},
        headers=editor,
    )
    assert created.status_code == 201
    etag = client.get("/v1/topics/statelessness/editorial", headers=editor).headers["etag"]
    renamed = client.patch(
        "/v1/topics/statelessness",
        json={"names": {"en": "Statelessness", "fr": "Apatridie"}},
        headers={**editor, "If-Match": etag},
    )
    assert renamed.status_code == 200
    assert client.get("/v1/topics/statelessness?lang=fr").json()["name"] == "Apatridie"


def test_taxonomy_writes_need_their_scope(client: TestClient, session: Session) -> None:
    other = make_key(session, Scope.STATEMENTS_WRITE)
    response = client.post("/v1/topics", json={"slug": "x", "names": {"en": "X"}}, headers=other)
    assert response.status_code == 403


def test_delete_refused_while_in_use_then_soft(client: TestClient, editor: dict[str, str]) -> None:
    iom = client.get("/v1/actors/iom").json()
    etag = client.get(f"/v1/actors/{iom['id']}/editorial", headers=editor).headers["etag"]
    in_use = client.delete(f"/v1/actors/{iom['id']}", headers={**editor, "If-Match": etag})
    assert in_use.status_code == 409
    created = client.post(
        "/v1/actors", json={"slug": "temp", "type": "ngo", "names": {"en": "Temp"}}, headers=editor
    )
    gone = client.delete(
        f"/v1/actors/{created.json()['id']}",
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert gone.status_code == 204
    assert client.get("/v1/actors/temp").status_code == 404
    assert "temp" not in {a["slug"] for a in client.get("/v1/actors?limit=100").json()["items"]}
    used_topic = client.get("/v1/topics/counter-trafficking/editorial", headers=editor)
    refused = client.delete(
        "/v1/topics/counter-trafficking", headers={**editor, "If-Match": used_topic.headers["etag"]}
    )
    assert refused.status_code == 409
    topic = client.post("/v1/topics", json={"slug": "unused", "names": {"en": "U"}}, headers=editor)
    deleted = client.delete(
        "/v1/topics/unused", headers={**editor, "If-Match": topic.headers["etag"]}
    )
    assert deleted.status_code == 204
    assert client.get("/v1/topics/unused").status_code == 404
    assert client.get("/v1/statements?topic=unused").status_code == 422


def test_a_topic_may_use_its_whole_slug_length(client: TestClient, editor: dict[str, str]) -> None:
    """The audit row names the topic by its slug, up to 64 characters (a 500 on PostgreSQL when
    the audit column was shorter: found by schemathesis)."""
    slug = "central-american-diaspora-networks-cut-remittance-costs-by-half"
    assert len(slug) > 32
    created = client.post(
        "/v1/topics", json={"slug": slug, "names": {"en": "Remittances"}}, headers=editor
    )
    assert created.status_code == 201, created.text
    assert client.get(f"/v1/topics/{slug}").json()["slug"] == slug
