"""`newsroom worker`: the production loop, in its own process and transactions, stopped by
SIGTERM after the round in progress."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from app.auth import service as auth_service
from app.config import Settings
from app.db import make_engine
from app.ids import new_id
from app.webhooks import signing
from app.webhooks.models import WebhookSubscription
from tests.conftest import TEST_SETTINGS
from tests.webhooks.receiver import Receiver


def _subscribe_from_the_start(settings: Settings, url: str) -> str:
    """A subscription to statement changes from seq 0: the demo data is its backlog."""
    engine = make_engine(settings)
    try:
        with Session(engine) as session, session.begin():
            key, _ = auth_service.issue_key(session, pepper=b"p", name="partner", scopes=[])
            subscription = WebhookSubscription(
                id=new_id("whk"),
                owner_key_id=key.id,
                url=url,
                event_types=["statement"],
                secret_seed=signing.new_seed(),
                last_seq=0,
            )
            session.add(subscription)
            session.flush()
            return signing.secret_of(settings, subscription.secret_seed)
    finally:
        engine.dispose()


def test_the_worker_delivers_then_stops_on_sigterm(
    fresh_database_url: Callable[[], str], target: Receiver
) -> None:
    env = {
        **os.environ,
        "NEWSROOM_DATABASE_URL": fresh_database_url(),
        "NEWSROOM_ENVIRONMENT": "test",
        "NEWSROOM_SECRET_KEY": TEST_SETTINGS.secret_key.get_secret_value(),
        "NEWSROOM_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
    }
    subprocess.run([sys.executable, "-m", "app", "demo-data"], env=env, check=True)
    settings = TEST_SETTINGS.model_copy(update={"database_url": env["NEWSROOM_DATABASE_URL"]})
    secret = _subscribe_from_the_start(settings, target.url)

    worker = subprocess.Popen(
        [sys.executable, "-m", "app", "worker", "--poll-seconds", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not target.received and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, errors
    assert "stopping after the current round" in errors
    assert target.received, errors
    payload = Webhook(secret).verify(target.received[0].body, target.received[0].headers)
    assert payload["type"] == "statement.upsert"
    assert json.loads(target.received[0].body)["data"]["seq"] >= 1


def test_serve_runs_the_worker_in_process_when_told_to(settings: Settings) -> None:
    """Development: one process does all; the thread stops with the app."""
    import threading

    from fastapi.testclient import TestClient

    from app.main import create_app

    app = create_app(settings.model_copy(update={"webhooks_in_process": True}))
    with TestClient(app):
        assert "webhooks" in {thread.name for thread in threading.enumerate()}
    assert "webhooks" not in {thread.name for thread in threading.enumerate()}
