"""Requests never wait for the connection pool on the event loop: with more requests in flight
than sessions, every one is answered, and one that waits too long gets a 503 problem; so does a
query held past PostgreSQL's statement timeout."""

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from app.api.problems import ServiceUnavailable
from app.config import Settings
from app.db import RequestSessions, get_session
from app.main import create_app
from tests.conftest import requires_postgres


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


@requires_postgres
def test_a_query_held_past_the_statement_timeout_is_a_503_and_the_next_succeeds(
    settings: Settings, engine: Engine
) -> None:
    limited = settings.model_copy(
        update={"database_statement_timeout_ms": 300, "response_cache_entries": 0}
    )
    with TestClient(create_app(limited), raise_server_exceptions=False) as client:
        assert client.get("/v1/statements?limit=1").status_code == 200
        with engine.connect() as holder:  # an editor's long transaction, say
            holder.exec_driver_sql("LOCK TABLE statements IN ACCESS EXCLUSIVE MODE")
            held = client.get("/v1/statements?limit=1")
            holder.rollback()
        assert held.status_code == 503
        assert held.headers["content-type"] == "application/problem+json"
        assert held.headers["retry-after"] == "5"
        assert "took too long" in held.json()["detail"]
        assert client.get("/v1/statements?limit=1").status_code == 200


def test_a_pool_timeout_is_a_503_problem_not_a_500(settings: Settings, engine: Engine) -> None:
    # Background work or a request's second session can still find the pool empty.
    app = create_app(settings)

    async def no_connection() -> AsyncIterator[Session]:
        raise PoolTimeout("QueuePool limit of size 2 overflow 2 reached")
        yield  # pragma: no cover (a generator, as get_session is)

    app.dependency_overrides[get_session] = no_connection
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/statements?limit=1")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["detail"].startswith("No database connection was free")
    assert "QueuePool" not in response.text
