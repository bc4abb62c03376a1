"""Rate limits as a client sees them: RateLimit headers, 429 problems, and who is counted."""

import logging

import pytest
from httpx2 import Response
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.dependencies import key_pepper
from app.auth.models import Scope
from app.config import Settings
from app.observability.metrics import RATE_LIMIT_REDIS_UNREACHABLE, RATE_LIMIT_REJECTIONS
from tests.ratelimit.conftest import ClientFactory, field, make_token, redis_url, requires_redis

URL = "/v1/statements?limit=1"


def assert_refused(response: Response, policy: str) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/too-many-requests"
    assert body["status"] == 429
    name, state = field(response, "RateLimit")
    assert name == policy
    assert state["r"] == 0
    assert int(response.headers["retry-after"]) == state["t"] >= 1


def test_a_burst_over_the_limit_gets_a_429_with_retry_after(make_client: ClientFactory) -> None:
    client = make_client(rate_limit_anonymous=3, rate_limit_window_seconds=60)
    remaining = []
    for _ in range(3):
        response = client.get(URL)
        assert response.status_code == 200
        assert field(response, "RateLimit-Policy") == ("anonymous", {"q": 3, "w": 60})
        remaining.append(field(response, "RateLimit")[1]["r"])
    assert remaining == [2, 1, 0]
    rejections = RATE_LIMIT_REJECTIONS.labels(reason="address")
    before = rejections._value.get()
    refused = client.get(URL)
    assert_refused(refused, "anonymous")
    assert rejections._value.get() == before + 1  # newsroom_rate_limit_rejections_total
    assert refused.headers["cache-control"] == "no-store"
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert refused.headers["x-request-id"] == refused.json()["request_id"]
    assert field(refused, "RateLimit-Policy") == ("anonymous", {"q": 3, "w": 60})


def test_probes_and_docs_are_not_limited(make_client: ClientFactory) -> None:
    client = make_client(rate_limit_anonymous=1)
    for url in ("/health/live", "/health/ready", "/openapi.json", "/problems/too-many-requests"):
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "ratelimit" not in response.headers, url


def test_a_304_costs_half_a_request(make_client: ClientFactory) -> None:
    plain = make_client(rate_limit_anonymous=2)
    assert [plain.get(URL).status_code for _ in range(3)] == [200, 200, 429]

    conditional = make_client(rate_limit_anonymous=2)
    first = conditional.get(URL)
    etag = first.headers["etag"]
    statuses = [conditional.get(URL, headers={"If-None-Match": etag}) for _ in range(3)]
    assert [r.status_code for r in statuses] == [304, 304, 429]
    assert field(statuses[0], "RateLimit")[1]["r"] == 0  # one and a half requests used


def test_a_conditional_request_answered_in_full_pays_in_full(make_client: ClientFactory) -> None:
    client = make_client(rate_limit_anonymous=2)
    stale = client.get(URL, headers={"If-None-Match": '"not-the-current-one"'})
    assert stale.status_code == 200
    assert field(stale, "RateLimit")[1]["r"] == 1
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429


def test_failed_authentications_are_limited_harder_per_address(
    make_client: ClientFactory, session: Session, settings: Settings
) -> None:
    token = make_token(session, settings)
    wrong = {"Authorization": f"Bearer {token[:-4]}xxxx"}
    client = make_client(rate_limit_auth_failures=20, rate_limit_anonymous=1000)
    statuses = [client.get(URL, headers=wrong).status_code for _ in range(25)]
    assert statuses == [401] * 20 + [429] * 5
    refused = client.get(URL, headers=wrong)
    assert_refused(refused, "auth-failures")
    assert field(refused, "RateLimit-Policy") == ("auth-failures", {"q": 20, "w": 300})
    # The address is blocked before its credentials are checked, even right ones ...
    assert client.get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 429
    # ... while the key itself is not: from elsewhere it works, and anonymous reads still do.
    other = make_client(rate_limit_auth_failures=20, client=("198.51.100.2", 1))
    assert other.get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get(URL).status_code == 200


def test_a_401_says_how_many_failures_are_left(make_client: ClientFactory) -> None:
    client = make_client(rate_limit_auth_failures=5)
    response = client.get(URL, headers={"Authorization": "Bearer nwsk_key_nope_nope"})
    assert response.status_code == 401
    name, state = field(response, "RateLimit")
    assert (name, state["r"]) == ("auth-failures", 4)
    assert 1 <= state["t"] <= 300  # when the current window ends


def test_keys_are_limited_per_key_with_their_own_quota(
    make_client: ClientFactory, session: Session, settings: Settings
) -> None:
    limited = {"Authorization": f"Bearer {make_token(session, settings, rate_limit=2)}"}
    default = {"Authorization": f"Bearer {make_token(session, settings)}"}
    client = make_client(rate_limit_keyed=50, rate_limit_anonymous=1)
    assert [client.get(URL, headers=limited).status_code for _ in range(2)] == [200, 200]
    refused = client.get(URL, headers=limited)
    assert_refused(refused, "key")
    assert field(refused, "RateLimit-Policy") == ("key", {"q": 2, "w": 60})
    # Another key, and the address's anonymous quota, are counted apart.
    response = client.get(URL, headers=default)
    assert response.status_code == 200
    assert field(response, "RateLimit")[1]["r"] == 49
    assert field(response, "RateLimit-Policy") == ("key", {"q": 50, "w": 60})
    assert client.get(URL).status_code == 200


def test_a_key_can_be_created_with_its_own_limit(
    make_client: ClientFactory, session: Session, settings: Settings
) -> None:
    _, admin = auth_service.issue_key(
        session, pepper=key_pepper(settings), name="admin", scopes=[Scope.KEYS_ADMIN]
    )
    session.commit()
    client = make_client()
    headers = {"Authorization": f"Bearer {admin}"}
    created = client.post(
        "/v1/keys",
        json={"name": "Mirror", "scopes": ["content:preview"], "rate_limit": 5},
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["rate_limit"] == 5
    read = client.get(created.headers["location"], headers=headers)
    assert read.json()["rate_limit"] == 5
    token = {"Authorization": f"Bearer {created.json()['token']}"}
    assert field(client.get(URL, headers=token), "RateLimit-Policy")[1]["q"] == 5
    zero = {"name": "x", "scopes": ["content:preview"], "rate_limit": 0}
    assert client.post("/v1/keys", json=zero, headers=headers).status_code == 422


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(make_client: ClientFactory) -> None:
    def via(client_of: tuple[str, int]) -> list[int]:
        client = make_client(
            rate_limit_anonymous=1, trusted_proxies=("10.0.0.0/8",), client=client_of
        )
        return [
            client.get(URL, headers={"X-Forwarded-For": forwarded}).status_code
            for forwarded in ("203.0.113.7", "203.0.113.8", "203.0.113.7, 10.0.0.9")
        ]

    # Through the proxy each client has its own quota (the proxy's own hop is skipped) ...
    assert via(("10.1.2.3", 1)) == [200, 200, 429]
    # ... but anyone else's header is ignored: they are one client, the peer.
    assert via(("192.0.2.1", 1)) == [200, 429, 429]


def test_unreachable_redis_falls_back_to_local_counters(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(rate_limit_anonymous=3, redis_url="redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="app.ratelimit"):
        statuses = [client.get(URL).status_code for _ in range(4)]
        ready = client.get("/health/ready")
    assert statuses == [200, 200, 200, 429]
    assert ready.status_code == 200
    assert ready.json()["rate_limit_counters"] == "local (redis unreachable)"
    assert RATE_LIMIT_REDIS_UNREACHABLE._value.get() == 1  # and the metrics say so
    warnings = [r for r in caplog.records if "redis unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_without_redis_the_counters_are_local(make_client: ClientFactory) -> None:
    ready = make_client().get("/health/ready").json()
    assert ready["rate_limit_counters"] == "local"
    assert make_client(rate_limits=False).get("/health/ready").json()["rate_limit_counters"] is None


@requires_redis
def test_two_apps_sharing_redis_count_together(
    make_client: ClientFactory, redis_prefix: str
) -> None:
    shared = {
        "redis_url": redis_url(),
        "rate_limit_redis_prefix": redis_prefix,
        "rate_limit_anonymous": 4,
    }
    first, second = make_client(**shared), make_client(**shared)
    statuses = [client.get(URL).status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 200]
    assert_refused(first.get(URL), "anonymous")
    assert_refused(second.get(URL), "anonymous")
    assert second.get("/health/ready").json()["rate_limit_counters"] == "redis"
    # Another prefix (another deployment, or the next test) starts from zero.
    fresh = make_client(**{**shared, "rate_limit_redis_prefix": redis_prefix + ":other"})
    assert fresh.get(URL).status_code == 200


@requires_redis
def test_failed_authentications_are_shared_through_redis(
    make_client: ClientFactory, redis_prefix: str
) -> None:
    shared = {
        "redis_url": redis_url(),
        "rate_limit_redis_prefix": redis_prefix,
        "rate_limit_auth_failures": 3,
    }
    first, second = make_client(**shared), make_client(**shared)
    wrong = {"Authorization": "Bearer nwsk_key_nope_nope"}
    statuses = [c.get(URL, headers=wrong).status_code for c in (first, second, first, second)]
    assert statuses == [401, 401, 401, 429]


def test_the_openapi_document_declares_429_and_the_headers(make_client: ClientFactory) -> None:
    document = make_client().get("/openapi.json").json()
    listing = document["paths"]["/v1/statements"]["get"]["responses"]
    refused = listing["429"]
    assert list(refused["content"]) == ["application/problem+json"]
    assert set(refused["headers"]) >= {"Retry-After", "RateLimit", "RateLimit-Policy"}
    assert {"RateLimit", "RateLimit-Policy"} <= set(listing["200"]["headers"])
    assert "429" not in document["paths"]["/health/ready"]["get"]["responses"]
