"""Staging a menu section unseen: new menus and items are drafts, invisible in every public read
until published; only what changes the public view is logged (once) for partners."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes import service as changes_service
from app.changes.models import ChangeEntry
from app.navigation.models import Menu
from tests.factories import make_key

LABEL = "Stagedsectionqx"  # unique: must never show publicly while a draft


@pytest.fixture
def publisher(session: Session) -> dict[str, str]:
    return make_key(session, Scope.NAVIGATION_WRITE, Scope.CONTENT_PUBLISH, name="publisher")


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return make_key(session, Scope.NAVIGATION_WRITE, name="writer")


def entries(session: Session, key: str) -> list[tuple[str, int]]:
    rows = session.execute(
        select(ChangeEntry.operation, ChangeEntry.version)
        .where(ChangeEntry.resource_type == "menu", ChangeEntry.resource_id == key)
        .order_by(ChangeEntry.seq)
    ).all()
    return [(row.operation, row.version) for row in rows]


def stage(client: TestClient, key: dict[str, str], **item: Any) -> Any:
    response = client.post("/v1/navigation/main/items", json=item, headers=key)
    assert response.status_code == 201, response.text
    assert response.json()["publication_status"] == "draft"
    return response


def post(client: TestClient, key: dict[str, str], url: str, etag: str, **params: str) -> Any:
    return client.post(url, params=params, headers={**key, "If-Match": etag})


def public_texts(client: TestClient) -> str:
    """Every public read a staged item could show in."""
    reads = [
        client.get("/v1/navigation/main"),
        client.get("/v1/navigation/main?lang=fr"),
        client.get("/v1/navigation?limit=100"),
        client.get("/v1/navigation/main/breadcrumbs?path=/staged/child"),
        client.get("/v1/navigation/main/breadcrumbs?path=/staged"),
    ]
    return "\n".join(r.text for r in reads)


def staged_section(client: TestClient, key: dict[str, str]) -> tuple[Any, Any]:
    heading = stage(client, key, kind="route", route="/staged", labels={"en": LABEL})
    child = stage(
        client,
        key,
        kind="route",
        route="/staged/child",
        labels={"en": f"{LABEL} child"},
        parent_id=heading.json()["id"],
    )
    return heading, child


def test_a_staged_section_is_unseen_until_published_then_logged_once(
    client: TestClient, session: Session, writer: dict[str, str], publisher: dict[str, str]
) -> None:
    before_log = entries(session, "main")
    content_version = changes_service.current(session)
    tree = client.get("/v1/navigation/main")
    menu_version = client.get("/v1/navigation/main/editorial", headers=publisher).json()["version"]

    heading, child = staged_section(client, writer)
    renamed = client.patch(
        heading.headers["location"],
        json={"labels": {"en": f"{LABEL} renamed", "fr": f"{LABEL} fr"}},
        headers={**writer, "If-Match": heading.headers["etag"]},
    )
    assert renamed.status_code == 200, renamed.text

    assert LABEL not in public_texts(client)
    assert heading.json()["id"] not in public_texts(client)
    breadcrumbs = client.get(f"/v1/navigation/main/breadcrumbs?item={child.json()['id']}")
    assert breadcrumbs.status_code == 404
    root = client.get(f"/v1/navigation/main?root={heading.json()['id']}")
    assert root.status_code == 404
    # Nothing public changed: no entry, the same versions, the same ETag (a 304 still).
    assert entries(session, "main") == before_log
    assert changes_service.current(session) == content_version
    revalidated = client.get("/v1/navigation/main", headers={"If-None-Match": tree.headers["etag"]})
    assert revalidated.status_code == 304
    editorial = client.get("/v1/navigation/main/editorial", headers=publisher).json()
    assert editorial["version"] == menu_version

    # Editors preview the staged section.
    preview = client.get("/v1/navigation/main?preview=true", headers=writer)
    assert preview.status_code == 403  # previews need content:preview
    previewer = make_key(session, Scope.CONTENT_PREVIEW)
    preview = client.get("/v1/navigation/main?preview=true", headers=previewer)
    assert f"{LABEL} renamed" in preview.text
    assert f"{LABEL} child" in preview.text

    published = post(
        client,
        publisher,
        f"{heading.headers['location']}/publish",
        renamed.headers["etag"],
        with_descendants="true",
    )
    assert published.status_code == 200, published.text
    assert published.json()["publication_status"] == "published"
    labels = [i["label"] for i in client.get("/v1/navigation/main").json()["items"]]
    assert labels[-1] == f"{LABEL} renamed"
    trail = client.get("/v1/navigation/main/breadcrumbs?path=/staged/child").json()
    assert [c["label"] for c in trail["items"]] == [f"{LABEL} renamed", f"{LABEL} child"]
    assert f"{LABEL} fr" in client.get("/v1/navigation/main?lang=fr").text
    # One change: one entry, one content version, one menu version.
    assert entries(session, "main") == [*before_log, ("update", menu_version + 1)]
    assert changes_service.current(session) == content_version + 1
    editorial = client.get("/v1/navigation/main/editorial", headers=publisher).json()
    assert editorial["version"] == menu_version + 1
    changed = client.get("/v1/navigation/main", headers={"If-None-Match": tree.headers["etag"]})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tree.headers["etag"]

    # Publishing again changes nothing: no entry.
    again = post(
        client, publisher, f"{heading.headers['location']}/publish", published.headers["etag"]
    )
    assert again.status_code == 200
    assert len(entries(session, "main")) == len(before_log) + 1


def test_every_public_change_bumps_the_content_version_once(
    client: TestClient, session: Session, publisher: dict[str, str]
) -> None:
    """Menus used to bump it twice (the tree rules and the log entry each did)."""
    item = client.get("/v1/navigation/main").json()["items"][0]
    url = f"/v1/navigation/main/items/{item['id']}"
    etag = client.get(url, headers=publisher).headers["etag"]
    for n in range(3):
        version = changes_service.current(session)
        seq = changes_service.latest_seq(session)
        response = client.patch(
            url, json={"labels": {"en": f"Who {n}"}}, headers={**publisher, "If-Match": etag}
        )
        assert response.status_code == 200, response.text
        etag = response.headers["etag"]
        assert changes_service.current(session) == version + 1
        assert changes_service.latest_seq(session) > seq  # one entry, at the new version
        assert changes_service.latest_seq(session) == version + 1


def test_a_writer_stages_drafts_but_cannot_publish_or_touch_published_items(
    client: TestClient, session: Session, writer: dict[str, str], publisher: dict[str, str]
) -> None:
    heading, child = staged_section(client, writer)
    moved = client.post(
        f"{child.headers['location']}/move",
        json={"parent_id": None, "position": 0},
        headers={**writer, "If-Match": child.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    removed = client.delete(
        child.headers["location"], headers={**writer, "If-Match": moved.headers["etag"]}
    )
    assert removed.status_code == 204

    refused = post(
        client, writer, f"{heading.headers['location']}/publish", heading.headers["etag"]
    )
    assert refused.status_code == 403
    assert "content:publish" in refused.json()["detail"]
    menu_etag = client.get("/v1/navigation/main/editorial", headers=writer).headers["etag"]
    for action in ("publish", "unpublish"):
        refused = post(client, writer, f"/v1/navigation/main/{action}", menu_etag)
        assert refused.status_code == 403
        assert "content:publish" in refused.json()["detail"]

    public = client.get("/v1/navigation/main").json()["items"][0]
    url = f"/v1/navigation/main/items/{public['id']}"
    etag = client.get(url, headers=writer).headers["etag"]
    attempts = [
        client.patch(url, json={"labels": {"en": "X"}}, headers={**writer, "If-Match": etag}),
        client.post(f"{url}/move", json={}, headers={**writer, "If-Match": etag}),
        client.post(f"{url}/unpublish", headers={**writer, "If-Match": etag}),
        client.delete(url, headers={**writer, "If-Match": etag}),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert "content:publish" in response.json()["detail"]
    roots = [i["id"] for i in client.get("/v1/navigation/main").json()["items"]]
    reorder = client.post(
        "/v1/navigation/main/reorder",
        json={"ids": list(reversed(roots))},
        headers={**writer, "If-Match": menu_etag},
    )
    assert reorder.status_code == 403
    assert client.get("/v1/navigation/main").json()["items"][0]["id"] == public["id"]


def test_a_published_item_under_a_draft_parent_stays_hidden(
    client: TestClient, session: Session, publisher: dict[str, str]
) -> None:
    heading, child = staged_section(client, publisher)
    shown = post(client, publisher, f"{child.headers['location']}/publish", child.headers["etag"])
    assert shown.status_code == 200
    before = len(entries(session, "main"))
    assert LABEL not in public_texts(client)
    assert len(entries(session, "main")) == before  # nothing public changed: no entry
    post(client, publisher, f"{heading.headers['location']}/publish", heading.headers["etag"])
    assert f"{LABEL} child" in client.get("/v1/navigation/main").text

    current = client.get(heading.headers["location"], headers=publisher)
    hidden = post(
        client, publisher, f"{heading.headers['location']}/unpublish", current.headers["etag"]
    )
    assert hidden.json()["publication_status"] == "draft"
    assert LABEL not in public_texts(client)
    child_now = client.get(child.headers["location"], headers=publisher).json()
    assert child_now["publication_status"] == "published"  # its own state is kept
    assert [op for op, _ in entries(session, "main")][before:] == ["update", "update"]


def _comparable(response: Any) -> tuple[int, dict[str, str], Any]:
    body = response.json()
    request_id = body.pop("request_id", None)
    headers = {k: v for k, v in response.headers.items() if v != request_id}
    headers.pop("x-request-id", None)
    return response.status_code, headers, body


def test_a_draft_menu_is_a_404_like_a_missing_one(
    client: TestClient, session: Session, publisher: dict[str, str]
) -> None:
    created = client.post(
        "/v1/navigation", json={"key": "staged", "names": {"en": LABEL}}, headers=publisher
    )
    assert created.status_code == 201
    assert created.json()["publication_status"] == "draft"
    assert created.json()["version"] == 0
    item = client.post(
        "/v1/navigation/staged/items",
        json={"kind": "route", "route": "/x", "labels": {"en": f"{LABEL} item"}},
        headers=publisher,
    )
    post(client, publisher, f"{item.headers['location']}/publish", item.headers["etag"])
    for suffix in ("", "?lang=fr", "/breadcrumbs?path=/x", "?preview=true"):
        draft = client.get(f"/v1/navigation/staged{suffix}")
        missing = client.get(f"/v1/navigation/stagex{suffix}")
        assert draft.status_code in (401, 404)
        assert _comparable(draft) == _comparable(missing)
    assert LABEL not in client.get("/v1/navigation?limit=100").text
    assert entries(session, "staged") == []

    menu_etag = client.get("/v1/navigation/staged/editorial", headers=publisher).headers["etag"]
    published = post(client, publisher, "/v1/navigation/staged/publish", menu_etag)
    assert published.status_code == 200, published.text
    assert published.json()["version"] == 1
    assert client.get("/v1/navigation/staged").json()["items"][0]["label"] == f"{LABEL} item"
    assert "staged" in [m["key"] for m in client.get("/v1/navigation?limit=100").json()["items"]]
    stale = post(client, publisher, "/v1/navigation/staged/unpublish", menu_etag)
    assert stale.status_code == 412
    unpublished = post(
        client, publisher, "/v1/navigation/staged/unpublish", published.headers["etag"]
    )
    assert unpublished.status_code == 200
    assert client.get("/v1/navigation/staged").status_code == 404
    assert entries(session, "staged") == [("publish", 1), ("unpublish", 2)]
    assert session.get(Menu, "staged") is not None
