"""Test fixtures: a real database built by the migrations, one rolled-back transaction per test.

The suite runs on SQLite by default. With NEWSROOM_TEST_DATABASE_URL set to a PostgreSQL server
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) it creates a scratch database there,
runs everything against it, and drops it at the end.
"""

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.commitments.editing import record_due_go_lives as record_due_commitments
from app.config import Settings
from app.db import get_session, make_engine
from app.demo.commitments import load_demo_commitments
from app.demo.loader import load_demo_data
from app.demo.navigation import load_demo_navigation
from app.main import create_app
from app.schema import migrate
from app.statements.editing import record_due_go_lives
from app.sync.router import snapshot_sessions
from tests.databases import create_scratch_database, drop_scratch_database

POSTGRES_ENV = "NEWSROOM_TEST_DATABASE_URL"
FIXED_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# The parts of the settings that do not depend on the database under test.
TEST_SETTINGS = Settings(
    environment="test",
    database_url="sqlite://",
    languages=("en", "fr", "es"),
    default_language="en",
    secret_key=SecretStr("test-secret-key"),
    # One test client sends more requests than any quota (the leak walker, the key matrix) and
    # compares headers across requests; tests/ratelimit turns the limits on.
    rate_limits=False,
    # Tests write through one uncommitted transaction, which a poll could never see; each
    # request reads the version itself (tests/api/test_pipeline.py covers the watcher).
    cache_version_poll_ms=0,
)


class Clock:
    """An injectable clock tests can move."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def postgres_server_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    return url if url and url.startswith("postgresql") else None


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A factory of empty databases of the kind under test (for migration tests)."""
    server = postgres_server_url()
    made: list[str] = []

    def make() -> str:
        if server is None:
            path: Path = tmp_path_factory.mktemp("db") / "fresh.db"
            return f"sqlite:///{path}"
        url = create_scratch_database(server)
        made.append(url)
        return url

    yield make
    for url in made:
        assert server is not None
        drop_scratch_database(server, url)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    server = postgres_server_url()
    if server is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'suite.db'}"
    else:
        url = create_scratch_database(server)
    yield TEST_SETTINGS.model_copy(update={"database_url": url})
    if server is not None:
        drop_scratch_database(server, url)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    migrate(engine)
    with Session(engine) as session, session.begin():
        load_demo_data(session)
        record_due_go_lives(session, FIXED_NOW)
        load_demo_commitments(session, today=FIXED_NOW.date())
        record_due_commitments(session, FIXED_NOW)
        load_demo_navigation(session)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """Everything a test writes, the app's commits included, is rolled back afterwards."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture
def app(settings: Settings, session: Session, clock: Clock) -> FastAPI:
    return app_on_session(settings, session, clock)


def app_on_session(settings: Settings, session: Session, clock: Clock) -> FastAPI:
    """The app, its requests run in the test's session (rolled back after the test)."""
    app = create_app(settings, clock=clock)
    # The app's own sessions are not used here: its watcher learns the test session's commits.
    app.state.version_watcher.track_commits(session)

    async def test_session() -> AsyncIterator[Session]:
        # Lazy-loading bugs must fail here as they would in production.
        session.expunge_all()
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise

    def snapshot_session() -> Session:
        # The export streams from a session of its own: here one on the test's connection,
        # so that it sees what the test wrote. It only reads, so it joins the test's
        # transaction without a savepoint of its own (which the request's session, releasing
        # its own savepoint first, would release from under it) and never ends it.
        return Session(
            bind=session.get_bind(),
            join_transaction_mode="rollback_only",
            expire_on_commit=False,
            autoflush=False,
        )

    app.dependency_overrides[get_session] = test_session
    app.dependency_overrides[snapshot_sessions] = lambda: snapshot_session
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


class QueryCounter:
    """Counts the SQL statements sent, transaction control (BEGIN, SAVEPOINT, ...) aside."""

    CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(self.CONTROL):
            self.count += 1


@pytest.fixture
def count_queries(engine: Engine) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


requires_postgres = pytest.mark.skipif(
    postgres_server_url() is None,
    reason=f"needs PostgreSQL: set {POSTGRES_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/test",
)
