"""`q=` on the statement list (issue #10, acceptance 1): the same hits on SQLite and PostgreSQL.

The expected hits are written out: the test runs on each database (set
NEWSROOM_TEST_DATABASE_URL for PostgreSQL), so both must return exactly these.
"""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.search.helpers import demo, ids, search, write_statement


@pytest.mark.parametrize(
    ("q", "lang", "expected"),
    [
        # Phrase: only the text where "human" is followed by "trafficking".
        ('"human trafficking"', "en", demo("iom-lad-2022")),
        # Both words, anywhere: the Mediterranean statement has them apart.
        ("human trafficking", "en", demo("iom-lad-2022", "unhcr-iom-joint-mediterranean-2026")),
        # Exclusion: the statements on trafficking, less the one that mentions Libya.
        (
            "trafficking",
            "en",
            demo(
                "iom-lad-2022",
                "unhcr-iom-joint-mediterranean-2026",
                "b-mediterranean-joint-statement-unhcr-2026",
                "dg-idm-speech-2025",
            ),
        ),
        (
            "trafficking -Libya",
            "en",
            demo("iom-lad-2022", "unhcr-iom-joint-mediterranean-2026", "dg-idm-speech-2025"),
        ),
        # Accents never matter: "régularisation" in the French texts.
        ("regularisation", "fr", demo("iom-lad-2022", "lad-washington-anniversary-2023")),
        ("REGULARISATION", "fr", demo("iom-lad-2022", "lad-washington-anniversary-2023")),
    ],
)
def test_the_same_hits_on_every_database(
    client: TestClient, q: str, lang: str, expected: set[str]
) -> None:
    assert ids(search(client, q=q, lang=lang)) == expected


def test_a_word_finds_its_inflections(client: TestClient) -> None:
    hits = search(client, q="migrant", lang="en")
    # "migrant workers" and "migrants returning" alike.
    assert demo("migrant-health-mekong-2022", "sahel-return-reintegration-2022") <= ids(hits)
    for hit in hits:  # (a statement only in Spanish is searched in Spanish: "migrantes")
        assert re.search(r"<mark>[Mm]igrant\w*</mark>", hit["snippet"]), hit["snippet"]


def test_french_finds_every_form(client: TestClient) -> None:
    hits = {hit["id"]: hit for hit in search(client, q="migrants", lang="fr")}
    lad = hits[next(iter(demo("iom-lad-2022")))]
    assert lad["lang"] == "fr"
    assert "<mark>migrantes</mark>" in lad["snippet"]
    sahel = hits[next(iter(demo("sahel-return-reintegration-2022")))]
    assert "<mark>migrants</mark>" in sahel["snippet"]


def test_an_item_without_the_language_is_matched_in_the_one_it_is_served_in(
    client: TestClient, session: Session
) -> None:
    write_statement(session, "only-english", title="Zebrafish monitoring", lang="en")
    [hit] = search(client, q="zebrafish", lang="fr")
    assert hit["lang"] == "en"
    assert hit["fallback"]["requested_lang"] == "fr"
    assert hit["snippet"] == "<mark>Zebrafish</mark> monitoring"


def test_the_snippet_is_escaped_and_marks_only_matched_words(
    client: TestClient, session: Session
) -> None:
    write_statement(
        session,
        "escaping",
        title="Plain title",
        paragraphs=("Tom &amp; Jerry <b>quokka</b> quokkas <i>x</i> &lt;script&gt;",),
    )
    [hit] = search(client, q="quokka")
    assert hit["snippet"] == (
        "Tom &amp; Jerry <mark>quokka</mark> <mark>quokkas</mark> x &lt;script&gt;"
    )


def test_a_long_text_is_cut_around_the_densest_matches(
    client: TestClient, session: Session
) -> None:
    filler = " ".join(f"word{i}" for i in range(60))
    write_statement(
        session,
        "long",
        title="Long one",
        paragraphs=(f"{filler} okapi here and okapi there {filler}",),
    )
    [hit] = search(client, q="okapi")
    snippet = hit["snippet"]
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert snippet.count("<mark>okapi</mark>") == 2
    assert len(snippet.split()) <= 32


def test_filters_combine_with_q(client: TestClient) -> None:
    everything = ids(search(client, q="migrants", lang="en"))
    speeches = search(client, q="migrants", lang="en", type="speech")
    assert ids(speeches) < everything
    assert {hit["type"] for hit in speeches} == {"speech"}
    response = client.get(
        "/v1/statements", params={"q": "migrants", "include_total": "true", "limit": 1}
    )
    assert response.json()["total"] == len(everything)


def test_a_sort_can_be_asked_for(client: TestClient) -> None:
    hits = search(client, q="migrants", sort="-published_at")
    dates = [hit["published_at"] for hit in hits]
    assert dates == sorted(dates, reverse=True)
    assert all(hit["score"] is not None for hit in hits)


def test_without_q_no_relevance(client: TestClient) -> None:
    item = client.get("/v1/statements", params={"limit": 1}).json()["items"][0]
    assert (item["score"], item["snippet"]) == (None, None)
    response = client.get("/v1/statements", params={"sort": "relevance"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "sort"
