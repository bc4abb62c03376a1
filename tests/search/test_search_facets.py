"""`facets=type` on `GET /v1/search`: the hits of each kind, counted by the facet engine."""

from typing import Any

from fastapi.testclient import TestClient


def _get(client: TestClient, params: list[tuple[str, str]]) -> Any:
    response = client.get("/v1/search", params=tuple(params))
    assert response.status_code == 200, response.text
    return response.json()


def _total(client: TestClient, params: list[tuple[str, str]]) -> int:
    total = _get(client, [*params, ("include_total", "true")])["total"]
    assert isinstance(total, int)
    return total


def test_each_kind_counts_what_searching_only_that_kind_finds(client: TestClient) -> None:
    for q in ("trafficking", "migrants", "protection OR pledge"):
        values = _get(client, [("q", q), ("facets", "type")])["facets"]["type"]
        assert {v["value"] for v in values} >= {"statement", "commitment"}, q
        for value in values:
            alone = _total(client, [("q", q), ("type", value["value"])])
            assert value["count"] == value["count_if_selected"] == alone, (q, value)
        assert sum(v["count"] for v in values) == _total(client, [("q", q)])


def test_a_kind_not_asked_for_counts_what_it_would_add(client: TestClient) -> None:
    params = [("q", "trafficking"), ("type", "statement"), ("facets", "type")]
    values = {v["value"]: v for v in _get(client, params)["facets"]["type"]}
    commitments = _total(client, [("q", "trafficking"), ("type", "commitment")])
    assert values["commitment"]["count"] == 0
    assert values["commitment"]["count_if_selected"] == commitments > 0
    statements = _total(client, [("q", "trafficking"), ("type", "statement")])
    assert values["statement"]["count"] == statements > 0


def test_facets_are_null_unless_asked_for_and_unknown_ones_are_a_422(client: TestClient) -> None:
    assert _get(client, [("q", "trafficking")])["facets"] is None
    response = client.get("/v1/search", params={"q": "trafficking", "facets": "topic"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "facets"
