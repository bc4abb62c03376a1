"""Webhook fixtures: a receiver, keys, and the app's settings as the worker sees them."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.config import Settings
from tests.factories import make_key
from tests.webhooks.helpers import Work
from tests.webhooks.receiver import Receiver, receiver


@pytest.fixture
def target() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


@pytest.fixture
def manager(session: Session) -> dict[str, str]:
    return make_key(session, Scope.WEBHOOKS_MANAGE, name="partner")


@pytest.fixture
def allow_private(app: FastAPI) -> Settings:
    """Local targets allowed (the receiver is on 127.0.0.1) and retries without waiting."""
    settings: Settings = app.state.settings.model_copy(
        update={"webhooks_allow_private_targets": True, "webhooks_retry_schedule": (0, 0, 0)}
    )
    app.state.settings = settings
    return settings


@pytest.fixture
def work(session: Session, allow_private: Settings) -> Work:
    return Work(session, allow_private)
