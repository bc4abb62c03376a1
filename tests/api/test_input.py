"""Input hygiene: one text rule for path, query, headers and bodies; finite numbers, sane dates,
safe menu targets, served languages only; body errors that point into the body."""

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.api.hygiene import HygieneMiddleware
from app.api.text import Input
from app.auth.models import Scope
from tests.factories import make_key

EVERY_SCOPE = tuple(Scope)
LISTS = [
    "/v1/statements",
    "/v1/commitments",
    "/v1/actors",
    "/v1/navigation",
    "/v1/places",
    "/v1/topics",
    "/v1/frameworks",
    "/v1/frameworks/gcm/terms",
    "/v1/statements/iom-statement-los-angeles-declaration-migration-and-protection/commitments",
]


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *EVERY_SCOPE)


def statement_body(**translation: Any) -> dict[str, Any]:
    text = {"slug": "hygiene-test", "title": "T", "summary": "S.", "body": [{"text": "P."}]}
    return {"type": "news", "translations": {"en": {**text, **translation}}}


def pointers(response: Any) -> list[str]:
    return [error.get("pointer") for error in response.json()["errors"]]


class TestCursor:
    @pytest.mark.parametrize("path", LISTS)
    @pytest.mark.parametrize("cursor", ["", "%20%20", "%09"])
    def test_an_empty_cursor_is_an_invalid_cursor_problem(
        self, client: TestClient, path: str, cursor: str
    ) -> None:
        response = client.get(f"{path}?cursor={cursor}")
        assert response.status_code == 400
        assert response.json()["type"] == "/problems/invalid-cursor"
        assert response.json()["errors"] == [
            {"parameter": "cursor", "detail": "An empty cursor names no position."}
        ]


class TestPathQueryHeaders:
    def test_nul_in_a_path_parameter_is_a_422_naming_it(self, client: TestClient) -> None:
        response = client.get("/v1/statements/abc%00def")
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "id_or_slug"
        assert "abc" not in response.text

    def test_control_characters_in_a_query_value_are_a_422_naming_it(
        self, client: TestClient
    ) -> None:
        for value in ("%00", "x%07y", "%C2%85"):
            response = client.get(f"/v1/statements?place={value}")
            assert response.status_code == 422, value
            assert response.json()["type"] == "/problems/invalid-parameters"
            assert response.json()["errors"][0]["parameter"] == "place"

    def test_a_bad_query_name_is_not_echoed(self, client: TestClient) -> None:
        response = client.get("/v1/statements?se%00cret=1")
        assert response.status_code == 422
        assert "parameter" not in response.json()["errors"][0]
        assert "cret" not in response.text

    @pytest.mark.parametrize(
        "header", ["Authorization", "Accept-Language", "If-None-Match", "Idempotency-Key"]
    )
    def test_control_characters_in_a_read_header_are_a_400_naming_it(
        self, client: TestClient, header: str
    ) -> None:
        response = client.get("/v1/statements", headers={header: "a\x01b"})
        assert response.status_code == 400
        assert response.json()["type"] == "/problems/bad-request"
        assert response.json()["errors"][0]["parameter"] == header
        assert response.headers["x-request-id"]

    @pytest.mark.parametrize(
        "query",
        [
            "/v1/statements?published_to=9999-12-31",
            "/v1/statements?published_from=0001-01-01",
            "/v1/commitments?due_before=9999-12-31",
            "/v1/commitments/summary?made_from=1899-12-31",
        ],
    )
    def test_date_filters_fall_between_1900_and_2200(self, client: TestClient, query: str) -> None:
        response = client.get(query)
        assert response.status_code == 422
        name = query.split("?")[1].split("=")[0]
        assert response.json()["errors"][0]["parameter"] == name

    def test_other_headers_are_not_the_apis_business(self, client: TestClient) -> None:
        assert client.get("/v1/statements", headers={"X-Tracking": "a\x01b"}).status_code == 200

    def test_path_and_query_reach_the_app_in_nfc(self) -> None:
        async def echo(request: Request) -> JSONResponse:
            return JSONResponse({"path": request.url.path, "q": request.query_params["q"]})

        inner = Starlette(routes=[Route("/{name}", echo)])
        with TestClient(HygieneMiddleware(inner)) as client:
            seen = client.get("/Cafe%CC%81?q=Cafe%CC%81").json()
        assert seen == {"path": "/Caf\u00e9", "q": "Caf\u00e9"}


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
        actors = [{"actor": "iom", "role": "lead"}, {"actor": "nobody", "role": "partner"}]
        response = client.post(
            "/v1/commitments", json=new_commitment(actors=actors), headers=editor
        )
        assert pointers(response) == ["#/actors/1/actor"]

    def test_query_filters_still_name_the_parameter(self, client: TestClient) -> None:
        response = client.get("/v1/statements?place=ZZZ")
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "place"
        assert "pointer" not in response.json()["errors"][0]


def new_commitment(text: str = "T.", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "HYGIENE-1",
        "actors": [{"actor": "iom", "role": "lead"}],
        "made_on": "2026-11-01",
        "translations": {"en": {"title": "A pledge", "summary": "S.", "text": text}},
    }
    body.update(overrides)
    return body


def _subclasses(cls: type[Any]) -> set[str]:
    found: set[str] = set()
    for sub in cls.__subclasses__():
        found |= {sub.__name__} | _subclasses(sub)
    return found


def test_every_request_body_is_built_on_the_input_base(app: FastAPI) -> None:
    """Bodies refuse unknown fields and non-finite numbers because every model in them derives
    from `app.api.text.Input` (its string fields use the annotated types of the same module)."""
    spec = app.openapi()
    schemas = spec["components"]["schemas"]

    def refs(node: Any) -> set[str]:
        if isinstance(node, dict):
            own = {node["$ref"].rsplit("/", 1)[1]} if "$ref" in node else set()
            return own.union(*(refs(value) for value in node.values()))
        if isinstance(node, list):
            return set().union(*(refs(value) for value in node))
        return set()

    bodies: set[str] = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            todo = refs(operation.get("requestBody", {}))
            while todo:
                name = todo.pop()
                bodies.add(name)
                todo |= refs(schemas[name]) - bodies
    models = {name for name in bodies if schemas[name].get("type") == "object"}
    assert "StatementCreate" in models
    assert models <= _subclasses(Input)
