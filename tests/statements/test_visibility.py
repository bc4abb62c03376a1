"""Who sees what: {anonymous, partner, editor, admin} x {draft, scheduled, embargoed, published,
withdrawn} x {item, list, embedded, navigation}. Unpublished content does not exist for anyone
without `content:preview`, and even they see it only when they ask for a preview."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.auth.service import Principal
from app.changes import service as changes_service
from app.navigation.models import ItemKind, Menu
from app.navigation.tree import add_item
from app.statements import editing
from app.statements.models import Statement, StatementType
from app.statements.schemas import StatementCreate, TranslationIn
from tests.conftest import FIXED_NOW
from tests.factories import make_key

STATES = ("draft", "scheduled", "embargoed", "published", "withdrawn")
EDITOR = Principal(key_id="setup", scopes=frozenset())


def make_in_state(session: Session, state: str) -> Statement:
    data = StatementCreate(
        type=StatementType.NEWS,
        translations={
            "en": TranslationIn.model_validate(
                {
                    "slug": f"matrix-{state}",
                    "title": state,
                    "summary": "S.",
                    "body": [{"text": "T."}],
                }
            )
        },
    )
    statement = editing.create(session, data, principal=EDITOR, now=FIXED_NOW)
    ahead = {"scheduled": timedelta(days=1), "embargoed": timedelta(hours=1)}
    if state in ahead:
        editing.publish(
            session, statement, principal=EDITOR, now=FIXED_NOW, at=FIXED_NOW + ahead[state]
        )
    elif state in ("published", "withdrawn"):
        editing.publish(session, statement, principal=EDITOR, now=FIXED_NOW)
        if state == "withdrawn":
            editing.withdraw(session, statement, note="Withdrawn.", principal=EDITOR, now=FIXED_NOW)
    return statement


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    statements = {state: make_in_state(session, state) for state in STATES}
    session.add(Menu(key="matrix", names={"en": "Matrix"}))
    session.flush()
    for state, statement in statements.items():
        add_item(
            session,
            menu_key="matrix",
            kind=ItemKind.CONTENT,
            target_type="statement",
            target_id=statement.id,
            labels={"en": state},
        )
    changes_service.bump(session)
    keys = {
        "anonymous": {},
        "partner": make_key(session),
        "editor": make_key(
            session, Scope.STATEMENTS_WRITE, Scope.CONTENT_PUBLISH, Scope.CONTENT_PREVIEW
        ),
        "admin": make_key(session, Scope.KEYS_ADMIN),
    }
    session.commit()
    return {"ids": {s: st.id for s, st in statements.items()}, "keys": keys}


def observe(
    client: TestClient, headers: dict[str, str], ids: dict[str, str], preview: bool
) -> dict[str, dict[str, Any]]:
    params = {"preview": "true"} if preview else {}
    listed = client.get("/v1/statements", params={**params, "limit": 100}, headers=headers)
    listed_ids = {i["id"] for i in listed.json()["items"]}
    menu = client.get("/v1/navigation/matrix", params=params, headers=headers).json()
    linked = {node["target"]["id"] for node in menu["items"]}
    seen = {}
    for state, statement_id in ids.items():
        item = client.get(f"/v1/statements/{statement_id}", params=params, headers=headers)
        embedded = client.get(
            f"/v1/statements/{statement_id}/commitments", params=params, headers=headers
        )
        seen[state] = {
            "item": item.status_code,
            "list": statement_id in listed_ids,
            "embedded": embedded.status_code,
            "navigation": statement_id in linked,
            "private": item.headers.get("cache-control") == "private, no-store",
        }
    return seen


PUBLIC = {
    "draft": {"item": 404, "list": False, "embedded": 404, "navigation": False},
    "scheduled": {"item": 404, "list": False, "embedded": 404, "navigation": False},
    "embargoed": {"item": 404, "list": False, "embedded": 404, "navigation": False},
    "published": {"item": 200, "list": True, "embedded": 200, "navigation": True},
    "withdrawn": {"item": 410, "list": False, "embedded": 410, "navigation": False},
}
PREVIEW = {
    state: {"item": 200, "list": True, "embedded": 200, "navigation": True} for state in STATES
}


@pytest.mark.parametrize("who", ["anonymous", "partner", "editor", "admin"])
def test_without_preview_everyone_sees_only_published(
    client: TestClient, world: dict[str, Any], who: str
) -> None:
    seen = observe(client, world["keys"][who], world["ids"], preview=False)
    for state in STATES:
        cell = {k: v for k, v in seen[state].items() if k != "private"}
        assert cell == PUBLIC[state], (who, state)
        if who != "anonymous" and cell["item"] == 200:
            assert seen[state]["private"], (who, state)


def test_an_editor_preview_sees_everything_privately(
    client: TestClient, world: dict[str, Any]
) -> None:
    seen = observe(client, world["keys"]["editor"], world["ids"], preview=True)
    for state in STATES:
        assert {k: v for k, v in seen[state].items() if k != "private"} == PREVIEW[state], state
        assert seen[state]["private"], state


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("partner", 403), ("admin", 403)])
def test_preview_without_the_scope_is_refused(
    client: TestClient, world: dict[str, Any], who: str, status: int
) -> None:
    for url in (
        "/v1/statements?preview=true",
        "/v1/navigation/matrix?preview=true",
        f"/v1/statements/{world['ids']['draft']}?preview=true",
    ):
        assert client.get(url, headers=world["keys"][who]).status_code == status, url


def test_preview_pages_cover_drafts_once(client: TestClient, world: dict[str, Any]) -> None:
    editor = world["keys"]["editor"]
    url = "/v1/statements?preview=true&limit=3"
    seen: list[str] = []
    while url:
        response = client.get(url, headers=editor)
        assert response.status_code == 200
        seen.extend(item["id"] for item in response.json()["items"])
        link = response.headers.get("link")
        url = link.split(";")[0].strip("<>") if link else ""
    assert len(seen) == len(set(seen))
    assert set(world["ids"].values()) <= set(seen)
