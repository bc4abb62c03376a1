"""`Location` always resolves: every create operation in the OpenAPI document, sent its own
documented example, answers 201 with a `Location` that the same key can read (200); and every
id in what it answers carries its type's prefix."""

import re
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from tests.factories import make_key

# What the documented examples cannot know: the commitment example cites a statement of the
# demo data with a quote of it; here the commitment cites nothing.
_OVERRIDES: dict[str, dict[str, Any]] = {
    "/v1/commitments": {
        "source": {},
        "translations": {"en": {"title": "Walker", "summary": "S.", "text": "T."}},
    },
}


PREFIXED_ID = re.compile(r"[a-z]{3}_[0-9a-z]{26}")


def _ids(value: Any) -> Iterator[tuple[str, Any]]:
    """Every `id` or `*_id` member, however deeply nested."""
    if isinstance(value, dict):
        for name, member in value.items():
            if name == "id" or name.endswith("_id"):
                yield name, member
            yield from _ids(member)
    elif isinstance(value, list):
        for member in value:
            yield from _ids(member)


def _create_operations(client: TestClient) -> list[tuple[str, dict[str, Any]]]:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    operations = []
    for path, methods in document["paths"].items():
        post = methods.get("post")
        if post is None or "201" not in post["responses"]:
            continue
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        example = schemas[ref.rsplit("/", 1)[-1]]["examples"][0]
        operations.append((path, {**example, **_OVERRIDES.get(path, {})}))
    return operations


def test_every_created_location_answers_200_to_its_creator(
    client: TestClient, session: Session
) -> None:
    writer = make_key(session, *(scope for scope in Scope if scope is not Scope.KEYS_ADMIN))
    admin = make_key(session, Scope.KEYS_ADMIN)
    created: dict[str, str] = {}  # path parameter -> a value the walk created
    etags: dict[str, str] = {}  # path parameter -> that resource's ETag (for If-Match)
    operations = _create_operations(client)
    assert len(operations) >= 8, "the document lost create operations"
    for path, body in operations:
        key = admin if path == "/v1/keys" else writer
        url = path.format(**created)  # a KeyError names a parameter nothing created yet
        parents = [etags[name] for name in created if "{" + name + "}" in path]
        headers = {**key, "If-Match": parents[0]} if parents else key
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201, (path, response.text)
        location = response.headers.get("location")
        assert location, f"{path}: a 201 without Location"
        followed = client.get(location, headers=key)
        assert followed.status_code == 200, (path, location, followed.text)
        for name, value in [*_ids(response.json()), *_ids(followed.json())]:
            assert value is None or PREFIXED_ID.fullmatch(value), (path, name, value)
        for parent, parameter, field in (
            ("/v1/commitments", "id_or_code", "id"),
            ("/v1/navigation", "menu", "key"),
        ):
            if path == parent:
                created[parameter] = response.json()[field]
                etags[parameter] = response.headers["etag"]
    assert {"id_or_code", "menu"} <= set(created)


def test_every_id_the_demo_data_shows_is_prefixed(client: TestClient, session: Session) -> None:
    admin = make_key(session, Scope.KEYS_ADMIN, Scope.CONTENT_PREVIEW)
    commitments = client.get("/v1/commitments?limit=100").json()["items"]
    reads = [
        "/v1/statements?limit=100",
        "/v1/commitments?limit=100",
        "/v1/actors?limit=100",
        "/v1/navigation/main",
        "/v1/keys",
        *(f"/v1/commitments/{c['id']}" for c in commitments),
    ]
    seen: set[str] = set()
    for url in reads:
        response = client.get(url, headers=admin)
        assert response.status_code == 200, (url, response.text)
        for name, value in _ids(response.json()):
            assert value is None or PREFIXED_ID.fullmatch(value), (url, name, value)
            if value is not None:
                seen.add(value[:4])
    assert {"stm_", "cmt_", "pgu_", "evt_", "act_", "nav_", "key_"} <= seen
