"""Relevance: title hits above body-only hits, newer above older on equal scores, and cursor
pages that neither skip nor repeat."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FIXED_NOW
from tests.search.helpers import search, write_statement


def test_a_title_hit_ranks_above_any_body_only_hit(client: TestClient, session: Session) -> None:
    body = write_statement(
        session,
        "in-body",
        title="Something else",
        summary="Wombat wombat wombat.",
        paragraphs=("Wombat " * 20,),
        publish_at=FIXED_NOW,
    )
    title = write_statement(
        session, "in-title", title="Wombat", publish_at=FIXED_NOW - timedelta(days=400)
    )
    hits = search(client, q="wombat")
    assert [hit["id"] for hit in hits] == [title.id, body.id]
    assert hits[0]["score"] > hits[1]["score"]


def test_newer_ranks_above_older_on_equal_scores(client: TestClient, session: Session) -> None:
    older = write_statement(
        session, "older", title="Capybara news", publish_at=FIXED_NOW - timedelta(days=2)
    )
    newer = write_statement(
        session, "newer", title="Capybara news", publish_at=FIXED_NOW - timedelta(days=1)
    )
    hits = search(client, q="capybara")
    assert [hit["id"] for hit in hits] == [newer.id, older.id]
    assert hits[0]["score"] == hits[1]["score"]


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_pages_neither_skip_nor_repeat(client: TestClient, session: Session, limit: int) -> None:
    for n in range(5):  # equal scores, one date: the id decides
        write_statement(session, f"same-{n}", title="Axolotl", publish_at=FIXED_NOW)
    for n in range(3):
        write_statement(
            session,
            f"other-{n}",
            title="Other",
            paragraphs=("axolotl " * (n + 1),),
            publish_at=FIXED_NOW - timedelta(days=n),
        )
    whole = [hit["id"] for hit in search(client, q="axolotl")]
    paged = [hit["id"] for hit in search(client, q="axolotl", limit=limit)]
    assert paged == whole
    assert len(set(whole)) == 8
