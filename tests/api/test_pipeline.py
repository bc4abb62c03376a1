"""The public read pipeline (issue #12): cache hits answered before routing, with no query, and
never stale beyond the documented delay, on this worker or another."""

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.config import Settings
from app.db import make_engine
from app.demo.loader import load_demo_data
from app.schema import migrate
from app.statements.editing import record_due_go_lives
from tests.conftest import FIXED_NOW, Clock, QueryCounter, app_on_session
from tests.factories import make_key
from tests.servers import servers
from tests.statements.test_editing import EDITOR, act, create

LIST = "/v1/statements?limit=100"
ITEM = "/v1/statements/iom-statement-los-angeles-declaration-migration-and-protection"
# Polled once a minute: within a test only this worker's own commits move its version.
WATCHED = {"cache_version_poll_ms": 60_000}


def watched_client(
    settings: Settings, session: Session, clock: Clock, **overrides: Any
) -> Iterator[TestClient]:
    app = app_on_session(settings.model_copy(update={**WATCHED, **overrides}), session, clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(settings: Settings, session: Session, clock: Clock) -> Iterator[TestClient]:
    yield from watched_client(settings, session, clock)


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *EDITOR)


def ids(response: Any) -> set[str]:
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("url", [LIST, ITEM, "/v1/statements?limit=5&lang=fr&type=news"])
def test_a_repeated_read_is_answered_without_a_query(
    client: TestClient, count_queries: QueryCounter, url: str
) -> None:
    first = client.get(url)
    assert first.status_code == 200
    count_queries.count = 0
    again = client.get(url)
    assert count_queries.count == 0
    assert again.content == first.content
    for name in ("etag", "last-modified", "cache-control", "content-language", "link", "vary"):
        assert again.headers.get(name) == first.headers.get(name)
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert again.headers["x-content-type-options"] == "nosniff"  # security headers on hits
    not_modified = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    head = client.head(url)
    assert count_queries.count == 0
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == first.headers["etag"]
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(first.content))


def test_the_query_order_does_not_matter_but_its_values_do(
    client: TestClient, count_queries: QueryCounter
) -> None:
    first = client.get("/v1/statements?limit=3&type=news")
    count_queries.count = 0
    swapped = client.get("/v1/statements?type=news&limit=3")
    assert count_queries.count == 0
    assert ids(swapped) == ids(first)
    other = client.get("/v1/statements?limit=4&type=news")
    assert count_queries.count > 0
    assert len(other.json()["items"]) == 4


def test_a_write_is_seen_at_once_on_the_worker_that_made_it(
    client: TestClient, editor: dict[str, str]
) -> None:
    before = client.get(LIST)
    assert client.get(LIST).content == before.content  # cached
    published = act(client, editor, create(client, editor), "publish")
    statement_id = published.json()["id"]
    after = client.get(LIST)
    assert statement_id in ids(after)
    assert after.headers["etag"] != before.headers["etag"]
    assert client.get(f"/v1/statements/{statement_id}").status_code == 200

    unpublished = act(client, editor, published, "unpublish")
    assert unpublished.status_code == 200, unpublished.text
    assert statement_id not in ids(client.get(LIST))
    assert client.get(f"/v1/statements/{statement_id}").status_code == 404


def test_a_withdrawal_is_seen_at_once(client: TestClient, editor: dict[str, str]) -> None:
    published = act(client, editor, create(client, editor), "publish")
    statement_id = published.json()["id"]
    assert client.get(f"/v1/statements/{statement_id}").status_code == 200
    assert client.get(f"/v1/statements/{statement_id}").status_code == 200  # cached
    assert statement_id in ids(client.get(LIST))
    withdrawn = act(client, editor, published, "withdraw", note="Issued in error.")
    assert withdrawn.status_code == 200
    gone = client.get(f"/v1/statements/{statement_id}")
    assert gone.status_code == 410
    assert statement_id not in ids(client.get(LIST))
    assert "Issued in error." not in client.get(LIST).text


def test_a_cached_list_ends_at_the_next_go_live(
    client: TestClient, editor: dict[str, str], clock: Clock, count_queries: QueryCounter
) -> None:
    at = FIXED_NOW + timedelta(hours=2)
    scheduled = act(client, editor, create(client, editor), "schedule", publish_at=at.isoformat())
    statement_id = scheduled.json()["id"]
    clock.now = at - timedelta(seconds=1)
    before = client.get(LIST)
    count_queries.count = 0
    assert client.get(LIST).content == before.content
    assert count_queries.count == 0  # a hit, a second before the go-live
    assert statement_id not in ids(before)
    clock.now = at  # nothing was written: the entry itself ends here
    assert statement_id in ids(client.get(LIST))
    assert client.get(f"/v1/statements/{statement_id}").status_code == 200


def test_each_language_is_cached_apart(client: TestClient, count_queries: QueryCounter) -> None:
    by_id = f"/v1/statements/{client.get(ITEM).json()['id']}"  # an id: negotiated
    requests = {
        "fr": (by_id, {"Accept-Language": "fr"}),
        "en": (by_id, {"Accept-Language": "en"}),
        "es": (by_id + "?lang=es", {"Accept-Language": "fr"}),
    }
    first = {lang: client.get(url, headers=headers) for lang, (url, headers) in requests.items()}
    count_queries.count = 0
    for lang, (url, headers) in requests.items():
        again = client.get(url, headers=headers)
        assert again.content == first[lang].content
        assert again.headers["content-language"] == first[lang].headers["content-language"]
        assert again.json()["lang"] == lang
    assert count_queries.count == 0
    assert len({response.json()["title"] for response in first.values()}) == 3


def test_keyed_and_preview_reads_never_meet_the_cache(
    client: TestClient, editor: dict[str, str], count_queries: QueryCounter
) -> None:
    draft_id = create(client, editor).json()["id"]
    public = client.get(LIST)
    client.get(LIST)  # cached now
    count_queries.count = 0
    keyed = client.get(LIST, headers=editor)
    assert count_queries.count > 0  # computed for the key, not taken from the cache
    assert keyed.headers["cache-control"] == "private, no-store"
    preview = client.get(LIST + "&preview=true", headers=editor)
    assert draft_id in ids(preview)
    for anonymous in (client.get(LIST), client.get(LIST + "&preview=true")):
        assert draft_id not in anonymous.text
        assert anonymous.headers.get("cache-control") != "private, no-store"
    assert client.get(LIST).content == public.content


def test_rate_limits_count_cache_hits(settings: Settings, session: Session, clock: Clock) -> None:
    limits = {"rate_limits": True, "rate_limit_anonymous": 3}
    for client in watched_client(settings, session, clock, **limits):
        statuses = [client.get(ITEM).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]


@pytest.fixture
def committed_database(fresh_database_url: Any) -> tuple[str, dict[str, str]]:
    """A database of its own with the demo data, committed (separate processes serve it), and
    an editor key."""
    url: str = fresh_database_url()
    engine = make_engine(Settings(environment="test", database_url=url))
    migrate(engine)
    with Session(engine) as session:
        load_demo_data(session)
        record_due_go_lives(session, FIXED_NOW)
        session.commit()
        editor = make_key(session, Scope.STATEMENTS_WRITE, Scope.CONTENT_PUBLISH)
    engine.dispose()
    return url, editor


def test_another_worker_sees_a_write_within_the_poll_interval(
    committed_database: tuple[str, dict[str, str]],
) -> None:
    url, editor = committed_database
    poll_ms = 200
    with servers(url, 2, NEWSROOM_CACHE_VERSION_POLL_MS=str(poll_ms)) as (writer, reader):
        cached = httpx.get(reader + LIST)
        assert httpx.get(reader + LIST).content == cached.content
        created = httpx.post(writer + "/v1/statements", json=_draft(), headers=editor)
        assert created.status_code == 201, created.text
        published = httpx.post(
            f"{writer}/v1/statements/{created.json()['id']}/publish",
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        assert published.status_code == 200, published.text
        committed = time.monotonic()
        while created.json()["id"] not in ids(httpx.get(reader + LIST)):
            # The documented bound is one interval plus a read; allow for a loaded machine.
            assert time.monotonic() - committed < 20 * poll_ms / 1000, "stale past the bound"
            time.sleep(0.02)


def _draft() -> dict[str, Any]:
    return {
        "type": "news",
        "translations": {
            "en": {
                "slug": "seen-by-another-worker",
                "title": "Seen by another worker",
                "summary": "Summary.",
                "body": [{"text": "A paragraph."}],
            }
        },
    }
