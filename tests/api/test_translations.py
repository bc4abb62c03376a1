"""PATCH merges per-language maps the same way on every resource (app/api/translations.py):
a language left out is kept, one given is replaced, `null` removes it, the last cannot go."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from app.demo.loader import statement_id_for
from tests.factories import make_key

SEED = statement_id_for("iom-lad-2022")


def statement_text(lang: str, title: str) -> dict[str, Any]:
    return {
        "slug": f"merge-test-{lang}",
        "title": title,
        "summary": "Summary.",
        "body": [{"anchor": "p-1", "text": "A paragraph."}],
    }


def commitment_text(lang: str, title: str) -> dict[str, Any]:
    return {"title": title, "summary": "S.", "text": "T."}


def label(lang: str, title: str) -> str:
    return title


@dataclass(frozen=True)
class Resource:
    name: str
    scopes: tuple[Scope, ...]
    create_url: str
    create: Callable[[dict[str, Any]], dict[str, Any]]  # the body, given the first map
    item_url: Callable[[dict[str, Any]], str]  # from the create response's body
    editorial_url: Callable[[dict[str, Any]], str]
    field: str
    value: Callable[[str, str], Any]  # a map value for (lang, title)
    title_of: Callable[[Any], str]  # the title back out of a stored value


RESOURCES = [
    Resource(
        "statement",
        (Scope.STATEMENTS_WRITE,),
        "/v1/statements",
        lambda texts: {"type": "news", "translations": texts},
        lambda body: f"/v1/statements/{body['id']}",
        lambda body: f"/v1/statements/{body['id']}/editorial",
        "translations",
        statement_text,
        lambda value: str(value["title"]),
    ),
    Resource(
        "commitment",
        (Scope.COMMITMENTS_WRITE,),
        "/v1/commitments",
        lambda texts: {
            "code": "MERGE-2026-01",
            "actors": [{"id": "iom", "role": "lead"}],
            "made_on": "2026-11-01",
            "source": {"statement_id": SEED},
            "translations": texts,
        },
        lambda body: f"/v1/commitments/{body['id']}",
        lambda body: f"/v1/commitments/{body['id']}/editorial",
        "translations",
        commitment_text,
        lambda value: str(value["title"]),
    ),
    Resource(
        "actor",
        (Scope.TAXONOMIES_WRITE, Scope.CONTENT_PUBLISH),
        "/v1/actors",
        lambda names: {"slug": "merge-test", "type": "ngo", "names": names},
        lambda body: f"/v1/actors/{body['id']}",
        lambda body: f"/v1/actors/{body['id']}/editorial",
        "names",
        label,
        str,
    ),
    Resource(
        "topic",
        (Scope.TAXONOMIES_WRITE, Scope.CONTENT_PUBLISH),
        "/v1/topics",
        lambda names: {"slug": "merge-test", "names": names},
        lambda body: f"/v1/topics/{body['slug']}",
        lambda body: f"/v1/topics/{body['slug']}/editorial",
        "names",
        label,
        str,
    ),
    Resource(
        "menu item",
        (Scope.NAVIGATION_WRITE, Scope.CONTENT_PUBLISH),
        "/v1/navigation/main/items",
        lambda labels: {"kind": "route", "route": "/merge-test", "labels": labels},
        lambda body: f"/v1/navigation/main/items/{body['id']}",
        lambda body: f"/v1/navigation/main/items/{body['id']}",
        "labels",
        label,
        str,
    ),
]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_patch_merges_per_language(
    client: TestClient, session: Session, resource: Resource
) -> None:
    headers = make_key(session, *resource.scopes)
    first = {"en": resource.value("en", "English"), "fr": resource.value("fr", "Français")}
    created = client.post(resource.create_url, json=resource.create(first), headers=headers)
    assert created.status_code == 201, created.text
    url = resource.item_url(created.json())
    etag = created.headers["etag"]

    def patch(change: dict[str, Any]) -> Any:
        nonlocal etag
        response = client.patch(
            url, json={resource.field: change}, headers={**headers, "If-Match": etag}
        )
        if response.status_code == 200:
            etag = response.headers["etag"]
        return response

    def stored() -> dict[str, str]:
        body = client.get(resource.editorial_url(created.json()), headers=headers).json()
        return {lang: resource.title_of(value) for lang, value in body[resource.field].items()}

    # A language given is added or replaced; the ones left out are kept.
    assert patch({"es": resource.value("es", "Español")}).status_code == 200
    assert patch({"fr": resource.value("fr", "Français, revu")}).status_code == 200
    assert stored() == {"en": "English", "fr": "Français, revu", "es": "Español"}

    # `null` removes a language; an empty map changes nothing.
    assert patch({"fr": None, "es": None}).status_code == 200
    assert patch({}).status_code == 200
    assert stored() == {"en": "English"}

    # The last language cannot go.
    refused = patch({"en": None})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == f"#/{resource.field}"
    assert stored() == {"en": "English"}
