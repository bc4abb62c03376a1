"""schema.org JSON-LD on statements (`NewsArticle`) and commitments (`Action`)."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.jsonld.commitment import ACTION_STATUS
from app.jsonld.negotiate import prefers_jsonld
from tests.factories import make_commitment
from tests.feeds.helpers import create

LD = {"Accept": "application/ld+json"}


def _ld(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params, headers=LD)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["vary"] == "Accept, Accept-Language"
    document: dict[str, Any] = response.json()
    assert document["@context"] == "https://schema.org"
    return document


def test_statement_as_news_article(client: TestClient, session: Session) -> None:
    statement = create(session, "ldarticle", topics=("counter-trafficking",))
    article = _ld(client, f"/v1/statements/{statement.id}", lang="fr")
    assert article["@type"] == "NewsArticle"
    assert article["@id"] == f"http://testserver/v1/statements/{statement.id}?lang=fr"
    assert article["headline"] == "Title ldarticle fr"
    assert article["description"] == "Summary ldarticle fr."
    assert article["articleBody"] == "First ldarticle & more (fr).\n\nSecond ldarticle."
    assert article["inLanguage"] == "fr"
    assert article["datePublished"] == "2026-11-27T12:00:00Z"
    assert article["dateModified"].endswith("Z")
    dateline = article["locationCreated"]
    assert dateline["@type"] == "Place"
    assert dateline["name"] == "Geneva"
    assert dateline["containedInPlace"]["identifier"] == "CHE"
    assert dateline["containedInPlace"]["name"] == "Suisse"  # in the served language
    assert article["about"][0]["@type"] == "DefinedTerm"
    assert article["about"][0]["termCode"] == "counter-trafficking"
    assert article["about"][0]["name"]  # named, not just coded
    assert article["publisher"] == {"@type": "Organization", "name": "Newsroom"}
    assert article["workTranslation"] == [
        {
            "@type": "NewsArticle",
            "@id": f"http://testserver/v1/statements/{statement.id}?lang=en",
            "inLanguage": "en",
            "headline": "Title ldarticle en",
        }
    ]


def test_format_parameter_and_accept_choose_the_representation(
    client: TestClient, session: Session
) -> None:
    statement = create(session, "ldformat")
    path = f"/v1/statements/{statement.id}"
    by_param = client.get(path, params={"format": "jsonld"})
    assert by_param.headers["content-type"] == "application/ld+json"
    assert by_param.json()["@type"] == "NewsArticle"
    plain = client.get(path, params={"format": "json"}, headers=LD)  # the parameter wins
    assert plain.headers["content-type"] == "application/json"
    for accept in ("text/html", "*/*", "application/json, application/ld+json"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json", accept
        assert response.headers["vary"] == "Accept, Accept-Language"
    assert client.get(path, params={"format": "xml"}).status_code == 422


def test_jsonld_has_its_own_etag_and_304(client: TestClient, session: Session) -> None:
    statement = create(session, "ldetag")
    path = f"/v1/statements/{statement.id}"
    as_json = client.get(path)
    as_ld = client.get(path, headers=LD)
    assert as_json.headers["etag"] != as_ld.headers["etag"]
    assert as_ld.headers["cache-control"].startswith("public, max-age=")
    again = client.get(path, headers={**LD, "If-None-Match": as_ld.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["vary"] == "Accept, Accept-Language"
    # The JSON tag does not validate the JSON-LD copy, nor the reverse.
    stale = client.get(path, headers={**LD, "If-None-Match": as_json.headers["etag"]})
    assert stale.status_code == 200
    assert client.get(path, headers={"If-None-Match": as_ld.headers["etag"]}).status_code == 200
    # Served from the response cache, each stays itself.
    assert client.get(path).headers["content-type"] == "application/json"
    assert client.get(path, headers=LD).content == as_ld.content


def test_language_is_negotiated_as_for_json(client: TestClient, session: Session) -> None:
    statement = create(session, "ldlang", langs=("en",))
    response = client.get(f"/v1/statements/{statement.id}", headers={**LD, "Accept-Language": "fr"})
    assert response.headers["content-language"] == "en"  # the only translation
    assert response.json()["inLanguage"] == "en"
    assert response.json()["workTranslation"] == []


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/ld+json", True),
        ("application/ld+json, */*;q=0.1", True),
        ("application/ld+json, */*", True),
        ("application/json, application/ld+json", False),
        ("application/ld+json;q=0.5, application/json", False),
        ("application/ld+json;q=0, */*", False),
        ("text/html", False),
        ("", False),
    ],
)
def test_accept_ranking(accept: str, expected: bool) -> None:
    assert prefers_jsonld(accept) is expected


def _first_commitment(client: TestClient) -> dict[str, Any]:
    items: list[dict[str, Any]] = client.get(
        "/v1/commitments", params={"limit": 100, "lang": "en"}
    ).json()["items"]
    return next(item for item in items if item["actors"] and item["source"]["statement_id"])


def test_commitment_as_action(client: TestClient) -> None:
    plain = _first_commitment(client)
    action = _ld(client, f"/v1/commitments/{plain['code']}", lang="en")
    assert action["@type"] == "Action"
    assert action["@id"] == f"http://testserver/v1/commitments/{plain['id']}?lang=en"
    assert action["identifier"] == plain["code"]
    assert action["name"] == plain["title"]
    assert action["description"] == plain["summary"]
    status = ACTION_STATUS[plain["implementation_status"]]
    assert action["actionStatus"] == f"https://schema.org/{status}"
    precise = {p["propertyID"]: p["value"] for p in action["additionalProperty"]}
    assert precise["implementation_status"] == plain["implementation_status"]
    assert action["startTime"] == plain["made_on"]
    if plain["due_on"]:
        assert action["endTime"] == plain["due_on"]
    names = {a["name"] for a in [*action["agent"], *action["participant"]]}
    assert names == {actor["name"] for actor in plain["actors"]}
    assert all(a["@type"] in ("Organization", "GovernmentOrganization") for a in action["agent"])
    source = plain["source"]["statement_id"]
    assert action["subjectOf"]["@id"] == f"http://testserver/v1/statements/{source}?lang=en"


def test_status_mapping_is_complete() -> None:
    from app.commitments.models import ImplementationStatus

    assert set(ACTION_STATUS) == set(ImplementationStatus)
    assert ACTION_STATUS[ImplementationStatus.FULFILLED] == "CompletedActionStatus"
    assert ACTION_STATUS[ImplementationStatus.IN_PROGRESS] == "ActiveActionStatus"
    assert ACTION_STATUS[ImplementationStatus.ANNOUNCED] == "PotentialActionStatus"
    assert ACTION_STATUS[ImplementationStatus.CANCELLED] == "FailedActionStatus"


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_hidden_source_never_shows(client: TestClient, session: Session, state: str) -> None:
    from datetime import timedelta

    from tests.conftest import FIXED_NOW

    at = FIXED_NOW + timedelta(days=1) if state == "scheduled" else None
    hidden = create(session, f"ldhidden{state}", publish=state != "draft", at=at)
    commitment = make_commitment(session, made_on=date(2026, 11, 1))
    commitment.source_statement_id = hidden.id
    commitment.source_anchor = "p1"
    session.commit()
    response = client.get(f"/v1/commitments/{commitment.id}", params={"format": "jsonld"})
    assert response.status_code == 200
    assert hidden.id not in response.text
    assert "ldhidden" not in response.text
    assert "subjectOf" not in response.json()
    as_json = client.get(f"/v1/commitments/{commitment.id}").json()
    assert as_json["source"]["statement_id"] is None  # the same public representation


def test_hidden_items_have_no_jsonld(client: TestClient, session: Session) -> None:
    draft = create(session, "ldhiddendraftitem", publish=False)
    missing = client.get(f"/v1/statements/{draft.id}", headers=LD)
    never = client.get("/v1/statements/stm_00000000000000000000000000", headers=LD)
    assert missing.status_code == never.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "ldhidden" not in missing.text
