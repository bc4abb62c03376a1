"""Menus over HTTP: whole trees per language, links per language, breadcrumbs."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.changes import service as changes_service
from app.demo.loader import statement_id_for
from app.navigation.models import ItemKind, Menu, NavigationItem
from app.publication import PublicationStatus
from app.statements.models import Statement
from tests.conftest import QueryCounter

SEED_FR = (
    "communique-de-loim-propos-de-la-declaration-de-los-angeles-sur-la-migration-et-la-protection"
)


def flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [node for item in items for node in (item, *flatten(item["children"]))]


def find(items: list[dict[str, Any]], label_en: str, client: TestClient) -> dict[str, Any]:
    english = flatten(client.get("/v1/navigation/main").json()["items"])
    wanted = next(i["id"] for i in english if i["label"] == label_en)
    return next(i for i in flatten(items) if i["id"] == wanted)


class TestTree:
    def test_french_tree_in_order_with_untranslated_labels_flagged(
        self, client: TestClient
    ) -> None:
        response = client.get("/v1/navigation/main?lang=fr")
        assert response.status_code == 200
        assert response.headers["content-language"] == "fr"
        tree = response.json()
        assert [i["label"] for i in tree["items"]] == [
            "Qui sommes nous",
            "Notre travail",
            "Où travaillons-nous",
            "Agir",
            "Données et recherche",
            "2030 Agenda",
        ]
        agenda = tree["items"][-1]
        assert agenda["lang"] == "en"
        assert agenda["fallback"] == {"requested_lang": "fr", "fields": ["label"]}
        our_work = tree["items"][1]
        assert [c["label"] for c in our_work["children"]] == [
            "Ce que nous faisons",
            "Partenariats",
            "Temps forts",
        ]
        assert our_work["blurb"].startswith("Comment")
        nodes = flatten(tree["items"])
        assert len(nodes) == 43
        translated = [n for n in nodes if n["fallback"] is None]
        assert all(n["lang"] == "fr" for n in translated)

    def test_depth_cuts_the_tree(self, client: TestClient) -> None:
        shallow = client.get("/v1/navigation/main?depth=1").json()
        assert len(shallow["items"]) == 6
        assert all(i["children"] == [] for i in shallow["items"])
        assert client.get("/v1/navigation/main?depth=0").status_code == 422

    def test_menus_are_listed(self, client: TestClient) -> None:
        keys = [m["key"] for m in client.get("/v1/navigation").json()["items"]]
        assert keys == ["footer", "main"]

    def test_unknown_menu_is_404(self, client: TestClient) -> None:
        assert client.get("/v1/navigation/sidebar").status_code == 404

    def test_unchanged_tree_answers_304(self, client: TestClient) -> None:
        etag = client.get("/v1/navigation/main?lang=es").headers["etag"]
        again = client.get("/v1/navigation/main?lang=es", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["cache-control"].startswith("public")


class TestStatementLinks:
    def test_href_follows_the_language(self, client: TestClient) -> None:
        items_fr = client.get("/v1/navigation/main?lang=fr").json()["items"]
        items_es = client.get("/v1/navigation/main?lang=es").json()["items"]
        label = "Los Angeles Declaration: IOM's statement"
        french = find(items_fr, label, client)
        spanish = find(items_es, label, client)
        assert french["href"] == f"/fr/news/{SEED_FR}"
        assert spanish["href"].startswith("/es/news/comunicado-de-la-oim")
        english = find(client.get("/v1/navigation/main").json()["items"], label, client)
        assert english["href"] == (
            "/news/iom-statement-los-angeles-declaration-migration-and-protection"
        )
        assert french["target"] == {"type": "statement", "id": statement_id_for("iom-lad-2022")}

    def test_unpublishing_the_statement_removes_the_item(
        self, client: TestClient, session: Session
    ) -> None:
        before = flatten(client.get("/v1/navigation/main").json()["items"])
        statement = session.get(Statement, statement_id_for("iom-lad-2022"))
        assert statement is not None
        statement.publication_status = PublicationStatus.DRAFT
        session.flush()
        changes_service.bump(session)
        after = flatten(client.get("/v1/navigation/main").json()["items"])
        assert len(after) == len(before) - 1
        assert all(n["kind"] != "content" for n in after)


class TestBreadcrumbs:
    def test_third_level_path_lists_root_to_leaf(self, client: TestClient) -> None:
        for path in (
            "/our-work/what-we-do/crisis-response",
            "/es/our-work/what-we-do/crisis-response/",
        ):
            trail = client.get(
                "/v1/navigation/main/breadcrumbs", params={"path": path, "lang": "es"}
            ).json()
            assert [c["label"] for c in trail["items"]] == [
                "Nuestro trabajo",
                "Qué hacemos",
                "Respuesta a crisis",
            ]
            assert trail["items"][-1]["href"] == "/es/our-work/what-we-do/crisis-response"

    def test_statement_page_has_a_trail_in_the_paths_language(self, client: TestClient) -> None:
        response = client.get(
            "/v1/navigation/main/breadcrumbs", params={"path": f"/fr/news/{SEED_FR}"}
        )
        trail = response.json()
        assert [c["label"] for c in trail["items"]][:2] == ["Notre travail", "Temps forts"]
        assert trail["items"][-1]["href"] == f"/fr/news/{SEED_FR}"
        assert response.headers["content-language"] == "fr"
        assert response.headers["vary"] == "Accept-Language"

    def test_path_language_beats_accept_language(self, client: TestClient) -> None:
        path = "/our-work/what-we-do/crisis-response"
        spanish = {"Accept-Language": "es"}
        unprefixed = client.get(
            "/v1/navigation/main/breadcrumbs", params={"path": path}, headers=spanish
        )
        assert next(c["label"] for c in unprefixed.json()["items"]) == "Our Work"
        assert unprefixed.headers["content-language"] == "en"
        prefixed = client.get(
            "/v1/navigation/main/breadcrumbs", params={"path": f"/fr{path}"}, headers=spanish
        )
        assert next(c["label"] for c in prefixed.json()["items"]) == "Notre travail"

    def test_lang_parameter_beats_the_paths_language(self, client: TestClient) -> None:
        response = client.get(
            "/v1/navigation/main/breadcrumbs",
            params={"path": "/es/our-work/what-we-do", "lang": "fr"},
        )
        assert [c["label"] for c in response.json()["items"]] == [
            "Notre travail",
            "Ce que nous faisons",
        ]
        assert response.headers["content-language"] == "fr"

    def test_trail_by_item_follows_accept_language(self, client: TestClient) -> None:
        leaf = flatten(client.get("/v1/navigation/main").json()["items"])[2]
        response = client.get(
            f"/v1/navigation/main/breadcrumbs?item={leaf['id']}",
            headers={"Accept-Language": "es-MX, en;q=0.5"},
        )
        assert response.json()["items"][0]["label"] == "Quiénes somos"
        assert response.headers["content-language"] == "es"
        etag = response.headers["etag"]
        again = client.get(
            f"/v1/navigation/main/breadcrumbs?item={leaf['id']}",
            headers={"Accept-Language": "es-MX, en;q=0.5", "If-None-Match": etag},
        )
        assert again.status_code == 304
        assert again.headers["vary"] == "Accept-Language"
        assert again.headers["content-language"] == "es"

    def test_by_item_id(self, client: TestClient) -> None:
        leaf = flatten(client.get("/v1/navigation/main").json()["items"])[2]
        trail = client.get(f"/v1/navigation/main/breadcrumbs?item={leaf['id']}").json()
        assert trail["items"][-1]["id"] == leaf["id"]
        assert len(trail["items"]) == 3

    def test_unknown_path_is_a_404_problem(self, client: TestClient) -> None:
        response = client.get("/v1/navigation/main/breadcrumbs?path=/nowhere/at/all")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_path_or_item_is_required(self, client: TestClient) -> None:
        assert client.get("/v1/navigation/main/breadcrumbs").status_code == 422


def make_big_menu(session: Session, key: str, fanout: tuple[int, ...]) -> int:
    """A menu with the given branching per level, inserted in bulk."""
    session.add(Menu(key=key, names={"en": key}, publication_status=PublicationStatus.PUBLISHED))
    session.flush()
    rows: list[dict[str, Any]] = []
    parents: list[str | None] = [None]
    for level, width in enumerate(fanout):
        children: list[str | None] = []
        for parent in parents:
            for position in range(width):
                item_id = f"nav_{key}_{level}_{len(rows)}"
                rows.append(
                    {
                        "id": item_id,
                        "menu_key": key,
                        "parent_id": parent,
                        "position": position,
                        "kind": ItemKind.ROUTE,
                        "route": f"/{item_id}",
                        "visible": True,
                        "labels": {"en": item_id, "fr": f"fr {item_id}"},
                        "blurbs": {},
                        "publication_status": PublicationStatus.PUBLISHED,
                    }
                )
                children.append(item_id)
        parents = children
    session.execute(insert(NavigationItem), rows)
    changes_service.bump(session)
    return len(rows)


def test_a_thousand_items_take_as_many_queries_as_ten(
    client: TestClient, session: Session, count_queries: QueryCounter
) -> None:
    assert make_big_menu(session, "small", (2, 4)) == 10
    assert make_big_menu(session, "big", (10, 9, 10)) == 1000
    counts = {}
    for key, size in (("small", 10), ("big", 1000)):
        count_queries.count = 0
        tree = client.get(f"/v1/navigation/{key}?lang=fr").json()
        assert len(flatten(tree["items"])) == size
        counts[key] = count_queries.count
    assert counts["small"] == counts["big"]
    etag = client.get("/v1/navigation/big?lang=fr").headers["etag"]
    assert (
        client.get("/v1/navigation/big?lang=fr", headers={"If-None-Match": etag}).status_code == 304
    )
