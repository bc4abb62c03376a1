"""The change feed as a partner sees it: ordered events, tombstones with reasons, filters that
apply to tombstones, paging, 304s, go-lives at their time and the retention horizon."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes import service as changes
from app.navigation.models import ItemKind, NavigationItem
from app.publication import PublicationStatus
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_key

SEED = "iom-statement-los-angeles-declaration-migration-and-protection"


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(
        session,
        Scope.STATEMENTS_WRITE,
        Scope.COMMITMENTS_WRITE,
        Scope.CONTENT_PUBLISH,
        Scope.CONTENT_PREVIEW,
    )


def translation(slug: str, title: str) -> dict[str, Any]:
    return {"slug": slug, "title": title, "summary": "S.", "body": [{"text": "Text."}]}


def new_statement(
    client: TestClient, editor: dict[str, str], slug: str, langs: tuple[str, ...] = ("en",)
) -> Any:
    body = {
        "type": "news",
        "translations": {lang: translation(f"{slug}-{lang}", f"Title {slug}") for lang in langs},
    }
    response = client.post("/v1/statements", json=body, headers=editor)
    assert response.status_code == 201, response.text
    return response


def act(client: TestClient, editor: dict[str, str], item: Any, action: str, **body: Any) -> Any:
    kind = "statements" if item.json()["id"].startswith("stm") else "commitments"
    response = client.post(
        f"/v1/{kind}/{item.json()['id']}/{action}",
        json=body or None,
        headers={**editor, "If-Match": item.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    return response


def feed(client: TestClient, **params: Any) -> Any:
    response = client.get("/v1/changes", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def tail(client: TestClient, after: int, **params: Any) -> list[dict[str, Any]]:
    """Every event after `after`, following the pages to the end."""
    events: list[dict[str, Any]] = []
    while True:
        page = feed(client, after=after, limit=1000, **params)
        events.extend(page["items"])
        after = page["next_after"]
        if after == page["latest_seq"]:
            return events


def test_each_public_change_is_one_event_and_a_draft_none(
    client: TestClient, editor: dict[str, str]
) -> None:
    start = feed(client)["latest_seq"]
    created = new_statement(client, editor, "feed-one")
    statement_id = created.json()["id"]
    assert tail(client, start) == []  # a draft is not public: no event, no id

    published = act(client, editor, created, "publish")
    withdrawn = act(client, editor, published, "withdraw", note="Issued in error.")
    events = tail(client, start)
    assert [(e["op"], e["reason"], e["note"]) for e in events] == [
        ("upsert", None, None),
        ("delete", "withdrawn", "Issued in error."),
    ]
    assert all(e["id"] == statement_id and e["type"] == "statement" for e in events)
    assert events[0]["url"] == f"http://testserver/v1/statements/{statement_id}"
    assert events[0]["seq"] < events[1]["seq"]
    assert events[1]["version"] > events[0]["version"]
    assert withdrawn.json()["publication_status"] == "withdrawn"


def test_unpublish_and_delete_are_tombstones_with_their_reason(
    client: TestClient, editor: dict[str, str]
) -> None:
    start = feed(client)["latest_seq"]
    published = act(client, editor, new_statement(client, editor, "feed-two"), "publish")
    draft = act(client, editor, published, "unpublish")
    republished = act(client, editor, draft, "publish")
    deleted = client.delete(
        f"/v1/statements/{republished.json()['id']}",
        headers={**editor, "If-Match": republished.headers["etag"]},
    )
    assert deleted.status_code == 204
    ops = [(e["op"], e["reason"]) for e in tail(client, start)]
    assert ops == [
        ("upsert", None),
        ("delete", "unpublished"),
        ("upsert", None),
        ("delete", "deleted"),
    ]


def test_publishing_what_is_published_logs_nothing(
    client: TestClient, editor: dict[str, str]
) -> None:
    published = act(client, editor, new_statement(client, editor, "feed-three"), "publish")
    start = feed(client)["latest_seq"]
    again = act(client, editor, published, "publish")
    assert tail(client, start) == []
    assert again.headers["etag"] == published.headers["etag"]


def test_losing_a_translation_is_a_tombstone_for_that_language_only(
    client: TestClient, editor: dict[str, str]
) -> None:
    start = feed(client)["latest_seq"]
    published = act(
        client, editor, new_statement(client, editor, "feed-fr", ("en", "fr")), "publish"
    )
    patched = client.patch(
        f"/v1/statements/{published.json()['id']}",
        json={"translations": {"fr": None}},
        headers={**editor, "If-Match": published.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    french = [(e["op"], e["reason"]) for e in tail(client, start, lang="fr")]
    assert french == [("upsert", None), ("delete", "filtered_out")]
    english = [(e["op"], e["reason"]) for e in tail(client, start, lang="en")]
    assert english == [("upsert", None), ("upsert", None)]
    spanish = tail(client, start, lang="es")
    assert spanish == []  # never in Spanish: nothing to say, not even a tombstone


def test_the_type_filter_applies_to_tombstones_too(
    client: TestClient, editor: dict[str, str]
) -> None:
    start = feed(client)["latest_seq"]
    statement = act(client, editor, new_statement(client, editor, "feed-type"), "publish")
    act(client, editor, statement, "unpublish")
    assert tail(client, start, type="commitment") == []
    statements = tail(client, start, type="statement")
    assert [e["op"] for e in statements] == ["upsert", "delete"]
    both = tail(client, start, type=["statement", "commitment"])
    assert both == statements


def test_unpublishing_a_cited_statement_updates_the_public_commitments_citing_it(
    client: TestClient, editor: dict[str, str]
) -> None:
    seed = client.get(f"/v1/statements/{SEED}").json()["id"]
    citing = {
        item["id"]
        for item in client.get(f"/v1/statements/{SEED}/commitments?limit=100").json()["items"]
    }
    assert citing
    start = feed(client)["latest_seq"]
    editorial = client.get(f"/v1/statements/{seed}/editorial", headers=editor)
    act(client, editor, editorial, "unpublish")
    events = tail(client, start)
    assert (events[0]["type"], events[0]["op"]) == ("statement", "delete")
    updated = {e["id"] for e in events if e["type"] == "commitment" and e["op"] == "upsert"}
    assert updated == citing
    one = next(iter(citing))
    assert client.get(f"/v1/commitments/{one}").json()["source"]["statement_id"] is None


def test_pages_follow_the_link_header_and_end_caught_up(
    client: TestClient, editor: dict[str, str]
) -> None:
    start = feed(client)["latest_seq"]
    for n in range(5):
        act(client, editor, new_statement(client, editor, f"feed-page-{n}"), "publish")
    seen: list[int] = []
    url: str | None = f"/v1/changes?after={start}&limit=2"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(e["seq"] for e in response.json()["items"])
        link = response.headers.get("link")
        url = link[1 : link.index(">")].replace("http://testserver", "") if link else None
    assert len(seen) == 5
    assert seen == sorted(set(seen))
    last = feed(client, after=seen[-1])
    assert last["items"] == []
    assert last["next_after"] == last["latest_seq"] == seen[-1]


def test_polling_with_the_etag_is_a_304_until_something_changes(
    client: TestClient, editor: dict[str, str]
) -> None:
    start = feed(client)["latest_seq"]
    first = client.get(f"/v1/changes?after={start}")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get(f"/v1/changes?after={start}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    act(client, editor, new_statement(client, editor, "feed-poll"), "publish")
    changed = client.get(f"/v1/changes?after={start}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert len(changed.json()["items"]) == 1


def test_a_scheduled_go_live_is_an_event_at_its_time_and_not_before(
    client: TestClient, editor: dict[str, str], clock: Clock
) -> None:
    start = feed(client)["latest_seq"]
    at = FIXED_NOW + timedelta(hours=2)
    created = new_statement(client, editor, "feed-scheduled")
    act(client, editor, created, "schedule", publish_at=at.isoformat())
    assert tail(client, start) == []  # embargoed: not a word of it
    clock.now = at + timedelta(seconds=1)
    events = tail(client, start)  # no background task needed: the feed catches up first
    assert [(e["id"], e["op"]) for e in events] == [(created.json()["id"], "upsert")]
    assert events[0]["at"] == at.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    "query",
    ["limit=1001", "limit=0", "after=-1", "type=actor", "lang=xx", "after=abc"],
)
def test_bad_parameters_are_422_problems(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/changes?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_a_position_before_the_retention_horizon_is_a_410_that_says_to_start_again(
    client: TestClient, editor: dict[str, str], session: Session
) -> None:
    published = act(client, editor, new_statement(client, editor, "feed-old"), "publish")
    act(client, editor, published, "unpublish")
    before_all = feed(client)
    kept = act(client, editor, new_statement(client, editor, "feed-kept"), "publish")
    changes.prune(session, before=FIXED_NOW + timedelta(seconds=1))
    session.commit()
    gone = client.get("/v1/changes?after=1")
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert "snapshot" in gone.json()["detail"]
    ahead = client.get(f"/v1/changes?after={before_all['latest_seq'] + 10_000}")
    assert ahead.status_code == 410
    # From nothing, the compacted log still rebuilds exactly the public statements.
    held: dict[str, int] = {}
    for event in tail(client, 0, type="statement"):
        if event["op"] == "upsert":
            held[event["id"]] = event["version"]
        else:
            held.pop(event["id"], None)
    public = {i["id"] for i in client.get("/v1/statements?limit=100").json()["items"]}
    assert set(held) == public
    assert kept.json()["id"] in held


def test_renaming_an_actor_updates_the_public_commitments_naming_it(
    client: TestClient, session: Session
) -> None:
    key = make_key(session, Scope.TAXONOMIES_WRITE, Scope.CONTENT_PUBLISH)
    honduras = client.get("/v1/actors/state-hnd").json()
    naming = {
        item["id"]
        for item in client.get("/v1/commitments?actor=state-hnd&limit=100").json()["items"]
    }
    assert naming
    start = feed(client)["latest_seq"]
    etag = client.get(f"/v1/actors/{honduras['id']}/editorial", headers=key).headers["etag"]
    renamed = client.patch(
        f"/v1/actors/{honduras['id']}",
        json={"names": {"en": "Republic of Honduras"}},
        headers={**key, "If-Match": etag},
    )
    assert renamed.status_code == 200, renamed.text
    events = tail(client, start)
    assert {e["id"] for e in events} == naming
    assert {(e["type"], e["op"]) for e in events} == {("commitment", "upsert")}
    one = client.get(f"/v1/commitments/{next(iter(naming))}").json()
    assert "Republic of Honduras" in {actor["name"] for actor in one["actors"]}


def test_unpublishing_a_statement_a_menu_links_to_updates_that_menu(
    client: TestClient, editor: dict[str, str], session: Session
) -> None:
    linked = session.execute(
        select(NavigationItem.menu_key, NavigationItem.target_id, NavigationItem.id).where(
            NavigationItem.kind == ItemKind.CONTENT,
            NavigationItem.publication_status == PublicationStatus.PUBLISHED,
        )
    ).first()
    assert linked is not None, "the demo menus link statements"
    menu_key, statement_id, item_id = linked
    assert item_id in client.get(f"/v1/navigation/{menu_key}").text
    start = feed(client)["latest_seq"]
    editorial = client.get(f"/v1/statements/{statement_id}/editorial", headers=editor)
    refused_or_done = client.post(
        f"/v1/statements/{statement_id}/unpublish",
        headers={**editor, "If-Match": editorial.headers["etag"]},
    )
    assert refused_or_done.status_code == 200, refused_or_done.text
    menus = [e for e in tail(client, start) if e["type"] == "menu"]
    assert [(e["id"], e["op"]) for e in menus] == [(menu_key, "upsert")]
    assert item_id not in client.get(f"/v1/navigation/{menu_key}").text
