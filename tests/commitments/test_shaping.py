"""Labels, the source statement's title and slug, sparse fields, profiles and `include=` on
the commitment routes."""

from typing import Any

from fastapi.testclient import TestClient

SEED = "LAD-2022-IOM-01"


def _items(client: TestClient, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    assert items
    return items


class TestLabelsAndSources:
    def test_places_and_terms_are_labelled_and_the_source_names_its_statement(
        self, client: TestClient
    ) -> None:
        for item in _items(client, "/v1/commitments?limit=100&lang=fr"):
            assert set(item["labels"]["places"]) == set(item["places"])
            assert set(item["labels"]["terms"]) == set(item["terms"])
            assert item["labels"]["topics"] == {}
            source = item["source"]
            if source["statement_id"] is None:
                assert source["title"] is source["slug"] is source["fallback"] is None
                continue
            statement = client.get(f"/v1/statements/{source['statement_id']}?lang=fr").json()
            assert source["slug"] == statement["slug"]
            assert source["title"] == statement["title"]
            assert source["fallback"] is (statement["lang"] != "fr")

    def test_the_source_slug_resolves_to_the_statement(self, client: TestClient) -> None:
        source = client.get(f"/v1/commitments/{SEED}?lang=es").json()["source"]
        found = client.get(f"/v1/statements/{source['slug']}")
        assert found.status_code == 200
        assert found.json()["id"] == source["statement_id"]

    def test_an_events_place_is_named_too(self, client: TestClient) -> None:
        items = _items(client, "/v1/commitments?profile=full&limit=20&lang=es")
        events = [i["event"] for i in items if i["event"] and i["event"]["place"]]
        assert events
        for event in events:
            place = client.get(f"/v1/places/{event['place']}?lang=es").json()
            assert event["place_label"] == place["name"]


class TestShapes:
    def test_fields_trim_and_keep_the_id(self, client: TestClient) -> None:
        for item in _items(client, "/v1/commitments?fields=code,labels"):
            assert set(item) == {"id", "code", "labels"}
        assert set(client.get(f"/v1/commitments/{SEED}?fields=source").json()) == {
            "id",
            "source",
        }
        response = client.get("/v1/commitments?fields=text")
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "fields"
        assert "implementation_status" in response.json()["errors"][0]["detail"]

    def test_the_full_profile_of_a_list_is_the_item_route_for_each(
        self, client: TestClient
    ) -> None:
        for lang in ("en", "fr"):
            for item in _items(client, f"/v1/commitments?profile=full&limit=20&lang={lang}"):
                assert item == client.get(f"/v1/commitments/{item['id']}?lang={lang}").json()
        assert client.get("/v1/commitments?profile=full&limit=50").status_code == 422

    def test_the_list_profile_of_an_item_is_its_list_item(self, client: TestClient) -> None:
        item = client.get(f"/v1/commitments/{SEED}?profile=list").json()
        listed = next(
            i for i in _items(client, "/v1/commitments?limit=100") if i["id"] == item["id"]
        )
        # The list item also says how it ranked in a search: null when the list was not searched.
        assert listed.pop("score") is None
        assert listed.pop("snippet") is None
        assert item == listed

    def test_progress_and_terms_embed_on_lists(self, client: TestClient) -> None:
        url = "/v1/commitments?limit=100&include=progress&include=terms"
        for item in _items(client, url):
            whole = client.get(f"/v1/commitments/{item['id']}").json()
            assert item["progress_updates"] == whole["progress_updates"]
            assert set(item["term_details"]) == set(item["terms"])
        plain = _items(client, "/v1/commitments?limit=5")
        assert all("progress_updates" not in i and "term_details" not in i for i in plain)

    def test_only_the_documented_embeds(self, client: TestClient) -> None:
        for value in ("commitments", "actors", "progress.actors"):
            response = client.get(f"/v1/commitments?include={value}")
            assert response.status_code == 422, value
            assert "progress" in response.json()["errors"][0]["detail"]

    def test_a_statements_commitments_take_the_same_parameters(self, client: TestClient) -> None:
        url = (
            "/v1/statements/iom-statement-los-angeles-declaration-migration-and-protection"
            "/commitments?fields=code&include=progress"
        )
        for item in _items(client, url):
            assert set(item) == {"id", "code", "progress_updates"}
