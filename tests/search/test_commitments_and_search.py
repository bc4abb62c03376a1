"""`q=` on the commitment list, and `GET /v1/search` across kinds."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.actors.models import Actor
from tests.search.helpers import demo, ids, search, write_statement


def test_commitments_are_searched_with_their_filters(client: TestClient) -> None:
    hits = search(client, "/v1/commitments", q='"human trafficking"', lang="en")
    assert [hit["code"] for hit in hits] == ["LAD-2022-IOM-03"]
    assert "<mark>human</mark> <mark>trafficking</mark>" in hits[0]["snippet"]
    assert hits[0]["score"] > 0
    assert search(client, "/v1/commitments", q='"human trafficking"', status="fulfilled") == []


def test_commitments_in_french(client: TestClient) -> None:
    hits = search(client, "/v1/commitments", q="regularisation", lang="fr")
    codes = {hit["code"] for hit in hits}
    assert "LAD-2022-IOM-05" in codes
    assert all("<mark>" in hit["snippet"] for hit in hits)


def test_relevance_needs_q_on_commitments(client: TestClient) -> None:
    response = client.get("/v1/commitments", params={"sort": "relevance"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "sort"


def test_search_returns_typed_results_of_every_kind(client: TestClient) -> None:
    hits = search(client, "/v1/search", q="trafficking")
    kinds = {hit["type"] for hit in hits}
    assert kinds == {"statement", "commitment"}
    statement = next(hit for hit in hits if hit["type"] == "statement")
    assert statement["url"] == f"/v1/statements/{statement['id']}"
    assert statement["slug"]
    assert client.get(statement["url"]).status_code == 200
    commitment = next(hit for hit in hits if hit["type"] == "commitment")
    assert commitment["slug"] is None
    assert client.get(commitment["url"]).status_code == 200
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert demo("iom-lad-2022") <= ids(hits)


def test_search_finds_actors_by_name_and_acronym(client: TestClient) -> None:
    hits = search(client, "/v1/search", q="IOM", type="actor")
    assert hits
    actor = hits[0]
    assert actor["type"] == "actor"
    assert "<mark>IOM</mark>" in actor["snippet"]
    assert client.get(actor["url"]).status_code == 200


def test_a_renamed_actor_is_found_by_its_new_name(client: TestClient, session: Session) -> None:
    actor = session.query(Actor).filter_by(slug="iom").one()
    actor.names = {**actor.names, "en": "Zzrenamed Organization"}
    session.flush()
    session.commit()
    [hit] = search(client, "/v1/search", q="zzrenamed", type="actor")
    assert hit["title"] == "Zzrenamed Organization"


def test_search_types_filter_and_total(client: TestClient, session: Session) -> None:
    write_statement(session, "kinds", title="Narwhal")
    response = client.get(
        "/v1/search", params={"q": "narwhal", "type": "statement", "include_total": "true"}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["total"] == 1
    assert body["items"][0]["title"] == "Narwhal"
    assert "public" in response.headers["cache-control"]
    assert search(client, "/v1/search", q="narwhal", type="commitment") == []


def test_search_pages_neither_skip_nor_repeat(client: TestClient) -> None:
    whole = [(hit["type"], hit["id"]) for hit in search(client, "/v1/search", q="migrants")]
    paged = [
        (hit["type"], hit["id"]) for hit in search(client, "/v1/search", q="migrants", limit=3)
    ]
    assert paged == whole
    assert len(set(whole)) == len(whole) > 3


@pytest.mark.parametrize(
    ("q", "position"),
    [
        ('refugees "unclosed', 10),
        ("OR refugees", 1),
        ("refugees OR", 10),
        ("refugees OR OR migrants", 10),
        ("refugees OR -migrants", 10),
        ("-refugees", 1),
        ("-refugees -migrants", 1),
        ("!!! ???", 1),
        ('""', 1),
        (" ".join(["word"] * 13), 1),
        ("x" * 201, None),
    ],
)
@pytest.mark.parametrize("path", ["/v1/statements", "/v1/commitments", "/v1/search"])
def test_a_query_that_cannot_be_read_is_a_422_saying_where(
    client: TestClient, path: str, q: str, position: int | None
) -> None:
    response = client.get(path, params={"q": q})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["parameter"] == "q"
    if position is not None:
        assert f"at character {position})" in error["detail"]
    assert q not in response.text


def test_search_needs_q(client: TestClient) -> None:
    response = client.get("/v1/search")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "q"
