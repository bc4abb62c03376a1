"""Writes that start at the same moment, for the PostgreSQL race tests (SQLite serializes
writers, so races are only real there)."""

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient


def patch_together(
    app: FastAPI, key: dict[str, str], path: str, etag: str, bodies: dict[str, Any]
) -> dict[str, Any]:
    """One PATCH per body, each from its own client and thread, released together by a
    barrier, all with the same `If-Match`; the responses by body name."""
    barrier = threading.Barrier(len(bodies))
    results: dict[str, Any] = {}

    def send(name: str, body: Any) -> None:
        with TestClient(app) as client:
            barrier.wait()
            results[name] = client.patch(path, headers={**key, "If-Match": etag}, json=body)

    threads = [threading.Thread(target=send, args=item) for item in bodies.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
