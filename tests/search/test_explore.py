from fastapi.testclient import TestClient


def test_explore(client: TestClient) -> None:
    for q, lang in [("migrant", "en"), ("migrants", "fr"), ('"human trafficking"', "en"), ("trafficking", "en"), ("human trafficking", "en"), ("trafficking -Libya", "en"), ("regularisation", "fr"), ("regularisation", "en"), ("libya", "en")]:
        r = client.get("/v1/statements", params={"q": q, "lang": lang, "limit": 100, "include_total": "true"})
        print(q, lang, r.status_code, r.json().get("total"), [(i["id"][-6:], i["lang"], i["score"], i["title"][:40]) for i in r.json().get("items", [])][:12])
        if r.json().get("items"):
            print("   ", r.json()["items"][0]["snippet"])
    r = client.get("/v1/statements", params={"q": 'x "unclosed'})
    print(r.status_code, r.json())
    r = client.get("/v1/statements", params={"sort": "relevance"})
    print(r.status_code, r.json())
