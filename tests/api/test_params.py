"""Query parameters are read as the OpenAPI document writes them."""

from fastapi.testclient import TestClient


def test_query_days_are_written_as_calendar_days(client: TestClient) -> None:
    """`0` would otherwise read as the Unix epoch: a day is YYYY-MM-DD or a 422."""
    for path in (
        "/v1/statements?published_to=0",
        "/v1/commitments?made_to=1700000000",
        "/v1/commitments/summary?made_from=0",
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.json()["errors"][0]["parameter"] in {"published_to", "made_to", "made_from"}
    assert client.get("/v1/statements?published_to=2023-12-31").status_code == 200
