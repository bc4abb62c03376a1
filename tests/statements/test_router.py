"""Statements over HTTP, against the demo data plus rows each test adds."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.loader import statement_id_for
from app.statements.models import PublicationStatus, Statement, StatementTranslation
from app.statements.service import is_public
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_statement

SEED_EN = "iom-statement-los-angeles-declaration-migration-and-protection"
SEED_FR = (
    "communique-de-loim-propos-de-la-declaration-de-los-angeles-sur-la-migration-et-la-protection"
)


def next_link(header: str) -> str | None:
    """The `rel="next"` target of a `Link` header (the list also links its feeds)."""
    for value in header.split(", <"):
        target, _, params = value.partition(";")
        if 'rel="next"' in params:
            return target.strip("<>")
    return None


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Follow `Link: rel=next` to the end, as a partner would."""
    items: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        link = next_link(response.headers.get("link", ""))
        assert (link is None) == (body["next_cursor"] is None)
        url = link or ""
    return items


def public_ids(session: Session) -> list[str]:
    rows = session.scalars(
        select(Statement.id)
        .where(is_public(FIXED_NOW))
        .order_by(Statement.published_at.desc(), Statement.id.desc())
    )
    return list(rows)


class TestListStatements:
    def test_french_list_serves_french_and_says_when_it_falls_back(
        self, client: TestClient
    ) -> None:
        response = client.get("/v1/statements", params={"lang": "fr", "limit": 100})

        assert response.status_code == 200
        assert response.headers["content-language"] == "fr"
        assert "Accept-Language" in response.headers["vary"]
        items = response.json()["items"]
        french = [i for i in items if i["lang"] == "fr"]
        fallen = [i for i in items if i["lang"] != "fr"]
        assert french
        assert fallen
        assert all(i["fallback"] is None and "fr" in i["available_langs"] for i in french)
        for item in fallen:
            assert "fr" not in item["available_langs"]
            assert item["fallback"]["requested_lang"] == "fr"
            assert "title" in item["fallback"]["fields"]
        seed = next(i for i in items if i["id"] == statement_id_for("iom-lad-2022"))
        assert seed["slug"] == SEED_FR
        assert seed["dateline"] == {"place": "USA", "text": "Los Angeles", "label": "États-Unis"}

    def test_accept_language_is_used_without_lang_parameter(self, client: TestClient) -> None:
        response = client.get(
            "/v1/statements", headers={"Accept-Language": "es-MX;q=0.9, de;q=1.0"}
        )
        assert response.headers["content-language"] == "es"

    def test_lang_parameter_wins_over_accept_language(self, client: TestClient) -> None:
        response = client.get(
            "/v1/statements", params={"lang": "fr"}, headers={"Accept-Language": "es"}
        )
        assert response.headers["content-language"] == "fr"

    def test_walking_pages_of_seven_returns_each_published_statement_once_in_order(
        self, client: TestClient, session: Session
    ) -> None:
        items = walk(client, "/v1/statements?limit=7")

        assert [i["id"] for i in items] == public_ids(session)
        assert len(items) > 7 * 3

    def test_oldest_first_walk_is_the_reverse(self, client: TestClient, session: Session) -> None:
        items = walk(client, "/v1/statements?limit=7&sort=published_at")
        assert [i["id"] for i in items] == list(reversed(public_ids(session)))

    def test_statements_sharing_a_timestamp_are_ordered_by_id(
        self, client: TestClient, session: Session
    ) -> None:
        when = datetime(2025, 1, 1, tzinfo=UTC)
        made = sorted(make_statement(session, published_at=when).id for _ in range(5))
        items = walk(
            client, "/v1/statements?limit=2&published_from=2025-01-01&published_to=2025-01-01"
        )
        assert [i["id"] for i in items] == list(reversed(made))

    def test_pages_cut_inside_a_run_of_ties_skip_and_repeat_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        # The page cut comes before the list's own `published_at <= now` bound in the query;
        # the walk must still stop at now and order ties by id across page boundaries.
        when = FIXED_NOW - timedelta(days=3)
        tied = {make_statement(session, published_at=when).id for _ in range(5)}
        scheduled = make_statement(session, published_at=FIXED_NOW + timedelta(minutes=1))
        for sort, order in (("-published_at", public_ids(session)), ("published_at", None)):
            ids = [i["id"] for i in walk(client, f"/v1/statements?limit=3&sort={sort}")]
            expected = order if order is not None else list(reversed(public_ids(session)))
            assert ids == expected
            assert tied <= set(ids)
            assert scheduled.id not in ids

    def test_drafts_and_scheduled_statements_are_absent(
        self, client: TestClient, session: Session
    ) -> None:
        draft = make_statement(
            session, published_at=FIXED_NOW - timedelta(days=1), status=PublicationStatus.DRAFT
        )
        scheduled = make_statement(session, published_at=FIXED_NOW + timedelta(hours=1))
        ids = {i["id"] for i in walk(client, "/v1/statements?limit=100")}
        assert draft.id not in ids
        assert scheduled.id not in ids
        assert statement_id_for("horn-of-africa-eastern-route-2026") not in ids

    def test_scheduled_statement_appears_at_its_time(
        self, client: TestClient, session: Session, clock: Clock
    ) -> None:
        go_live = FIXED_NOW + timedelta(minutes=5)
        scheduled = make_statement(session, published_at=go_live)

        clock.now = go_live - timedelta(seconds=1)
        before = client.get("/v1/statements?limit=1")
        clock.now = go_live
        after = client.get("/v1/statements?limit=1")

        assert before.json()["items"][0]["id"] != scheduled.id
        assert "max-age=1," in before.headers["cache-control"]
        assert after.json()["items"][0]["id"] == scheduled.id

    def test_region_filter_includes_its_countries(
        self, client: TestClient, session: Session
    ) -> None:
        honduras_only = make_statement(
            session, published_at=FIXED_NOW - timedelta(days=1), places=("HND",)
        )
        france_only = make_statement(
            session, published_at=FIXED_NOW - timedelta(days=1), places=("FRA",)
        )
        ids = {i["id"] for i in walk(client, "/v1/statements?place=019&limit=100")}
        assert honduras_only.id in ids
        assert france_only.id not in ids
        assert statement_id_for("iom-lad-2022") in ids

    def test_term_filter_includes_sub_terms(self, client: TestClient, session: Session) -> None:
        tagged = make_statement(
            session, published_at=FIXED_NOW - timedelta(days=1), terms=("sdg:10.7",)
        )
        ids = {i["id"] for i in walk(client, "/v1/statements?term=sdg:10&limit=100")}
        assert tagged.id in ids
        assert all(
            any(t.startswith("sdg:10") for t in i["terms"])
            for i in walk(client, "/v1/statements?term=sdg:10&limit=100")
        )

    def test_type_topic_and_date_filters_combine(self, client: TestClient) -> None:
        items = walk(
            client,
            "/v1/statements?type=statement&type=joint_statement&topic=counter-trafficking"
            "&published_from=2022-01-01&published_to=2022-12-31&limit=100",
        )
        assert items
        for item in items:
            assert item["type"] in {"statement", "joint_statement"}
            assert "counter-trafficking" in item["topics"]
            assert item["published_at"].startswith("2022-")

    def test_available_lang_keeps_only_translated_statements(self, client: TestClient) -> None:
        items = walk(client, "/v1/statements?available_lang=es&lang=es&limit=100")
        assert items
        assert all(i["lang"] == "es" and i["fallback"] is None for i in items)

    def test_total_is_opt_in_and_counts_every_match(self, client: TestClient) -> None:
        plain = client.get("/v1/statements?limit=5").json()
        counted = client.get("/v1/statements?limit=5&include_total=true").json()
        assert plain["total"] is None
        assert counted["total"] == len(walk(client, "/v1/statements?limit=100"))

    def test_limit_over_100_is_a_problem(self, client: TestClient) -> None:
        response = client.get("/v1/statements?limit=101")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["parameter"] == "limit"

    def test_unknown_filter_lists_the_allowed_ones(self, client: TestClient) -> None:
        response = client.get("/v1/statements?colour=blue")
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["parameter"] == "colour"
        assert {"type", "topic", "place", "term", "lang", "sort"} <= set(error["allowed"])
        assert "blue" not in response.text

    def test_unknown_sort_lists_the_allowed_ones(self, client: TestClient) -> None:
        response = client.get("/v1/statements?sort=title;DROP TABLE statements")
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["parameter"] == "sort"
        assert set(error["allowed"]) == {
            "relevance",
            "-published_at",
            "published_at",
            "-updated_at",
            "updated_at",
        }
        assert "DROP" not in response.text

    def test_unknown_place_code_is_a_problem_not_an_empty_list(self, client: TestClient) -> None:
        response = client.get("/v1/statements?place=ZZZ")
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "place"

    def test_unsupported_language_is_a_problem(self, client: TestClient) -> None:
        response = client.get("/v1/statements?lang=de")
        assert response.status_code == 422
        assert response.json()["errors"][0]["allowed"] == ["en", "fr", "es"]


class TestCursors:
    def first_cursor(self, client: TestClient, sort: str = "-published_at") -> str:
        cursor = client.get(f"/v1/statements?limit=3&sort={sort}").json()["next_cursor"]
        assert isinstance(cursor, str)
        return cursor

    def test_tampered_cursors_are_client_errors(self, client: TestClient) -> None:
        cursor = self.first_cursor(client)
        body, mac = cursor.split(".")
        flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
        for bad in (
            f"{flipped}.{mac}",
            f"{body}.{mac[::-1]}",
            body,
            "not-a-cursor",
            "%%%",
            "." * 40,
            cursor + "x",
            "\u00e9.\u00e9",
        ):
            response = client.get("/v1/statements", params={"cursor": bad})
            assert 400 <= response.status_code < 500, bad
            assert response.headers["content-type"] == "application/problem+json"

    def test_cursor_from_another_sort_is_refused(self, client: TestClient) -> None:
        cursor = self.first_cursor(client, sort="published_at")
        response = client.get("/v1/statements", params={"cursor": cursor})
        assert response.status_code == 400
        assert response.json()["type"] == "/problems/invalid-cursor"

    def test_overlong_cursor_is_a_problem(self, client: TestClient) -> None:
        response = client.get("/v1/statements", params={"cursor": "a" * 5000})
        assert response.status_code == 422


class TestGetStatement:
    def test_slug_in_any_language_resolves_and_serves_that_language(
        self, client: TestClient
    ) -> None:
        response = client.get(f"/v1/statements/{SEED_FR}")

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == statement_id_for("iom-lad-2022")
        assert body["lang"] == "fr"
        assert response.headers["content-language"] == "fr"
        assert [p["anchor"] for p in body["body"]] == [
            "welcome",
            "global-compact",
            "rights",
            "shared-responsibility",
            "drivers",
            "support",
            "commitment",
        ]
        assert set(body["translations"]) == {"en", "fr", "es"}

    def test_lang_parameter_picks_the_translation(self, client: TestClient) -> None:
        body = client.get(f"/v1/statements/{SEED_FR}?lang=es").json()
        assert body["lang"] == "es"
        assert body["slug"].startswith("comunicado-de-la-oim")

    def test_by_id_follows_accept_language(self, client: TestClient) -> None:
        seed = statement_id_for("iom-lad-2022")
        response = client.get(f"/v1/statements/{seed}", headers={"Accept-Language": "es"})
        assert response.json()["lang"] == "es"
        assert response.headers["content-language"] == "es"

    def test_missing_translation_falls_back_and_says_so(
        self, client: TestClient, session: Session
    ) -> None:
        english_only = make_statement(session, published_at=FIXED_NOW - timedelta(days=2))
        response = client.get(f"/v1/statements/{english_only.id}?lang=fr")
        body = response.json()
        assert body["lang"] == "en"
        assert body["fallback"] == {
            "requested_lang": "fr",
            "fields": ["slug", "title", "dateline", "summary", "body"],
        }
        assert response.headers["content-language"] == "en"

    def test_statement_with_only_a_french_translation_serves_french(
        self, client: TestClient
    ) -> None:
        french_only = statement_id_for("afrique-ouest-traite-2025")
        body = client.get(f"/v1/statements/{french_only}?lang=en").json()
        assert body["lang"] == "fr"
        assert body["available_langs"] == ["fr"]
        assert body["fallback"]["requested_lang"] == "en"

    def test_draft_is_not_found(self, client: TestClient, session: Session) -> None:
        draft = make_statement(
            session, published_at=FIXED_NOW - timedelta(days=1), status=PublicationStatus.DRAFT
        )
        slug = session.scalars(
            select(StatementTranslation.slug).where(StatementTranslation.statement_id == draft.id)
        ).one()
        for path in (draft.id, slug):
            response = client.get(f"/v1/statements/{path}")
            assert response.status_code == 404
            assert response.headers["cache-control"] == "no-store"

    def test_unknown_statement_is_a_404_problem(self, client: TestClient) -> None:
        response = client.get("/v1/statements/no-such-statement")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert "no-such-statement" not in response.text


class TestConditionalRequests:
    def test_item_etag_gives_304_with_empty_body(self, client: TestClient) -> None:
        first = client.get(f"/v1/statements/{SEED_EN}")
        etag = first.headers["etag"]
        assert etag.startswith('"')
        assert not etag.startswith("W/")

        again = client.get(f"/v1/statements/{SEED_EN}", headers={"If-None-Match": etag})

        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == first.headers["cache-control"]

    def test_list_etag_gives_304_with_empty_body(self, client: TestClient) -> None:
        url = "/v1/statements?lang=fr&limit=7"
        etag = client.get(url).headers["etag"]
        again = client.get(url, headers={"If-None-Match": f'"other", {etag}'})
        assert again.status_code == 304
        assert again.content == b""

    def test_etag_differs_per_language_and_after_a_change(
        self, client: TestClient, session: Session
    ) -> None:
        url = "/v1/statements?limit=3"
        english = client.get(url).headers["etag"]
        assert client.get(url + "&lang=fr").headers["etag"] != english
        make_statement(session, published_at=FIXED_NOW - timedelta(seconds=1))
        changed = client.get(url, headers={"If-None-Match": english})
        assert changed.status_code == 200
        assert changed.headers["etag"] != english

    def test_last_modified_and_if_modified_since(self, client: TestClient) -> None:
        first = client.get(f"/v1/statements/{SEED_EN}")
        last_modified = first.headers["last-modified"]
        again = client.get(
            f"/v1/statements/{SEED_EN}", headers={"If-Modified-Since": last_modified}
        )
        assert again.status_code == 304

    def test_public_responses_are_cacheable(self, client: TestClient) -> None:
        response = client.get("/v1/statements")
        assert response.headers["cache-control"].startswith("public, max-age=")
