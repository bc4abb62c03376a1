"""A real stack (no dependency overrides) on a database of its own, so that requests commit,
sessions are pooled and the change-feed gauges read only what these tests write."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.auth import service as auth_service
from app.auth.dependencies import key_pepper
from app.auth.models import Scope
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.schema import migrate
from tests.conftest import FIXED_NOW, TEST_SETTINGS, Clock


@dataclass(frozen=True)
class Stack:
    settings: Settings
    engine: Engine
    reader: str  # a token with metrics:read
    reader_id: str
    editor: str  # a token with statements:write only
    editor_id: str

    def app(self) -> FastAPI:
        return create_app(self.settings, clock=Clock(FIXED_NOW))


@pytest.fixture(scope="module")
def stack(fresh_database_url: Callable[[], str]) -> Iterator[Stack]:
    settings = TEST_SETTINGS.model_copy(update={"database_url": fresh_database_url()})
    engine = make_engine(settings)
    migrate(engine)
    pepper = key_pepper(settings)
    with make_sessionmaker(engine).begin() as session:
        reader, reader_token = auth_service.issue_key(
            session, pepper=pepper, name="prometheus", scopes=[Scope.METRICS_READ]
        )
        editor, editor_token = auth_service.issue_key(
            session, pepper=pepper, name="editor", scopes=[Scope.STATEMENTS_WRITE]
        )
        ids = reader.id, editor.id
    yield Stack(settings, engine, reader_token, ids[0], editor_token, ids[1])
    engine.dispose()


@pytest.fixture
def client(stack: Stack) -> Iterator[TestClient]:
    with TestClient(stack.app(), raise_server_exceptions=False) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
