"""The response cache: reused while the content version holds, never after a change."""

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api.cache import CacheEntry, ResponseCache
from app.api.conditional import Rendered
from app.changes import service as changes_service
from tests.conftest import FIXED_NOW
from tests.factories import make_statement


def cache_of(app: FastAPI) -> ResponseCache:
    cache: ResponseCache = app.state.response_cache
    return cache


def test_second_read_is_served_from_the_cache(app: FastAPI, client: TestClient) -> None:
    first = client.get("/v1/statements?limit=5")
    hits = cache_of(app).hits
    second = client.get("/v1/statements?limit=5")
    assert cache_of(app).hits == hits + 1
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]


def test_a_write_elsewhere_is_seen_at_once(client: TestClient, session: Session) -> None:
    before = client.get("/v1/statements?limit=1").json()["items"][0]["id"]
    new = make_statement(session, published_at=FIXED_NOW - timedelta(seconds=1))  # bumps
    after = client.get("/v1/statements?limit=1").json()["items"][0]["id"]
    assert before != new.id
    assert after == new.id


def test_the_version_is_what_invalidates(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    client.get("/v1/topics")
    misses = cache_of(app).misses
    changes_service.bump(session)
    client.get("/v1/topics")
    assert cache_of(app).misses == misses + 1


def test_languages_are_cached_apart(client: TestClient) -> None:
    seed = "/v1/statements/iom-statement-los-angeles-declaration-migration-and-protection"
    english = client.get(seed).json()
    spanish = client.get(seed, headers={"Accept-Language": "es"}).json()
    french = client.get(seed + "?lang=fr").json()
    assert (english["lang"], spanish["lang"], french["lang"]) == ("en", "en", "fr")
    by_id = f"/v1/statements/{english['id']}"
    assert client.get(by_id, headers={"Accept-Language": "es"}).json()["lang"] == "es"
    assert client.get(by_id, headers={"Accept-Language": "fr"}).json()["lang"] == "fr"


def test_errors_are_not_cached(app: FastAPI, client: TestClient) -> None:
    size = len(cache_of(app))
    assert client.get("/v1/statements/nope").status_code == 404
    assert client.get("/v1/statements?place=ZZZ").status_code == 422
    assert len(cache_of(app)) == size


def rendered(body: bytes) -> Rendered:
    return Rendered(body=body, etag='"x"')


def test_least_recently_used_entry_goes_first() -> None:
    cache = ResponseCache(max_entries=2)
    for key in ("a", "b"):
        cache.put(key, CacheEntry(version=1, rendered=rendered(b"{}"), expires_at=None))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert cache.get("a", version=1, now=now) is not None
    cache.put("c", CacheEntry(version=1, rendered=rendered(b"{}"), expires_at=None))
    assert cache.get("b", version=1, now=now) is None
    assert cache.get("a", version=1, now=now) is not None


def test_entries_expire_and_large_bodies_are_skipped() -> None:
    cache = ResponseCache(max_entries=10, max_body_bytes=4)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    cache.put("big", CacheEntry(version=1, rendered=rendered(b"12345"), expires_at=None))
    assert cache.get("big", version=1, now=now) is None
    cache.put("soon", CacheEntry(version=1, rendered=rendered(b"{}"), expires_at=now))
    assert cache.get("soon", version=1, now=now - timedelta(seconds=1)) is not None
    assert cache.get("soon", version=1, now=now) is None
