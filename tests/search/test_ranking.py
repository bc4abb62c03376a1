"""Relevance: the field tier (title 3, title and summary 2, body 1), newer above older within a
tier, the same order on SQLite and PostgreSQL, and cursor pages that neither skip nor repeat."""

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
    assert [hit["score"] for hit in hits] == [3, 2]  # its summary says "wombat"


def test_the_score_says_where_every_term_is(client: TestClient, session: Session) -> None:
    days = iter(range(1, 10))

    def written(slug: str, title: str, summary: str, body: str) -> str:
        when = FIXED_NOW - timedelta(days=next(days))  # older each time: the tier must win
        return write_statement(
            session, slug, title=title, summary=summary, paragraphs=(body,), publish_at=when
        ).id

    body = written("body", "Other", "Other.", "Quokka and numbat.")
    split = written("split", "Quokka", "A numbat.", "Other.")
    summary = written("summary", "Other", "Quokka and numbat.", "Other.")
    title = written("title", "Quokka and numbat", "Other.", "Other.")
    hits = search(client, q="quokka numbat")
    # A term in the title and the other in the summary is the summary tier: not every term
    # is in the title.
    assert [(hit["id"], hit["score"]) for hit in hits] == [
        (title, 3),
        (split, 2),  # newer than `summary`, same tier
        (summary, 2),
        (body, 1),
    ]


def test_the_same_order_and_scores_on_every_database(client: TestClient) -> None:
    """Written out once, run on each database (NEWSROOM_TEST_DATABASE_URL for PostgreSQL):
    tiers are computed the same way on both, so the order is the same, not only the hits."""
    hits = search(client, q="migrants", lang="en")
    assert [(hit["slug"], hit["score"]) for hit in hits] == [
        ("international-migrants-day-2025-director-general-message", 3),
        ("fair-recruitment-gulf-south-asia-international-migrants-day", 3),
        ("missing-migrants-project-data-toll-mediterranean-crossings", 3),
        ("mobile-clinics-health-care-migrant-workers-thailand-borders", 3),
        ("central-american-diaspora-networks-cut-remittance-costs", 2),
        ("unhcr-iom-joint-statement-protection-people-crossing-darien", 2),
        ("iom-launches-community-based-reintegration-programme-returnees-sahel", 2),
        ("iom-unhcr-joint-statement-mediterranean-search-and-rescue-2026", 1),
        ("unhcr-iom-joint-statement-saving-lives-mediterranean", 1),
        ("opening-remarks-iom-director-general-international-dialogue-on-migration-2025", 1),
        ("central-america-remittances-diaspora-investment-2025", 1),
        ("world-tb-day-2025-southern-africa-mineworkers-health", 1),
        ("iom-welcomes-renewed-commitments-los-angeles-declaration-ministerial-guatemala-city", 1),
        ("world-migration-report-2024-launch", 1),
        ("darien-jungle-crossings-2023-record-humanitarian-needs", 1),
        ("iom-statement-first-anniversary-los-angeles-declaration", 1),
        ("statement-sudan-conflict-displacement-june-2023", 1),
        ("turkiye-syria-earthquakes-2023-iom-shelter-and-relief", 1),
        ("remarks-iom-director-general-lima-ministerial-los-angeles-declaration", 1),
        ("iom-statement-los-angeles-declaration-migration-and-protection", 1),
        ("director-general-remarks-international-migration-review-forum-2022", 1),
    ]


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
