"""NEWSROOM_DATABASE_READ_URL: anonymous public reads on the replica, the rest on the primary.

The replica here is a copy of the primary taken at one moment (a file copy on SQLite, a
`CREATE DATABASE ... TEMPLATE` on PostgreSQL) then changed on its own, so every answer shows
which database served it.
"""

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, make_url, update
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes import service as changes
from app.changes.models import ContentVersion
from app.changes.service import Operation
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.schema import migrate
from app.statements.models import StatementTranslation
from tests.conftest import FIXED_NOW, TEST_SETTINGS, Clock, postgres_server_url
from tests.databases import drop_scratch_database
from tests.factories import make_key, make_statement


def _copy(url: str) -> str:
    """A copy of the database at `url` (nobody connected to it)."""
    server = postgres_server_url()
    if server is None:
        source = Path(make_url(url).database or "")
        copy = source.with_name("replica.db")
        shutil.copyfile(source, copy)
        return f"sqlite:///{copy}"
    name = f"{make_url(url).database}_replica"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"')
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _set_title(url: str, statement_id: str, title: str, *, bump: bool) -> None:
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        session.execute(
            update(StatementTranslation)
            .where(StatementTranslation.statement_id == statement_id)
            .values(title=title)
        )
        if bump:
            changes.bump(session)
    engine.dispose()


@pytest.fixture
def replicated(
    fresh_database_url: Callable[[], str],
) -> Iterator[tuple[Settings, str, dict[str, str]]]:
    primary_url = fresh_database_url()
    settings = TEST_SETTINGS.model_copy(update={"database_url": primary_url})
    engine = make_engine(settings)
    migrate(engine)
    with Session(engine) as session:
        statement_id = make_statement(session, published_at=FIXED_NOW - timedelta(days=1)).id
        key = make_key(session, Scope.CONTENT_PREVIEW)
    engine.dispose()
    replica_url = _copy(primary_url)
    _set_title(replica_url, statement_id, "On the replica", bump=True)
    _set_title(primary_url, statement_id, "On the primary", bump=True)
    yield settings.model_copy(update={"database_read_url": replica_url}), statement_id, key
    if (server := postgres_server_url()) is not None:
        drop_scratch_database(server, replica_url)


def test_anonymous_reads_come_from_the_replica_the_rest_from_the_primary(
    replicated: tuple[Settings, str, dict[str, str]],
) -> None:
    settings, statement_id, key = replicated
    with TestClient(create_app(settings, clock=Clock(FIXED_NOW))) as client:
        path = f"/v1/statements/{statement_id}"
        assert client.get(path).json()["title"] == "On the replica"
        assert client.get("/v1/statements").json()["items"][0]["title"] == "On the replica"
        # A key may read its own writes: the primary.
        assert client.get(path, headers=key).json()["title"] == "On the primary"
        assert client.get(f"{path}?preview=true", headers=key).json()["title"] == "On the primary"

        # The change feed: partners resume from positions the primary handed out.
        engine = make_engine(settings)
        with Session(engine) as session, session.begin():
            seq = changes.record(
                session,
                resource_type="statement",
                resource_id=statement_id,
                version=1,
                operation=Operation.UPDATE,
                at=FIXED_NOW,
            ).seq
        engine.dispose()
        feed = client.get("/v1/changes").json()
        assert seq in [e["seq"] for e in feed["items"]]  # an entry only the primary holds

        ready = client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["read_replica"] == "ok"


def test_cached_answers_are_labelled_with_the_replicas_content_version(
    replicated: tuple[Settings, str, dict[str, str]],
) -> None:
    settings, statement_id, _ = replicated
    assert settings.database_read_url is not None
    path = f"/v1/statements/{statement_id}"
    with TestClient(create_app(settings, clock=Clock(FIXED_NOW))) as client:
        assert client.get(path).json()["title"] == "On the replica"
        # The primary moving on says nothing about the replica's content.
        _set_title(settings.database_url, statement_id, "Primary again", bump=True)
        _set_title(settings.database_read_url, statement_id, "Replica, unannounced", bump=False)
        assert client.get(path).json()["title"] == "On the replica"  # still the cached answer
        # The replica's version moving (its change replicated) is what retires the entry.
        engine = create_engine(settings.database_read_url)
        with Session(engine) as session, session.begin():
            session.execute(update(ContentVersion).values(version=ContentVersion.version + 5))
        engine.dispose()
        assert client.get(path).json()["title"] == "Replica, unannounced"


def test_a_replica_of_another_kind_of_database_is_refused_at_startup() -> None:
    with pytest.raises(ValidationError, match="NEWSROOM_DATABASE_READ_URL"):
        Settings(
            database_url="sqlite:///var/newsroom.db",
            database_read_url="postgresql+psycopg://replica/newsroom",
        )
