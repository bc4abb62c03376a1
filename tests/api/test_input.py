"""Input hygiene outside bodies: the text rule on path, query and headers (before routing), empty
cursors, date filters; and the guard that every body model is built on the `Input` base."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.api.hygiene import HygieneMiddleware
from app.api.text import Input

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
