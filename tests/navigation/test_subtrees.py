"""`depth=` says `has_children` wherever it cuts, and `?root=` fetches a subtree."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.publication import PublicationStatus
from tests.conftest import FIXED_NOW
from tests.factories import make_key, make_statement


def flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [node for item in items for node in (item, *flatten(item["children"]))]


@pytest.fixture
def full(client: TestClient) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in flatten(client.get("/v1/navigation/main").json()["items"])}


def test_every_item_says_whether_it_has_children(
    client: TestClient, full: dict[str, dict[str, Any]]
) -> None:
    for node in full.values():
        assert node["has_children"] == bool(node["children"]), node["label"]
    assert any(n["has_children"] for n in full.values())
    assert any(not n["has_children"] for n in full.values())
    shallow = client.get("/v1/navigation/main?depth=1").json()["items"]
    assert all(item["children"] == [] for item in shallow)
    assert [i["has_children"] for i in shallow] == [
        bool(full[i["id"]]["children"]) for i in shallow
    ]


def test_a_subtree_is_fetched_by_its_root(
    client: TestClient, full: dict[str, dict[str, Any]]
) -> None:
    top = client.get("/v1/navigation/main?depth=1").json()["items"]
    parent = next(i for i in top if i["has_children"])
    subtree = client.get(f"/v1/navigation/main?root={parent['id']}")
    assert subtree.status_code == 200
    assert subtree.headers["cache-control"].startswith("public")
    body = subtree.json()
    assert body["root"] == parent["id"]
    assert body["items"] == [full[parent["id"]]]

    one_level = client.get(f"/v1/navigation/main?root={parent['id']}&depth=2").json()
    assert [c["id"] for c in one_level["items"][0]["children"]] == [
        c["id"] for c in full[parent["id"]]["children"]
    ]
    assert all(c["children"] == [] for c in one_level["items"][0]["children"])

    french = client.get(f"/v1/navigation/main?root={parent['id']}&lang=fr").json()
    assert french["items"][0]["lang"] == "fr"
    assert client.get("/v1/navigation/main?root=nav_nosuchitem").status_code == 404
    footer_item = client.get("/v1/navigation/footer").json()["items"][0]["id"]
    assert client.get(f"/v1/navigation/main?root={footer_item}").status_code == 404


def test_children_a_reader_cannot_see_do_not_count(client: TestClient, session: Session) -> None:
    writer = make_key(session, Scope.NAVIGATION_WRITE, Scope.CONTENT_PUBLISH)
    draft = make_statement(session, published_at=FIXED_NOW, status=PublicationStatus.DRAFT)
    heading = client.post(
        "/v1/navigation/main/items",
        json={"kind": "heading", "labels": {"en": "Section"}},
        headers=writer,
    )
    assert heading.status_code == 201, heading.text
    hidden = client.post(
        "/v1/navigation/main/items",
        json={
            "kind": "content",
            "target": {"type": "statement", "id": draft.id},
            "labels": {"en": "Draft link"},
            "parent_id": heading.json()["id"],
        },
        headers=writer,
    )
    assert hidden.status_code == 201, hidden.text
    below_hidden = client.post(
        "/v1/navigation/main/items",
        json={
            "kind": "route",
            "route": "/under-a-draft",
            "labels": {"en": "Under"},
            "parent_id": hidden.json()["id"],
        },
        headers=writer,
    )
    assert below_hidden.status_code == 201, below_hidden.text
    published = client.post(
        f"{heading.headers['location']}/publish?with_descendants=true",
        headers={**writer, "If-Match": heading.headers["etag"]},
    )
    assert published.status_code == 200, published.text

    section = client.get(f"/v1/navigation/main?root={heading.json()['id']}").json()["items"][0]
    assert section["has_children"] is False
    assert section["children"] == []
    for item in (hidden, below_hidden):
        assert client.get(f"/v1/navigation/main?root={item.json()['id']}").status_code == 404
