"""Apps with rate limits configured per test, on the test's own transaction."""

import os
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.dependencies import key_pepper
from app.auth.models import Scope
from app.config import Settings
from app.db import get_session
from app.main import create_app

REDIS_ENV = "NEWSROOM_TEST_REDIS_URL"
ClientFactory = Callable[..., TestClient]


def redis_url() -> str | None:
    return os.environ.get(REDIS_ENV) or None


requires_redis = pytest.mark.skipif(
    redis_url() is None, reason=f"needs Redis: set {REDIS_ENV}=redis://127.0.0.1:6379/15"
)


@pytest.fixture
def make_client(settings: Settings, session: Session) -> Iterator[ClientFactory]:
    """`make_client(rate_limit_anonymous=3, client=("10.0.0.1", 1))`: a started TestClient of
    a fresh app (fresh local counters) with those settings."""
    clients: list[TestClient] = []

    def make(*, client: tuple[str, int] = ("198.51.100.1", 50000), **updates: Any) -> TestClient:
        app = create_app(settings.model_copy(update={"rate_limits": True, **updates}))

        async def test_session() -> AsyncIterator[Session]:
            session.expunge_all()
            try:
                yield session
                session.commit()
            except Exception:
                session.rollback()
                raise

        app.dependency_overrides[get_session] = test_session
        test_client = TestClient(app, raise_server_exceptions=False, client=client)
        test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


@pytest.fixture
def redis_prefix() -> str:
    """Counters of this test only, on the shared Redis."""
    return f"test-ratelimit:{uuid.uuid4().hex}"


def make_token(session: Session, settings: Settings, rate_limit: int | None = None) -> str:
    _, token = auth_service.issue_key(
        session,
        pepper=key_pepper(settings),
        name="rate-limited",
        scopes=[Scope.CONTENT_PREVIEW],
        rate_limit=rate_limit,
    )
    session.commit()
    return token


_ITEM = re.compile(r'^"(?P<name>[a-z-]+)"((;[a-z]+=\d+)+)$')


def field(response: Response, name: str) -> tuple[str, dict[str, int]]:
    """A RateLimit field's one item: its policy name and its integer parameters."""
    match = _ITEM.match(response.headers[name])
    assert match, response.headers[name]
    params = dict(part.split("=") for part in match.group(2).strip(";").split(";"))
    return match.group("name"), {key: int(value) for key, value in params.items()}
