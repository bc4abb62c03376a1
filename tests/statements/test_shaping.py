"""Labels with codes, sparse fields, profiles and `include=` on the statement routes."""

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.changes import service as changes_service
from app.commitments.models import ActorRole, Commitment
from app.demo.commitments import actor_id_for
from app.publication import PublicationStatus
from app.statements.models import Statement
from app.taxonomy.models import Topic
from tests.conftest import FIXED_NOW
from tests.factories import make_commitment, make_statement

SEED_EN = "iom-statement-los-angeles-declaration-migration-and-protection"


def _cite(session: Session, commitment: Commitment, statement: Statement) -> None:
    commitment.source_statement_id = statement.id
    session.flush()
    changes_service.bump(session)
    session.commit()


def _only(client: TestClient, url: str, statement_id: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return next(i for i in response.json()["items"] if i["id"] == statement_id)


class TestLabels:
    def test_every_code_an_item_carries_has_its_label_in_the_language_served(
        self, client: TestClient
    ) -> None:
        for lang in ("en", "fr", "es"):
            items = client.get(f"/v1/statements?limit=100&lang={lang}").json()["items"]
            assert items
            for item in items:
                labels = item["labels"]
                assert set(labels["topics"]) == set(item["topics"])
                assert set(labels["terms"]) == set(item["terms"])
                dateline = item["dateline"]["place"]
                assert set(labels["places"]) == set(item["places"]) | ({dateline} - {None})
                for by_code in labels.values():
                    assert all(label["label"] for label in by_code.values())
        seed = client.get(f"/v1/statements/{SEED_EN}?lang=fr").json()
        assert seed["labels"]["places"]["019"] == {"label": "Amériques", "fallback": False}
        assert seed["dateline"]["label"] == seed["labels"]["places"]["USA"]["label"]

    def test_a_label_missing_in_the_language_asked_falls_back_and_says_so(
        self, client: TestClient, session: Session
    ) -> None:
        session.add(
            Topic(slug="only-english", position=99, names={"en": "Only English"}, descriptions={})
        )
        session.flush()
        statement = make_statement(
            session, published_at=FIXED_NOW - timedelta(days=1), topics=("only-english",)
        )
        item = _only(client, "/v1/statements?lang=fr", statement.id)
        assert item["labels"]["topics"] == {
            "only-english": {"label": "Only English", "fallback": True}
        }
        assert item["dateline"] == {"place": None, "text": "Geneva", "label": None}
        assert item["labels"]["places"] == {}

    def test_the_item_and_the_list_label_alike(self, client: TestClient) -> None:
        item = client.get(f"/v1/statements/{SEED_EN}?lang=es").json()
        listed = _only(client, "/v1/statements?limit=100&lang=es", item["id"])
        assert listed["labels"] == item["labels"]
        assert listed["dateline"] == item["dateline"]


class TestFields:
    def test_fields_trims_to_the_names_given_and_always_keeps_the_id(
        self, client: TestClient
    ) -> None:
        page = client.get("/v1/statements?fields=title,slug&limit=3").json()
        assert page["items"]
        assert all(set(item) == {"id", "title", "slug"} for item in page["items"])
        assert set(page) == {"items", "next_cursor", "total"}
        item = client.get(f"/v1/statements/{SEED_EN}?fields=title").json()
        assert set(item) == {"id", "title"}

    def test_an_unknown_field_is_a_422_naming_fields_and_listing_the_allowed_ones(
        self, client: TestClient
    ) -> None:
        for url in ("/v1/statements?fields=id,secret", f"/v1/statements/{SEED_EN}?fields=nope"):
            response = client.get(url)
            assert response.status_code == 422
            assert response.headers["content-type"].startswith("application/problem+json")
            error = response.json()["errors"][0]
            assert error["parameter"] == "fields"
            assert "title" in error["detail"]
            assert "labels" in error["detail"]
            assert "secret" not in response.text
        # `body` belongs to the full profile only.
        assert client.get("/v1/statements?fields=body").status_code == 422
        assert client.get("/v1/statements?fields=body&profile=full").status_code == 200

    def test_each_representation_has_its_own_etag_and_each_304s(self, client: TestClient) -> None:
        whole = client.get(f"/v1/statements/{SEED_EN}")
        trimmed = client.get(f"/v1/statements/{SEED_EN}?fields=id,title")
        assert whole.headers["etag"] != trimmed.headers["etag"]
        for url, first in ((SEED_EN, whole), (f"{SEED_EN}?fields=id,title", trimmed)):
            again = client.get(
                f"/v1/statements/{url}", headers={"If-None-Match": first.headers["etag"]}
            )
            assert again.status_code == 304
            assert again.headers["etag"] == first.headers["etag"]
        listed = client.get("/v1/statements?fields=id")
        whole_list = client.get("/v1/statements")
        assert listed.headers["etag"] != whole_list.headers["etag"]
        again = client.get(
            "/v1/statements?fields=id", headers={"If-None-Match": listed.headers["etag"]}
        )
        assert again.status_code == 304


class TestProfiles:
    def test_the_list_profile_of_an_item_is_its_list_item(self, client: TestClient) -> None:
        item = client.get(f"/v1/statements/{SEED_EN}?profile=list").json()
        listed = _only(client, "/v1/statements?limit=100", item["id"])
        # The list item also says how it ranked in a search: null when the list was not searched.
        assert listed.pop("score") is None
        assert listed.pop("snippet") is None
        assert item == listed

    def test_the_full_profile_of_a_list_is_the_item_route_for_each(
        self, client: TestClient
    ) -> None:
        page = client.get("/v1/statements?profile=full&limit=20&lang=fr").json()
        assert page["items"]
        for item in page["items"]:
            assert item == client.get(f"/v1/statements/{item['id']}?lang=fr").json()

    def test_the_full_profile_of_a_list_is_bounded_to_20_items(self, client: TestClient) -> None:
        response = client.get("/v1/statements?profile=full&limit=21")
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "limit"
        assert client.get("/v1/statements?profile=nope").status_code == 422


class TestInclude:
    def test_embedded_commitments_are_public_ones_only_and_actors_come_with_depth_two(
        self, client: TestClient, session: Session
    ) -> None:
        statement = make_statement(session, published_at=FIXED_NOW - timedelta(days=1))
        iom = actor_id_for("iom")
        public = make_commitment(session, made_on=date(2026, 1, 1), actors=((iom, ActorRole.LEAD),))
        draft = make_commitment(session, made_on=date(2026, 1, 2), status=PublicationStatus.DRAFT)
        _cite(session, public, statement)
        _cite(session, draft, statement)
        item = _only(client, "/v1/statements?limit=100&include=commitments", statement.id)
        assert [c["id"] for c in item["commitments"]] == [public.id]
        assert "actors" not in item["commitments"][0]
        deep = _only(client, "/v1/statements?limit=100&include=commitments.actors", statement.id)
        assert [a["id"] for a in deep["commitments"][0]["actors"]] == [iom]
        assert (
            draft.id
            not in client.get(f"/v1/statements/{statement.id}?include=commitments.actors").text
        )
        # Without include, the list item has no such key and the item keeps its null.
        assert "commitments" not in _only(client, "/v1/statements?limit=100", statement.id)
        assert client.get(f"/v1/statements/{statement.id}").json()["commitments"] is None

    def test_translations_and_terms_embed_on_lists(self, client: TestClient) -> None:
        item = client.get(f"/v1/statements/{SEED_EN}").json()
        url = "/v1/statements?limit=100&include=translations&include=terms&fields=id"
        listed = _only(client, url, item["id"])
        assert set(listed) == {"id", "translations", "term_details"}
        assert listed["translations"] == item["translations"]
        assert set(listed["term_details"]) == set(item["terms"])
        term = listed["term_details"]["sdg:10.7"]
        assert term["framework"] == "sdg"
        assert term["parent_code"] == "sdg:10"
        assert term["name"]

    def test_only_the_documented_embeds_and_depth_two_at_most(self, client: TestClient) -> None:
        for value in ("actors", "commitments.actors.terms", "progress", "body"):
            response = client.get(f"/v1/statements?include={value}")
            assert response.status_code == 422, value
            error = response.json()["errors"][0]
            assert error["parameter"].startswith("include")
            assert "commitments.actors" in error["detail"]
        assert client.get(f"/v1/statements/{SEED_EN}?include=commitments").status_code == 200
