"""The OpenAPI document is part of the product: valid 3.1, complete, and usable offline."""

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from openapi_spec_validator import validate

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_openapi_is_valid_3_1(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_operation_is_documented(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("description"), where
            responses = operation["responses"]
            assert {"200", "201", "202", "204"} & set(responses), where
            if method not in ("get", "head"):
                assert "401" in responses, where
                assert operation["security"] == [{"apiKey": []}], where
            assert "500" in responses, where
            for status, response in responses.items():
                if int(status) >= 400 and method != "head":  # HEAD: headers only
                    assert list(response["content"]) == ["application/problem+json"], where


def test_every_response_schema_has_an_example(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        if not path.startswith("/v1/") or "get" not in item:
            continue
        content = item["get"]["responses"]["200"]["content"]
        for media_type, other in content.items():  # feeds, JSON-LD: an example of their own
            if media_type != "application/json" and "$ref" not in other["schema"]:
                assert other.get("example"), f"{path}: {media_type} has no example"
        if "application/json" not in content:  # a feed: a JSON Feed's model has examples
            content = {"application/json": next(iter(content.values()))}
        schema = content["application/json"]["schema"]
        if "$ref" not in schema and "items" not in schema:
            continue  # an XML feed: its example is checked above
        schema = schema.get("items", schema)  # a bare array: its items' schema
        for name in _models(schemas, schema):
            assert schemas[name].get("examples"), f"{path}: {name} has no example"


def _models(schemas: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The models a response schema names: each of an `anyOf` (a shaped route's profiles and
    its sparse model), a page's items."""
    if "anyOf" in schema:
        return [name for option in schema["anyOf"] for name in _models(schemas, option)]
    name: str = schema["$ref"].rsplit("/", 1)[-1]
    items = schemas[name].get("properties", {}).get("items")
    if items is not None:
        return _models(schemas, items["items"])
    return [name]


def test_no_validation_error_shape_is_left(client: TestClient) -> None:
    text = client.get("/openapi.json").text
    assert "HTTPValidationError" not in text


def test_docs_pages_load_nothing_from_other_origins(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        assets = ASSET.findall(response.text)
        assert assets, page
        for asset in assets:
            assert not asset.startswith(("http:", "https:", "//")), asset
            assert client.get(asset).status_code == 200, asset
        assert "cdn" not in response.text.lower()
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI's default validity badge is an image from validator.swagger.io.
    assert '"validatorUrl": null' in client.get("/docs").text


def test_committed_document_is_the_code(client: TestClient) -> None:
    """`openapi.json` is the contract partners review; a change to the API must show there.
    Regenerate it with `.venv/bin/newsroom openapi --output openapi.json`."""
    committed = json.loads((Path(__file__).resolve().parents[1] / "openapi.json").read_text())
    assert client.get("/openapi.json").json() == committed, (
        "openapi.json differs from the code: run `.venv/bin/newsroom openapi --output "
        "openapi.json` and review the diff"
    )


def test_conditional_reads_and_writes_document_their_headers(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    listing = document["paths"]["/v1/statements"]["get"]
    names = {(p["in"], p["name"]) for p in listing["parameters"]}
    assert ("header", "If-None-Match") in names
    assert {"ETag", "Cache-Control", "Link"} <= set(listing["responses"]["200"]["headers"])
    assert "304" in listing["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            if "428" in operation["responses"]:
                assert headers["If-Match"]["required"] is True, f"{method} {path}"
            if method == "post" and "201" in operation["responses"]:
                assert "Idempotency-Key" in headers, path
                assert "Location" in operation["responses"]["201"]["headers"], path


def test_creates_link_to_the_operations_on_what_they_made(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    created = document["paths"]["/v1/statements"]["post"]["responses"]["201"]
    links = created["links"]
    update = next(link for link in links.values() if link["operationId"] == "update_statement")
    assert update["parameters"]["header.If-Match"] == "$response.header.ETag"
    assert "$response.body#/id" in update["parameters"].values()
