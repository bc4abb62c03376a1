"""Building menus over HTTP: items, moves, reorders and removals, each logged for partners once
published (staging drafts unseen: tests/navigation/test_staging.py)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes.models import ChangeEntry
from app.demo.loader import statement_id_for
from tests.factories import make_key


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, Scope.NAVIGATION_WRITE, Scope.CONTENT_PUBLISH)


def publish(client: TestClient, editor: dict[str, str], created: Any, **params: str) -> Any:
    """Publish what a create (or an editorial read) returned: an item, or a menu."""
    url = (created.headers.get("location") or created.url.path).removesuffix("/editorial")
    response = client.post(
        f"{url}/publish", params=params, headers={**editor, "If-Match": created.headers["etag"]}
    )
    assert response.status_code == 200, response.text
    return response


def add(client: TestClient, editor: dict[str, str], **item: Any) -> Any:
    """Add an item and publish it (new items are drafts)."""
    response = client.post("/v1/navigation/side/items", json=item, headers=editor)
    assert response.status_code == 201, response.text
    assert response.json()["publication_status"] == "draft"
    return publish(client, editor, response)


@pytest.fixture
def menu(client: TestClient, editor: dict[str, str]) -> str:
    created = client.post(
        "/v1/navigation", json={"key": "side", "names": {"en": "Side"}}, headers=editor
    )
    assert created.status_code == 201
    publish(client, editor, created)
    return "side"


def test_build_a_menu_and_read_it(
    client: TestClient, editor: dict[str, str], menu: str, session: Session
) -> None:
    about = add(
        client, editor, kind="route", route="/about", labels={"en": "About", "fr": "À propos"}
    )
    linked = add(
        client,
        editor,
        kind="content",
        target={"type": "statement", "id": statement_id_for("iom-lad-2022")},
        labels={"en": "LA Declaration"},
        parent_id=about.json()["id"],
    )
    add(client, editor, kind="external", url="https://dtm.iom.int", labels={"en": "DTM"})
    tree = client.get("/v1/navigation/side?lang=fr").json()
    assert [i["label"] for i in tree["items"]] == ["À propos", "DTM"]
    child = tree["items"][0]["children"][0]
    assert child["href"].startswith("/fr/news/")
    assert child["fallback"] == {"requested_lang": "fr", "fields": ["label"]}
    assert child["id"] == linked.json()["id"]
    assert child["target"] == linked.json()["target"]  # one name, one shape
    assert child["target"] == {"type": "statement", "id": statement_id_for("iom-lad-2022")}
    seqs = session.scalars(
        select(ChangeEntry.operation).where(ChangeEntry.resource_id == "side")
    ).all()
    assert list(seqs) == ["publish", "update", "update", "update"]


def test_kind_and_target_must_agree(client: TestClient, editor: dict[str, str], menu: str) -> None:
    response = client.post(
        "/v1/navigation/side/items",
        json={"kind": "route", "url": "https://x.org", "labels": {"en": "X"}},
        headers=editor,
    )
    assert response.status_code == 422


def test_moving_under_a_descendant_is_a_409(
    client: TestClient, editor: dict[str, str], menu: str
) -> None:
    root = add(client, editor, kind="heading", labels={"en": "Root"})
    child = add(client, editor, kind="heading", labels={"en": "Child"}, parent_id=root.json()["id"])
    refused = client.post(
        f"/v1/navigation/side/items/{root.json()['id']}/move",
        json={"parent_id": child.json()["id"]},
        headers={**editor, "If-Match": root.headers["etag"]},
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/invalid-move"


def test_reorder_update_and_remove_need_if_match(
    client: TestClient, editor: dict[str, str], menu: str
) -> None:
    first = add(client, editor, kind="heading", labels={"en": "First"})
    second = add(client, editor, kind="heading", labels={"en": "Second"})
    no_match = client.post(
        "/v1/navigation/side/reorder",
        json={"ids": [second.json()["id"], first.json()["id"]]},
        headers=editor,
    )
    assert no_match.status_code == 428
    menu_etag = client.get("/v1/navigation/side/editorial", headers=editor).headers["etag"]
    reordered = client.post(
        "/v1/navigation/side/reorder",
        json={"ids": [second.json()["id"], first.json()["id"]]},
        headers={**editor, "If-Match": menu_etag},
    )
    assert reordered.status_code == 200
    labels = [i["label"] for i in client.get("/v1/navigation/side").json()["items"]]
    assert labels == ["Second", "First"]
    first_url = f"/v1/navigation/side/items/{first.json()['id']}"
    stale = client.patch(
        first_url,
        json={"labels": {"en": "Again"}},
        headers={**editor, "If-Match": first.headers["etag"]},
    )
    assert stale.status_code == 412  # the reorder moved it: a new version
    current = client.get(first_url, headers=editor).headers["etag"]
    renamed = client.patch(
        first_url, json={"labels": {"en": "Renamed"}}, headers={**editor, "If-Match": current}
    )
    assert renamed.status_code == 200
    second_url = f"/v1/navigation/side/items/{second.json()['id']}"
    second_etag = client.get(second_url, headers=editor).headers["etag"]
    removed = client.delete(second_url, headers={**editor, "If-Match": second_etag})
    assert removed.status_code == 204
    assert [i["label"] for i in client.get("/v1/navigation/side").json()["items"]] == ["Renamed"]


def test_navigation_writes_need_their_scope(client: TestClient, session: Session) -> None:
    other = make_key(session, Scope.STATEMENTS_WRITE)
    response = client.post("/v1/navigation", json={"key": "x", "names": {"en": "X"}}, headers=other)
    assert response.status_code == 403


def test_item_creation_is_idempotent(client: TestClient, editor: dict[str, str], menu: str) -> None:
    headers = {**editor, "Idempotency-Key": "nav-1"}
    item = {"kind": "heading", "labels": {"en": "Once"}}
    first = client.post("/v1/navigation/side/items", json=item, headers=headers)
    second = client.post("/v1/navigation/side/items", json=item, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    publish(client, editor, first)
    assert [i["label"] for i in client.get("/v1/navigation/side").json()["items"]] == ["Once"]


def test_what_an_editor_reads_of_an_item_can_be_sent_back(
    client: TestClient, editor: dict[str, str], menu: str
) -> None:
    created = add(
        client,
        editor,
        kind="content",
        target={"type": "statement", "id": statement_id_for("iom-lad-2022")},
        labels={"en": "LA Declaration"},
    )
    url = f"/v1/navigation/side/items/{created.json()['id']}"
    read = client.get(url, headers=editor)
    assert read.json()["publication_status"] == "published"
    writable = ("target", "labels", "blurbs", "icon", "visible")
    body = {name: read.json()[name] for name in writable}
    body["labels"]["fr"] = "Déclaration de Los Angeles"
    patched = client.patch(url, json=body, headers={**editor, "If-Match": read.headers["etag"]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["target"] == read.json()["target"]
    assert patched.json()["labels"]["fr"] == "Déclaration de Los Angeles"


def test_an_unknown_statement_points_at_the_target_id(
    client: TestClient, editor: dict[str, str], menu: str
) -> None:
    response = client.post(
        "/v1/navigation/side/items",
        json={
            "kind": "content",
            "target": {"type": "statement", "id": "stm_00000000000000000000000000"},
            "labels": {"en": "X"},
        },
        headers=editor,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/target/id"
