"""`GET /metrics`: scoped, parseable by Prometheus' own parser, and counting what happened."""

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete

from app.api.problems import ServiceUnavailable
from app.changes.models import ChangeEntry
from app.db import RequestSessions, make_sessionmaker
from app.observability.metrics import LATENCY_BUCKETS
from app.webhooks.models import WebhookMessage, WebhookSubscription
from tests.conftest import FIXED_NOW
from tests.observability.conftest import Stack, bearer

SERIES = {
    "newsroom_http_requests": "counter",
    "newsroom_http_request_duration_seconds": "histogram",
    "newsroom_http_requests_in_progress": "gauge",
    "newsroom_response_cache_lookups": "counter",
    "newsroom_db_pool_checked_out": "gauge",
    "newsroom_db_pool_size": "gauge",
    "newsroom_db_pool_max_overflow": "gauge",
    "newsroom_db_sessions_in_use": "gauge",
    "newsroom_db_session_waits": "counter",
    "newsroom_db_session_wait_timeouts": "counter",
    "newsroom_rate_limit_rejections": "counter",
    "newsroom_change_log_last_seq": "gauge",
    "newsroom_change_feed_lag_events": "gauge",
    "newsroom_change_feed_lag_seconds": "gauge",
    "newsroom_webhook_outbox_depth": "gauge",
    "newsroom_webhook_outbox_due": "gauge",
}


def scrape(client: TestClient, stack: Stack) -> dict[str, Metric]:
    response = client.get("/metrics", headers=bearer(stack.reader))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["cache-control"] == "no-store"
    families = text_string_to_metric_families(response.text)
    return {family.name: family for family in families}


def value(families: dict[str, Metric], name: str, **labels: str) -> float:
    found = [
        s.value
        for s in families[name.removesuffix("_total").removesuffix("_count")].samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    return sum(found)


def test_metrics_need_a_key_with_the_metrics_scope(client: TestClient, stack: Stack) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    without_scope = client.get("/metrics", headers=bearer(stack.editor))
    assert without_scope.status_code == 403
    assert without_scope.headers["content-type"] == "application/problem+json"
    assert "metrics:read" in without_scope.json()["detail"]
    wrong = client.get("/metrics", headers=bearer(stack.reader[:-4] + "AAAA"))
    assert wrong.status_code == 401


def test_every_series_is_exposed_and_counts_grow(client: TestClient, stack: Stack) -> None:
    before = scrape(client, stack)
    for name, kind in SERIES.items():
        assert before[name].type == kind, name
    assert client.get("/v1/statements").status_code == 200  # a miss, then a hit
    assert client.get("/v1/statements").status_code == 200
    assert client.head("/v1/statements/stm_00000000000000000000000000").status_code == 404
    assert client.get("/no/such/route").status_code == 404
    after = scrape(client, stack)

    listed = {"method": "GET", "route": "/v1/statements", "status": "200"}
    grown = value(after, "newsroom_http_requests_total", **listed)
    assert grown - value(before, "newsroom_http_requests_total", **listed) == 2
    item = {"method": "HEAD", "route": "/v1/statements/{id_or_slug}", "status": "404"}
    assert value(after, "newsroom_http_requests_total", **item) >= 1
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, "newsroom_http_requests_total", **unmatched) >= 1
    routes = {s.labels["route"] for s in after["newsroom_http_requests"].samples}
    assert "/no/such/route" not in routes  # never the raw path: one series per template
    assert all(route.startswith("/") or route == "unmatched" for route in routes)

    durations = after["newsroom_http_request_duration_seconds"].samples
    bounds = {
        float(s.labels["le"])
        for s in durations
        if s.name.endswith("_bucket") and s.labels["route"] == "/v1/statements"
    }
    assert bounds == {*LATENCY_BUCKETS, float("inf")}
    count = {"method": "GET", "route": "/v1/statements"}
    assert (
        value(after, "newsroom_http_request_duration_seconds_count", **count)
        - value(before, "newsroom_http_request_duration_seconds_count", **count)
        == 2
    )

    lookups = "newsroom_response_cache_lookups_total"
    assert value(after, lookups, result="hit") - value(before, lookups, result="hit") == 1
    assert value(after, lookups, result="miss") > value(before, lookups, result="miss")

    # The scrape itself holds a request session and a pooled connection.
    assert value(after, "newsroom_db_sessions_in_use") >= 1
    assert value(after, "newsroom_db_pool_checked_out") >= 1
    assert value(after, "newsroom_db_pool_size") == stack.settings.database_pool_size
    assert value(after, "newsroom_http_requests_in_progress") >= 1


def test_openmetrics_when_asked(client: TestClient, stack: Stack) -> None:
    headers = {**bearer(stack.reader), "Accept": "application/openmetrics-text; version=1.0.0"}
    response = client.get("/metrics", headers=headers)
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


def test_change_feed_lag_and_outbox_depth(client: TestClient, stack: Stack) -> None:
    """A subscription whose cursor is three entries behind, the oldest a minute old, and one
    message waiting (due now) and one scheduled for later."""
    sessions = make_sessionmaker(stack.engine)
    with sessions.begin() as session:
        for seq in (1, 2, 3):
            session.add(
                ChangeEntry(
                    seq=seq,
                    resource_type="statement",
                    resource_id=f"stm_{seq}",
                    version=seq,
                    operation="upsert",
                    occurred_at=FIXED_NOW - timedelta(seconds=60 - seq),
                )
            )
        session.add(
            WebhookSubscription(
                id="whk_metrics",
                owner_key_id=stack.reader_id,
                url="https://partner.example/hook",
                event_types=[],
                secret_seed="0" * 64,
                last_seq=0,
            )
        )
        session.flush()
        for name, due in (("now", FIXED_NOW), ("later", FIXED_NOW + timedelta(minutes=5))):
            session.add(
                WebhookMessage(
                    id=f"msg_metrics_{name}",
                    subscription_id="whk_metrics",
                    event_type="statement.upsert",
                    body="{}",
                    status="pending",
                    next_attempt_at=due,
                )
            )
    try:
        samples = scrape(client, stack)
        assert value(samples, "newsroom_change_log_last_seq") == 3
        assert value(samples, "newsroom_change_feed_lag_events") == 3
        assert value(samples, "newsroom_change_feed_lag_seconds") == 59
        assert value(samples, "newsroom_webhook_outbox_depth") == 2
        assert value(samples, "newsroom_webhook_outbox_due") == 1
    finally:
        with sessions.begin() as session:
            session.execute(delete(WebhookMessage))
            session.execute(delete(WebhookSubscription))
            session.execute(delete(ChangeEntry))
    caught_up = scrape(client, stack)
    assert value(caught_up, "newsroom_change_feed_lag_events") == 0
    assert value(caught_up, "newsroom_webhook_outbox_depth") == 0


def _sample(name: str) -> float:
    found = REGISTRY.get_sample_value(name)
    assert found is not None, name
    return found


def test_session_waits_and_timeouts_are_counted() -> None:
    """One request session: the second request waits for it, and past the timeout gets the
    503 (app.db.RequestSessions)."""
    waits, timeouts = (
        _sample("newsroom_db_session_waits_total"),
        _sample("newsroom_db_session_wait_timeouts_total"),
    )

    async def two_requests() -> None:
        sessions = RequestSessions(1, 0.05)
        async with sessions.turn():
            with pytest.raises(ServiceUnavailable):
                async with sessions.turn():
                    pass

    asyncio.run(two_requests())
    assert _sample("newsroom_db_session_waits_total") == waits + 1
    assert _sample("newsroom_db_session_wait_timeouts_total") == timeouts + 1
