"""Facets on the statement and commitment lists (issue #10, acceptance 2): every value's count is
the `total` of the list filtered by that value, under any other filter; hidden items count for
no facet; unknown facets are refused; the cache tells faceted answers apart."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.commitments.models import ActorRole
from app.demo.commitments import actor_id_for
from app.statements.models import PublicationStatus, StatementType
from tests.conftest import FIXED_NOW, QueryCounter
from tests.factories import make_commitment, make_key, make_statement

Params = list[tuple[str, str]]


def _year(first: str, last: str) -> Any:
    return lambda value: [(first, f"{value}-01-01"), (last, f"{value}-12-31")]


def _same(name: str) -> Any:
    return lambda value: [(name, value)]


# How to filter each list by one value of each facet.
LISTS: dict[str, dict[str, Any]] = {
    "/v1/statements": {
        "type": _same("type"),
        "topic": _same("topic"),
        "place": _same("place"),
        "term": _same("term"),
        "year": _year("published_from", "published_to"),
        "lang": _same("available_lang"),
    },
    "/v1/commitments": {
        "status": _same("status"),
        "health": _same("reporting_health"),
        "actor": _same("actor"),
        "actor_type": _same("actor_type"),
        "place": _same("place"),
        "term": _same("term"),
        "kind": _same("kind"),
        "year": _year("made_from", "made_to"),
        "statement": _same("statement"),
    },
}


def get(client: TestClient, path: str, params: Params, **headers: str) -> Any:
    response = client.get(f"{path}?{urlencode(params)}", headers=headers)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def total(client: TestClient, path: str, params: Params, **headers: str) -> int:
    body = get(client, path, [*params, ("include_total", "true"), ("limit", "1")], **headers)
    count: int = body["total"]
    return count


def faceted(client: TestClient, path: str, params: Params, **headers: str) -> dict[str, Any]:
    names = ",".join(LISTS[path])
    body = get(client, path, [*params, ("facets", names), ("limit", "1")], **headers)
    assert set(body["facets"]) == set(LISTS[path])
    found: dict[str, Any] = body["facets"]
    return found


def check_counts(client: TestClient, path: str, base: Params, **headers: str) -> int:
    """Every value of every facet under the `base` filters: `count` is the total of the list
    filtered by it as well, `count_if_selected` the total with the facet's own filter replaced
    by it. Returns the number of values checked."""
    filters = LISTS[path]
    own = {name for name, of in filters.items() for key, _ in of("2000") if key in dict(base)}
    checked = 0
    for name, values in faceted(client, path, base, **headers).items():
        assert values or base, (path, name)
        assert len(values) <= 100
        as_filter = filters[name]
        others = [(k, v) for k, v in base if k not in dict(as_filter("2000"))]
        order = [(-v["count"], -v["count_if_selected"], v["value"]) for v in values]
        assert order == sorted(order), (path, name)
        for value in values:
            where = (path, base, name, value)
            alone = total(client, path, [*others, *as_filter(value["value"])], **headers)
            assert value["count_if_selected"] == alone, where
            if name in own:
                assert value["count"] <= value["count_if_selected"], where
                if sorted([*others, *as_filter(value["value"])]) == sorted(base):  # filtered by
                    assert value["count"] == total(client, path, base, **headers), where
            else:
                assert value["count"] == value["count_if_selected"] == alone, where
                assert value["count"] > 0, where
            checked += 1
    return checked


class TestCountsAreTotals:
    def test_statements_without_filters(self, client: TestClient) -> None:
        assert check_counts(client, "/v1/statements", []) > 50

    def test_commitments_without_filters(self, client: TestClient) -> None:
        assert check_counts(client, "/v1/commitments", []) > 50

    @pytest.mark.parametrize(
        "base",
        [
            [("place", "019")],  # a region: counts of other facets under a rolled-up filter
            [("topic", "displacement"), ("lang", "fr")],
            [("published_from", "2025-01-01"), ("published_to", "2025-12-31")],
        ],
    )
    def test_statements_under_another_filter(self, client: TestClient, base: Params) -> None:
        assert check_counts(client, "/v1/statements", base) > 10

    @pytest.mark.parametrize(
        "base",
        [
            [("term", "sdg:10")],  # a goal: its targets count
            [("place", "019"), ("status", "in_progress")],
            [("actor_type", "state")],
        ],
    )
    def test_commitments_under_another_filter(self, client: TestClient, base: Params) -> None:
        assert check_counts(client, "/v1/commitments", base) > 10

    @pytest.mark.parametrize(
        "base",
        [
            [("q", "migrants")],  # a search: facets count its hits, nothing else
            [("q", "migrants"), ("place", "019")],
            [("q", "protection OR trafficking"), ("lang", "fr")],
        ],
    )
    def test_statements_under_a_search(self, client: TestClient, base: Params) -> None:
        assert check_counts(client, "/v1/statements", base) > 5

    @pytest.mark.parametrize(
        "base", [[("q", "migrants")], [("q", "protection"), ("status", "in_progress")]]
    )
    def test_commitments_under_a_search(self, client: TestClient, base: Params) -> None:
        assert check_counts(client, "/v1/commitments", base) > 5

    def test_own_filter_keeps_the_other_values_to_widen_to(self, client: TestClient) -> None:
        types = faceted(client, "/v1/statements", [("type", "speech")])["type"]
        assert types[0]["value"] == "speech"
        assert types[0]["count"] == types[0]["count_if_selected"] > 0
        others = types[1:]
        assert others
        assert all(v["count"] == 0 < v["count_if_selected"] for v in others)


class TestShape:
    def test_facets_are_null_unless_asked_for(self, client: TestClient) -> None:
        for path in LISTS:
            assert get(client, path, [])["facets"] is None
        # The statement's own commitment list keeps its shape.
        statement = get(client, "/v1/statements", [("limit", "1")])["items"][0]["id"]
        assert "facets" not in get(client, f"/v1/statements/{statement}/commitments", [])

    def test_labels_in_the_language_served(self, client: TestClient) -> None:
        facets = get(client, "/v1/statements", [("facets", "place,topic,year"), ("lang", "fr")])
        places = {v["value"]: v for v in facets["facets"]["place"]}
        assert places["019"]["label"] == "Amériques"
        assert places["019"]["fallback"] is False
        assert all(v["label"] for v in facets["facets"]["topic"])
        assert all(v["label"] is None for v in facets["facets"]["year"])
        commitments = get(
            client, "/v1/commitments", [("facets", "actor,statement,term"), ("lang", "es")]
        )["facets"]
        for name in ("actor", "statement", "term"):
            assert all(v["label"] for v in commitments[name]), name

    def test_repeated_and_comma_separated_combine(self, client: TestClient) -> None:
        body = get(client, "/v1/statements", [("facets", "type,year"), ("facets", "type,lang")])
        assert list(body["facets"]) == ["type", "year", "lang"]

    @pytest.mark.parametrize("value", ["nope", "type,nope", "", "type,", "status"])
    def test_unknown_or_empty_facet_is_a_422_listing_the_allowed_ones(
        self, client: TestClient, value: str
    ) -> None:
        response = client.get(f"/v1/statements?facets={value}")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        error = response.json()["errors"][0]
        assert error["parameter"] == "facets"
        assert "`type`, `topic`, `place`, `term`, `year`, `lang`" in error["detail"]

    def test_a_304_with_facets(self, client: TestClient) -> None:
        url = "/v1/commitments?facets=status,place"
        first = client.get(url)
        plain = client.get("/v1/commitments")
        assert first.headers["etag"] != plain.headers["etag"]
        again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""

    def test_one_query_per_facet_and_one_per_label(
        self, client: TestClient, count_queries: QueryCounter
    ) -> None:
        client.get("/v1/statements?place=019")  # warm: the version, the cache
        count_queries.count = 0
        client.get("/v1/statements?place=142")
        plain = count_queries.count
        count_queries.count = 0
        client.get("/v1/statements?place=142&facets=type,topic,place,term,year,lang")
        # type, year and lang have no labels; topic, place and term one query each
        assert count_queries.count - plain == 6 + 3


HIDDEN_NOW = FIXED_NOW - timedelta(days=1)


def _hidden_statements(session: Session) -> list[str]:
    """Drafts, a scheduled one and a withdrawn one, tagged like public ones and in a year no
    public statement has."""
    made = []
    tags: dict[str, Any] = {
        "type": StatementType.SPEECH,
        "langs": ("en", "fr", "es"),
        "places": ("HND", "150"),
        "topics": ("counter-trafficking",),
        "terms": ("gcm:10", "sdg:16.2"),
    }
    for status, when in (
        (PublicationStatus.DRAFT, datetime(2011, 5, 1, tzinfo=UTC)),
        (PublicationStatus.PUBLISHED, FIXED_NOW + timedelta(days=2)),  # scheduled
        (PublicationStatus.PUBLISHED, FIXED_NOW + timedelta(minutes=5)),  # embargoed
        (PublicationStatus.WITHDRAWN, datetime(2011, 6, 1, tzinfo=UTC)),
    ):
        made.append(make_statement(session, published_at=when, status=status, **tags).id)
    gone = make_statement(session, published_at=datetime(2011, 7, 1, tzinfo=UTC), **tags)
    gone.deleted_at = HIDDEN_NOW
    session.commit()
    return [*made, gone.id]


def _hidden_commitments(session: Session, hidden_statement: str) -> None:
    iom = actor_id_for("iom")
    for status in (PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN):
        make_commitment(
            session,
            made_on=date(2011, 3, 1),
            places=("HND",),
            terms=("gcm:10",),
            actors=((iom, ActorRole.LEAD),),
            status=status,
        )
    # A public commitment citing a hidden statement: counted, but never under that statement.
    citing = make_commitment(session, made_on=FIXED_NOW.date(), places=("HND",))
    citing.source_statement_id = hidden_statement
    session.commit()


class TestHiddenItemsCountForNothing:
    def test_facets_do_not_change_when_hidden_items_appear(
        self, client: TestClient, session: Session
    ) -> None:
        before = {path: faceted(client, path, []) for path in LISTS}
        hidden = _hidden_statements(session)
        _hidden_commitments(session, hidden[0])
        after = {path: faceted(client, path, []) for path in LISTS}
        assert after["/v1/statements"] == before["/v1/statements"]
        statements = {v["value"] for v in after["/v1/commitments"]["statement"]}
        assert not statements & set(hidden)
        assert "2011" not in {v["value"] for v in after["/v1/commitments"]["year"]}
        # The public commitment citing a hidden statement counts (its status, year, place...),
        # but under no statement.
        for name in ("actor", "term", "kind", "actor_type", "statement"):
            assert after["/v1/commitments"][name] == before["/v1/commitments"][name], name
        check_counts(client, "/v1/statements", [("place", "HND")])
        check_counts(client, "/v1/commitments", [("place", "HND")])

    def test_a_preview_counts_what_the_preview_lists(
        self, client: TestClient, session: Session
    ) -> None:
        editor = make_key(session, Scope.CONTENT_PREVIEW)
        _hidden_statements(session)
        preview = [("preview", "true"), ("place", "150")]
        years = {v["value"] for v in faceted(client, "/v1/statements", preview, **editor)["year"]}
        assert "2011" in years  # the draft and the withdrawn one, not the deleted one
        check_counts(client, "/v1/statements", preview, **editor)
