"""The key matrix (issue #8, acceptance 4): a key without `content:publish` cannot change any
byte an anonymous reader sees.

A key holding every content write scope (`statements:write`, `commitments:write`,
`navigation:write`) but not `content:publish`, with and without `content:preview`, tries every
write operation of the OpenAPI document on statements and commitments (every POST, PATCH and
DELETE, with a valid `If-Match` from the editorial representation and the body of the
operation's example) against live statements and commitments: public, withdrawn after being
public (their 410 shows the title) and scheduled. Every public GET route of the document, read
anonymously, must then answer exactly as before, request ids aside.

Operations come from the document, so a new write route is tried without touching this file.
Menus, actors and topics have no working copies: every write to them needs `content:publish`
too, except staging new menus and menu items, which are drafts the public does not see; the
second test checks it the same way.
"""

from collections.abc import Iterator
from itertools import product
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.demo.loader import statement_id_for
from tests.commitments import test_editing as commitments
from tests.factories import make_key
from tests.statements import test_editing as statements

WRITE_SCOPES = (Scope.STATEMENTS_WRITE, Scope.COMMITMENTS_WRITE, Scope.NAVIGATION_WRITE)
CONTENT = ("/v1/statements", "/v1/commitments")  # publishable content: its writes are tried
STATEMENT = statement_id_for("iom-lad-2022")
SCHEDULE = {"publish_at": "2027-01-01T00:00:00Z"}
BODIES = {"schedule": SCHEDULE, "withdraw": {"note": "Withdrawn by a writer."}}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return _resolve(document, target)


def _example_body(document: dict[str, Any], operation: dict[str, Any], path: str) -> Any:
    """The operation's own example, or the body schema's first example."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    if "example" in content:
        return content["example"]
    examples = _resolve(document, content["schema"]).get("examples")
    if examples:
        return examples[0]
    return BODIES.get(path.rsplit("/", 1)[-1], {})


def _public_values(client: TestClient) -> dict[str, list[str]]:
    statement = client.get(f"/v1/statements/{STATEMENT}").json()
    commitment = client.get("/v1/commitments?limit=1").json()["items"][0]
    menu = client.get("/v1/navigation/main").json()
    return {
        "id_or_slug": [statement["id"], statement["slug"]],
        "id_or_code": [commitment["id"], commitment["code"]],
        "menu": ["main"],
        "item_id": [menu["items"][0]["id"]],
    }


def _act(client: TestClient, key: dict[str, str], current: Any, action: str, **body: Any) -> Any:
    kind = "statements" if current.json()["id"].startswith("stm_") else "commitments"
    response = client.post(
        f"/v1/{kind}/{current.json()['id']}/{action}",
        json=body or None,
        headers={**key, "If-Match": current.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    return response


def _more_live_items(client: TestClient, publisher: dict[str, str]) -> list[tuple[str, str]]:
    """A withdrawn (after being public) and a scheduled statement and commitment."""
    made = []
    for n, actions in enumerate(
        ([("publish", {}), ("withdraw", {"note": "Gone."})], [("schedule", SCHEDULE)])
    ):
        statement = statements.create(client, publisher, slug=f"matrix-{n}")
        commitment = commitments.create(client, publisher, code=f"MATRIX-{n}")
        for action, body in actions:
            statement = _act(client, publisher, statement, action, **body)
            commitment = _act(client, publisher, commitment, action, **body)
        made.append((statement.json()["id"], commitment.json()["id"]))
    return made


def _public_requests(
    document: dict[str, Any], values: dict[str, list[str]]
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Every public GET route, its path filled with the live items, in a few languages."""
    for path, item in document["paths"].items():
        if "get" not in item or not path.startswith("/v1/") or path.startswith("/v1/keys"):
            continue
        parameters = item["get"].get("parameters", [])
        names = [p["name"] for p in parameters if p["in"] == "path"]
        query = {p["name"] for p in parameters if p["in"] == "query"}
        if any(name not in values for name in names):
            continue  # taxonomy routes: no write below can reach them
        for filled in product(*(values[name] for name in names)):
            url = path
            for name, value in zip(names, filled, strict=True):
                url = url.replace("{" + name + "}", value)
            base = [("limit", "100")] if "limit" in query else []
            yield url, base
            if "lang" in query:
                for lang in ("fr", "es"):
                    yield url, [*base, ("lang", lang)]
            if "include" in query:
                yield url, [*base, ("include", "commitments")]


def _public_view(
    client: TestClient, document: dict[str, Any], values: dict[str, list[str]]
) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for url, params in _public_requests(document, values):
        response = client.get(url, params=tuple(params))
        body: Any = response.text
        kind = response.headers.get("content-type", "")
        if kind.endswith("json") and not kind.endswith("ndjson") and response.content:
            body = response.json()
            if isinstance(body, dict):
                body.pop("request_id", None)
        headers = dict(response.headers)
        headers.pop("x-request-id", None)
        seen[(url, tuple(params))] = (response.status_code, headers, body)
    return seen


def _write_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        if path.startswith(CONTENT)
        for method, operation in item.items()
        if method in ("post", "patch", "delete", "put")
    ]


def _editorial_etag(client: TestClient, key: dict[str, str], path: str) -> str | None:
    """The current ETag of the item a write path names (None for collection routes)."""
    parts = path.split("/")
    if len(parts) < 4:
        return None
    response = client.get("/".join(parts[:4]) + "/editorial", headers=key)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


@pytest.mark.parametrize("preview", [False, True], ids=["writer", "writer-with-preview"])
def test_a_key_without_the_publish_scope_changes_nothing_the_public_sees(
    client: TestClient, session: Session, preview: bool
) -> None:
    scopes = [*WRITE_SCOPES, Scope.CONTENT_PREVIEW] if preview else list(WRITE_SCOPES)
    key = make_key(session, *scopes, name="writer")
    publisher = make_key(
        session,
        Scope.STATEMENTS_WRITE,
        Scope.COMMITMENTS_WRITE,
        Scope.CONTENT_PUBLISH,
        name="publisher",
    )
    document = client.get("/openapi.json").json()
    values = _public_values(client)
    targets = [(values["id_or_slug"][0], values["id_or_code"][0])]
    targets += _more_live_items(client, publisher)
    for statement_id, commitment_id in targets[1:]:
        values["id_or_slug"].append(statement_id)
        values["id_or_code"].append(commitment_id)
    before = _public_view(client, document, values)
    assert len(before) > 50  # the public view is really read

    statuses: dict[str, int] = {}
    for n, (statement_id, commitment_id) in enumerate(targets):
        for method, path, operation in _write_operations(document):
            if n and "{" not in path:
                continue  # creates: once is enough
            url = path.replace("{id_or_slug}", statement_id)
            url = url.replace("{id_or_code}", commitment_id)
            headers = dict(key)
            etag = _editorial_etag(client, key, url)
            if etag is not None:
                headers["If-Match"] = etag
            body = _example_body(document, operation, path)
            response = client.request(method.upper(), url, json=body, headers=headers)
            where = f"{method.upper()} {path}"
            assert response.status_code < 500, (where, response.text)
            assert statuses.setdefault(where, response.status_code) == response.status_code, (
                where,
                url,
                response.text,
            )

    after = _public_view(client, document, values)
    changed = [request for request in before if after.get(request) != before[request]]
    assert changed == [], f"public responses changed: {changed[:5]} (statuses: {statuses})"
    # The writes really ran: edits went to the working copy, publishing actions were refused.
    assert statuses["PATCH /v1/statements/{id_or_slug}"] == 200
    assert statuses["PATCH /v1/commitments/{id_or_code}"] == 200
    for action in ("publish", "schedule", "unpublish", "withdraw"):
        assert statuses[f"POST /v1/statements/{{id_or_slug}}/{action}"] == 403
        assert statuses[f"POST /v1/commitments/{{id_or_code}}/{action}"] == 403
    assert statuses["DELETE /v1/statements/{id_or_slug}"] == 403
    assert statuses["DELETE /v1/commitments/{id_or_code}"] == 403
    assert statuses["POST /v1/commitments/{id_or_code}/progress"] == 403
    # Discarding (after the PATCH, in document order) found the working copy the PATCH made.
    assert statuses["POST /v1/statements/{id_or_slug}/discard"] == 200
    assert statuses["POST /v1/commitments/{id_or_code}/discard"] == 200


# Menus, actors and topics have no working copies: writing them is publishing them, except
# staging drafts (new menus and menu items), which changes nothing the public sees.
PUBLISHED_AT_ONCE = ("/v1/navigation", "/v1/actors", "/v1/topics")
STAGING = {("post", "/v1/navigation"), ("post", "/v1/navigation/{menu}/items")}
PUBLIC_REFERENCE_VIEW = (
    "/v1/navigation",
    "/v1/navigation/main",
    "/v1/navigation/footer",
    "/v1/actors?limit=100",
    "/v1/actors/iom",
    "/v1/topics?limit=100",
    "/v1/topics/counter-trafficking",
)


def _reference_view(client: TestClient) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for url in PUBLIC_REFERENCE_VIEW:
        response = client.get(url)
        assert response.status_code == 200, url
        headers = dict(response.headers)
        headers.pop("x-request-id", None)
        seen[url] = (headers, response.text)
    return seen


@pytest.mark.parametrize("preview", [False, True], ids=["writer", "writer-with-preview"])
def test_menu_and_taxonomy_writes_need_the_publish_scope(
    client: TestClient, session: Session, preview: bool
) -> None:
    """Every write on menus, actors and topics is refused (403 naming `content:publish`) to a
    key holding their write scopes without the publish scope (on the published `main` menu and
    its published items), but for staging drafts, and nothing public changes."""
    scopes = [Scope.NAVIGATION_WRITE, Scope.TAXONOMIES_WRITE]
    key = make_key(session, *scopes, *([Scope.CONTENT_PREVIEW] if preview else []))
    document = client.get("/openapi.json").json()
    menu = client.get("/v1/navigation/main").json()
    values = {
        "menu": "main",
        "item_id": menu["items"][0]["id"],
        "id_or_slug": client.get("/v1/actors/iom").json()["id"],
        "slug": "counter-trafficking",
    }
    before = _reference_view(client)
    tried = 0
    for path, item in document["paths"].items():
        if not path.startswith(PUBLISHED_AT_ONCE):
            continue
        for method, operation in item.items():
            if method not in ("post", "patch", "delete", "put"):
                continue
            url = path
            for name, value in values.items():
                url = url.replace("{" + name + "}", value)
            body = _example_body(document, operation, path)
            response = client.request(
                method.upper(), url, json=body, headers={**key, "If-Match": '"any"'}
            )
            tried += 1
            if (method, path) in STAGING:
                assert response.status_code == 201, (method, path, response.text)
                assert response.json()["publication_status"] == "draft"
                continue
            assert response.status_code == 403, (method, path, response.text)
            assert "content:publish" in response.json()["detail"], (method, path)
    assert tried >= 14  # menus (publishing included), items, actors and topics were all tried
    assert _reference_view(client) == before


def test_webhook_routes_need_the_webhooks_scope_and_change_nothing_public(
    client: TestClient, session: Session
) -> None:
    """Every webhook operation of the document refuses a key holding every other scope (403
    naming `webhooks:manage`); a manager's writes (create, update, rotate, ping, redeliver,
    delete) then change nothing an anonymous reader sees."""
    others = [scope for scope in Scope if scope is not Scope.WEBHOOKS_MANAGE]
    outsider = make_key(session, *others, name="every other scope")
    manager = make_key(session, Scope.WEBHOOKS_MANAGE, name="partner")
    document = client.get("/openapi.json").json()
    values = _public_values(client)
    before = _public_view(client, document, values)

    created = client.post(
        "/v1/webhooks",
        json=_example_body(document, document["paths"]["/v1/webhooks"]["post"], "/v1/webhooks"),
        headers=manager,
    )
    assert created.status_code == 201, created.text
    subscription_id = created.json()["id"]
    ping = client.post(f"/v1/webhooks/{subscription_id}/test", headers=manager)
    assert ping.status_code == 202, ping.text
    filled = {"subscription_id": subscription_id, "delivery_id": ping.json()["id"]}

    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        if path.startswith("/v1/webhooks")
        for method, operation in item.items()
        if method != "head"  # the GET's headers: checked with it
    ]
    assert len(operations) >= 10
    statuses: dict[str, int] = {}
    for as_manager in (False, True):
        # Deletes last, so the other operations find the subscription.
        for method, path, operation in sorted(operations, key=lambda op: op[0] == "delete"):
            url = path
            for name, value in filled.items():
                url = url.replace("{" + name + "}", value)
            headers = dict(manager if as_manager else outsider)
            if method in ("patch", "delete") or url.endswith("/rotate-secret"):
                current = client.get(f"/v1/webhooks/{subscription_id}", headers=manager)
                headers["If-Match"] = current.headers["etag"]
            body = _example_body(document, operation, path) if method != "get" else None
            response = client.request(method.upper(), url, json=body, headers=headers)
            where = f"{method.upper()} {path}"
            if not as_manager:
                assert response.status_code == 403, (where, response.text)
                assert "webhooks:manage" in response.json()["detail"], where
            else:
                statuses[where] = response.status_code
                assert response.status_code < 300, (where, response.text)
    assert statuses["DELETE /v1/webhooks/{subscription_id}"] == 204
    after = _public_view(client, document, values)
    changed = [request for request in before if after.get(request) != before[request]]
    assert changed == [], f"public responses changed: {changed[:5]}"
