"""A database that is down is a 503 problem with Retry-After, never a 500; CORS for frontends."""

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import TEST_SETTINGS


def test_unreachable_database_is_a_503_problem() -> None:
    settings = TEST_SETTINGS.model_copy(
        update={"database_url": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"}
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for url in ("/v1/statements", "/health/ready"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            assert "psycopg" not in response.text
        assert client.get("/health/live").status_code == 200


def test_cors_answers_listed_origins_only(settings: Settings, engine: object) -> None:
    configured = settings.model_copy(update={"cors_origins": ("https://www.example.org",)})
    with TestClient(create_app(configured)) as client:
        allowed = client.options(
            "/v1/statements",
            headers={"Origin": "https://www.example.org", "Access-Control-Request-Method": "GET"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://www.example.org"
        read = client.get("/v1/statements?limit=1", headers={"Origin": "https://www.example.org"})
        assert read.headers["access-control-allow-origin"] == "https://www.example.org"
        exposed = read.headers["access-control-expose-headers"]
        assert "ETag" in exposed
        assert "Link" in exposed
        other = client.options(
            "/v1/statements",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in other.headers
