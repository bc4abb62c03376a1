"""Concurrent public changes to one menu each get their own menu version and log entry
(PostgreSQL, real concurrent transactions)."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from app.audit.models import AuditEntry
from app.auth.dependencies import key_pepper
from app.auth.models import ApiKey, Scope
from app.auth.service import issue_key
from app.changes.models import ChangeEntry
from app.config import Settings
from app.main import create_app
from app.navigation.models import Menu
from tests.conftest import FIXED_NOW, Clock, requires_postgres

pytestmark = requires_postgres
MENU = "race-menu"
ROUNDS = 10


@pytest.fixture
def live_app(settings: Settings, engine: Any) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """The real app on the scratch database: every request commits for real."""
    app = create_app(settings, clock=Clock(FIXED_NOW))
    with app.state.sessionmaker.begin() as session:
        scopes = [Scope.NAVIGATION_WRITE, Scope.CONTENT_PUBLISH]
        key, token = issue_key(session, pepper=key_pepper(settings), name="race", scopes=scopes)
        key_id = key.id
    yield app, {"Authorization": f"Bearer {token}"}
    with app.state.sessionmaker.begin() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.key_id == key_id))
        session.execute(delete(ChangeEntry).where(ChangeEntry.resource_id == MENU))
        session.execute(delete(Menu).where(Menu.key == MENU))
        session.execute(delete(ApiKey).where(ApiKey.id == key_id))
    app.state.engine.dispose()


def _publish(client: TestClient, key: dict[str, str], created: Any) -> Any:
    """Publish what a create, or a menu's unpublish, returned."""
    location = created.headers.get("location") or created.url.path.removesuffix("/unpublish")
    url = location.removesuffix("/editorial")  # a created menu's Location is its editorial
    response = client.post(f"{url}/publish", headers={**key, "If-Match": created.headers["etag"]})
    assert response.status_code == 200, response.text
    return response


def test_concurrent_public_edits_get_one_version_and_one_entry_each(
    live_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, key = live_app
    with TestClient(app) as setup:
        menu = setup.post("/v1/navigation", json={"key": MENU, "names": {"en": "R"}}, headers=key)
        assert menu.status_code == 201, menu.text
        _publish(setup, key, menu)
        items = {}
        for name in ("a", "b"):
            created = setup.post(
                f"/v1/navigation/{MENU}/items",
                json={"kind": "heading", "labels": {"en": name}},
                headers=key,
            )
            assert created.status_code == 201, created.text
            items[created.headers["location"]] = _publish(setup, key, created).headers["etag"]

    def send(barrier: threading.Barrier, results: dict[str, Any], url: str, label: str) -> None:
        with TestClient(app) as client:
            barrier.wait()
            results[url] = client.patch(
                url, json={"labels": {"en": label}}, headers={**key, "If-Match": items[url]}
            )

    for round_ in range(ROUNDS):
        barrier = threading.Barrier(len(items))
        results: dict[str, Any] = {}
        threads = [
            threading.Thread(target=send, args=(barrier, results, url, f"{url[-4:]} {round_}"))
            for url in items
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        for url, response in results.items():
            assert response.status_code == 200, response.text
            items[url] = response.headers["etag"]

    with app.state.sessionmaker() as session:
        versions = session.scalars(
            select(ChangeEntry.version)
            .where(ChangeEntry.resource_id == MENU)
            .order_by(ChangeEntry.seq)
        ).all()
        menu_row = session.get(Menu, MENU)
        assert menu_row is not None
        final = menu_row.version
    # publish the menu, then two items, then two edits per round: one version each, in order.
    assert list(versions) == list(range(1, 4 + 2 * ROUNDS))
    assert final == versions[-1]


def _together(app: FastAPI, requests: list[tuple[str, str, dict[str, str], Any]]) -> list[Any]:
    """The requests (method, url, headers, json) sent at once, each from its own thread."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def send(n: int) -> None:
        method, url, headers, body = requests[n]
        with TestClient(app) as client:
            barrier.wait()
            results[n] = client.request(method, url, headers=headers, json=body)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_menu_writes_with_one_etag_end_in_one_200_and_one_412_while_creates_all_pass(
    live_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, key = live_app
    with TestClient(app) as setup:
        menu = setup.post("/v1/navigation", json={"key": MENU, "names": {"en": "R"}}, headers=key)
        etag = _publish(setup, key, menu).headers["etag"]
    for _ in range(5):
        headers = {**key, "If-Match": etag}
        results = _together(app, [("POST", f"/v1/navigation/{MENU}/unpublish", headers, None)] * 2)
        assert sorted(r.status_code for r in results) == [200, 412]
        winner = next(r for r in results if r.status_code == 200)
        with TestClient(app) as client:
            etag = _publish(client, key, winner).headers["etag"]
    creates = [
        ("POST", f"/v1/navigation/{MENU}/items", key, {"kind": "heading", "labels": {"en": n}})
        for n in ("a", "b", "c")
    ]
    assert [r.status_code for r in _together(app, creates)] == [201, 201, 201]
    with app.state.sessionmaker() as session:
        operations = session.scalars(
            select(ChangeEntry.operation)
            .where(ChangeEntry.resource_id == MENU)
            .order_by(ChangeEntry.seq)
        ).all()
    assert list(operations) == ["publish", *["unpublish", "publish"] * 5]  # drafts: nothing
