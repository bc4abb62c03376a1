"""Language negotiation over HTTP: RFC 4647 lookup with q-values, `?lang=`, what every
negotiated response says about the language it served, and the documented `lang` schema."""

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api.language import parse_accept_language
from app.commitments.models import Commitment
from app.statements.models import Statement
from tests.conftest import FIXED_NOW
from tests.factories import make_commitment, make_statement

SERVED = ("en", "fr", "es")
DEFAULT_FIELDS = ["slug", "title", "dateline", "summary", "body"]


@pytest.fixture
def en_es(session: Session) -> Statement:
    """A statement in English and Spanish, not in French."""
    return make_statement(session, published_at=FIXED_NOW - timedelta(days=1), langs=("en", "es"))


def get(client: TestClient, url: str, accept: str | None = None) -> Any:
    return client.get(url, headers={"Accept-Language": accept} if accept else {})


class TestLookup:
    def test_a_lower_preference_the_item_has_beats_the_default(
        self, client: TestClient, en_es: Statement
    ) -> None:
        response = get(client, f"/v1/statements/{en_es.id}", "fr-CA,fr;q=0.9,es;q=0.8")
        body = response.json()
        assert body["lang"] == "es"
        assert body["fallback"] == {"requested_lang": "fr", "fields": DEFAULT_FIELDS}
        assert response.headers["content-language"] == "es"
        assert "Accept-Language" in response.headers["vary"].split(", ")

    def test_the_default_comes_after_every_preference(
        self, client: TestClient, en_es: Statement
    ) -> None:
        body = get(client, f"/v1/statements/{en_es.id}", "fr, de").json()
        assert (body["lang"], body["fallback"]["requested_lang"]) == ("en", "fr")

    @pytest.mark.parametrize(
        ("header", "served"),
        [
            ("es;q=0.8, en;q=0.8", "es"),  # ties keep the header's order
            ("en;q=0.2, es;q=0.9", "es"),
            ("es-419", "es"),  # lookup truncates the region
            ("ES-mx-x-private", "es"),  # any case, private use and singletons dropped
            ("en;q=0, *", "es"),  # `*` is every other served language, minus refused ones
            ("*, es;q=0.1", "en"),  # `*` stands for the default first
            ("fr;q=abc, es", "es"),  # a malformed weight drops that entry only
            ("es;q=1.5, fr", "en"),  # so does one out of range
            ("de, it", "en"),  # nothing served: the default
        ],
    )
    def test_accept_language(
        self, client: TestClient, en_es: Statement, header: str, served: str
    ) -> None:
        assert get(client, f"/v1/statements/{en_es.id}", header).json()["lang"] == served

    def test_lang_parameter_stands_alone(self, client: TestClient, en_es: Statement) -> None:
        body = get(client, f"/v1/statements/{en_es.id}?lang=fr", "es").json()
        # Spanish is accepted by the header, but `?lang=` is the only preference.
        assert (body["lang"], body["fallback"]["requested_lang"]) == ("en", "fr")

    @pytest.mark.parametrize("lang", ["fr-CA", "FR", "fr-ca-x-foo"])
    def test_lang_parameter_is_looked_up(self, client: TestClient, lang: str) -> None:
        response = client.get("/v1/navigation/main", params={"lang": lang})
        assert response.status_code == 200
        assert response.json()["lang"] == "fr"
        assert response.headers["content-language"] == "fr"

    @pytest.mark.parametrize("lang", ["de", "de-CH", "fr-", "", "f", "e" * 36, "fr_CA", "*"])
    def test_unserved_or_malformed_lang_is_a_422_listing_the_served(
        self, client: TestClient, lang: str
    ) -> None:
        response = client.get("/v1/topics", params={"lang": lang})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        [error] = response.json()["errors"]
        assert error["parameter"] == "lang"
        assert error["allowed"] == list(SERVED)

    def test_cached_answers_are_kept_per_preference_list(
        self, client: TestClient, en_es: Statement
    ) -> None:
        url = f"/v1/statements/{en_es.id}"
        # Both readers put French first; only the rest of their lists tells them apart.
        assert get(client, url, "fr, es").json()["lang"] == "es"
        assert get(client, url, "fr, en").json()["lang"] == "en"
        assert get(client, url, "fr, es").json()["lang"] == "es"


class TestEmbedded:
    def test_embedded_commitments_report_their_own_fallback(
        self, client: TestClient, session: Session, en_es: Statement
    ) -> None:
        for langs in (("en",), ("en", "es")):
            commitment = make_commitment(session, made_on=FIXED_NOW.date(), langs=langs)
            row = session.get(Commitment, commitment.id)
            assert row is not None
            row.source_statement_id = en_es.id
            row.source_anchor = "p1"
            session.commit()
        response = get(client, f"/v1/statements/{en_es.id}?include=commitments", "es")
        refs = sorted(response.json()["commitments"], key=lambda ref: len(ref["available_langs"]))
        assert [(ref["lang"], ref["available_langs"]) for ref in refs] == [
            ("en", ["en"]),
            ("es", ["en", "es"]),
        ]
        assert refs[0]["fallback"] == {"requested_lang": "es", "fields": ["title", "quote"]}
        assert refs[1]["fallback"] is None
        # By an English slug the statement is read in English: nothing falls back.
        slug = f"{en_es.id.replace('_', '-')}-en"
        by_slug = get(client, f"/v1/statements/{slug}?include=commitments", "es").json()
        assert {ref["lang"] for ref in by_slug["commitments"]} == {"en"}
        assert all(ref["fallback"] is None for ref in by_slug["commitments"])


TRAIL = "/es/our-work/what-we-do"
# One URL per public route that negotiates: each must say what it served, 304s included.
NEGOTIATED = {
    "/v1/statements": "/v1/statements",
    "/v1/statements/{id_or_slug}": "/v1/statements/{statement}",
    "/v1/statements/{id_or_slug}/commitments": "/v1/statements/{statement}/commitments",
    "/v1/commitments": "/v1/commitments",
    "/v1/commitments/summary": "/v1/commitments/summary",
    "/v1/commitments/{id_or_code}": "/v1/commitments/LAD-2022-IOM-01",
    "/v1/actors": "/v1/actors",
    "/v1/actors/{id_or_slug}": "/v1/actors/iom",
    "/v1/search": "/v1/search?q=migrants",
    "/v1/navigation": "/v1/navigation",
    "/v1/navigation/{menu}": "/v1/navigation/main",
    "/v1/navigation/{menu}/breadcrumbs": f"/v1/navigation/main/breadcrumbs?path={TRAIL}",
    "/v1/places": "/v1/places",
    "/v1/places/{code}": "/v1/places/MEX",
    "/v1/topics": "/v1/topics",
    "/v1/topics/{slug}": "/v1/topics/counter-trafficking",
    "/v1/frameworks": "/v1/frameworks",
    "/v1/frameworks/{code}": "/v1/frameworks/sdg",
    "/v1/frameworks/{code}/terms": "/v1/frameworks/sdg/terms",
    "/v1/terms/{code}": "/v1/terms/sdg:10.7",
    "/v1/feeds/statements.atom": "/v1/feeds/statements.atom",
    "/v1/feeds/statements.rss": "/v1/feeds/statements.rss",
    "/v1/feeds/statements.json": "/v1/feeds/statements.json",
}


def test_every_negotiating_route_is_checked(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    negotiating = {  # a `lang` that filters (change feed, exports) negotiates nothing
        path
        for path, item in document["paths"].items()
        if any(
            p["name"] == "lang" and not p["description"].startswith("Only items")
            for p in item.get("get", {}).get("parameters", [])
        )
        # The snapshot's `lang` is a filter, and it ignores Accept-Language on purpose: every
        # partner gets the same file (tests/sync checks it).
        and not path.startswith("/v1/export/")
    }
    assert negotiating == set(NEGOTIATED)


@pytest.mark.parametrize("template", sorted(NEGOTIATED))
def test_negotiated_responses_say_what_they_served(
    client: TestClient, en_es: Statement, template: str
) -> None:
    url = NEGOTIATED[template].format(statement=en_es.id)
    response = get(client, url, "es-AR, fr;q=0.5")
    assert response.status_code == 200, response.text
    assert "Accept-Language" in response.headers["vary"].split(", ")
    assert response.headers["content-language"] == "es"
    revalidated = client.get(
        url,
        headers={"Accept-Language": "es-AR, fr;q=0.5", "If-None-Match": response.headers["etag"]},
    )
    assert revalidated.status_code == 304
    assert "Accept-Language" in revalidated.headers["vary"].split(", ")
    assert revalidated.headers["content-language"] == "es"


def test_available_langs_are_languages_one_can_ask_for(client: TestClient) -> None:
    # Reference data names Mexico in the six UN languages; three of them are served.
    mexico = client.get("/v1/places/MEX").json()
    assert mexico["available_langs"] == ["en", "es", "fr"]
    for lang in mexico["available_langs"]:
        assert client.get(f"/v1/places/MEX?lang={lang}").json()["lang"] == lang


class TestDocumentedSchema:
    SAMPLES = (
        "en",
        "fr",
        "es",
        "fr-CA",
        "Es-419",
        "EN-gb-x-abc",
        "de",
        "fr-",
        "-fr",
        "fr--CA",
        "fra",
        "f",
        "fr-toolongsubtag",
        "fr CA",
        "en-" + "a" * 40,
    )

    def test_lang_schema_accepts_exactly_what_the_server_accepts(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()
        [parameter] = [
            p for p in document["paths"]["/v1/topics"]["get"]["parameters"] if p["name"] == "lang"
        ]
        schema = parameter["schema"]
        assert schema["examples"] == list(SERVED)
        pattern = re.compile(schema["pattern"].removesuffix("$") + r"\Z")  # ECMA `$`
        for sample in self.SAMPLES:
            documented = bool(pattern.match(sample)) and len(sample) <= schema["maxLength"]
            served = client.get("/v1/topics", params={"lang": sample}).status_code == 200
            assert documented == served, sample


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,es;q=0.8", ("fr", "es")),
        ("de, es;q=0.5, en;q=0.5", ("es", "en")),
        ("*;q=0.1, es", ("es", "en", "fr")),
        ("es, *;q=0", ("es",)),
        ("fr;q=0, *", ("en", "es")),
        ("", ()),
        (",,;q=1, x-klingon", ()),
    ],
)
def test_preference_lists(header: str, expected: tuple[str, ...]) -> None:
    assert parse_accept_language(header, SERVED, "en") == expected
