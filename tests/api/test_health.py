"""Health probes for load balancers and orchestrators."""

from fastapi.testclient import TestClient


def test_live_and_ready(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.headers["cache-control"] == "no-store"


def test_health_refuses_unknown_parameters(client: TestClient) -> None:
    assert client.get("/health/live?verbose=1").status_code == 422
