"""`newsroom reindex` brings a wiped index back; an empty index fills itself on migrate."""

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.changes import service as changes_service
from app.cli import main
from app.config import Settings, get_settings
from app.db import make_engine
from app.search import index
from app.search.models import FTS, SearchDocument
from tests.search.helpers import ids, search


def _wipe(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        session.execute(delete(FTS))
    session.execute(delete(SearchDocument))


def test_a_rebuild_gives_back_the_same_hits(client: TestClient, session: Session) -> None:
    before = ids(search(client, "/v1/search", q="migrants"))
    _wipe(session)
    changes_service.bump(session)  # hand-made damage: say the content changed (cache)
    session.commit()
    assert search(client, "/v1/search", q="migrants") == []
    index.rebuild(session)
    changes_service.bump(session)
    session.commit()
    assert ids(search(client, "/v1/search", q="migrants")) == before


@pytest.fixture
def fresh_env(fresh_database_url: Callable[[], str]) -> Iterator[dict[str, str]]:
    env = {"NEWSROOM_DATABASE_URL": fresh_database_url(), "NEWSROOM_ENVIRONMENT": "test"}
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def _documents(url: str) -> int:
    engine = make_engine(Settings(environment="test", database_url=url))
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(SearchDocument)) or 0
    finally:
        engine.dispose()


def test_the_command_rebuilds_a_wiped_index(fresh_env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["demo-data"], env=fresh_env).exit_code == 0
    url = fresh_env["NEWSROOM_DATABASE_URL"]
    indexed = _documents(url)
    assert indexed > 100
    engine = make_engine(Settings(environment="test", database_url=url))
    try:
        with engine.begin() as connection:
            if connection.dialect.name != "postgresql":
                connection.execute(text("DELETE FROM search_fts"))
            connection.execute(delete(SearchDocument))
    finally:
        engine.dispose()
    assert _documents(url) == 0
    result = runner.invoke(main, ["reindex"], env=fresh_env)
    assert result.exit_code == 0, result.output
    assert f"{indexed} search documents indexed" in result.output
    assert _documents(url) == indexed
