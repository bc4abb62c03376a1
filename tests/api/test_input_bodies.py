"""Input hygiene in bodies: the text rule on every string, sanitized rich text, finite numbers,
sane dates, safe menu targets, served languages only, and errors that point into the body."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from tests.factories import make_key


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *Scope)


def statement_body(**translation: Any) -> dict[str, Any]:
    text = {"slug": "hygiene-test", "title": "T", "summary": "S.", "body": [{"text": "P."}]}
    return {"type": "news", "translations": {"en": {**text, **translation}}}


def pointers(response: Any) -> list[str]:
    return [error.get("pointer") for error in response.json()["errors"]]


def new_commitment(text: str = "T.", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "HYGIENE-1",
        "actors": [{"id": "iom", "role": "lead"}],
        "made_on": "2026-11-01",
        "translations": {"en": {"title": "A pledge", "summary": "S.", "text": text}},
    }
    body.update(overrides)
    return body


class TestBodies:
    @pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "c1\x85control", "half\ud800"])
    def test_commitment_texts_and_key_names_refuse_control_characters(
        self, client: TestClient, editor: dict[str, str], bad: str
    ) -> None:
        key = client.post(
            "/v1/keys",
            content=json.dumps({"name": bad, "scopes": ["content:preview"]}),
            headers={**editor, "Content-Type": "application/json"},
        )
        assert key.status_code == 422
        assert pointers(key) == ["#/name"]
        body = new_commitment(text=bad)
        commitment = client.post(
            "/v1/commitments",
            content=json.dumps(body),
            headers={**editor, "Content-Type": "application/json"},
        )
        assert commitment.status_code == 422
        assert pointers(commitment) == ["#/translations/en/text"]

    def test_commitment_text_is_sanitized(self, client: TestClient, editor: dict[str, str]) -> None:
        body = new_commitment(text='<script>alert(1)</script><b onclick="x()">Help</b>')
        created = client.post("/v1/commitments", json=body, headers=editor)
        assert created.status_code == 201, created.text
        assert created.json()["translations"]["en"]["text"] == "<b>Help</b>"

    @pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
    def test_indicator_numbers_must_be_finite(
        self, client: TestClient, editor: dict[str, str], number: str
    ) -> None:
        raw = json.dumps(new_commitment(indicators=[{"names": {"en": "People"}, "target": 0}]))
        raw = raw.replace('"target": 0', f'"target": {number}')
        response = client.post(
            "/v1/commitments", content=raw, headers={**editor, "Content-Type": "application/json"}
        )
        assert response.status_code == 422
        assert pointers(response) == ["#/indicators/0/target"]

    def test_key_expiry_needs_a_time_zone_and_a_sane_year(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        for expires_at in ("2027-01-01T00:00:00", "9999-12-31T23:59:59-05:00"):
            response = client.post(
                "/v1/keys",
                json={"name": "k", "scopes": ["content:preview"], "expires_at": expires_at},
                headers=editor,
            )
            assert response.status_code == 422, expires_at
            assert pointers(response) == ["#/expires_at"]

    def test_schedule_refuses_year_one(self, client: TestClient, editor: dict[str, str]) -> None:
        created = client.post("/v1/statements", json=statement_body(), headers=editor)
        response = client.post(
            f"/v1/statements/{created.json()['id']}/schedule",
            json={"publish_at": "0001-01-01T00:00:00Z"},
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        assert response.status_code == 422
        assert pointers(response) == ["#/publish_at"]

    def test_a_withdrawal_note_fits_its_column(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        created = client.post("/v1/statements", json=statement_body(), headers=editor)
        response = client.post(
            f"/v1/statements/{created.json()['id']}/withdraw",
            json={"note": "n" * 1001},
            headers={**editor, "If-Match": created.headers["etag"]},
        )
        assert response.status_code == 422
        assert pointers(response) == ["#/note"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("route", "//other.host/x"),
            ("route", "/a/../b"),
            ("route", "/a/./b"),
            ("route", "/a//b"),
            ("route", "relative"),
            ("url", "http://www.iom.int/"),
            ("url", "javascript:alert(1)"),
        ],
    )
    def test_menu_targets_are_site_paths_or_https_urls(
        self, client: TestClient, editor: dict[str, str], field: str, value: str
    ) -> None:
        kind = "route" if field == "route" else "external"
        response = client.post(
            "/v1/navigation/main/items",
            json={"kind": kind, field: value, "labels": {"en": "X"}},
            headers=editor,
        )
        assert response.status_code == 422
        assert pointers(response) == [f"#/{field}"]

    def test_good_menu_targets_are_taken(self, client: TestClient, editor: dict[str, str]) -> None:
        for kind, field, value in (
            ("route", "route", "/our-work/what-we-do"),
            ("external", "url", "https://www.iom.int/news"),
        ):
            response = client.post(
                "/v1/navigation/main/items",
                json={"kind": kind, field: value, "labels": {"en": "X"}},
                headers=editor,
            )
            assert response.status_code == 201, response.text

    @pytest.mark.parametrize(
        ("method", "path", "body", "pointer"),
        [
            ("POST", "/v1/statements", statement_body(), "#/translations/de"),
            ("POST", "/v1/topics", {"slug": "t", "names": {"de": "T"}}, "#/names/de"),
            (
                "POST",
                "/v1/actors",
                {"slug": "a", "type": "ngo", "names": {"en": "A"}, "acronyms": {"fr-CA": "A"}},
                "#/acronyms/fr-CA",
            ),
            (
                "POST",
                "/v1/navigation/main/items",
                {"kind": "route", "route": "/x", "labels": {"en": "X"}, "blurbs": {"pt": "B"}},
                "#/blurbs/pt",
            ),
            ("POST", "/v1/navigation", {"key": "side", "names": {"zh": "S"}}, "#/names/zh"),
        ],
    )
    def test_translations_only_in_served_languages(
        self,
        client: TestClient,
        editor: dict[str, str],
        method: str,
        path: str,
        body: dict[str, Any],
        pointer: str,
    ) -> None:
        if path == "/v1/statements":
            body = {**body, "translations": {"de": body["translations"]["en"]}}
        response = client.request(method, path, json=body, headers=editor)
        assert response.status_code == 422, response.text
        assert pointers(response) == [pointer]
        assert "en, es, fr" in response.json()["errors"][0]["detail"]

    def test_commitment_translations_only_in_served_languages(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        body = new_commitment()
        body["translations"]["it"] = body["translations"]["en"]
        response = client.post("/v1/commitments", json=body, headers=editor)
        assert response.status_code == 422
        assert pointers(response) == ["#/translations/it"]

    def test_an_unknown_body_key_is_named_only_when_plainly_a_name(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        plain = client.post(
            "/v1/statements", json={**statement_body(), "status": 1}, headers=editor
        )
        assert pointers(plain) == ["#/status"]
        hostile = client.post(
            "/v1/statements", json={**statement_body(), "<secret> x": 1}, headers=editor
        )
        assert hostile.status_code == 422
        assert pointers(hostile) == ["#"]
        assert "secret" not in hostile.text

    def test_unknown_codes_point_at_the_item(
        self, client: TestClient, editor: dict[str, str]
    ) -> None:
        body = {**statement_body(), "places": ["HND", "ZZZ"], "terms": ["nope:1"]}
        response = client.post("/v1/statements", json=body, headers=editor)
        assert response.status_code == 422
        assert pointers(response) == ["#/places/1"]
        body = {**statement_body(), "topics": ["migration-governance", "nope"]}
        response = client.post("/v1/statements", json=body, headers=editor)
        assert pointers(response) == ["#/topics/1"]
        response = client.post(
            "/v1/commitments", json=new_commitment(terms=["gcm:21", "nope:1"]), headers=editor
        )
        assert pointers(response) == ["#/terms/1"]
        actors = [{"id": "iom", "role": "lead"}, {"id": "nobody", "role": "partner"}]
        response = client.post(
            "/v1/commitments", json=new_commitment(actors=actors), headers=editor
        )
        assert pointers(response) == ["#/actors/1/id"]

    def test_query_filters_still_name_the_parameter(self, client: TestClient) -> None:
        response = client.get("/v1/statements?place=ZZZ")
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "place"
        assert "pointer" not in response.json()["errors"][0]
