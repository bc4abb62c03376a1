"""CDN purges sent to a real local receiver when public content changes (issue #12)."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.cdn import purge
from app.cdn.models import PendingPurge, PurgeCursor
from app.changes import service as changes
from app.config import Settings
from app.statements.editing import record_due_go_lives
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_key
from tests.statements.test_editing import act, create, draft, editor
from tests.webhooks.receiver import Receiver, receiver

__all__ = ["editor"]  # the fixture


class Purges:
    """Runs the worker's purge round in the test's transaction."""

    def __init__(self, session: Session, settings: Settings, clock: Clock) -> None:
        self.session = session
        self.settings = settings
        self.clock = clock

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        yield self.session
        self.session.commit()

    def __call__(self, replica: Any = None, **settings: Any) -> int:
        configured = self.settings.model_copy(update=settings)
        with purge.make_client(configured) as http:
            return purge.run_once(self._transaction, configured, http, self.clock, replica)


@pytest.fixture
def target() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


@pytest.fixture
def purges(app: FastAPI, session: Session, clock: Clock, target: Receiver) -> Purges:
    settings: Settings = app.state.settings.model_copy(
        update={"purge_url": target.url, "purge_token": SecretStr("cdn-token")}
    )
    runner = Purges(session, settings, clock)
    runner(purge_url=None)  # what the suite's demo data left: drained, never sent
    return runner


def sent(target: Receiver) -> list[set[str]]:
    batches = [json.loads(r.body)["surrogate_keys"] for r in target.received]
    assert all(len(set(b)) == len(b) for b in batches)  # no key twice in one purge
    target.received.clear()
    return [set(b) for b in batches]


def test_publish_update_withdraw_and_unpublish_each_purge_the_item_and_its_lists(
    client: TestClient, editor: dict[str, str], target: Receiver, purges: Purges
) -> None:
    created = create(client, editor, slug="purged")
    statement_id = created.json()["id"]
    assert purges() == 0  # a draft: nothing public changed
    assert sent(target) == []
    item = {statement_id, "statements", "changes"}

    published = act(client, editor, created, "publish")
    assert purges() == 3
    assert sent(target) == [item]

    updated = client.patch(
        f"/v1/statements/{statement_id}",
        json={"translations": {"en": {**draft()["translations"]["en"], "title": "Purged again"}}},
        headers={**editor, "If-Match": published.headers["etag"]},
    )
    assert updated.status_code == 200, updated.text
    purges()
    assert sent(target) == [item]

    withdrawn = act(client, editor, updated, "withdraw", note="Issued in error.")
    assert withdrawn.status_code == 200, withdrawn.text
    purges()
    assert sent(target) == [item]

    republished = act(client, editor, withdrawn, "publish")
    purges()
    assert sent(target) == [item]
    unpublished = act(client, editor, republished, "unpublish")
    assert unpublished.status_code == 200, unpublished.text
    purges()
    assert sent(target) == [item]
    assert purges() == 0  # nothing twice


def test_a_purge_is_a_json_post_with_the_token(
    client: TestClient, editor: dict[str, str], target: Receiver, purges: Purges
) -> None:
    act(client, editor, create(client, editor, slug="purge-headers"), "publish")
    purges()
    [request] = target.received
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Bearer cdn-token"
    assert request.headers["User-Agent"].startswith("Newsroom-Purge/")


def test_a_scheduled_go_live_purges_at_its_time(
    client: TestClient,
    session: Session,
    editor: dict[str, str],
    target: Receiver,
    purges: Purges,
) -> None:
    at = FIXED_NOW + timedelta(days=2)
    scheduled = act(
        client,
        editor,
        create(client, editor, slug="purge-later"),
        "schedule",
        publish_at=at.isoformat(),
    )
    assert scheduled.status_code == 200, scheduled.text
    statement_id = scheduled.json()["id"]
    purges()
    # Unseen yet, but the lists' next go-live moved: they (and a cached 404) are purged.
    assert sent(target) == [{statement_id, "statements"}]

    record_due_go_lives(session, at + timedelta(minutes=1))  # what the GoLives announcer does
    session.commit()
    purges()
    assert sent(target) == [{statement_id, "statements", "changes"}]


def test_a_topic_edit_purges_its_pages_and_the_lists_showing_its_label(
    client: TestClient, session: Session, target: Receiver, purges: Purges
) -> None:
    key = make_key(session, Scope.TAXONOMIES_WRITE, Scope.CONTENT_PUBLISH)
    topic = client.get("/v1/topics?limit=1").json()["items"][0]
    current = client.get(f"/v1/topics/{topic['slug']}/editorial", headers=key)
    assert current.status_code == 200, current.text
    edited = client.patch(
        f"/v1/topics/{topic['slug']}",
        json={"names": {"en": "Renamed topic"}},
        headers={**key, "If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    purges()
    assert sent(target) == [{f"topic:{topic['slug']}", "taxonomy", "statements", "commitments"}]


def test_nothing_is_sent_without_a_purge_url_and_the_outbox_is_drained(
    client: TestClient,
    session: Session,
    editor: dict[str, str],
    target: Receiver,
    purges: Purges,
) -> None:
    act(client, editor, create(client, editor, slug="unpurged"), "publish")
    assert purges(purge_url=None) == 0
    assert target.received == []
    cursor = session.get(PurgeCursor, 1)
    assert cursor is not None
    assert cursor.last_seq == changes.latest_seq(session)
    assert session.scalars(select(PendingPurge)).all() == []
    assert purges() == 0  # configured later: what went before is not sent
    assert target.received == []


def test_a_failing_receiver_is_retried_until_it_takes_the_purge(
    client: TestClient,
    editor: dict[str, str],
    target: Receiver,
    purges: Purges,
    clock: Clock,
) -> None:
    statement_id = act(client, editor, create(client, editor, slug="retried"), "publish").json()[
        "id"
    ]
    target.answer(503, 500)
    assert purges() == 0
    assert purges() == 0  # waiting: the retry is not due yet
    clock.now += timedelta(seconds=1)
    assert purges() == 0  # failed again: a longer wait
    clock.now += timedelta(seconds=2)
    assert purges() == 3
    batches = sent(target)
    assert batches == [{statement_id, "statements", "changes"}] * 3
    assert purges() == 0


def test_an_unreachable_endpoint_keeps_the_purge(
    client: TestClient, editor: dict[str, str], target: Receiver, purges: Purges, clock: Clock
) -> None:
    statement_id = act(client, editor, create(client, editor, slug="kept"), "publish").json()["id"]
    assert purges(purge_url="http://127.0.0.1:9/purge") == 0  # nothing listens there
    clock.now += timedelta(seconds=1)
    purges()
    assert sent(target) == [{statement_id, "statements", "changes"}]


def test_a_purge_waits_for_the_replica_to_have_the_change(
    client: TestClient,
    session: Session,
    editor: dict[str, str],
    target: Receiver,
    purges: Purges,
) -> None:
    act(client, editor, create(client, editor, slug="replicated"), "publish")
    latest = changes.current(session)
    assert purges(replica=lambda: latest - 1) == 0  # the CDN would fetch the old version
    assert target.received == []
    assert purges(replica=lambda: latest) == 3
