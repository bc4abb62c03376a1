"""Places, topics, frameworks and terms over HTTP."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        link = response.headers.get("link")
        url = link.split(";")[0].strip("<>") if link else ""
    return items


class TestPlaces:
    def test_every_iso_country_and_m49_region_is_listed(self, client: TestClient) -> None:
        countries = walk(client, "/v1/places?kind=country&limit=100")
        regions = walk(client, "/v1/places?kind=region&limit=100")
        assert len(countries) == 249
        assert {"HND", "MEX", "FRA", "NGA"} <= {c["code"] for c in countries}
        assert {"001", "019", "419", "013", "002", "150"} <= {r["code"] for r in regions}

    def test_within_a_region_lists_its_countries_at_any_depth(self, client: TestClient) -> None:
        inside = {p["code"] for p in walk(client, "/v1/places?within=019&limit=100")}
        assert {"HND", "MEX", "USA", "BRA", "HTI", "419", "013"} <= inside
        assert "FRA" not in inside
        assert "019" not in inside

    def test_place_detail_has_ancestors_and_localized_name(self, client: TestClient) -> None:
        body = client.get("/v1/places/hnd?lang=fr").json()
        assert body["code"] == "HND"
        assert body["ancestors"] == ["001", "019", "419", "013"]
        assert body["lang"] == "fr"
        region = client.get("/v1/places/419?lang=es").json()
        assert region["name"] == "América Latina y el Caribe"
        assert "HND" not in region["children"]
        assert "013" in region["children"]

    @pytest.mark.parametrize("lang", ["en", "fr", "es"])
    def test_every_place_is_named_in_every_served_language(
        self, client: TestClient, lang: str
    ) -> None:
        places = walk(client, f"/v1/places?lang={lang}&limit=100")
        assert len(places) == 280
        assert [p["code"] for p in places if p["fallback"] is not None] == []
        assert all(p["lang"] == lang and p["available_langs"] == ["en", "es", "fr"] for p in places)

    def test_names_a_catalogue_leaves_untranslated_are_named(self, client: TestClient) -> None:
        # ISO's Spanish catalogue has no entry for these (they read the same); CLDR does.
        for code, name in (("HND", "Honduras"), ("BOL", "Bolivia"), ("CRI", "Costa Rica")):
            body = client.get(f"/v1/places/{code}", headers={"Accept-Language": "es"}).json()
            assert (body["name"], body["lang"], body["fallback"]) == (name, "es", None)

    def test_country_numeric_code_resolves(self, client: TestClient) -> None:
        assert client.get("/v1/places/340").json()["code"] == "HND"

    def test_unknown_place_is_404(self, client: TestClient) -> None:
        assert client.get("/v1/places/ZZZ").status_code == 404


class TestFrameworks:
    def test_three_frameworks(self, client: TestClient) -> None:
        codes = [f["code"] for f in walk(client, "/v1/frameworks")]
        assert codes == ["gcm", "lad", "sdg"]

    def test_gcm_has_23_objectives_in_order(self, client: TestClient) -> None:
        terms = walk(client, "/v1/frameworks/gcm/terms?limit=7")
        assert [t["code"] for t in terms] == [f"gcm:{n}" for n in range(1, 24)]

    def test_sdg_target_is_a_child_of_its_goal(self, client: TestClient) -> None:
        children = walk(client, "/v1/frameworks/sdg/terms?parent=sdg:10")
        assert {t["code"] for t in children} == {"sdg:10.7", "sdg:10.c"}
        term = client.get("/v1/terms/sdg:10.7?lang=fr").json()
        assert term["ancestors"] == ["sdg:10"]
        assert term["lang"] == "fr"

    def test_lad_pillars(self, client: TestClient) -> None:
        pillars = walk(client, "/v1/frameworks/lad/terms?kind=pillar")
        assert [p["notation"] for p in pillars] == ["I", "II", "III", "IV"]

    def test_unknown_framework_is_404(self, client: TestClient) -> None:
        assert client.get("/v1/frameworks/xyz/terms").status_code == 404
        assert client.get("/v1/terms/sdg:99").status_code == 404


class TestTopics:
    def test_topics_localized_with_fallback_flag(self, client: TestClient) -> None:
        topics = walk(client, "/v1/topics?lang=es")
        assert len(topics) == 14
        assert all(t["lang"] == "es" and t["fallback"] is None for t in topics)
        one = client.get("/v1/topics/counter-trafficking")
        assert one.status_code == 200
        assert one.headers["etag"]

    def test_topic_list_etag_gives_304(self, client: TestClient) -> None:
        etag = client.get("/v1/topics").headers["etag"]
        assert client.get("/v1/topics", headers={"If-None-Match": etag}).status_code == 304
