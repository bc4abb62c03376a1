"""Managing subscriptions: scopes, ownership, the secret shown once, If-Match, the guard."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.idempotency import IdempotentRequest
from app.auth.models import Scope
from app.config import Settings
from tests.factories import make_key
from tests.webhooks.helpers import subscribe

PUBLIC = "https://203.0.113.9/hooks"  # a literal public address: no DNS needed in tests
GLOBAL = "https://93.184.216.34/hooks"


def test_the_secret_is_shown_at_creation_only(client: TestClient, manager: dict[str, str]) -> None:
    created = client.post(
        "/v1/webhooks", json={"url": GLOBAL, "event_types": ["statement"]}, headers=manager
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert created.headers["location"] == f"/v1/webhooks/{body['id']}"
    assert created.headers["cache-control"] == "private, no-store"
    read = client.get(created.headers["location"], headers=manager)
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert body["secret"] not in read.text
    listed = client.get("/v1/webhooks", headers=manager).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert body["secret"] not in str(listed)
    assert read.json()["status"] == "active"
    assert read.json()["last_seq"] > 0  # starts at the change log's latest entry


def test_keys_see_only_their_own_subscriptions_and_admins_see_all(
    client: TestClient, session: Session, manager: dict[str, str]
) -> None:
    sub = subscribe(client, manager, GLOBAL)
    other = make_key(session, Scope.WEBHOOKS_MANAGE, name="another partner")
    admin = make_key(session, Scope.WEBHOOKS_MANAGE, Scope.KEYS_ADMIN, name="admin")
    assert client.get(f"/v1/webhooks/{sub['id']}", headers=other).status_code == 404
    assert client.get("/v1/webhooks", headers=other).json()["items"] == []
    assert client.get(f"/v1/webhooks/{sub['id']}", headers=admin).status_code == 200
    assert [i["id"] for i in client.get("/v1/webhooks", headers=admin).json()["items"]] == [
        sub["id"]
    ]


def test_subscriptions_need_the_webhooks_scope(client: TestClient, session: Session) -> None:
    writer = make_key(session, Scope.STATEMENTS_WRITE, Scope.CONTENT_PUBLISH)
    assert client.get("/v1/webhooks").status_code == 401
    refused = client.post(
        "/v1/webhooks", json={"url": GLOBAL, "event_types": ["menu"]}, headers=writer
    )
    assert refused.status_code == 403
    assert "webhooks:manage" in refused.json()["detail"]


def test_updates_and_deletes_need_if_match(client: TestClient, manager: dict[str, str]) -> None:
    sub = subscribe(client, manager, GLOBAL)
    url = f"/v1/webhooks/{sub['id']}"
    assert client.patch(url, json={"paused": True}, headers=manager).status_code == 428
    updated = client.patch(
        url,
        json={"paused": True, "event_types": ["commitment", "menu"], "lang": "fr"},
        headers={**manager, "If-Match": sub["etag"]},
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["status"] == "paused"
    assert updated.json()["event_types"] == ["commitment", "menu"]
    assert updated.json()["lang"] == "fr"
    stale = client.delete(url, headers={**manager, "If-Match": sub["etag"]})
    assert stale.status_code == 412
    gone = client.delete(url, headers={**manager, "If-Match": updated.headers["etag"]})
    assert gone.status_code == 204
    assert client.get(url, headers=manager).status_code == 404


def test_invalid_subscriptions_are_422(client: TestClient, manager: dict[str, str]) -> None:
    for body in (
        {"url": "ftp://example.org/x", "event_types": ["statement"]},
        {"url": GLOBAL, "event_types": ["weather"]},
        {"url": GLOBAL, "event_types": []},
        {"url": GLOBAL, "event_types": ["statement"], "lang": "de"},
        {"url": "https://user:pw@example.org/", "event_types": ["statement"]},
    ):
        response = client.post("/v1/webhooks", json=body, headers=manager)
        assert response.status_code == 422, body


def test_private_targets_are_refused_at_creation_unless_allowed(
    client: TestClient, manager: dict[str, str], allow_private: Settings
) -> None:
    client.app.state.settings = allow_private.model_copy(  # type: ignore[attr-defined]
        update={"webhooks_allow_private_targets": False}
    )
    for url in (
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://10.1.2.3/hooks",
        "http://169.254.169.254/latest/meta-data",
        PUBLIC,  # TEST-NET-3: reserved for documentation, not routable
    ):
        response = client.post(
            "/v1/webhooks", json={"url": url, "event_types": ["statement"]}, headers=manager
        )
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["pointer"] == "/url"
    client.app.state.settings = allow_private  # type: ignore[attr-defined]
    allowed = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:8080/hooks", "event_types": ["statement"]},
        headers=manager,
    )
    assert allowed.status_code == 201, allowed.text


def test_deliveries_of_an_unknown_subscription_are_404(
    client: TestClient, manager: dict[str, str]
) -> None:
    sub = subscribe(client, manager, GLOBAL)
    assert client.get("/v1/webhooks/whk_nope/deliveries", headers=manager).status_code == 404
    missing = client.get(f"/v1/webhooks/{sub['id']}/deliveries/msg_nope", headers=manager)
    assert missing.status_code == 404


def test_a_retried_create_gets_the_same_subscription_and_no_secret_is_stored(
    client: TestClient, session: Session, manager: dict[str, str]
) -> None:
    body = {"url": GLOBAL, "event_types": ["statement"]}
    headers = {**manager, "Idempotency-Key": "create-hook-1"}
    first = client.post("/v1/webhooks", json=body, headers=headers)
    again = client.post("/v1/webhooks", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["secret"] == first.json()["secret"]
    assert len(client.get("/v1/webhooks", headers=manager).json()["items"]) == 1
    stored = session.scalars(select(IdempotentRequest.body)).all()
    assert stored
    assert not any("whsec_" in text for text in stored)
    other = client.post("/v1/webhooks", json={**body, "lang": "fr"}, headers=headers)
    assert other.status_code == 422
    too_long = client.post(
        "/v1/webhooks", json=body, headers={**manager, "Idempotency-Key": "k" * 300}
    )
    assert too_long.status_code == 422
