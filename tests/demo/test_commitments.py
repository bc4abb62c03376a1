"""Demo commitments obey the rules live ones do: never updated before their last report, and
every quote stands verbatim in the paragraph it cites, in its language (checked over HTTP)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.demo.commitments import commitment_id_for, demo_commitment_data
from tests.factories import make_key


@pytest.fixture
def preview(session: Session) -> dict[str, str]:
    return make_key(session, Scope.CONTENT_PREVIEW)


def demo_details(client: TestClient, headers: dict[str, str], lang: str) -> list[dict[str, Any]]:
    ids = [commitment_id_for(entry["key"]) for entry in demo_commitment_data()["commitments"]]
    details = []
    for commitment_id in ids:
        response = client.get(
            f"/v1/commitments/{commitment_id}?preview=true&lang={lang}", headers=headers
        )
        assert response.status_code == 200, commitment_id
        details.append(response.json())
    return details


def test_no_demo_commitment_is_older_than_its_last_report(
    client: TestClient, preview: dict[str, str]
) -> None:
    details = demo_details(client, preview, "en")
    assert any(d["progress_updates"] for d in details)
    for detail in details:
        updated_on = detail["updated_at"][:10]
        assert updated_on >= detail["made_on"], detail["code"]
        for update in detail["progress_updates"]:
            assert updated_on >= update["reported_on"], detail["code"]
        if detail["last_reported_on"] is not None:
            assert updated_on >= detail["last_reported_on"], detail["code"]
    listed = client.get("/v1/commitments?limit=100&sort=-updated_at").json()["items"]
    assert listed
    for item in listed:
        assert (
            item["last_reported_on"] is None
            or item["updated_at"][:10] >= (item["last_reported_on"])
        )


def test_every_demo_quote_stands_in_its_cited_paragraph(
    client: TestClient, preview: dict[str, str]
) -> None:
    checked = 0
    for lang in ("en", "fr", "es"):
        for detail in demo_details(client, preview, lang):
            source = detail["source"]
            if detail["lang"] != lang or not source["anchor"] or not source["quote"]:
                continue
            statement = client.get(
                f"/v1/statements/{source['statement_id']}?preview=true&lang={lang}",
                headers=preview,
            ).json()
            assert statement["lang"] == lang, detail["code"]
            paragraphs = {p["anchor"]: p["text"] for p in statement["body"]}
            assert source["quote"] in paragraphs[source["anchor"]], (detail["code"], lang)
            checked += 1
    assert checked >= 10
