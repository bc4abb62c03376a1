"""Every error is an RFC 9457 problem, the router's own included, and never echoes input."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/secret-admin-panel")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert body["type"] == "/problems/not-found"
    assert body["request_id"] == response.headers["x-request-id"]
    assert "secret-admin-panel" not in response.text


def test_wrong_method_is_a_405_problem_allowing_every_method_of_the_path(
    client: TestClient,
) -> None:
    collection = client.delete("/v1/statements")
    assert collection.status_code == 405
    assert collection.headers["content-type"] == PROBLEM
    assert collection.json()["type"] == "/problems/method-not-allowed"
    assert collection.headers["allow"] == "GET, HEAD, POST"
    # Two routes share this path: the public read and the editors' update and delete.
    item = client.put("/v1/statements/stm_01j00000000000000000000000")
    assert item.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    action = client.get("/v1/statements/stm_01j00000000000000000000000/publish")
    assert action.status_code == 405
    assert action.headers["allow"] == "POST"


def test_validation_errors_name_the_parameter_without_echoing_it(client: TestClient) -> None:
    response = client.get("/v1/statements?published_from=<script>alert(1)</script>")
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/problems/invalid-parameters"
    assert body["errors"] == [
        {"detail": body["errors"][0]["detail"], "parameter": "published_from"}
    ]
    assert "script" not in response.text


def test_unhandled_error_is_a_generic_500_problem(app: FastAPI) -> None:
    @app.get("/v1/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/internal-error"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    for leak in ("hunter2", "Traceback", "RuntimeError", ".py"):
        assert leak not in response.text
    assert response.json()["request_id"] == response.headers["x-request-id"]


def test_errors_are_never_cached(client: TestClient) -> None:
    for url in ("/nope", "/v1/statements?limit=0", "/v1/statements/nope"):
        assert client.get(url).headers["cache-control"] == "no-store"


def test_problem_types_are_documented(client: TestClient) -> None:
    problem = client.get("/v1/statements?cursor=x").json()
    doc = client.get(problem["type"])
    assert doc.status_code == 200
    assert doc.json()["title"] == problem["title"]
    assert client.get("/problems/no-such-type").status_code == 404


def test_security_headers_on_success_and_error(client: TestClient) -> None:
    for url in ("/v1/statements", "/nope"):
        headers = client.get(url).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert headers["referrer-policy"] == "no-referrer"
        assert "server" not in headers


def test_a_well_formed_request_id_is_kept(client: TestClient) -> None:
    response = client.get("/v1/statements", headers={"X-Request-ID": "partner-trace-0001"})
    assert response.headers["x-request-id"] == "partner-trace-0001"
    odd = client.get("/v1/statements", headers={"X-Request-ID": "<bad id>"})
    assert odd.headers["x-request-id"] != "<bad id>"
