"""Anonymous reads run in sessions that do not write (AUTOCOMMIT on PostgreSQL), with the
app's real sessions rather than the suite's shared one."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_engine, make_read_sessionmaker
from app.main import create_app
from app.schema import migrate
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_statement


@pytest.fixture
def fresh(fresh_database_url: Callable[[], str], settings: Settings) -> tuple[Settings, Clock]:
    fresh_settings = settings.model_copy(update={"database_url": fresh_database_url()})
    engine = make_engine(fresh_settings)
    migrate(engine)
    engine.dispose()
    return fresh_settings, Clock(FIXED_NOW)


def test_a_scheduled_go_live_reaches_the_feed_read_anonymously(
    fresh: tuple[Settings, Clock],
) -> None:
    # The feed logs due go-lives before it reads; an anonymous read's session does not
    # write, so that happens in a transaction of its own, seen by the same request.
    settings, clock = fresh
    engine = make_engine(settings)
    with Session(engine) as session:  # the factory commits
        scheduled = make_statement(session, published_at=FIXED_NOW + timedelta(hours=1)).id
    engine.dispose()
    with TestClient(create_app(settings, clock=clock)) as client:
        assert client.get("/v1/changes?after=0").json()["items"] == []
        assert client.get("/v1/statements").json()["items"] == []
        clock.now = FIXED_NOW + timedelta(hours=2)
        items = client.get("/v1/changes?after=0").json()["items"]
        assert [(item["id"], item["op"]) for item in items] == [(scheduled, "upsert")]
        listed = client.get("/v1/statements").json()["items"]
        assert [item["id"] for item in listed] == [scheduled]


def test_a_read_session_refuses_to_write(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        with make_read_sessionmaker(engine)() as session:
            with pytest.raises(RuntimeError, match="anonymous read"):
                make_statement(session, published_at=FIXED_NOW)
            session.rollback()
            if engine.dialect.name != "sqlite":
                dbapi = session.connection().connection.dbapi_connection
                assert dbapi is not None
                assert dbapi.autocommit
    finally:
        engine.dispose()
