"""One shape per concept: a commitment's editorial shape uses the public names and formats, and
what an editor reads can be sent back as it is."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Scope
from tests.commitments.test_editing import SEED, create, new_commitment
from tests.factories import make_key

SENT_BACK = ("actors", "source", "translations", "indicators", "resources", "kinds", "places")


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    return make_key(session, Scope.COMMITMENTS_WRITE, Scope.CONTENT_PUBLISH)


def _publish(client: TestClient, editor: dict[str, str], created: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/commitments/{created.json()['id']}/publish",
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_editorial_fields_carry_the_public_names_and_formats(
    client: TestClient, editor: dict[str, str]
) -> None:
    editorial = _publish(client, editor, create(client, editor))
    public = client.get(f"/v1/commitments/{editorial['id']}?lang=en").json()
    assert editorial["source"] == {
        "statement_id": public["source"]["statement_id"],
        "anchor": public["source"]["anchor"],
        "url": public["source"]["url"],
    }
    assert public["source"]["statement_id"] == SEED
    assert {(a["id"], a["role"]) for a in editorial["actors"]} == {
        (a["id"], a["role"]) for a in public["actors"]
    }
    assert (
        editorial["resources"]
        == public["resources"]
        == {
            "amount": "1500000.00",
            "currency": "USD",
        }
    )
    for name in ("code", "kinds", "places", "terms", "made_on", "due_on", "due_precision"):
        assert editorial[name] == public[name], name


def test_what_an_editor_reads_can_be_sent_back(client: TestClient, editor: dict[str, str]) -> None:
    indicator = {"names": {"en": "Officials trained"}, "unit": "people", "target": 200}
    created = create(client, editor, indicators=[indicator])
    read = client.get(f"/v1/commitments/{created.json()['id']}/editorial", headers=editor)
    assert read.json()["indicators"] == [{**indicator, "baseline": None, "current": None}]
    body = {name: read.json()[name] for name in SENT_BACK}
    body["resources"]["amount"] = "2000000.50"
    patched = client.patch(
        f"/v1/commitments/{created.json()['id']}",
        json=body,
        headers={**editor, "If-Match": read.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["resources"] == {"amount": "2000000.50", "currency": "USD"}
    assert {n: patched.json()[n] for n in SENT_BACK if n != "resources"} == {
        n: read.json()[n] for n in SENT_BACK if n != "resources"
    }


@pytest.mark.parametrize("amount", [1500000, 1500000.5, "1e6", "-1.00", "1.234", "NaN"])
def test_an_amount_is_a_decimal_string(
    client: TestClient, editor: dict[str, str], amount: Any
) -> None:
    body = new_commitment(client, resources={"amount": amount, "currency": "USD"})
    response = client.post("/v1/commitments", json=body, headers=editor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/resources/amount"


def test_whole_amounts_are_served_with_two_decimals(
    client: TestClient, editor: dict[str, str]
) -> None:
    created = create(client, editor, resources={"amount": "85000", "currency": "EUR"})
    assert created.json()["resources"] == {"amount": "85000.00", "currency": "EUR"}
