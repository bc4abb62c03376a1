"""Actors over HTTP."""

from fastapi.testclient import TestClient


def test_actor_names_and_acronyms_follow_the_language(client: TestClient) -> None:
    iom = client.get("/v1/actors/iom?lang=es").json()
    assert iom["acronym"] == "OIM"
    assert iom["type"] == "igo"
    mexico = client.get("/v1/actors/state-mex?lang=fr").json()
    assert mexico["name"] == "Mexique"
    assert mexico["iso3"] == "MEX"


def test_filter_by_type(client: TestClient) -> None:
    states = client.get("/v1/actors?type=state&limit=100").json()["items"]
    assert len(states) >= 21
    assert {a["type"] for a in states} == {"state"}
    assert client.get("/v1/actors?type=alien").status_code == 422


def test_unknown_actor_is_404(client: TestClient) -> None:
    assert client.get("/v1/actors/nobody").status_code == 404
