"""One shape per concept: a statement's editorial shape is its public shape plus editorial
fields (same names, same formats), and what an editor reads can be sent back as it is."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_key
from tests.statements.test_editing import EDITOR, act, create, draft

# What a PATCH takes back from the editorial representation.
SENT_BACK = ("type", "dateline", "places", "topics", "terms", "translations")


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, *EDITOR)


def _published(client: TestClient, editor: dict[str, str]) -> Any:
    body = {**draft(slug="shape-test"), "dateline": {"place": "CHE"}}
    body["translations"]["en"]["dateline"] = "Geneva"
    body["translations"]["fr"] = {
        **body["translations"]["en"],
        "slug": "essai-de-forme",
        "title": "Un essai",
        "dateline": "Genève",
    }
    created = client.post("/v1/statements", json=body, headers=editor)
    assert created.status_code == 201, created.text
    published = act(client, editor, created, "publish")
    assert published.status_code == 200, published.text
    return published


def test_editorial_fields_carry_the_public_names_and_formats(
    client: TestClient, editor: dict[str, str]
) -> None:
    editorial = _published(client, editor).json()
    public = client.get(f"/v1/statements/{editorial['id']}?lang=fr").json()
    assert editorial["dateline"] == {"place": "CHE"}
    assert public["dateline"] == {"place": "CHE", "text": "Genève", "label": "Suisse"}
    assert public["labels"]["places"]["CHE"] == {"label": "Suisse", "fallback": False}
    # The same map, keyed by language; the editorial one adds the texts.
    assert set(public["translations"]) == set(editorial["translations"]) == {"en", "fr"}
    for lang, link in public["translations"].items():
        assert link == {
            "slug": editorial["translations"][lang]["slug"],
            "title": editorial["translations"][lang]["title"],
        }
    for name in ("type", "places", "topics", "terms", "published_at", "updated_at"):
        assert editorial[name] == public[name], name


def test_what_an_editor_reads_can_be_sent_back(client: TestClient, editor: dict[str, str]) -> None:
    created = create(client, editor, slug="round-trip")
    read = client.get(f"/v1/statements/{created.json()['id']}/editorial", headers=editor)
    body = {name: read.json()[name] for name in SENT_BACK}
    body["dateline"] = {"place": "HND"}
    sent = client.patch(
        f"/v1/statements/{created.json()['id']}",
        json=body,
        headers={**editor, "If-Match": read.headers["etag"]},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["dateline"] == {"place": "HND"}
    assert sent.json()["translations"] == read.json()["translations"]
