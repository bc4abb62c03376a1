"""Surrogate keys on public reads: what a CDN purges by (issue #12)."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from app.cdn.keys import MAX_HEADER_BYTES, SITE, surrogate_headers
from tests.conftest import FIXED_NOW
from tests.statements.test_editing import act, create, editor

__all__ = ["editor"]  # the fixture


def keys(response: Response) -> list[str]:
    assert response.status_code == 200, response.text
    surrogate = response.headers["surrogate-key"].split(" ")
    assert response.headers["cache-tag"].split(",") == surrogate  # the same keys, both styles
    assert surrogate[0] == SITE
    return surrogate


def test_a_list_names_its_collection_and_exactly_its_items(client: TestClient) -> None:
    response = client.get("/v1/statements?limit=5")
    items = response.json()["items"]
    found = keys(response)
    assert "statements" in found
    assert {i["id"] for i in items} <= set(found)
    named = {k for k in found if k.startswith("stm_")}
    assert named == {i["id"] for i in items}  # no statement of another page
    topics = {f"topic:{t}" for i in items for t in i["topics"]}
    assert topics <= set(found)


def test_an_item_names_itself_and_what_it_embeds_but_not_its_collection(
    client: TestClient,
) -> None:
    listed = client.get("/v1/commitments?limit=1").json()["items"][0]
    response = client.get(f"/v1/commitments/{listed['id']}")
    found = keys(response)
    body = response.json()
    assert body["id"] in found
    assert {a["id"] for a in body["actors"]} <= set(found)
    if body["source"]["statement_id"]:
        assert body["source"]["statement_id"] in found
    # Not purged by every other commitment's change.
    assert "commitments" not in found
    # JSON-LD is keyed like the JSON it is made from.
    as_ld = client.get(f"/v1/commitments/{listed['id']}?format=jsonld")
    assert keys(as_ld) == found


def test_a_statement_keeps_its_keys_in_every_shape(client: TestClient) -> None:
    statement = client.get("/v1/statements?limit=1").json()["items"][0]
    full = keys(client.get(f"/v1/statements/{statement['id']}?include=commitments"))
    assert statement["id"] in full
    sparse = keys(client.get(f"/v1/statements/{statement['id']}?fields=id,title"))
    assert statement["id"] in sparse
    assert keys(client.get(f"/v1/statements/{statement['slug']}")) == keys(
        client.get(f"/v1/statements/{statement['id']}")
    )


def test_navigation_names_its_menu_and_the_statements_it_links(client: TestClient) -> None:
    menus = client.get("/v1/navigation")
    listed = keys(menus)
    assert "navigation" in listed
    assert {f"menu:{m['key']}" for m in menus.json()["items"]} <= set(listed)
    tree = client.get("/v1/navigation/main")
    found = keys(tree)
    assert "menu:main" in found
    assert "navigation" not in found

    def targets(nodes: list[dict[str, Any]]) -> set[str]:
        return {
            t
            for n in nodes
            for t in (
                {n["target"]["id"]} if n["target"] and n["target"]["type"] == "statement" else set()
            )
            | targets(n["children"])
        }

    assert targets(tree.json()["items"]) <= set(found)


def test_feeds_search_taxonomy_and_the_change_feed_carry_their_collections(
    client: TestClient,
) -> None:
    assert "statements" in keys(client.get("/v1/feeds/statements.atom"))
    assert {"statements", "commitments", "actors"} <= set(keys(client.get("/v1/search?q=iom")))
    assert "taxonomy" in keys(client.get("/v1/topics"))
    assert "actors" in keys(client.get("/v1/actors"))
    assert keys(client.get("/v1/changes")) == [SITE, "changes"]
    assert keys(client.get("/v1/export/menus.ndjson")) == [SITE, "changes"]


def test_hidden_items_are_never_named(client: TestClient, editor: dict[str, str]) -> None:
    drafted = create(client, editor, slug="keys-draft").json()["id"]
    later = (FIXED_NOW + timedelta(days=3)).isoformat()
    scheduled = act(
        client, editor, create(client, editor, slug="keys-later"), "schedule", publish_at=later
    ).json()["id"]
    for path in ("/v1/statements?limit=100", "/v1/search?q=keys", "/v1/feeds/statements.atom"):
        response = client.get(path)
        assert drafted not in response.headers["surrogate-key"], path
        assert scheduled not in response.headers["cache-tag"], path


def test_a_keyed_answer_carries_no_keys(client: TestClient, editor: dict[str, str]) -> None:
    drafted = create(client, editor, slug="keys-preview").json()["id"]
    response = client.get(f"/v1/statements/{drafted}?preview=true", headers=editor)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in response.headers


def test_past_the_cap_items_give_way_to_their_collections() -> None:
    many = [f"stm_{n:026d}" for n in range(400)] + ["topic:health", "menu:main"]
    headers = surrogate_headers(["statements", *many])
    assert len(headers["Surrogate-Key"]) <= MAX_HEADER_BYTES
    assert headers["Surrogate-Key"] == f"{SITE} statements taxonomy navigation"
    assert headers["Cache-Tag"] == f"{SITE},statements,taxonomy,navigation"
