"""Commitments over HTTP, against the demo data plus rows each test adds."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.commitments.models import ActorRole
from app.demo.commitments import actor_id_for
from tests.conftest import QueryCounter
from tests.factories import make_commitment

SEED = "iom-statement-los-angeles-declaration-migration-and-protection"


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        link = response.headers.get("link")
        url = link.split(";")[0].strip("<>") if link else ""
    return items


class TestStatementCommitments:
    def test_iom_pledges_quote_their_paragraph_verbatim_in_every_language(
        self, client: TestClient
    ) -> None:
        pledges = walk(client, f"/v1/statements/{SEED}/commitments?limit=100")
        assert len(pledges) >= 3
        for pledge in pledges:
            assert any(a["slug"] == "iom" and a["role"] == "lead" for a in pledge["actors"])
        statement = client.get(f"/v1/statements/{SEED}").json()
        checked = 0
        for lang in statement["available_langs"]:
            paragraphs = {
                p["anchor"]: p["text"]
                for p in client.get(f"/v1/statements/{statement['id']}?lang={lang}").json()["body"]
            }
            for pledge in pledges:
                served = client.get(f"/v1/commitments/{pledge['id']}?lang={lang}").json()
                assert served["lang"] == lang
                quote = served["source"]["quote"]
                assert quote, (pledge["code"], lang)
                assert quote in paragraphs[served["source"]["anchor"]], (pledge["code"], lang)
                checked += 1
        assert checked == len(pledges) * 3

    def test_statement_detail_embeds_its_commitments(self, client: TestClient) -> None:
        plain = client.get(f"/v1/statements/{SEED}").json()
        embedded = client.get(f"/v1/statements/{SEED}?include=commitments&lang=es").json()
        assert plain["commitments"] is None
        listed = walk(client, f"/v1/statements/{SEED}/commitments?limit=100")
        assert {c["id"] for c in embedded["commitments"]} == {c["id"] for c in listed}
        assert all(c["quote"] and c["anchor"] for c in embedded["commitments"])

    def test_unknown_statement_is_404(self, client: TestClient) -> None:
        assert client.get("/v1/statements/nope/commitments").status_code == 404


class TestFilters:
    def test_americas_include_commitments_of_honduras_or_mexico_alone(
        self, client: TestClient, session: Session
    ) -> None:
        honduras = make_commitment(session, made_on=date(2025, 1, 1), places=("HND",))
        france = make_commitment(session, made_on=date(2025, 1, 1), places=("FRA",))
        items = walk(client, "/v1/commitments?place=019&limit=100")
        ids = {c["id"] for c in items}
        assert honduras.id in ids
        assert france.id not in ids
        country_only = [c for c in items if c["places"] and set(c["places"]) <= {"HND", "MEX"}]
        assert len(country_only) >= 3  # the two demo ones and the test's

    def test_actor_and_actor_type(self, client: TestClient) -> None:
        by_iom = walk(client, "/v1/commitments?actor=iom&limit=100")
        assert by_iom
        assert all(any(a["slug"] == "iom" for a in c["actors"]) for c in by_iom)
        states = walk(client, "/v1/commitments?actor_type=state&limit=100")
        assert all(any(a["type"] == "state" for a in c["actors"]) for c in states)
        assert client.get("/v1/commitments?actor=nobody").status_code == 422

    def test_reporting_health_and_status(self, client: TestClient) -> None:
        inactive = walk(client, "/v1/commitments?reporting_health=inactive&limit=100")
        assert inactive
        assert all(c["reporting_health"] == "inactive" for c in inactive)
        fulfilled = walk(client, "/v1/commitments?status=fulfilled&limit=100")
        assert fulfilled
        assert all(c["reporting_health"] == "closed" for c in fulfilled)

    def test_dates_and_statement(self, client: TestClient) -> None:
        due = walk(client, "/v1/commitments?due_before=2026-01-01&limit=100")
        assert all(c["due_on"] and c["due_on"] < "2026-01-01" for c in due)
        made = walk(client, "/v1/commitments?made_from=2022-06-10&made_to=2022-06-10&limit=100")
        assert made
        assert all(c["made_on"] == "2022-06-10" for c in made)
        from_seed = walk(client, f"/v1/commitments?statement={SEED}&limit=100")
        assert {c["id"] for c in from_seed} == {
            c["id"] for c in walk(client, f"/v1/statements/{SEED}/commitments")
        }
        assert client.get("/v1/commitments?statement=nope").status_code == 422

    def test_walk_by_code_returns_each_once_in_order(self, client: TestClient) -> None:
        items = walk(client, "/v1/commitments?sort=code&limit=3")
        codes = [c["code"] for c in items]
        assert codes == sorted(codes)
        assert len(codes) == len(set(codes)) >= 20


class TestDetail:
    def test_fulfilled_commitment_has_its_evidence(self, client: TestClient) -> None:
        fulfilled = walk(client, "/v1/commitments?status=fulfilled&limit=100")
        details = [client.get(f"/v1/commitments/{c['code'].lower()}").json() for c in fulfilled]
        with_evidence = [d for d in details if any(u["evidence"] for u in d["progress_updates"])]
        assert with_evidence
        last = with_evidence[0]["progress_updates"][-1]
        assert last["status"] == "fulfilled" or last["status"] is None

    def test_updates_are_oldest_first_and_chain_statuses(self, client: TestClient) -> None:
        for item in walk(client, "/v1/commitments?limit=100"):
            detail = client.get(f"/v1/commitments/{item['id']}").json()
            status = "announced"
            for update in detail["progress_updates"]:
                assert update["status_before"] == status
                status = update["status"] or status
            assert status == detail["implementation_status"]

    def test_unknown_commitment_is_404(self, client: TestClient) -> None:
        assert client.get("/v1/commitments/NOPE-1").status_code == 404


def test_kind_filter_keeps_commitments_of_any_of_the_kinds(client: TestClient) -> None:
    every = walk(client, "/v1/commitments?limit=100")
    for kinds in (["financial"], ["policy", "material"]):
        query = "".join(f"kind={kind}&" for kind in kinds)
        listed = walk(client, f"/v1/commitments?{query}limit=100")
        expected = [c["id"] for c in every if set(c["kinds"]) & set(kinds)]
        assert expected
        assert [c["id"] for c in listed] == expected
    assert client.get("/v1/commitments?kind=grant").status_code == 422


class TestSummary:
    def test_counts_equal_the_filtered_list_lengths(self, client: TestClient) -> None:
        self.check(client, "")

    def test_counts_under_a_filter(self, client: TestClient) -> None:
        self.check(client, "made_from=2022-06-01&made_to=2022-12-31&")

    def check(self, client: TestClient, base: str) -> None:
        counts = client.get(f"/v1/commitments/summary?{base.rstrip('&')}").json()
        assert counts["total"] == len(walk(client, f"/v1/commitments?{base}limit=100"))
        parameters = {
            "by_status": "status",
            "by_reporting_health": "reporting_health",
            "by_actor_type": "actor_type",
            "by_term": "term",
            "by_region": "place",
        }
        for bucket_name, parameter in parameters.items():
            assert counts[bucket_name], bucket_name
            for bucket in counts[bucket_name]:
                listed = walk(
                    client, f"/v1/commitments?{base}{parameter}={bucket['key']}&limit=100"
                )
                assert len(listed) == bucket["count"], (bucket_name, bucket["key"])

    def test_counts_are_the_list_facets(self, client: TestClient) -> None:
        """One engine: the dashboard's buckets are the list's facets (regions aside)."""
        base = "place=019&made_from=2022-01-01"
        counts = client.get(f"/v1/commitments/summary?{base}").json()
        facets = client.get(
            f"/v1/commitments?{base}&facets=status,health,actor_type,term&limit=1"
        ).json()["facets"]
        for bucket_name, facet in (
            ("by_status", "status"),
            ("by_reporting_health", "health"),
            ("by_actor_type", "actor_type"),
            ("by_term", "term"),
        ):
            listed = {v["value"]: v["count"] for v in facets[facet]}
            assert {b["key"]: b["count"] for b in counts[bucket_name]} == listed, facet


def test_listing_takes_the_same_number_of_queries_whatever_the_page_size(
    client: TestClient, session: Session, count_queries: QueryCounter
) -> None:
    iom = actor_id_for("iom")
    for n in range(100):
        make_commitment(
            session,
            made_on=date(2020, 1, 1 + n % 28),
            places=("HND", "019"),
            terms=("gcm:21", "sdg:10.7"),
            actors=((iom, ActorRole.LEAD),),
        )
    counts = []
    for limit in (5, 50, 100):
        count_queries.count = 0
        response = client.get(f"/v1/commitments?limit={limit}&made_to=2020-12-31")
        assert len(response.json()["items"]) == limit
        assert all(item["actors"] and item["places"] for item in response.json()["items"])
        counts.append(count_queries.count)
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 10
