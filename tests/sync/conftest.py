"""The export streams from its own session: here, one on the test's connection, so it sees
what the test wrote (and rolls nothing back of it)."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.sync.router import snapshot_sessions


@pytest.fixture(autouse=True)
def _snapshot_on_test_connection(app: FastAPI, session: Session) -> None:
    def factory() -> Callable[[], Session]:
        return lambda: Session(
            bind=session.get_bind(),
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )

    app.dependency_overrides[snapshot_sessions] = factory
