"""Who sees what: {anonymous, partner, editor, admin} x {draft, scheduled, embargoed, published,
withdrawn} x {item, list, embedded, navigation}. Unpublished content does not exist for anyone
without `content:preview`, and even they see it only when they ask for a preview."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.dependencies import key_pepper
from app.auth.models import ApiKey, Scope
from app.auth.service import Principal, issue_key
from app.changes import service as changes_service
from app.config import Settings
from app.main import create_app
from app.navigation.models import ItemKind, Menu
from app.navigation.tree import add_item
from app.publication import PublicationStatus
from app.statements import editing
from app.statements.models import Statement, StatementTranslation, StatementType
from app.statements.schemas import StatementCreate, TranslationIn
from tests.conftest import FIXED_NOW, Clock, requires_postgres
from tests.factories import make_key
from tests.statements.test_router import next_link

STATES = ("draft", "scheduled", "embargoed", "published", "withdrawn")
EDITOR = Principal(key_id="setup", scopes=frozenset({"content:publish"}))


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
    published = PublicationStatus.PUBLISHED  # the menu and its items: statements vary here
    session.add(Menu(key="matrix", names={"en": "Matrix"}, publication_status=published))
    session.flush()
    for state, statement in statements.items():
        add_item(
            session,
            menu_key="matrix",
            kind=ItemKind.CONTENT,
            target_type="statement",
            target_id=statement.id,
            labels={"en": state},
            publication_status=published,
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
        url = next_link(response.headers.get("link", "")) or ""
    assert len(seen) == len(set(seen))
    assert set(world["ids"].values()) <= set(seen)


# --- hidden stays hidden (issue #8): never-public content, commitment sources, slugs ---------

WRITER = (
    Scope.STATEMENTS_WRITE,
    Scope.COMMITMENTS_WRITE,
    Scope.CONTENT_PUBLISH,
    Scope.CONTENT_PREVIEW,
)


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return make_key(session, *WRITER)


def _translation(slug: str, title: str = "A title") -> dict[str, Any]:
    return {"slug": slug, "title": title, "summary": "S.", "body": [{"anchor": "p1", "text": "T."}]}


def new_statement(client: TestClient, writer: dict[str, str], translations: dict[str, Any]) -> Any:
    response = client.post(
        "/v1/statements", json={"type": "news", "translations": translations}, headers=writer
    )
    return response


def post(client: TestClient, writer: dict[str, str], url: str, etag: str, **body: Any) -> Any:
    return client.post(url, json=body or None, headers={**writer, "If-Match": etag})


def new_commitment(client: TestClient, writer: dict[str, str], statement_id: str) -> Any:
    body = {
        "code": "VIS-2026-01",
        "kinds": ["technical"],
        "actors": [{"id": "iom", "role": "lead"}],
        "made_on": "2026-11-01",
        "source": {"statement_id": statement_id, "anchor": "p1"},
        "translations": {"en": {"title": "Pledge", "summary": "S.", "text": "T.", "quote": "T."}},
    }
    response = client.post("/v1/commitments", json=body, headers=writer)
    assert response.status_code == 201, response.text
    return response


class TestNeverPublic:
    def test_withdrawing_a_draft_or_a_scheduled_statement_is_refused(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        for slug, schedule in (("never-draft", False), ("never-scheduled", True)):
            created = new_statement(client, writer, {"en": _translation(slug)})
            url = f"/v1/statements/{created.json()['id']}"
            etag = created.headers["etag"]
            if schedule:
                at = (FIXED_NOW + timedelta(days=1)).isoformat()
                etag = post(client, writer, f"{url}/schedule", etag, publish_at=at).headers["etag"]
            refused = post(client, writer, f"{url}/withdraw", etag, note="Secret reason.")
            assert refused.status_code == 409
            assert "unpublish" in refused.json()["detail"].lower()
            public = client.get(url)
            assert public.status_code == 404
            assert "Secret" not in public.text

    def test_a_legacy_withdrawn_draft_is_a_404_and_a_withdrawn_live_one_a_410_with_members(
        self, client: TestClient, writer: dict[str, str], session: Session
    ) -> None:
        legacy = new_statement(client, writer, {"en": _translation("legacy-draft")})
        row = session.get(Statement, legacy.json()["id"])
        assert row is not None
        row.publication_status = PublicationStatus.WITHDRAWN
        row.withdrawn_at = FIXED_NOW
        row.withdrawal_note = "Secret reason."
        session.commit()
        nonexistent = client.get("/v1/statements/stm_00000000000000000000000000")
        for key in (row.id, "legacy-draft"):
            gone = client.get(f"/v1/statements/{key}")
            assert gone.status_code == 404
            assert {**gone.json(), "request_id": None} == {
                **nonexistent.json(),
                "request_id": None,
            }

        live = new_statement(client, writer, {"en": _translation("live-then-gone", "Gone")})
        url = f"/v1/statements/{live.json()['id']}"
        published = post(client, writer, f"{url}/publish", live.headers["etag"])
        withdrawn = post(client, writer, f"{url}/withdraw", published.headers["etag"], note="Why.")
        assert withdrawn.status_code == 200
        gone = client.get("/v1/statements/live-then-gone")
        assert gone.status_code == 410
        problem = gone.json()
        assert problem["type"] == "/problems/withdrawn"
        assert problem["note"] == "Why."
        assert problem["resource_title"] == "Gone"
        assert problem["withdrawn_at"] == "2026-11-27T12:00:00Z"

    def test_commitments_follow_the_same_rule(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        source = new_statement(client, writer, {"en": _translation("source-live")})
        statement_url = f"/v1/statements/{source.json()['id']}"
        post(client, writer, f"{statement_url}/publish", source.headers["etag"])
        created = new_commitment(client, writer, source.json()["id"])
        url = f"/v1/commitments/{created.json()['id']}"
        refused = post(client, writer, f"{url}/withdraw", created.headers["etag"], note="Secret.")
        assert refused.status_code == 409
        assert client.get(url).status_code == 404

        published = post(client, writer, f"{url}/publish", created.headers["etag"])
        withdrawn = post(client, writer, f"{url}/withdraw", published.headers["etag"], note="Why.")
        assert withdrawn.status_code == 200, withdrawn.text
        gone = client.get("/v1/commitments/vis-2026-01")
        assert gone.status_code == 410
        assert {k: gone.json()[k] for k in ("note", "resource_title", "withdrawn_at")} == {
            "note": "Why.",
            "resource_title": "Pledge",
            "withdrawn_at": "2026-11-27T12:00:00Z",
        }

    def test_the_410_members_are_documented(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()
        for path in ("/v1/statements/{id_or_slug}", "/v1/commitments/{id_or_code}"):
            gone = document["paths"][path]["get"]["responses"]["410"]
            schema = gone["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/WithdrawnProblem"}
        members = document["components"]["schemas"]["WithdrawnProblem"]["properties"]
        assert {"withdrawn_at", "note", "resource_title"} <= set(members)


class TestCommitmentSources:
    def test_publishing_a_commitment_needs_a_public_source(
        self, client: TestClient, writer: dict[str, str], clock: Any
    ) -> None:
        source = new_statement(client, writer, {"en": _translation("source-later")})
        statement_url = f"/v1/statements/{source.json()['id']}"
        created = new_commitment(client, writer, source.json()["id"])
        url = f"/v1/commitments/{created.json()['id']}"
        refused = post(client, writer, f"{url}/publish", created.headers["etag"])
        assert refused.status_code == 409
        assert "source statement" in refused.json()["detail"]

        in_two_days = (FIXED_NOW + timedelta(days=2)).isoformat()
        post(
            client,
            writer,
            f"{statement_url}/schedule",
            source.headers["etag"],
            publish_at=in_two_days,
        )
        early = (FIXED_NOW + timedelta(days=1)).isoformat()
        too_early = post(
            client, writer, f"{url}/schedule", created.headers["etag"], publish_at=early
        )
        assert too_early.status_code == 409
        later = (FIXED_NOW + timedelta(days=3)).isoformat()
        scheduled = post(
            client, writer, f"{url}/schedule", created.headers["etag"], publish_at=later
        )
        assert scheduled.status_code == 200, scheduled.text

    def test_a_public_commitment_hides_a_source_that_stopped_being_public(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        source = new_statement(client, writer, {"en": _translation("source-gone")})
        statement_url = f"/v1/statements/{source.json()['id']}"
        published = post(client, writer, f"{statement_url}/publish", source.headers["etag"])
        created = new_commitment(client, writer, source.json()["id"])
        url = f"/v1/commitments/{created.json()['id']}"
        assert post(client, writer, f"{url}/publish", created.headers["etag"]).status_code == 200
        shown = client.get(url).json()["source"]
        assert shown == {
            "statement_id": source.json()["id"],
            "anchor": "p1",
            "url": None,
            "quote": "T.",
            "title": shown["title"],
            "slug": "source-gone",
            "fallback": False,
        }
        assert shown["title"]

        post(client, writer, f"{statement_url}/unpublish", published.headers["etag"])
        hidden = dict.fromkeys(("statement_id", "anchor", "url", "quote", "title", "slug"))
        hidden["fallback"] = None
        assert client.get(url).json()["source"] == hidden
        listed = client.get("/v1/commitments", params={"limit": 100}).json()["items"]
        assert next(i for i in listed if i["id"] == created.json()["id"])["source"] == hidden
        assert source.json()["id"] not in client.get("/v1/commitments?limit=100").text


class TestSlugs:
    def test_a_slug_belongs_to_one_statement_whatever_the_language(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        first = new_statement(client, writer, {"en": _translation("one-slug")})
        taken = new_statement(client, writer, {"fr": _translation("one-slug")})
        assert taken.status_code == 409
        assert first.json()["id"] in taken.json()["detail"]
        # One statement may use its own slug in several of its languages.
        both = new_statement(
            client, writer, {"en": _translation("shared-own"), "fr": _translation("shared-own")}
        )
        assert both.status_code == 201, both.text

    def test_a_former_slug_stays_with_its_statement_and_names_the_canonical_url(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        created = new_statement(client, writer, {"en": _translation("old-name")})
        url = f"/v1/statements/{created.json()['id']}"
        published = post(client, writer, f"{url}/publish", created.headers["etag"])
        renamed = client.patch(
            url,
            json={"translations": {"en": _translation("new-name")}},
            headers={**writer, "If-Match": published.headers["etag"]},
        )
        assert renamed.status_code == 200
        taken = new_statement(client, writer, {"es": _translation("old-name")})
        assert taken.status_code == 409
        assert created.json()["id"] in taken.json()["detail"]

        old = client.get("/v1/statements/old-name")
        assert old.status_code == 200
        assert old.headers["content-location"] == "/v1/statements/new-name"
        assert old.headers["link"] == '<http://testserver/v1/statements/new-name>; rel="canonical"'
        assert "content-location" not in client.get("/v1/statements/new-name").headers


def _post_statement(
    app: FastAPI, key: dict[str, str], lang: str, barrier: Any, out: list[Any]
) -> None:
    body = {"type": "news", "translations": {lang: _translation("raced-slug")}}
    with TestClient(app) as racer:
        barrier.wait()
        out.append(racer.post("/v1/statements", json=body, headers=key))


@requires_postgres
def test_two_writers_racing_for_one_slug_end_in_one_holder_and_one_409(
    settings: Settings, engine: Any
) -> None:
    app = create_app(settings, clock=Clock(FIXED_NOW))
    with app.state.sessionmaker.begin() as setup:
        key, token = issue_key(
            setup, pepper=key_pepper(settings), name="slug race", scopes=[Scope.STATEMENTS_WRITE]
        )
        key_id = key.id
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(10):
            barrier = threading.Barrier(2)
            results: list[Any] = []
            threads = [
                threading.Thread(
                    target=_post_statement, args=(app, headers, lang, barrier, results)
                )
                for lang in ("en", "fr")
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert sorted(r.status_code for r in results) == [201, 409]
            winner = next(r for r in results if r.status_code == 201).json()["id"]
            loser = next(r for r in results if r.status_code == 409).json()
            assert loser["type"] == "/problems/conflict"
            with app.state.sessionmaker.begin() as check:
                holders = check.scalars(
                    select(StatementTranslation.statement_id).where(
                        StatementTranslation.slug == "raced-slug"
                    )
                ).all()
                assert holders == [winner]
                check.execute(delete(Statement).where(Statement.id == winner))
    finally:
        with app.state.sessionmaker.begin() as cleanup:
            cleanup.execute(delete(AuditEntry).where(AuditEntry.key_id == key_id))
            cleanup.execute(delete(ApiKey).where(ApiKey.id == key_id))
        app.state.engine.dispose()
