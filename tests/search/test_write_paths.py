"""Every way text is written reaches the index: commitment editing and publishing, and the
snapshot import (statement editing, pending copies and the demo loaders are covered by the
other tests of this package)."""

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.commitments import editing as commitments_editing
from app.commitments.write_schemas import CommitmentCreate, CommitmentUpdate
from app.sync.importing import Importer
from tests.conftest import FIXED_NOW, TEST_SETTINGS
from tests.search.helpers import EDITOR, ids, search


def test_a_commitment_is_found_once_published_and_follows_its_edits(
    client: TestClient, session: Session
) -> None:
    data = CommitmentCreate.model_validate(
        {
            "code": "SEARCH-2026-01",
            "actors": [{"id": "iom", "role": "lead"}],
            "made_on": "2026-11-20",
            "translations": {
                "en": {"title": "Zzpledged shelters", "summary": "S.", "text": "Zzbodytext."}
            },
        }
    )
    commitment = commitments_editing.create(session, data, principal=EDITOR, now=FIXED_NOW)
    session.commit()
    assert search(client, "/v1/commitments", q="zzpledged") == []
    commitment = commitments_editing.load(session, commitment.id)
    commitments_editing.set_published(
        session, commitment, publish=True, principal=EDITOR, now=FIXED_NOW
    )
    session.commit()
    assert ids(search(client, "/v1/commitments", q="zzbodytext")) == {commitment.id}
    update = CommitmentUpdate.model_validate(
        {"translations": {"en": {"title": "Zzrenamed shelters", "summary": "S.", "text": "T."}}}
    )
    commitment = commitments_editing.load(session, commitment.id)
    commitments_editing.update(session, commitment, update, principal=EDITOR, now=FIXED_NOW)
    session.commit()
    assert ids(search(client, "/v1/search", q="zzrenamed")) == {commitment.id}
    assert search(client, "/v1/search", q="zzpledged") == []


def test_an_imported_statement_is_searchable(client: TestClient, session: Session) -> None:
    lines = client.get("/v1/export/statements.ndjson?lang=en").text.splitlines()
    record = json.loads(next(line for line in lines if '"item"' in line))
    item = record["item"]
    text = json.dumps(record)
    imported = json.loads(
        text.replace(record["id"], "stm_0000000000000000000search01")
        .replace(item["slug"], "imported-for-search")
        .replace(item["title"], "Zzimported statement")
    )
    importer = Importer(
        session=session,
        now=FIXED_NOW,
        default=TEST_SETTINGS.default_language,
        served=TEST_SETTINGS.languages,
    )
    assert importer.one(imported)
    session.commit()
    assert ids(search(client, q="zzimported")) == {"stm_0000000000000000000search01"}
