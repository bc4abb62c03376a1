"""Editorial rules: what cannot be meant is refused with a 409 or 422 that says why, and a
statement edit never orphans a commitment's citation."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from tests.factories import make_key

EDITOR = (
    Scope.STATEMENTS_WRITE,
    Scope.COMMITMENTS_WRITE,
    Scope.CONTENT_PUBLISH,
    Scope.CONTENT_PREVIEW,
)
CITED = "The Organization will train two hundred border officials by the end of 2027."
OTHER = "Partners welcomed the announcement."
CITADO = "La Organización formará a doscientos funcionarios fronterizos antes de fines de 2027."


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *EDITOR)


def translation(slug: str, paragraphs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": "Rules statement",
        "summary": "Summary.",
        "body": [{"anchor": anchor, "text": text} for anchor, text in paragraphs],
    }


def new_statement(client: TestClient, editor: dict[str, str]) -> Any:
    body = {
        "type": "news",
        "translations": {
            "en": translation("rules-statement", [("training", CITED), ("welcome", OTHER)]),
            "es": translation("rules-declaracion", [("training", CITADO)]),
        },
    }
    response = client.post("/v1/statements", json=body, headers=editor)
    assert response.status_code == 201, response.text
    return response


def new_commitment(
    client: TestClient, editor: dict[str, str], statement_id: str, code: str = "RULES-2026-01"
) -> Any:
    body = {
        "code": code,
        "actors": [{"id": "iom", "role": "lead"}],
        "made_on": "2026-11-01",
        "source": {"statement_id": statement_id, "anchor": "training"},
        "translations": {
            "en": {"title": "Training", "summary": "S.", "text": "T.", "quote": "two hundred"},
            "es": {"title": "Formación", "summary": "S.", "text": "T.", "quote": "doscientos"},
        },
    }
    response = client.post("/v1/commitments", json=body, headers=editor)
    assert response.status_code == 201, response.text
    return response


def post(client: TestClient, editor: dict[str, str], url: str, etag: str, **body: Any) -> Any:
    return client.post(url, json=body or None, headers={**editor, "If-Match": etag})


class TestUnpublish:
    @pytest.mark.parametrize("kind", ["statements", "commitments"])
    def test_unpublishing_what_is_not_published_is_a_409_that_changes_nothing(
        self, client: TestClient, editor: dict[str, str], kind: str
    ) -> None:
        statement = new_statement(client, editor)
        if kind == "commitments":  # a commitment goes public only with a public source
            source = f"/v1/statements/{statement.json()['id']}/publish"
            assert post(client, editor, source, statement.headers["etag"]).status_code == 200
        created = (
            statement
            if kind == "statements"
            else new_commitment(client, editor, statement.json()["id"])
        )
        url = f"/v1/{kind}/{created.json()['id']}"
        refused = post(client, editor, f"{url}/unpublish", created.headers["etag"])
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        assert "draft" in refused.json()["detail"]
        after = client.get(f"{url}/editorial", headers=editor)
        assert after.headers["etag"] == created.headers["etag"]  # no new version
        assert after.json()["publication_status"] == "draft"

        published = post(client, editor, f"{url}/publish", created.headers["etag"])
        assert published.status_code == 200
        unpublished = post(client, editor, f"{url}/unpublish", published.headers["etag"])
        assert unpublished.status_code == 200
        assert unpublished.json()["publication_status"] == "draft"

    def test_a_withdrawn_commitment_cannot_be_unpublished(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement = new_statement(client, editor)
        source = f"/v1/statements/{statement.json()['id']}/publish"
        assert post(client, editor, source, statement.headers["etag"]).status_code == 200
        created = new_commitment(client, editor, statement.json()["id"])
        url = f"/v1/commitments/{created.json()['id']}"
        published = post(client, editor, f"{url}/publish", created.headers["etag"])
        assert published.status_code == 200
        withdrawn = post(
            client, editor, f"{url}/withdraw", published.headers["etag"], note="Superseded."
        )
        assert withdrawn.status_code == 200
        refused = post(client, editor, f"{url}/unpublish", withdrawn.headers["etag"])
        assert refused.status_code == 409
        assert "withdrawn" in refused.json()["detail"]


class TestDates:
    def test_a_due_date_before_the_commitment_was_made_is_refused(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement_id = new_statement(client, editor).json()["id"]
        body = {
            "code": "RULES-2026-02",
            "actors": [{"id": "iom", "role": "lead"}],
            "made_on": "2026-11-01",
            "due_on": "2026-10-31",
            "source": {"statement_id": statement_id, "anchor": "training"},
            "translations": {"en": {"title": "T", "summary": "S.", "text": "T."}},
        }
        refused = client.post("/v1/commitments", json=body, headers=editor)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["pointer"] == "#/due_on"

        created = new_commitment(client, editor, statement_id)
        url = f"/v1/commitments/{created.json()['id']}"
        etag = created.headers["etag"]
        patched = client.patch(
            url, json={"due_on": "2026-10-01"}, headers={**editor, "If-Match": etag}
        )
        assert patched.status_code == 422
        assert patched.json()["errors"][0]["pointer"] == "#/due_on"
        same_day = client.patch(
            url, json={"due_on": "2026-11-01"}, headers={**editor, "If-Match": etag}
        )
        assert same_day.status_code == 200


class TestCitations:
    def patch_statement(
        self, client: TestClient, editor: dict[str, str], statement_id: str, body: Any
    ) -> Any:
        url = f"/v1/statements/{statement_id}"
        etag = client.get(f"{url}/editorial", headers=editor).headers["etag"]
        return client.patch(url, json=body, headers={**editor, "If-Match": etag})

    def test_removing_a_cited_paragraph_is_refused_naming_the_commitments(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement_id = new_statement(client, editor).json()["id"]
        commitment = new_commitment(client, editor, statement_id).json()
        without = {"translations": {"en": translation("rules-statement", [("welcome", OTHER)])}}
        refused = self.patch_statement(client, editor, statement_id, without)
        assert refused.status_code == 409
        detail = refused.json()["detail"]
        assert "RULES-2026-01" in detail
        assert commitment["id"] in detail
        assert "training" in detail
        body = client.get(f"/v1/statements/{statement_id}/editorial", headers=editor).json()
        assert [p["anchor"] for p in body["translations"]["en"]["body"]] == [
            "training",
            "welcome",
        ]

    def test_removing_the_translation_a_quote_stands_in_is_refused(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement_id = new_statement(client, editor).json()["id"]
        new_commitment(client, editor, statement_id)
        refused = self.patch_statement(client, editor, statement_id, {"translations": {"es": None}})
        assert refused.status_code == 409
        assert "RULES-2026-01" in refused.json()["detail"]

    def test_rewording_a_cited_paragraph_must_keep_each_quote(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement_id = new_statement(client, editor).json()["id"]
        new_commitment(client, editor, statement_id)
        reworded = CITED.replace("two hundred", "200")
        broken = {
            "translations": {
                "en": translation("rules-statement", [("training", reworded), ("welcome", OTHER)])
            }
        }
        assert self.patch_statement(client, editor, statement_id, broken).status_code == 409
        kept = CITED.replace("border officials", "border and customs officials")
        fine = {"translations": {"en": translation("rules-statement", [("training", kept)])}}
        accepted = self.patch_statement(client, editor, statement_id, fine)
        assert accepted.status_code == 200, accepted.text
        assert [p["text"] for p in accepted.json()["translations"]["en"]["body"]] == [kept]

    def test_a_deleted_commitment_no_longer_holds_its_paragraph(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        statement_id = new_statement(client, editor).json()["id"]
        created = new_commitment(client, editor, statement_id)
        deleted = client.delete(
            f"/v1/commitments/{created.json()['id']}",
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        assert deleted.status_code == 204
        without = {"translations": {"en": translation("rules-statement", [("welcome", OTHER)])}}
        assert self.patch_statement(client, editor, statement_id, without).status_code == 200
