"""A commitment's source holds: a cited statement cannot be deleted from under it, and a
published commitment cannot be pointed at a statement the public cannot see."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.commitments.test_editorial_rules import CITED, EDITOR, post, translation
from tests.factories import make_key


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *EDITOR)


def statement(client: TestClient, editor: dict[str, str], slug: str, *, public: bool) -> Any:
    body = {"type": "news", "translations": {"en": translation(slug, [("training", CITED)])}}
    created = client.post("/v1/statements", json=body, headers=editor)
    assert created.status_code == 201, created.text
    if not public:
        return created
    url = f"/v1/statements/{created.json()['id']}/publish"
    published = post(client, editor, url, created.headers["etag"])
    assert published.status_code == 200, published.text
    return published


def commitment(
    client: TestClient, editor: dict[str, str], code: str, source: dict[str, Any]
) -> Any:
    body = {
        "code": code,
        "actors": [{"id": "iom", "role": "lead"}],
        "made_on": "2026-11-01",
        "source": source,
        "translations": {"en": {"title": "Training", "summary": "S.", "text": "T."}},
    }
    created = client.post("/v1/commitments", json=body, headers=editor)
    assert created.status_code == 201, created.text
    return created


def delete(client: TestClient, editor: dict[str, str], url: str) -> Any:
    etag = client.get(f"{url}/editorial", headers=editor).headers["etag"]
    return client.delete(url, headers={**editor, "If-Match": etag})


class TestDeletingACitedStatement:
    def test_is_refused_naming_every_citing_commitment_until_none_is_left(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        cited = statement(client, editor, "cited-statement", public=True)
        statement_id = cited.json()["id"]
        paragraph = commitment(
            client, editor, "CITE-2026-01", {"statement_id": statement_id, "anchor": "training"}
        )
        whole = commitment(client, editor, "CITE-2026-02", {"statement_id": statement_id})
        url = f"/v1/statements/{statement_id}"

        refused = delete(client, editor, url)
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        detail = refused.json()["detail"]
        for created in (paragraph, whole):
            assert created.json()["code"] in detail
            assert created.json()["id"] in detail
        assert client.get(url).status_code == 200  # still there

        for created in (paragraph, whole):
            gone = delete(client, editor, f"/v1/commitments/{created.json()['id']}")
            assert gone.status_code == 204, gone.text
        assert delete(client, editor, url).status_code == 204
        assert client.get(url).status_code == 404


class TestPointingAPublishedCommitmentAtAHiddenStatement:
    def test_is_refused_and_changes_nothing(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        public_id = statement(client, editor, "public-source", public=True).json()["id"]
        draft_id = statement(client, editor, "draft-source", public=False).json()["id"]
        created = commitment(client, editor, "CITE-2026-03", {"statement_id": public_id})
        url = f"/v1/commitments/{created.json()['id']}"
        published = post(client, editor, f"{url}/publish", created.headers["etag"])
        assert published.status_code == 200

        refused = client.patch(
            url,
            json={"source": {"statement_id": draft_id}},
            headers={**editor, "If-Match": published.headers["etag"]},
        )
        assert refused.status_code == 409
        assert "not public" in refused.json()["detail"]
        after = client.get(f"{url}/editorial", headers=editor)
        assert after.headers["etag"] == published.headers["etag"]
        assert after.json()["source"]["statement_id"] == public_id
        assert draft_id not in client.get(url).text

    def test_a_draft_commitment_may_cite_a_draft_statement(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        public_id = statement(client, editor, "public-source", public=True).json()["id"]
        draft_id = statement(client, editor, "draft-source", public=False).json()["id"]
        created = commitment(client, editor, "CITE-2026-04", {"statement_id": public_id})
        patched = client.patch(
            f"/v1/commitments/{created.json()['id']}",
            json={"source": {"statement_id": draft_id}},
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["source"]["statement_id"] == draft_id
