"""The index follows every write in its transaction; visibility is applied when searching
(issue #10, acceptance 4): hidden text is never found, counted or quoted."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.service import Principal
from app.statements import editing
from app.statements.schemas import StatementUpdate
from tests.conftest import FIXED_NOW, Clock
from tests.search.helpers import EDITOR, ids, search, write_statement

WRITER = Principal(key_id="search-writer", scopes=frozenset())  # edits, cannot publish


def _found(client: TestClient, word: str) -> set[str]:
    hits = search(client, q=word)
    search_hits = search(client, "/v1/search", q=word)
    assert all(
        word not in (hit["snippet"] or "").lower()
        for hit in hits
        if hit["id"] not in ids(search_hits)
    )
    return ids(hits) | ids(search_hits)


def test_drafts_scheduled_and_withdrawn_are_never_found(
    client: TestClient, session: Session
) -> None:
    write_statement(session, "draft-one", title="Zzdraftword", publish_at=None)
    write_statement(
        session, "later-one", title="Zzlaterword", publish_at=FIXED_NOW + timedelta(days=2)
    )
    gone = write_statement(session, "gone-one", title="Zzgoneword")
    editing.withdraw(session, gone, note="Taken down.", principal=EDITOR, now=FIXED_NOW)
    session.commit()
    for word in ("zzdraftword", "zzlaterword", "zzgoneword"):
        assert _found(client, word) == set()
        response = client.get("/v1/statements", params={"q": word, "include_total": "true"})
        assert response.json()["total"] == 0
        assert word not in response.text.lower()


def test_a_scheduled_statement_is_found_from_its_go_live(
    client: TestClient, session: Session, clock: Clock
) -> None:
    later = write_statement(
        session, "go-live", title="Zzgolive", publish_at=FIXED_NOW + timedelta(hours=1)
    )
    assert _found(client, "zzgolive") == set()
    clock.now = FIXED_NOW + timedelta(hours=1)
    assert _found(client, "zzgolive") == {later.id}


def test_an_edit_is_searchable_once_committed_and_the_old_words_are_gone(
    client: TestClient, session: Session
) -> None:
    live = write_statement(session, "edited", title="Zzbefore title")
    assert _found(client, "zzbefore") == {live.id}
    update = StatementUpdate.model_validate(
        {
            "translations": {
                "en": {
                    "slug": "edited",
                    "title": "Zzafter title",
                    "summary": "A summary.",
                    "body": [{"text": "A paragraph."}],
                }
            }
        }
    )
    editing.update(session, editing.load(session, live.id), update, principal=EDITOR, now=FIXED_NOW)
    session.commit()
    assert _found(client, "zzafter") == {live.id}
    assert _found(client, "zzbefore") == set()


def test_a_pending_copy_is_found_only_once_a_publisher_applies_it(
    client: TestClient, session: Session
) -> None:
    live = write_statement(session, "pending", title="Zzlive title")
    update = StatementUpdate.model_validate(
        {
            "translations": {
                "en": {
                    "slug": "pending",
                    "title": "Zzpending title",
                    "summary": "A summary.",
                    "body": [{"text": "A paragraph."}],
                }
            }
        }
    )
    editing.update(session, editing.load(session, live.id), update, principal=WRITER, now=FIXED_NOW)
    session.commit()
    assert _found(client, "zzpending") == set()
    assert _found(client, "zzlive") == {live.id}
    editing.publish(session, editing.load(session, live.id), principal=EDITOR, now=FIXED_NOW)
    session.commit()
    assert _found(client, "zzpending") == {live.id}
    assert _found(client, "zzlive") == set()


def test_an_unpublished_statement_disappears_at_once(client: TestClient, session: Session) -> None:
    live = write_statement(session, "unpublished", title="Zzshortlived")
    assert _found(client, "zzshortlived") == {live.id}
    editing.unpublish(session, editing.load(session, live.id), principal=EDITOR, now=FIXED_NOW)
    session.commit()
    assert _found(client, "zzshortlived") == set()


def test_a_deleted_translation_leaves_the_index(client: TestClient, session: Session) -> None:
    live = write_statement(session, "two-langs", title="Zzenglish")
    update = StatementUpdate.model_validate(
        {
            "translations": {
                "fr": {
                    "slug": "deux-langues",
                    "title": "Zzfrancais",
                    "summary": "Un résumé.",
                    "body": [{"text": "Un paragraphe."}],
                }
            }
        }
    )
    editing.update(session, editing.load(session, live.id), update, principal=EDITOR, now=FIXED_NOW)
    session.commit()
    assert ids(search(client, q="zzfrancais", lang="fr")) == {live.id}
    removal = StatementUpdate.model_validate({"translations": {"fr": None}})
    editing.update(
        session, editing.load(session, live.id), removal, principal=EDITOR, now=FIXED_NOW
    )
    session.commit()
    assert ids(search(client, q="zzfrancais", lang="fr")) == set()
