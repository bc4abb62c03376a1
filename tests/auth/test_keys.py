"""API keys: issued once, stored hashed, scoped, revocable; every write route needs one."""

import re
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey, Scope
from app.cli import main
from app.config import Settings, get_settings
from app.db import make_engine
from tests.conftest import FIXED_NOW
from tests.factories import make_key

ADMIN = (Scope.KEYS_ADMIN,)


def key_id_of(headers: dict[str, str]) -> str:
    """The id inside `Bearer nwsk_key_<26>_<secret>` (the secret may contain `_` too)."""
    return "_".join(headers["Authorization"].removeprefix("Bearer ").split("_")[1:3])


def test_admin_creates_a_key_whose_token_is_shown_once(
    client: TestClient, session: Session
) -> None:
    admin = make_key(session, *ADMIN)
    created = client.post(
        "/v1/keys", json={"name": "Partner", "scopes": ["content:preview"]}, headers=admin
    )
    assert created.status_code == 201
    body = created.json()
    token = body["token"]
    assert token.startswith(f"{body['prefix']}_")
    assert created.headers["location"] == f"/v1/keys/{body['id']}"
    assert body["id"].startswith("key_")
    listed = client.get("/v1/keys", headers=admin).json()["items"]
    assert body["id"] in {k["id"] for k in listed}
    assert all("token" not in k for k in listed)
    stored = session.get(ApiKey, body["id"])
    assert stored is not None
    secret = token.split("_", 3)[3]  # nwsk_key_<26>_<secret>; the secret may contain "_"
    assert len(secret) >= 40
    assert secret not in repr(stored.__dict__)
    assert stored.secret_hash != token


def test_missing_key_is_401_with_a_challenge(client: TestClient) -> None:
    response = client.post("/v1/keys", json={"name": "x", "scopes": ["keys:admin"]})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


def problem_without_id(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    body.pop("request_id")
    return body


def test_every_bad_key_gets_the_same_401(client: TestClient, session: Session) -> None:
    good_headers, revoked_headers = make_key(session, *ADMIN), make_key(session, *ADMIN)
    good = good_headers["Authorization"].removeprefix("Bearer ")
    key_id = key_id_of(good_headers)
    revoked = revoked_headers["Authorization"].removeprefix("Bearer ")
    client.delete(f"/v1/keys/{key_id_of(revoked_headers)}", headers=good_headers)
    bad_tokens = [
        "garbage",
        "nwsk_",
        f"nwsk_{key_id}_wrong-secret",
        f"nwsk_key_unknownkeyid_{good.split('_', 3)[3]}",
        revoked,
    ]
    bodies = []
    for token in bad_tokens:
        response = client.get("/v1/keys", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
        bodies.append(problem_without_id(response))
    assert all(body == bodies[0] for body in bodies)
    basic = client.get("/v1/keys", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_expired_key_is_refused(client: TestClient, session: Session) -> None:
    headers = make_key(session, *ADMIN)
    key = session.get(ApiKey, key_id_of(headers))
    assert key is not None
    key.expires_at = FIXED_NOW - timedelta(seconds=1)
    session.flush()
    assert client.get("/v1/keys", headers=headers).status_code == 401


def test_wrong_scope_is_403(client: TestClient, session: Session) -> None:
    partner = make_key(session, Scope.CONTENT_PREVIEW)
    response = client.get("/v1/keys", headers=partner)
    assert response.status_code == 403
    assert "keys:admin" in response.json()["detail"]


def test_a_bad_key_is_refused_on_public_reads_too(client: TestClient) -> None:
    response = client.get("/v1/statements", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_keyed_reads_are_private(client: TestClient, session: Session) -> None:
    partner = make_key(session, Scope.CONTENT_PREVIEW)
    response = client.get("/v1/statements?limit=2", headers=partner)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    anonymous = client.get("/v1/statements?limit=2")
    assert anonymous.headers["cache-control"].startswith("public")


def test_last_use_is_recorded(client: TestClient, session: Session) -> None:
    headers = make_key(session, *ADMIN)
    client.get("/v1/keys", headers=headers)
    key = session.get(ApiKey, key_id_of(headers))
    assert key is not None
    assert key.last_used_at == FIXED_NOW


def test_every_write_route_refuses_a_request_without_a_key(client: TestClient) -> None:
    """Walks the whole API: a new write route without authentication fails here."""
    document = client.get("/openapi.json").json()
    walked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "head", "options"):
                continue
            # An example where the document gives one: some routes do not match any segment.
            concrete = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    schema = parameter["schema"]
                    example = parameter.get("examples", schema.get("examples", ["x"]))[0]
                    concrete = concrete.replace("{" + parameter["name"] + "}", str(example))
            response = client.request(method.upper(), concrete, json={})
            assert response.status_code == 401, f"{method.upper()} {path}"
            assert response.headers["content-type"] == "application/problem+json"
            walked += 1
    assert walked >= 2


@pytest.fixture
def cli_env(settings: Any) -> dict[str, str]:
    return {
        "NEWSROOM_DATABASE_URL": settings.database_url,
        "NEWSROOM_SECRET_KEY": "test-secret-key",
        "NEWSROOM_ENVIRONMENT": "test",
    }


def test_cli_creates_the_first_admin_key(
    client: TestClient, session: Session, cli_env: dict[str, str]
) -> None:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            main, ["keys", "create", "--name", "first admin", "--scope", "keys:admin"], env=cli_env
        )
        assert result.exit_code == 0, result.output
        token = re.search(r"token:\s+(\S+)", result.output)
        assert token is not None
        key_id = "_".join(token.group(1).split("_")[1:3])
        listed = CliRunner().invoke(main, ["keys", "list"], env=cli_env)
        assert key_id in listed.output
        revoked = CliRunner().invoke(main, ["keys", "revoke", key_id], env=cli_env)
        assert revoked.exit_code == 0
        unknown = CliRunner().invoke(main, ["keys", "revoke", "nope"], env=cli_env)
        assert unknown.exit_code != 0
        assert "No API key" in unknown.output
    finally:
        get_settings.cache_clear()
        # The CLI committed outside the test's transaction: remove what it made.
        engine = make_engine(Settings(database_url=cli_env["NEWSROOM_DATABASE_URL"]))
        with engine.begin() as connection:
            connection.execute(delete(ApiKey).where(ApiKey.name == "first admin"))
        engine.dispose()
    assert session.scalars(select(ApiKey).where(ApiKey.name == "first admin")).all() == []


def test_key_administration_is_audited(client: TestClient, session: Session) -> None:
    from app.audit.models import AuditEntry

    admin = make_key(session, *ADMIN)
    created = client.post(
        "/v1/keys", json={"name": "p", "scopes": ["content:preview"]}, headers=admin
    )
    client.delete(f"/v1/keys/{created.json()['id']}", headers=admin)
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.resource_id == created.json()["id"])
    ).all()
    assert sorted(actions) == ["create_key", "revoke_key"]


def test_keys_are_listed_in_pages_like_every_list(client: TestClient, session: Session) -> None:
    admin = make_key(session, *ADMIN)
    for n in range(3):
        make_key(session, Scope.CONTENT_PREVIEW, name=f"partner {n}")
    first = client.get("/v1/keys?limit=2", headers=admin)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-store"
    body = first.json()
    assert set(body) >= {"items", "next_cursor"}
    assert len(body["items"]) == 2
    assert 'rel="next"' in first.headers["link"]
    seen = [k["id"] for k in body["items"]]
    cursor = body["next_cursor"]
    while cursor:
        page = client.get("/v1/keys", params={"limit": 2, "cursor": cursor}, headers=admin).json()
        seen += [k["id"] for k in page["items"]]
        cursor = page["next_cursor"]
    every = session.scalars(select(ApiKey.id)).all()
    assert sorted(seen) == sorted(every)
    assert len(seen) == len(set(seen))
    assert client.get("/v1/keys?limit=101", headers=admin).status_code == 422
    assert client.get("/v1/keys?cursor=forged.mac", headers=admin).status_code == 400


def test_a_created_keys_location_resolves(client: TestClient, session: Session) -> None:
    admin = make_key(session, *ADMIN)
    created = client.post(
        "/v1/keys", json={"name": "Partner", "scopes": ["content:preview"]}, headers=admin
    )
    read = client.get(created.headers["location"], headers=admin)
    assert read.status_code == 200
    assert read.headers["cache-control"] == "private, no-store"
    assert read.json()["id"] == created.json()["id"]
    assert read.json()["name"] == "Partner"
    assert "token" not in read.json()
    assert client.get("/v1/keys/key_nosuchkey", headers=admin).status_code == 404
    assert client.get(created.headers["location"]).status_code == 401


def test_an_expiry_in_the_past_or_without_a_zone_is_refused(
    client: TestClient, session: Session
) -> None:
    admin = make_key(session, *ADMIN)
    for expires_at in [
        (FIXED_NOW - timedelta(days=1)).isoformat(),
        FIXED_NOW.isoformat(),
        "2030-01-01T00:00:00",  # naive: ambiguous
    ]:
        response = client.post(
            "/v1/keys",
            json={"name": "p", "scopes": ["content:preview"], "expires_at": expires_at},
            headers=admin,
        )
        assert response.status_code == 422, expires_at
        assert response.json()["errors"][0]["pointer"] == "#/expires_at"
    future = (FIXED_NOW + timedelta(days=1)).isoformat()
    ok = client.post(
        "/v1/keys",
        json={"name": "p", "scopes": ["content:preview"], "expires_at": future},
        headers=admin,
    )
    assert ok.status_code == 201


def test_the_last_admin_key_cannot_be_revoked(client: TestClient, session: Session) -> None:
    for key in session.scalars(select(ApiKey)):  # start from a service with no other admin
        key.revoked_at = FIXED_NOW - timedelta(days=1)
    session.commit()
    admin = make_key(session, *ADMIN)
    refused = client.delete(f"/v1/keys/{key_id_of(admin)}", headers=admin)
    assert refused.status_code == 409
    assert "keys:admin" in refused.json()["detail"]
    assert client.get("/v1/keys", headers=admin).status_code == 200  # still works

    # An expired admin key does not count as one that could still manage keys.
    expired = make_key(session, *ADMIN)
    stored = session.get(ApiKey, key_id_of(expired))
    assert stored is not None
    stored.expires_at = FIXED_NOW - timedelta(seconds=1)
    session.commit()
    assert client.delete(f"/v1/keys/{key_id_of(admin)}", headers=admin).status_code == 409

    second = make_key(session, *ADMIN)
    assert client.delete(f"/v1/keys/{key_id_of(admin)}", headers=second).status_code == 204
    assert client.get("/v1/keys", headers=admin).status_code == 401
    assert client.delete(f"/v1/keys/{key_id_of(second)}", headers=second).status_code == 409


def test_tokens_issued_before_ids_had_a_prefix_still_work(
    client: TestClient, session: Session
) -> None:
    """A token `nwsk_<26>_<secret>` names the key the migration renamed to `key_<26>`."""
    token = make_key(session, *ADMIN)["Authorization"].removeprefix("Bearer nwsk_key_")
    legacy = {"Authorization": f"Bearer nwsk_{token}"}
    assert client.get("/v1/keys", headers=legacy).status_code == 200


def test_the_cli_refuses_an_expiry_of_zero_days(cli_env: dict[str, str]) -> None:
    get_settings.cache_clear()
    try:
        for days in ("0", "-1"):
            result = CliRunner().invoke(
                main,
                [
                    "keys",
                    "create",
                    "--name",
                    "x",
                    "--scope",
                    "keys:admin",
                    "--expires-in-days",
                    days,
                ],
                env=cli_env,
            )
            assert result.exit_code == 2, days
            assert "--expires-in-days" in result.output
    finally:
        get_settings.cache_clear()
