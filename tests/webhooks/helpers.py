"""Helpers for webhook tests."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.webhooks.delivery import make_client
from app.webhooks.worker import run_once


class Work:
    """Runs the worker's rounds in the test's transaction, with the real clock (receivers
    verify `webhook-timestamp` against it)."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    def __call__(self, settings: Settings | None = None) -> int:
        settings = settings or self.settings
        with make_client(settings) as http:
            sent = run_once(self.session, settings, http, utcnow)
        self.session.commit()
        return sent


def subscribe(client: TestClient, key: dict[str, str], url: str, **fields: Any) -> dict[str, Any]:
    body = {"url": url, "event_types": ["statement"], **fields}
    response = client.post("/v1/webhooks", json=body, headers=key)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    created["etag"] = response.headers["etag"]
    return created
