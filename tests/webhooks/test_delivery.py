"""Delivering webhooks to a real local receiver (issue #9, acceptance 3)."""

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from app.changes import service as changes
from app.changes.models import ChangeEntry, ContentVersion
from app.config import Settings
from app.db import utcnow
from app.statements.editing import record_due_go_lives
from tests.conftest import FIXED_NOW, Clock
from tests.statements.test_editing import act, create, draft, editor
from tests.webhooks.helpers import Work, subscribe
from tests.webhooks.receiver import Receiver

__all__ = ["editor"]  # the fixture


def publish(client: TestClient, key: dict[str, str], slug: str) -> str:
    published = act(client, key, create(client, key, slug=slug), "publish")
    assert published.status_code == 200, published.text
    statement_id: str = published.json()["id"]
    return statement_id


def deliveries(client: TestClient, key: dict[str, str], sub: dict[str, Any]) -> list[Any]:
    response = client.get(f"/v1/webhooks/{sub['id']}/deliveries?limit=100", headers=key)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def test_a_receiver_failing_twice_gets_one_logical_delivery_that_verifies(
    client: TestClient,
    session: Session,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url)
    statement_id = publish(client, editor, "hooked")
    target.answer(500, 500)

    assert [work(), work(), work(), work()] == [1, 1, 1, 0]

    assert len(target.received) == 3
    ids = {request.headers["webhook-id"] for request in target.received}
    assert len(ids) == 1  # one logical delivery, three attempts
    verifier = Webhook(sub["secret"])
    for request in target.received:
        assert request.headers["User-Agent"].startswith("Newsroom-Webhooks/")
        assert request.headers["Content-Type"] == "application/json"
        payload = verifier.verify(request.body, request.headers)
    seq = session.scalar(select(ChangeEntry.seq).where(ChangeEntry.resource_id == statement_id))
    assert payload["type"] == "statement.upsert"
    assert payload["data"]["seq"] == seq
    assert payload["data"]["id"] == statement_id
    assert payload["data"]["url"] == f"/v1/statements/{statement_id}"

    [delivery] = deliveries(client, manager, sub)
    assert delivery["id"] == ids.pop()
    assert (delivery["status"], delivery["attempts"], delivery["seq"]) == ("delivered", 3, seq)
    attempts = client.get(
        f"/v1/webhooks/{sub['id']}/deliveries/{delivery['id']}/attempts", headers=manager
    ).json()["items"]
    assert [(a["number"], a["status_code"]) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    assert attempts[0]["next_attempt_at"] is not None
    assert attempts[2]["next_attempt_at"] is None


def test_a_410_disables_the_subscription(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url)
    publish(client, editor, "gone-1")
    target.answer(410)
    work()
    read = client.get(f"/v1/webhooks/{sub['id']}", headers=manager).json()
    assert read["status"] == "disabled"
    assert "410" in read["disabled_reason"]

    publish(client, editor, "gone-2")
    work()
    assert len(target.received) == 1  # nothing more is sent
    [delivery] = deliveries(client, manager, sub)
    assert delivery["status"] == "failed"


def test_an_exhausted_schedule_disables_the_subscription(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
    allow_private: Settings,
) -> None:
    sub = subscribe(client, manager, target.url)
    publish(client, editor, "exhausted")
    target.answer(500, 500, 500)
    short = allow_private.model_copy(update={"webhooks_retry_schedule": (0,)})
    work(short), work(short), work(short)
    assert len(target.received) == 2  # the first try and one retry
    read = client.get(f"/v1/webhooks/{sub['id']}", headers=manager).json()
    assert read["status"] == "disabled"
    assert "retry schedule" in read["disabled_reason"]


def test_retry_after_is_honoured(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url)
    publish(client, editor, "throttled")
    target.answer((429, {"Retry-After": "120"}))
    work()
    assert work() == 0  # not due yet: the receiver asked for two minutes
    [delivery] = deliveries(client, manager, sub)
    [attempt] = client.get(
        f"/v1/webhooks/{sub['id']}/deliveries/{delivery['id']}/attempts", headers=manager
    ).json()["items"]
    assert attempt["status_code"] == 429
    waited = _at(attempt["next_attempt_at"]) - _at(attempt["attempted_at"])
    assert waited == timedelta(seconds=120)
    assert len(target.received) == 1


def _at(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_rotation_signs_with_both_secrets_during_the_overlap(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
    clock: Clock,
) -> None:
    clock.now = utcnow()  # the overlap starts now, on the clock the worker signs with
    sub = subscribe(client, manager, target.url)
    rotated = client.post(
        f"/v1/webhooks/{sub['id']}/rotate-secret", headers={**manager, "If-Match": sub["etag"]}
    )
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != sub["secret"]
    assert rotated.json()["previous_secret_expires_at"] is not None
    publish(client, editor, "rotated")
    work()
    [request] = target.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (sub["secret"], new_secret):
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "statement.upsert"
    # The secret is never shown again.
    read = client.get(f"/v1/webhooks/{sub['id']}", headers=manager).json()
    assert "secret" not in read


def test_drafts_and_scheduled_items_are_sent_only_once_public(
    client: TestClient,
    session: Session,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url, event_types=["statement", "commitment", "menu"])
    draft = create(client, editor, slug="still-a-draft")
    publish_at = FIXED_NOW + timedelta(days=2)
    scheduled = act(
        client,
        editor,
        create(client, editor, slug="later"),
        "schedule",
        publish_at=publish_at.isoformat(),
    )
    assert scheduled.status_code == 200, scheduled.text
    work()
    assert target.received == []

    record_due_go_lives(session, publish_at + timedelta(minutes=1))  # its time has come
    work()
    [request] = target.received
    assert json.loads(request.body)["data"]["id"] == scheduled.json()["id"]
    # The leak walker's rule for this channel: a draft's id is in no payload, sent or logged.
    seen = [r.body for r in target.received] + [
        json.dumps(d["payload"]) for d in deliveries(client, manager, sub)
    ]
    assert not any(draft.json()["id"] in body for body in seen)


def test_a_paused_subscription_catches_up_when_resumed(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url, paused=True)
    statement_id = publish(client, editor, "while-paused")
    work()
    assert target.received == []
    resumed = client.patch(
        f"/v1/webhooks/{sub['id']}",
        json={"paused": False},
        headers={**manager, "If-Match": sub["etag"]},
    )
    assert resumed.status_code == 200, resumed.text
    work()
    assert [json.loads(r.body)["data"]["id"] for r in target.received] == [statement_id]


def test_ping_and_redelivery_repeat_the_same_message(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url)
    ping = client.post(f"/v1/webhooks/{sub['id']}/test", headers=manager)
    assert ping.status_code == 202, ping.text
    work()
    [request] = target.received
    assert Webhook(sub["secret"]).verify(request.body, request.headers)["type"] == "webhook.ping"
    redo = client.post(
        f"/v1/webhooks/{sub['id']}/deliveries/{ping.json()['id']}/redeliver", headers=manager
    )
    assert redo.status_code == 202, redo.text
    work()
    assert [r.headers["webhook-id"] for r in target.received] == [ping.json()["id"]] * 2


def test_a_target_resolving_to_loopback_is_refused_at_delivery(
    client: TestClient,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
    allow_private: Settings,
) -> None:
    """Allowed when subscribed, refused when the worker connects: `localhost` is 127.0.0.1."""
    sub = subscribe(client, manager, f"http://localhost:{target.port}/hooks")
    publish(client, editor, "rebound")
    work(allow_private.model_copy(update={"webhooks_allow_private_targets": False}))
    assert target.received == []
    [delivery] = deliveries(client, manager, sub)
    [attempt] = client.get(
        f"/v1/webhooks/{sub['id']}/deliveries/{delivery['id']}/attempts", headers=manager
    ).json()["items"]
    assert (attempt["status_code"], attempt["error"]) == (None, "ForbiddenAddress")
    assert delivery["status"] == "pending"  # retried later, on the schedule


def test_a_language_subscription_gets_what_the_change_feed_shows_its_readers(
    client: TestClient,
    session: Session,
    manager: dict[str, str],
    editor: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    """The same events as `read_events(lang=...)` from the subscription's start, each pointing
    at the item in that language."""
    sub = subscribe(client, manager, target.url, lang="fr")
    publish(client, editor, "english-only")  # not in French: no event for French readers
    body = draft(slug="bilingual")
    body["translations"]["fr"] = {**body["translations"]["en"], "slug": "bilingue"}
    created = client.post("/v1/statements", json=body, headers=editor)
    assert created.status_code == 201, created.text
    assert act(client, editor, created, "publish").status_code == 200
    work()
    sent = [json.loads(r.body)["data"] for r in target.received]
    feed = changes.read_events(
        session, after=sub["last_seq"], limit=100, types=["statement"], lang="fr"
    ).events
    assert [(d["seq"], d["id"], d["op"]) for d in sent] == [(e.seq, e.id, e.op) for e in feed]
    assert [d["id"] for d in sent] == [created.json()["id"]]
    assert all(d["url"] == f"/v1/statements/{d['id']}?lang=fr" for d in sent)


def test_a_subscription_behind_the_log_horizon_is_disabled(
    client: TestClient,
    session: Session,
    manager: dict[str, str],
    target: Receiver,
    work: Work,
) -> None:
    sub = subscribe(client, manager, target.url, paused=True)
    # Pruning went past its cursor while it was paused.
    session.execute(update(ContentVersion).values(log_horizon=sub["last_seq"] + 1))
    current = client.get(f"/v1/webhooks/{sub['id']}", headers=manager)
    resumed = client.patch(
        f"/v1/webhooks/{sub['id']}",
        json={"paused": False},
        headers={**manager, "If-Match": current.headers["etag"]},
    )
    assert resumed.status_code == 200, resumed.text
    work()
    read = client.get(f"/v1/webhooks/{sub['id']}", headers=manager).json()
    assert read["status"] == "disabled"
    assert "re-bootstrap" in read["disabled_reason"]
    assert target.received == []
