"""Issue #10, acceptance 3: a list page with every include and its labels costs the same
number of SQL statements for 5 items as for 100 (and the full profile for 5 as for 20)."""

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.changes import service as changes_service
from app.commitments.models import ActorRole
from app.demo.commitments import actor_id_for
from tests.conftest import FIXED_NOW, QueryCounter
from tests.factories import make_commitment, make_statement

# Old enough to sort after the demo data, so each page below holds only these rows.
FAR = FIXED_NOW - timedelta(days=365 * 30)


def _world(session: Session) -> None:
    """100 statements with places, topics, terms and a dateline, each the source of a
    commitment with an actor, places and terms (and the demo data around them)."""
    iom = actor_id_for("iom")
    for n in range(100):
        statement = make_statement(
            session,
            published_at=FAR + timedelta(hours=n),
            langs=("en", "fr"),
            places=("HND", "019"),
            topics=("migration-governance",),
            terms=("gcm:21", "sdg:10.7"),
            dateline_place_code="CHE",
        )
        commitment = make_commitment(
            session,
            made_on=date(1990, 1, 1) + timedelta(days=n),
            places=("GTM",),
            terms=("gcm:2",),
            actors=((iom, ActorRole.LEAD),),
        )
        commitment.source_statement_id = statement.id
    session.flush()
    changes_service.bump(session)
    session.commit()


def _counts(
    client: TestClient, counter: QueryCounter, url: str, limits: tuple[int, ...]
) -> list[int]:
    counts = []
    for limit in limits:
        counter.count = 0
        response = client.get(f"{url}&limit={limit}")
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == limit
        counts.append(counter.count)
    return counts


def test_statement_pages_cost_the_same_whatever_their_size(
    client: TestClient, session: Session, count_queries: QueryCounter
) -> None:
    _world(session)
    every = "include=commitments.actors&include=translations&include=terms"
    url = f"/v1/statements?published_to=2000-01-01&lang=fr&{every}"
    small, large = _counts(client, count_queries, url, (5, 100))
    assert small == large
    page = client.get(f"{url}&limit=5").json()["items"]
    assert all(i["labels"]["places"] and i["commitments"][0]["actors"] for i in page)
    full = _counts(client, count_queries, f"{url}&profile=full", (5, 20))
    assert full[0] == full[1]


def test_commitment_pages_cost_the_same_whatever_their_size(
    client: TestClient, session: Session, count_queries: QueryCounter
) -> None:
    _world(session)
    url = "/v1/commitments?made_to=2000-01-01&lang=fr&include=progress&include=terms"
    small, large = _counts(client, count_queries, url, (5, 100))
    assert small == large
    page = client.get(f"{url}&limit=5").json()["items"]
    assert all(i["source"]["title"] and i["labels"]["terms"] for i in page)
    full = _counts(client, count_queries, f"{url}&profile=full", (5, 20))
    assert full[0] == full[1]
