"""HTTP semantics: HEAD everywhere GET is, If-Match as RFC 9110 means it, validators that never
go back in time, and freshness that ends at the next known go-live."""

from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.changes import service as changes_service
from app.db import utcnow
from tests.commitments.test_editing import new_commitment
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_key
from tests.statements.test_editing import create, draft

SEED = "/v1/statements/iom-statement-los-angeles-declaration-migration-and-protection"


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(
        session,
        Scope.STATEMENTS_WRITE,
        Scope.COMMITMENTS_WRITE,
        Scope.CONTENT_PUBLISH,
        Scope.CONTENT_PREVIEW,
    )


def max_age(response: Any) -> int:
    directives = dict(
        part.strip().split("=") for part in response.headers["cache-control"].split(",")[1:]
    )
    return int(directives["max-age"])


class TestHead:
    @pytest.mark.parametrize(
        "url", ["/v1/statements?limit=2", SEED, "/v1/navigation/main", "/v1/topics", "/health/live"]
    )
    def test_head_sends_the_headers_of_get_and_no_body(self, client: TestClient, url: str) -> None:
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == 200
        assert head.content == b""
        for name in ("etag", "cache-control", "content-type", "content-length", "link"):
            assert head.headers.get(name) == get.headers.get(name), name
        assert head.headers["x-content-type-options"] == "nosniff"

    def test_head_answers_304_like_get(self, client: TestClient) -> None:
        etag = client.get(SEED).headers["etag"]
        head = client.head(SEED, headers={"If-None-Match": etag})
        assert head.status_code == 304
        assert head.headers["etag"] == etag

    def test_head_where_there_is_no_get_is_a_405_and_errors_have_no_body(
        self, client: TestClient
    ) -> None:
        action = client.head("/v1/statements/stm_01j00000000000000000000000/publish")
        assert action.status_code == 405
        assert action.headers["allow"] == "POST"
        assert action.content == b""
        missing = client.head("/v1/statements/no-such-statement")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.content == b""

    def test_the_openapi_document_lists_head_for_every_get(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()
        ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
        assert len(ids) == len(set(ids))
        for path, item in document["paths"].items():
            assert ("head" in item) == ("get" in item), path
            if "head" in item:
                assert set(item["head"]["responses"]) == set(item["get"]["responses"]), path
                assert all("content" not in r for r in item["head"]["responses"].values())


class TestIfMatch:
    def patch(
        self, client: TestClient, editor: dict[str, str], statement_id: str, *tags: str
    ) -> Any:
        headers: list[tuple[str, str]] = [*editor.items(), *(("If-Match", tag) for tag in tags)]
        return client.patch(
            f"/v1/statements/{statement_id}", json={"topics": ["displacement"]}, headers=headers
        )

    def test_a_star_is_refused_with_a_reason(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement_id = create(client, editor).json()["id"]
        response = self.patch(client, editor, statement_id, "*")
        assert response.status_code == 428
        assert response.json()["type"] == "/problems/precondition-required"
        assert "*" in response.json()["detail"]
        assert self.patch(client, editor, statement_id, "stm.1").status_code == 428  # unquoted

    def test_a_list_matches_when_any_member_is_current(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        created = create(client, editor)
        statement_id, etag = created.json()["id"], created.headers["etag"]
        # One field line, the current tag last and a weak tag first.
        first = self.patch(client, editor, statement_id, f'W/"x.1", "{statement_id}.0", {etag}')
        assert first.status_code == 200
        # Repeated field lines mean the same as one comma-separated line (RFC 9110 §5.3);
        # only the first line was read before, so a list sent that way never matched.
        second = self.patch(client, editor, statement_id, '"x.1"', first.headers["etag"])
        assert second.status_code == 200
        # Strong comparison: the current tag marked weak does not match.
        weak = self.patch(client, editor, statement_id, '"x.1"', "W/" + second.headers["etag"])
        assert weak.status_code == 412
        stale = self.patch(client, editor, statement_id, etag, first.headers["etag"])
        assert stale.status_code == 412
        assert stale.headers["etag"] == second.headers["etag"]


class TestValidatorsNeverGoBack:
    def test_withdrawing_the_newest_statement_changes_last_modified(
        self, client: TestClient, editor: dict[str, str], clock: Clock
    ) -> None:
        # The suite's demo content was committed with the wall clock: start after it.
        clock.now = utcnow() + timedelta(hours=1)
        created = create(client, editor)
        published = client.post(
            f"/v1/statements/{created.json()['id']}/publish",
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        listed = client.get("/v1/statements?limit=5")
        assert listed.json()["items"][0]["id"] == created.json()["id"]
        last_modified = listed.headers["last-modified"]
        clock.now += timedelta(seconds=5)
        withdrawn = client.post(
            f"/v1/statements/{created.json()['id']}/withdraw",
            json={"note": "Issued in error."},
            headers={**editor, "If-Match": published.headers["etag"]},
        )
        assert withdrawn.status_code == 200
        again = client.get("/v1/statements?limit=5", headers={"If-Modified-Since": last_modified})
        assert again.status_code == 200
        assert created.json()["id"] not in {item["id"] for item in again.json()["items"]}
        before = parsedate_to_datetime(last_modified)
        assert parsedate_to_datetime(again.headers["last-modified"]) > before
        # And it is a validator that works: the new date gives a 304.
        current = {"If-Modified-Since": again.headers["last-modified"]}
        assert client.get("/v1/statements?limit=5", headers=current).status_code == 304

    def test_the_change_time_never_moves_back(self, session: Session) -> None:
        later = utcnow() + timedelta(days=1)
        changes_service.bump(session, at=later)
        # A go-live announced afterwards is dated when it happened, which may be earlier.
        version = changes_service.bump(session, at=later - timedelta(hours=1))
        assert changes_service.current_state(session) == (version, later)


class TestFreshness:
    def test_scheduling_a_statement_shortens_what_a_cached_list_promises(
        self, client: TestClient, editor: dict[str, str], clock: Clock
    ) -> None:
        url = "/v1/statements?limit=3"
        assert max_age(client.get(url)) == 60
        statement = create(client, editor, slug="soon")
        at = FIXED_NOW + timedelta(seconds=30)
        scheduled = client.post(
            f"/v1/statements/{statement.json()['id']}/schedule",
            json={"publish_at": at.isoformat()},
            headers={**editor, "If-Match": statement.headers["etag"]},
        )
        assert scheduled.status_code == 200
        assert max_age(client.get(url)) == 30
        clock.now += timedelta(seconds=10)
        assert max_age(client.get(url)) == 20  # computed when served, not when cached
        earlier = client.post(
            f"/v1/statements/{statement.json()['id']}/schedule",
            json={"publish_at": (FIXED_NOW + timedelta(seconds=15)).isoformat()},
            headers={**editor, "If-Match": scheduled.headers["etag"]},
        )
        assert earlier.status_code == 200
        assert max_age(client.get(url)) == 5
        clock.now = FIXED_NOW + timedelta(seconds=15)
        assert client.get(url).json()["items"][0]["id"] == statement.json()["id"]

    def test_scheduling_a_commitment_shortens_what_a_cached_list_promises(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        url = "/v1/commitments?limit=3"
        assert max_age(client.get(url)) == 60
        created = client.post("/v1/commitments", json=new_commitment(client), headers=editor)
        assert created.status_code == 201
        at = FIXED_NOW + timedelta(seconds=40)
        scheduled = client.post(
            f"/v1/commitments/{created.json()['id']}/schedule",
            json={"publish_at": at.isoformat()},
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        assert scheduled.status_code == 200
        assert max_age(client.get(url)) == 40


class TestEveryErrorIsATypedProblem:
    def assert_problem(self, response: Any, status: int, slug: str) -> None:
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["type"] == f"/problems/{slug}"
        assert body["request_id"] == response.headers["x-request-id"]

    def test_an_over_long_url_is_a_414(self, client: TestClient) -> None:
        response = client.get("/v1/statements?topic=" + "a" * 9000)
        self.assert_problem(response, 414, "uri-too-long")
        assert "aaaa" not in response.text

    def test_a_body_that_is_not_json_is_a_415(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        response = client.post(
            "/v1/statements", content=b"type=news", headers={**editor, "Content-Type": "text/plain"}
        )
        self.assert_problem(response, 415, "unsupported-media-type")
        assert response.headers["accept"] == "application/json"
        no_type = client.post("/v1/statements", content=b"{}", headers=editor)
        self.assert_problem(no_type, 415, "unsupported-media-type")

    def test_malformed_json_is_a_400(self, client: TestClient, editor: dict[str, str]) -> None:
        response = client.post(
            "/v1/statements",
            content=b'{"type": "news", "secret-marker"',
            headers={**editor, "Content-Type": "application/json"},
        )
        self.assert_problem(response, 400, "malformed-body")
        assert "secret-marker" not in response.text
        merge_patch = client.post(
            "/v1/statements",
            json=draft(),
            headers={**editor, "Content-Type": "application/merge-patch+json"},
        )
        assert merge_patch.status_code == 201  # any JSON media type is JSON

    def test_an_over_large_body_is_a_413(self, client: TestClient, editor: dict[str, str]) -> None:
        response = client.post(
            "/v1/statements",
            content=b"[" + b"0," * 600_000 + b"0]",
            headers={**editor, "Content-Type": "application/json"},
        )
        self.assert_problem(response, 413, "content-too-large")

    def test_router_404_and_405(self, client: TestClient) -> None:
        self.assert_problem(client.get("/v1/nothing-here"), 404, "not-found")
        self.assert_problem(client.post("/v1/topics/x"), 405, "method-not-allowed")

    def test_a_refused_cors_preflight(self, settings: Any, engine: object) -> None:
        from app.main import create_app

        configured = settings.model_copy(update={"cors_origins": ("https://www.example.org",)})
        with TestClient(create_app(configured)) as client:
            refused = client.options(
                "/v1/statements",
                headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
            )
            self.assert_problem(refused, 400, "cors-refused")
            assert "evil" not in refused.text
            assert "access-control-allow-origin" not in refused.headers
            allowed = client.options(
                "/v1/statements",
                headers={
                    "Origin": "https://www.example.org",
                    "Access-Control-Request-Method": "GET",
                },
            )
            assert allowed.status_code == 200
            assert allowed.headers["x-content-type-options"] == "nosniff"
