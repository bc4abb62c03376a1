"""Requests never wait for the connection pool on the event loop: with more requests in flight
than sessions, every one is answered, and one that waits too long gets a 503 problem."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from app.api.problems import ServiceUnavailable
from app.config import Settings
from app.db import RequestSessions
from app.main import create_app


def test_more_requests_in_flight_than_sessions_are_all_answered(
    settings: Settings, engine: object
) -> None:
    # Two sessions for 24 searches at once. Before RequestSessions, the third request waited
    # for the pool on the event loop, which stalled the two holding a connection: a deadlock
    # (the search bench's server answered nothing at 32 connections with 20 pooled).
    small = settings.model_copy(
        update={
            "database_pool_size": 2,
            "database_pool_timeout_seconds": 30.0,
            "response_cache_entries": 0,
        }
    )
    with TestClient(create_app(small), raise_server_exceptions=False) as client:

        def read(n: int) -> int:
            url = "/v1/statements" if n % 2 else "/v1/statements?q=migrants"
            return client.get(url, params={"limit": 5 + n % 3}).status_code

        with ThreadPoolExecutor(max_workers=24) as pool:
            statuses = list(pool.map(read, range(48), timeout=120))
    assert statuses == [200] * 48


def test_a_request_that_waits_too_long_for_a_session_is_a_503_with_retry_after() -> None:
    async def scenario() -> ServiceUnavailable:
        sessions = RequestSessions(size=1, timeout_seconds=0.05)
        async with sessions.turn():
            with pytest.raises(ServiceUnavailable) as raised:
                async with sessions.turn():
                    pass
        async with sessions.turn():  # released: the next request gets its turn
            pass
        return raised.value

    problem = asyncio.run(scenario())
    assert problem.status == 503
    assert problem.headers == {"Retry-After": "2"}
    assert "retry" in str(problem)
